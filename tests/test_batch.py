"""Batch runs: worker processes, result lines, run report, resume, time limit, crashes,
Ctrl-C. Most inputs are small text reports (no OCR); one small scan checks --save-ocr.

Tests that replace `process_document` rely on workers being forked (they inherit the
replacement), which is how the batch starts them where the platform allows it.
"""

from __future__ import annotations

import csv
import io
import json
import multiprocessing as mp
import os
import signal
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from extractor import batch
from extractor.batch import BatchOptions, count_pages, run_batch
from extractor.ocr import engines
from extractor.ocr.settings import OcrSettings
from tests.backends.test_rules import SELF_EVALUATION
from tests.fixtures import make_pdfs as mk

needs_fork = pytest.mark.skipif(
    batch.start_method() != "fork", reason="replacing process_document needs forked workers"
)


def _console() -> tuple[Console, io.StringIO]:
    buffer = io.StringIO()
    return Console(file=buffer, width=200, force_terminal=False), buffer


def _inputs(folder: Path, names: list[str]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in names:
        path = folder / name
        if name.startswith("encrypted"):
            mk.write_encrypted_pdf(path)
        elif name.startswith("corrupt"):
            mk.write_corrupt_pdf(path)
        elif name.startswith("noform"):
            path.write_text("这是一段没有任何表格的说明文字。\n", encoding="utf-8")
        else:
            path.write_text(SELF_EVALUATION, encoding="utf-8")
        paths.append(path)
    return paths


def _run(files: list[Path], out: Path, **options: Any) -> tuple[batch.BatchReport, str]:
    console, buffer = _console()
    report = run_batch(files, BatchOptions(out_dir=out, **options), console=console)
    return report, buffer.getvalue()


def _no_temp_files(folder: Path) -> bool:
    return not [p for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_a_folder_run_writes_outputs_a_report_and_a_line_per_document(tmp_path: Path) -> None:
    files = _inputs(
        tmp_path / "in", ["a.txt", "b.txt", "encrypted.pdf", "corrupt.pdf", "noform.txt"]
    )
    out = tmp_path / "out"
    report, printed = _run(files, out, jobs=2)
    assert report.exit_code == 1  # some documents failed, the others were done
    assert [o.status for o in report.outcomes] == ["ok", "ok", "failed", "failed", "failed"]
    assert (out / "a.json").is_file() and (out / "b.json").is_file()
    assert not (out / "encrypted.json").exists() and _no_temp_files(out)
    # one line per document, with its counts or its reason
    assert "✓ a.txt  1页  1表" in printed and "✗ encrypted.pdf  失败：PDF 已加密" in printed
    assert "✗ noform.txt  失败：未找到可识别的绩效表格" in printed
    # run.json and run.csv
    data = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert data["totals"]["ok"] == 2 and data["totals"]["failed"] == 3
    assert data["options"]["jobs"] == 2 and data["pipeline_version"]
    assert [d["doc_id"] for d in data["documents"]] == ["a", "b", "encrypted", "corrupt", "noform"]
    rows = list(csv.DictReader((out / "run.csv").open(encoding="utf-8")))
    assert list(rows[0]) == list(batch.CSV_COLUMNS)
    assert rows[0]["status"] == "ok" and rows[0]["forms"] == "1" and float(rows[0]["seconds"]) >= 0
    assert int(rows[0]["indicators"]) > 0 and rows[0]["pages"] == "1"
    assert rows[2]["reason"].startswith("PDF 已加密")
    result = json.loads((out / "a.json").read_text(encoding="utf-8"))
    assert result["meta"]["run"] == {"backend": "rules", "ocr": "auto", "ocr_engine": "rapidocr"}


def test_outputs_get_the_permissions_the_umask_gives(tmp_path: Path) -> None:
    files = _inputs(tmp_path / "in", ["a.txt"])
    before = os.umask(0o022)
    try:
        _run(files, tmp_path / "out", jobs=1)
    finally:
        os.umask(before)
    for name in ("a.json", "run.json", "run.csv"):
        assert (tmp_path / "out" / name).stat().st_mode & 0o777 == 0o644, name


def test_a_second_run_skips_what_is_done_and_force_redoes_it(tmp_path: Path) -> None:
    files = _inputs(tmp_path / "in", ["a.txt", "b.txt"])
    out = tmp_path / "out"
    _run(files, out, jobs=1)
    stamp = (out / "a.json").stat().st_mtime_ns
    report, printed = _run(files, out, jobs=1)
    assert [o.status for o in report.outcomes] == ["skipped", "skipped"]
    assert report.exit_code == 0 and "↷ a.txt" in printed
    assert (out / "a.json").stat().st_mtime_ns == stamp
    assert report.outcomes[0].forms == 1 and report.outcomes[0].indicators > 0
    files[1].write_text(SELF_EVALUATION.replace("乡村道路养护经费", "桥梁养护经费"), "utf-8")
    report, _ = _run(files, out, jobs=1)
    assert [o.status for o in report.outcomes] == ["skipped", "ok"]  # new content: redone
    report, _ = _run(files, out, jobs=1, force=True)
    assert [o.status for o in report.outcomes] == ["ok", "ok"]
    report, _ = _run(files, out, jobs=1, ocr=OcrSettings(mode="never"))
    assert [o.status for o in report.outcomes] == ["ok", "ok"]  # other settings: redone


def test_two_inputs_with_one_output_name_do_not_overwrite_each_other(tmp_path: Path) -> None:
    first = _inputs(tmp_path / "x", ["a.txt"])
    second = _inputs(tmp_path / "y", ["a.txt"])
    report, _ = _run(first + second, tmp_path / "out", jobs=1)
    assert [o.status for o in report.outcomes] == ["ok", "failed"]
    assert "同名" in (report.outcomes[1].reason or "")


def _slow_or_crashing(real: Any) -> Any:
    def process(
        path: Path, options: BatchOptions, on_page: Any = None, **kwargs: Any
    ) -> dict[str, Any]:
        if path.stem.startswith("slow"):
            time.sleep(60)
        if path.stem.startswith("crash"):
            os._exit(3)
        return real(path, options, on_page, **kwargs)

    return process


@pytest.fixture
def ctrl_c_interrupts() -> Any:
    """Ctrl-C raises KeyboardInterrupt, as in a terminal: a shell starts background jobs
    (`pytest &`, CI runners) with SIGINT ignored, which the test process inherits."""
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, before)


@needs_fork
def test_a_document_over_the_time_limit_is_stopped_and_the_rest_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batch, "process_document", _slow_or_crashing(batch.process_document))
    files = _inputs(tmp_path / "in", ["slow.txt", "a.txt", "b.txt"])
    started = time.monotonic()
    report, printed = _run(files, tmp_path / "out", jobs=2, timeout=3)
    assert time.monotonic() - started < 30
    assert [o.status for o in report.outcomes] == ["timeout", "ok", "ok"]
    assert "超时" in printed and "时间限制（3 秒）" in (report.outcomes[0].reason or "")


