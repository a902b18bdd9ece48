"""A scanned report is OCR'd once per run: `extractor run … --db` stores the pages the run
read, and `review import` of a run folder saved with `--save-ocr` takes its pages from
the folder. The real OCR engine runs; a counter around its entry point
(`extractor.ocr.page.ocr_page`) counts the pages it read, in the workers too (forked:
each call appends a line to a file)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from extractor import batch
from extractor.cli import app
from extractor.ocr import page as ocr_page_module
from extractor.review import ReviewStore
from tests.ocr.helpers import scan, small_form_pdf

runner = CliRunner()
pytestmark = pytest.mark.skipif(
    batch.start_method() != "fork", reason="counting OCR calls in workers needs forked workers"
)


@pytest.fixture()
def scanned(tmp_path: Path) -> Path:
    """A one-page scan (image only, no text layer) of a small self-evaluation form."""
    (tmp_path / "in").mkdir()
    return scan(small_form_pdf(tmp_path / "small.pdf"), tmp_path / "in" / "scan.pdf")


@pytest.fixture()
def ocr_calls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[], int]:
    """The number of pages the OCR engine has read so far (the real engine reads them)."""
    log = tmp_path / "ocr-calls.log"
    log.touch()
    real = ocr_page_module.ocr_page

    def counted(*args: Any, **kwargs: Any) -> Any:
        with log.open("a", encoding="utf-8") as handle:
            handle.write("page\n")
        return real(*args, **kwargs)

    monkeypatch.setattr(ocr_page_module, "ocr_page", counted)
    return lambda: len(log.read_text(encoding="utf-8").splitlines())


def _stored(db: Path) -> tuple[dict[int, str], str | None, list[Any]]:
    store = ReviewStore.open(db)
    try:
        record = store.document_view("scan").record
        return store.pages("scan"), record.source_file, store.page_boxes("scan", 1)
    finally:
        store.close()


def test_run_with_db_ocrs_a_scan_once(
    tmp_path: Path, scanned: Path, ocr_calls: Callable[[], int]
) -> None:
    db, out = tmp_path / "review.db", tmp_path / "out"
    args = ["run", str(scanned), "--out", str(out), "--db", str(db), "-j", "1"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "已导入审核库" in result.output
    assert ocr_calls() == 1  # the worker read the page; the store took what it read
    pages, source_file, boxes = _stored(db)
    assert "城乡医疗救助" in pages[1]
    assert source_file == str(scanned.resolve())  # for the page image, drawn on request
    assert boxes  # the OCR'd cells' boxes, for the field's own cell on the page image
    assert sorted(p.name for p in out.iterdir()) == ["run.csv", "run.json", "scan.json"]


def test_review_import_takes_the_saved_reading_of_a_run_folder(
    tmp_path: Path, scanned: Path, ocr_calls: Callable[[], int]
) -> None:
    out = tmp_path / "out"
    args = ["run", str(scanned), "--out", str(out), "--save-ocr", "-j", "1"]
    assert runner.invoke(app, args).exit_code == 0
    assert ocr_calls() == 1
    db = tmp_path / "review.db"
    imported = runner.invoke(app, ["review", "import", str(out), "--db", str(db)])
    assert imported.exit_code == 0, imported.output
    assert "新导入" in imported.output
    assert ocr_calls() == 1  # no second OCR of the scan
    pages, source_file, boxes = _stored(db)
    saved = (out / "scan.ocr.txt").read_text(encoding="utf-8")
    assert pages[1] + "\n" == saved  # the text the extraction read, offsets and all
    assert source_file == str(scanned.resolve()) and boxes


def test_a_saved_reading_of_another_run_is_not_taken(
    tmp_path: Path, scanned: Path, ocr_calls: Callable[[], int]
) -> None:
    """A reading left beside a result made with other settings (here: its header names
    another OCR engine) is no reading of that result: the source is read again."""
    out = tmp_path / "out"
    args = ["run", str(scanned), "--out", str(out), "--save-ocr", "-j", "1"]
    assert runner.invoke(app, args).exit_code == 0
    reading = out / "scan.ocr.pages.jsonl"
    head, *pages = reading.read_text(encoding="utf-8").splitlines()
    stale = {**json.loads(head), "run": {"backend": "rules", "ocr": "auto", "ocr_engine": "x"}}
    reading.write_text("\n".join([json.dumps(stale), *pages]) + "\n", encoding="utf-8")
    db = tmp_path / "review.db"
    assert runner.invoke(app, ["review", "import", str(out), "--db", str(db)]).exit_code == 0
    assert ocr_calls() == 2  # read again, with the run's OCR settings
    assert "城乡医疗救助" in _stored(db)[0][1]
