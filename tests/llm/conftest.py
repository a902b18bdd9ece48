"""Fixtures: a scripted local OpenAI-compatible server and configs pointing at it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from extractor.backends import get_backend
from extractor.llm.config import LLMConfig
from extractor.models import DocumentResult
from extractor.pipeline import extract_document
from tests.llm.fake_server import Answer, Error, FakeOpenAI, Reply, first_user


def default_reply(body: dict[str, Any]) -> Reply:
    """Narrative chunks nobody scripted state no figures; anything else unscripted is a 404."""
    if first_user(body).startswith("报告正文片段"):
        return Answer({"figures": []})
    return Error(404, message="unscripted request")


@pytest.fixture
def server() -> Iterator[FakeOpenAI]:
    with FakeOpenAI(default=default_reply) as fake:
        yield fake


ConfigFactory = Callable[..., LLMConfig]


@pytest.fixture
def make_config(server: FakeOpenAI, tmp_path: Path) -> ConfigFactory:
    def make(**changes: Any) -> LLMConfig:
        values: dict[str, Any] = {
            "base_url": server.base_url,
            "model": "fake-model",
            "api_key": "test-key",
            "cache_dir": tmp_path / "cache",
            "timeout": 2.0,
            "max_retries": 2,
            "validation_retries": 1,
            "concurrency": 4,
        }
        values.update(changes)
        return LLMConfig(**values)

    return make


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, str], Path]:
    def write_file(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write_file


def run_llm(config: LLMConfig, path: Path, backend: str = "llm") -> DocumentResult:
    """The pipeline on one file with a model backend built from `config`."""
    return extract_document(path, backend=get_backend(backend, llm=config))
