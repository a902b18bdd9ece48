"""`validate_command`: re-validate stored results, print, optionally write back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from extractor.validate.cli import load_result, validate_command
from tests.validate.builders import ind, line, project, result

SOURCE = "报告正文。\n\n收入合计 100 万元，其中：财政拨款 60 万元、其他 30 万元。\n"


def _stored(tmp_path: Path, *, with_source: bool = True, extra: dict | None = None) -> Path:
    res = result(
        project(
            funding=[
                line(budget=1505.48, executed=709.41, execution_rate=47.12, weight=20, score=9.5)
            ],
            indicators=[ind("a", 10, 10)],
        )
    )
    if with_source:
        (tmp_path / "doc.txt").write_text(SOURCE, encoding="utf-8")
        res.source.path = "doc.txt"  # relative to the result file
    data = res.model_dump(mode="json")
    data.update(extra or {})
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def _app() -> typer.Typer:
    app = typer.Typer()
    app.command("validate")(validate_command)
    app.command("noop")(lambda: None)  # keep "validate" a subcommand, as in the real CLI
    return app


def test_validate_prints_flags_and_skipped(tmp_path: Path) -> None:
    path = _stored(tmp_path)
    out = CliRunner().invoke(_app(), ["validate", str(path)], env={"COLUMNS": "200"})
    assert out.exit_code == 0, out.output
    assert "funding.score" in out.output and "narrative.sum" in out.output
    assert json.loads(path.read_text(encoding="utf-8"))["flags"] == []  # not written


def test_write_stores_flags_atomically_and_keeps_extra_keys(tmp_path: Path) -> None:
    path = _stored(
        tmp_path, extra={"expected_flags": [{"rule": "funding.score", "path": "funding[0].score"}]}
    )
    path.chmod(0o644)
    out = CliRunner().invoke(_app(), ["validate", str(path), "--write"])
    assert out.exit_code == 0, out.output
    data = json.loads(path.read_text(encoding="utf-8"))
    assert {f["rule"] for f in data["flags"]} == {"funding.score", "narrative.sum"}
    assert data["expected_flags"][0]["rule"] == "funding.score"
    assert path.stat().st_mode & 0o777 == 0o644
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
    reloaded, extras = load_result(path)
    assert len(reloaded.flags) == 2 and "expected_flags" in extras


def test_missing_source_skips_narrative(tmp_path: Path) -> None:
    path = _stored(tmp_path, with_source=False)
    out = CliRunner().invoke(_app(), ["validate", str(path)], env={"COLUMNS": "200"})
    assert out.exit_code == 0
    assert "funding.score" in out.output and "narrative.sum" not in out.output
    assert "未做正文检查" in out.output


def test_unreadable_files_exit_1_but_others_are_still_checked(tmp_path: Path) -> None:
    good = _stored(tmp_path)
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps({"doc_id": 1}), encoding="utf-8")
    out = CliRunner().invoke(
        _app(),
        ["validate", str(bad), str(good), str(wrong), str(tmp_path / "none.json")],
        env={"COLUMNS": "200"},
    )
    assert out.exit_code == 1
    assert "funding.score" in out.output
    assert (
        "不是有效的 JSON" in out.output
        and "不符合结果格式" in out.output
        and "无法读取" in out.output
    )


def test_validate_command_is_callable_directly(tmp_path: Path) -> None:
    with pytest.raises(typer.Exit) as exc:
        validate_command([tmp_path / "missing.json"])
    assert exc.value.exit_code == 1
    validate_command([_stored(tmp_path)])  # no exception: exit code 0


def test_text_source_is_read_even_without_the_ingest_stage(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import extractor.validate.cli as cli

    monkeypatch.setattr(cli, "_ingest", lambda source: None)
    path = _stored(tmp_path)
    out = CliRunner().invoke(_app(), ["validate", str(path)], env={"COLUMNS": "200"})
    assert out.exit_code == 0 and "narrative.sum" in out.output
