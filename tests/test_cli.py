"""`extractor run` end to end: outputs, summary, exit codes, bad inputs."""

import json
from pathlib import Path

from typer.testing import CliRunner

from extractor.cli import app
from tests.backends.test_rules import SELF_EVALUATION

runner = CliRunner()


def _write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_run_writes_one_json_per_document(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    _write(tmp_path / "in", "a.txt", SELF_EVALUATION)
    _write(tmp_path / "in", "b.txt", SELF_EVALUATION, "gbk")
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(tmp_path / "in"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["a.json", "b.json", "run.csv", "run.json"]
    data = json.loads((out / "b.json").read_text(encoding="utf-8"))
    assert data["schema_version"] == "1" and data["doc_id"] == "b"
    assert data["projects"][0]["name"] == "乡村道路养护经费"
    assert "抽取结果" in result.output


def test_bad_inputs_fail_one_by_one(tmp_path: Path) -> None:
    good = _write(tmp_path, "good.txt", SELF_EVALUATION)
    empty = _write(tmp_path, "empty.txt", "")
    noform = _write(tmp_path, "noform.txt", "这是一段没有任何表格的说明文字。\n")
    binary = tmp_path / "bin.txt"
    binary.write_bytes(b"\x00\xff" * 100)
    missing = tmp_path / "missing.txt"
    out = tmp_path / "out"
    result = runner.invoke(
        app,
        ["run", str(good), str(empty), str(noform), str(binary), str(missing), "--out", str(out)],
    )
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    # nothing half-written: the good output and the run report only
    assert sorted(p.name for p in out.iterdir()) == ["good.json", "run.csv", "run.json"]
    for path, reason in [
        (empty, "为空"),
        (noform, "未找到可识别"),
        (binary, "二进制"),
        (missing, "不存在"),
    ]:
        assert f"{path}: " in result.output and reason in result.output


def test_directory_without_reports(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    result = runner.invoke(app, ["run", str(tmp_path / "docs"), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "没有可处理的报告" in result.output


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    good = _write(tmp_path, "good.txt", SELF_EVALUATION)
    assert runner.invoke(app, ["run", str(good), "--backend", "nope"]).exit_code == 2
    assert runner.invoke(app, ["run"]).exit_code == 2
    assert runner.invoke(app, ["run", str(good), "--no-such-option"]).exit_code == 2


def test_bad_pdfs_fail_with_their_reason(tmp_path: Path) -> None:
    from tests.fixtures.make_pdfs import (
        write_corrupt_pdf,
        write_encrypted_pdf,
        write_scanned_pdf,
        write_zero_page_pdf,
    )

    encrypted, corrupt, nopages, scanned = (
        tmp_path / n for n in ("enc.pdf", "bad.pdf", "zero.pdf", "scan.pdf")
    )
    write_encrypted_pdf(encrypted)
    write_corrupt_pdf(corrupt)
    write_zero_page_pdf(nopages)
    write_scanned_pdf(scanned, ["项目支出绩效自评表", "项目名称 某项目"])
    good = _write(tmp_path, "good.txt", SELF_EVALUATION)
    out = tmp_path / "out"
    args = [
        "run",
        str(encrypted),
        str(corrupt),
        str(nopages),
        str(scanned),
        str(good),
        "--out",
        str(out),
        "--ocr",
        "never",  # a scan read without OCR must say that it needs OCR
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert sorted(p.name for p in out.iterdir()) == ["good.json", "run.csv", "run.json"]
    lines = {
        line.split(": ")[0].split()[-1]: line for line in result.output.splitlines() if ": " in line
    }
    assert "加密" in lines[str(encrypted)]
    assert "OCR" in lines[str(scanned)]
    assert str(corrupt) in lines and str(nopages) in lines
