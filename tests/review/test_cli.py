"""Commands around the store: `review import`, `store_results` (for `run --db`),
`serve` safety checks, and a killed server losing no committed decision."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from typer import Typer
from typer.testing import CliRunner

from extractor.review import ReviewStore
from extractor.review.cli import register, store_results
from extractor.review.web.security import CSRF_COOKIE, is_loopback
from tests.review.fixtures import DOC_ID, WRONG_SCORE, build

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


def _app() -> Typer:
    app = Typer()
    register(app)
    return app


def _write_output(folder: Path) -> None:
    """An `extractor run` output folder: the result JSON, with its source beside it."""
    result, pages = build()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{DOC_ID}.json").write_text(result.model_dump_json(indent=2), encoding="utf-8")
    (folder / f"{DOC_ID}.txt").write_text(pages[0], encoding="utf-8")


def test_review_import_loads_results_and_their_source(tmp_path: Path) -> None:
    _write_output(tmp_path / "out")
    (tmp_path / "out" / "broken.json").write_text("{not json", encoding="utf-8")
    (tmp_path / "out" / "run.json").write_text('{"documents": 1}', encoding="utf-8")
    db = str(tmp_path / "r.db")
    result = runner.invoke(_app(), ["review", "import", str(tmp_path / "out"), "--db", db])
    assert result.exit_code == 1  # the broken file is reported
    assert "broken.json" in result.output and DOC_ID in result.output and "新导入" in result.output
    assert "run.json" not in result.output  # the run report beside the results is no result
    store = ReviewStore.open(db)
    assert store.doc_ids() == [DOC_ID]
    assert "养护里程" in store.pages(DOC_ID)[1]
    again = runner.invoke(
        _app(), ["review", "import", str(tmp_path / "out" / f"{DOC_ID}.json"), "--db", db]
    )
    assert again.exit_code == 0 and "未变化" in again.output


def test_store_results_for_run_db(tmp_path: Path) -> None:
    result, pages = build()
    source = tmp_path / "docs" / f"{DOC_ID}.txt"
    source.parent.mkdir()
    source.write_text(pages[0], encoding="utf-8")
    result.source.path = str(source)
    outcomes = store_results(str(tmp_path / "r.db"), [result])
    assert [(o.doc_id, o.status, o.has_source) for o in outcomes] == [(DOC_ID, "new", True)]
    store = ReviewStore.open(tmp_path / "r.db")
    (run,) = store.runs()  # one run, named for the dashboard's run list
    assert run.label.startswith("run ") and "1 个文档" in run.label and run.documents == 1
    assert store.document_view(DOC_ID).record.source_file == str(source.resolve())
    store.close()


def test_loopback_addresses_need_no_token() -> None:
    for host in ("127.0.0.1", "127.0.0.2", "localhost", "::1", "[::1]"):
        assert is_loopback(host), host
    for host in ("0.0.0.0", "192.168.1.5", "evil.example", "127.0.0.1.evil.example", ""):
        assert not is_loopback(host), host


def test_serve_refuses_other_addresses_without_token(tmp_path: Path) -> None:
    db = str(tmp_path / "r.db")
    result = runner.invoke(_app(), ["serve", "--db", db, "--host", "0.0.0.0"])
    assert result.exit_code == 2 and "--token" in result.output
    short = runner.invoke(_app(), ["serve", "--db", db, "--host", "0.0.0.0", "--token", "abc"])
    assert short.exit_code == 2 and "太短" in short.output


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for(url: str, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=0.5)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise AssertionError(f"server did not start: {url}")


def test_killed_server_loses_no_committed_decision(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    result, pages = build()
    ReviewStore.open(db).import_result(result, pages)
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "extractor.review.cli",
            "serve",
            "--db",
            str(db),
            "--port",
            str(port),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_for(base + "/api/documents", time.monotonic() + 20)
        with httpx.Client(base_url=base) as http:
            http.get("/")
            response = http.post(
                f"/api/documents/{DOC_ID}/decisions",
                json={
                    "project": "p1",
                    "path": WRONG_SCORE,
                    "action": "modify",
                    "value": "15",
                    "reviewer": "张三",
                    "version": 0,
                },
                headers={"X-CSRF-Token": http.cookies.get(CSRF_COOKIE) or ""},
            )
            assert response.status_code == 200, response.text
        server.send_signal(signal.SIGKILL)  # no shutdown, no checkpoint
        server.wait(timeout=10)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait(timeout=10)
    store = ReviewStore.open(db)
    view = store.document_view(DOC_ID)
    assert view.current_value("p1", WRONG_SCORE) == 15
    assert [r.decision for r in view.audit] == ["modify"]
    # Killed perhaps before its flags were re-checked: opening the store finishes that.
    assert store.wait_validated(DOC_ID, view.audit[0].id, timeout=60)
    view = store.document_view(DOC_ID)
    assert [f.status for f in view.flags if f.target == WRONG_SCORE] == ["cleared"]
    store.close()
