"""`extractor run --backend llm|hybrid`: the batch runner of every backend — worker
processes, run.json / run.csv, resume, --force, --timeout, partial results."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from typer.testing import CliRunner

from extractor.cli import app
from tests.llm.fake_server import Answer, Error, FakeOpenAI, Hang
from tests.llm.samples import LIBRARY, SELF_EVALUATION, library_answer

runner = CliRunner()


def _inputs(folder: Path, names: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        text = SELF_EVALUATION.replace("2023", name[-5])  # another year: another request
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _llm_args(server: FakeOpenAI, cache: Path, *more: str) -> list[str]:
    return [
        *("--llm-base-url", server.base_url, "--llm-model", "fake-model"),
        *("--llm-api-key", "test-key", "--llm-cache-dir", str(cache)),
        *more,
    ]


def test_an_llm_run_goes_through_the_batch_runner_and_resumes(
    server: FakeOpenAI, tmp_path: Path
) -> None:
    server.script(LIBRARY, [Answer(library_answer())])
    folder = _inputs(tmp_path / "in", ["r1.txt", "r2.txt", "r3.txt"])
    out = tmp_path / "out"
    args = ["run", str(folder), "--out", str(out), "--backend", "hybrid", "-j", "2"]
    llm = _llm_args(server, tmp_path / "cache")
    first = runner.invoke(app, args + llm)
    assert first.exit_code == 0, first.output
    assert sorted(p.name for p in out.iterdir()) == [
        "r1.json", "r2.json", "r3.json", "run.csv", "run.json",
    ]  # fmt: skip
    report = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert report["options"]["backend"] == "hybrid" and report["options"]["jobs"] == 2
    assert report["options"]["llm"]["model"] == "fake-model"
    assert "test-key" not in (out / "run.json").read_text(encoding="utf-8")
    assert report["totals"]["ok"] == 3 and report["totals"]["partial"] == 0
    result = json.loads((out / "r1.json").read_text(encoding="utf-8"))
    assert (
        result["meta"]["backend"] == "hybrid" and result["meta"]["run"]["llm_model"] == "fake-model"
    )
    assert "LLM 用量" in first.output and "抽取结果" in first.output
    sent = len(server.requests)
    assert sent == 3  # one form call per document (its title line states no figure)

    again = runner.invoke(app, args + llm)
    assert again.exit_code == 0 and len(server.requests) == sent  # resumed: nothing asked
    rows = list(csv.DictReader((out / "run.csv").open(encoding="utf-8")))
    assert [r["status"] for r in rows] == ["skipped"] * 3
    assert "LLM 用量" not in again.output  # nothing spent by this run

    forced = runner.invoke(app, [*args, "--force", *llm, "--no-cache"])
    assert forced.exit_code == 0 and len(server.requests) == 2 * sent
    other_model = runner.invoke(
        app, args + _llm_args(server, tmp_path / "cache2") + ["--llm-model", "m2"]
    )
    assert other_model.exit_code == 0  # another model: redone, not skipped
    rows = list(csv.DictReader((out / "run.csv").open(encoding="utf-8")))
    assert [r["status"] for r in rows] == ["ok"] * 3


def test_a_failed_model_call_gives_a_partial_result_and_is_redone_next_time(
    server: FakeOpenAI, tmp_path: Path
) -> None:
    server.script(LIBRARY, [Error(500)])
    folder = _inputs(tmp_path / "in", ["r1.txt"])
    out = tmp_path / "out"
    args = ["run", str(folder), "--out", str(out), "--backend", "llm", "-j", "1"]
    llm = _llm_args(server, tmp_path / "cache", "--llm-max-retries", "0")
    failed = runner.invoke(app, args + llm)
    assert failed.exit_code == 1  # a document lost a chunk: the run says so
    assert "部分失败" in failed.output and "HTTP 500" in failed.output
    rows = list(csv.DictReader((out / "run.csv").open(encoding="utf-8")))
    assert rows[0]["status"] == "ok" and rows[0]["partial"] == "True"
    server.scripts.clear()
    server.script(LIBRARY, [Answer(library_answer())])
    fixed = runner.invoke(app, args + llm)
    assert fixed.exit_code == 0, fixed.output
    rows = list(csv.DictReader((out / "run.csv").open(encoding="utf-8")))
    assert rows[0]["status"] == "ok" and rows[0]["partial"] == "False"


def test_the_time_limit_holds_for_model_calls(server: FakeOpenAI, tmp_path: Path) -> None:
    server.script(LIBRARY, [Hang(8.0, then=Answer(library_answer()))])
    folder = _inputs(tmp_path / "in", ["r1.txt"])
    out = tmp_path / "out"
    args = ["run", str(folder), "--out", str(out), "--backend", "llm", "--timeout", "1.5"]
    result = runner.invoke(app, args + _llm_args(server, tmp_path / "cache"))
    assert result.exit_code == 1 and "超过单个文档的时间限制（1.5 秒）" in result.output
    assert json.loads((out / "run.json").read_text(encoding="utf-8"))["totals"]["timeout"] == 1
