"""`extractor run` end to end: outputs, summary, exit codes, bad inputs."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractor.cli import app
from tests.backends.test_rules import SELF_EVALUATION

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[1]


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


def test_a_truncated_pdf_fails_as_a_corrupt_pdf(tmp_path: Path) -> None:
    import pymupdf

    doc = pymupdf.open()
    for number in range(6):
        doc.new_page().insert_text((72, 72), f"page {number}")
    truncated = tmp_path / "cut.pdf"
    truncated.write_bytes(doc.tobytes(garbage=0, deflate=False)[:200])  # page tree cut off
    result = runner.invoke(app, ["run", str(truncated), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    line = next(x for x in result.output.splitlines() if str(truncated) in x)
    assert "PDF 文件已损坏或不完整" in line and "RuntimeError" not in line


def test_llm_and_ocr_settings_are_checked_before_any_work(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    for name in ("EXTRACTOR_LLM_BASE_URL", "OPENAI_BASE_URL", "EXTRACTOR_LLM_MODEL"):
        monkeypatch.delenv(name, raising=False)
    good = _write(tmp_path, "good.txt", SELF_EVALUATION)
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(good), "--out", str(out), "--backend", "llm"])
    assert result.exit_code == 2 and "接口地址" in result.output and not out.exists()
    result = runner.invoke(app, ["run", str(good), "--out", str(out), "--ocr", "sometimes"])
    assert result.exit_code == 2 and "--ocr 只接受" in result.output
    result = runner.invoke(app, ["run", str(good), "--out", str(out), "-j", "-1"])
    assert result.exit_code == 2 and "--jobs" in result.output


# --- start-up, help and imports (run as a user would: a new interpreter) ---------------


def _python(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("COLUMNS", None)
    env.pop("TERMINAL_WIDTH", None)
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, env=env, cwd=ROOT, timeout=60
    )


def test_help_speaks_one_language_and_shows_flags_as_flags() -> None:
    shown = _python("-m", "extractor", "run", "--help")
    assert shown.returncode == 0, shown.stderr
    text = shown.stdout
    assert "用法: extractor run [选项]" in text and "Usage" not in text
    assert "─ 选项 ─" in text and "显示本帮助并退出。" in text and "Show this message" not in text
    force = next(line for line in text.splitlines() if "--force" in line)
    assert "<bool>" not in force and "已有最新结果的文档也重新处理" in force
    # a piped help is not cut at 80 columns: a long description stays on one line
    assert "输入如何到达 Ray 节点：auto、shared（各节点同一路径可读）、object（经对象存储）" in text


def test_the_command_line_starts_without_the_heavy_stages() -> None:
    """`extractor --help` and `run` load neither the evaluation (scipy), the review app,
    the LLM client libraries nor the pipeline until a command needs them."""
    heavy = (
        "scipy eval extractor.review sqlalchemy fastapi instructor openai extractor.pipeline "
        "pymupdf pydantic"
    )
    probe = (
        "import sys, extractor.cli; "
        f"print(sorted(m for m in {heavy.split()!r} if m in sys.modules))"
    )
    loaded = _python("-c", probe)
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.strip() == "[]"
    listed = _python("-m", "extractor", "--help")
    assert listed.returncode == 0 and "eval" in listed.stdout and "llm" in listed.stdout


PACKAGES = (
    "extractor.pipeline",
    "extractor.backends",
    "extractor.llm",
    "extractor.llm.hybrid",
    "extractor.cli",
    "eval.cli",
    "extractor.llm.cli",
    "extractor.batch",
    "extractor.distributed",
    "extractor.validate",
    "extractor.review",
    "extractor.ocr",
    "extractor.accounts",
    "extractor.ingest",
)


@pytest.mark.parametrize("first", PACKAGES)
def test_every_package_imports_first(first: str) -> None:
    """No import cycle: each package can be the first one imported, then all the rest."""
    rest = [p for p in PACKAGES if p != first]
    order = "; ".join(f"import {name}" for name in [first, *reversed(rest)])
    done = _python("-c", order)
    assert done.returncode == 0, done.stderr