@needs_fork
def test_a_crashing_worker_costs_only_its_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batch, "process_document", _slow_or_crashing(batch.process_document))
    files = _inputs(tmp_path / "in", ["crash.txt", "a.txt", "b.txt", "c.txt"])
    report, _ = _run(files, tmp_path / "out", jobs=2)
    assert [o.status for o in report.outcomes] == ["crashed", "ok", "ok", "ok"]
    assert "退出码 3" in (report.outcomes[0].reason or "")


@needs_fork
def test_ctrl_c_keeps_finished_outputs_and_leaves_no_partial_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ctrl_c_interrupts: None
) -> None:
    monkeypatch.setattr(batch, "process_document", _slow_or_crashing(batch.process_document))
    files = _inputs(tmp_path / "in", ["a.txt", "slow1.txt", "slow2.txt", "slow3.txt"])
    out = tmp_path / "out"

    def interrupt_when_a_is_written() -> None:
        deadline = time.monotonic() + 20
        while not (out / "a.json").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)
        os.kill(os.getpid(), signal.SIGINT)

    threading.Thread(target=interrupt_when_a_is_written, daemon=True).start()
    report, printed = _run(files, out, jobs=2, timeout=0)  # 0: no time limit
    assert report.interrupted and report.exit_code == 130
    # the screen says so, and which documents were not done
    assert "运行被中断（Ctrl-C）" in printed and "1 个文档已完成并保存，3 个未完成" in printed
    assert all(f"未完成 {path}" in printed for path in files[1:])
    assert [o.status for o in report.outcomes] == [
        "ok",
        "interrupted",
        "interrupted",
        "interrupted",
    ]
    assert json.loads((out / "a.json").read_text(encoding="utf-8"))["doc_id"] == "a"
    assert sorted(p.name for p in out.iterdir()) == ["a.json", "run.csv", "run.json"]
    assert json.loads((out / "run.json").read_text(encoding="utf-8"))["interrupted"] is True
    assert not [p for p in mp.active_children() if p.name.startswith("extractor-worker")]


def test_page_counts_for_the_progress_bar(tmp_path: Path) -> None:
    mk.write_scanned_pdf(tmp_path / "four.pdf", ["第一段文字。"])
    (tmp_path / "two.txt").write_text("第一页\f第二页", encoding="utf-8")
    mk.write_corrupt_pdf(tmp_path / "bad.pdf")
    assert count_pages(tmp_path / "four.pdf") == 4
    assert count_pages(tmp_path / "two.txt") == 2
    assert count_pages(tmp_path / "bad.pdf") == 1


@pytest.mark.skipif(engines.engine_problem("rapidocr") is not None, reason="no RapidOCR")
def test_a_scan_in_a_batch_is_ocrd_and_its_ocr_text_saved(tmp_path: Path) -> None:
    from tests.ocr.helpers import scan, small_form_pdf

    small = small_form_pdf(tmp_path / "small.pdf")
    (tmp_path / "in").mkdir()
    scanned = scan(small, tmp_path / "in" / "scan.pdf")
    out = tmp_path / "out"
    report, printed = _run([scanned], out, jobs=1, save_ocr=True)
    (outcome,) = report.outcomes
    assert outcome.status == "ok" and (outcome.pages, outcome.ocr_pages) == (1, 1)
    assert "scan.pdf  1页（OCR 1）" in printed
    assert "城乡医疗救助" in (out / "scan.ocr.txt").read_text(encoding="utf-8")
    assert (out / "scan.ocr.tsv").read_text(encoding="utf-8").count("\n") > 5
    result = json.loads((out / "scan.json").read_text(encoding="utf-8"))
    assert result["meta"]["ocr"]["pages"] == [1]
    assert result["projects"][0]["indicators"][0]["span"]["bbox"] is not None
    assert outcome.worker_peak_mb and outcome.worker_peak_mb > 50


def test_a_missing_engine_is_named_in_the_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.ocr.helpers import scan, small_form_pdf

    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))  # no tesseract on this PATH

    (tmp_path / "in").mkdir()
    scanned = scan(small_form_pdf(tmp_path / "small.pdf"), tmp_path / "in" / "scan.pdf")
    report, _ = _run([scanned], tmp_path / "out", jobs=1, ocr=OcrSettings(engine="tesseract"))
    (outcome,) = report.outcomes
    assert outcome.status == "failed" and "需要 OCR" in (outcome.reason or "")
    assert "OCR 引擎不可用：未安装 tesseract" in (outcome.reason or "")
