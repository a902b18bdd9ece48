"""Shared fixtures: a store with the demo documents, and an HTTP client on it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from extractor.review import ReviewStore
from extractor.review.web.app import create_app
from extractor.review.web.security import CSRF_COOKIE
from tests.review.fixtures import DOC_ID, build, build_script_doc

BASE = "http://127.0.0.1:8765"


@pytest.fixture()
def store(tmp_path: Path) -> Iterator[ReviewStore]:
    store = ReviewStore.open(tmp_path / "review.db")
    result, pages = build()
    store.import_result(result, pages)
    script, script_pages = build_script_doc()
    store.import_result(script, script_pages)
    yield store
    store.close()


@pytest.fixture()
def client(store: ReviewStore) -> Iterator[TestClient]:
    with TestClient(create_app(store, reviewer="测试员"), base_url=BASE) as http:
        http.get("/")  # receive the CSRF cookie like a browser opening the page
        yield http


def csrf_headers(http: TestClient) -> dict[str, str]:
    return {"X-CSRF-Token": http.cookies.get(CSRF_COOKIE) or ""}


def decide(http: TestClient, doc_id: str = DOC_ID, **body: Any) -> Any:
    body.setdefault("project", "p1")
    body.setdefault("reviewer", "张三")
    body.setdefault("version", 0)
    return http.post(f"/api/documents/{doc_id}/decisions", json=body, headers=csrf_headers(http))


def field(http: TestClient, path: str, project: str = "p1", doc_id: str = DOC_ID) -> Any:
    response = http.get(f"/api/documents/{doc_id}/field", params={"project": project, "path": path})
    assert response.status_code == 200, response.text
    return response.json()
