"""The scanned fixtures behind `extractor eval --scanned`: drawn from the golden documents,
image-only, cached; and the per-document comparison with the text versions."""

from __future__ import annotations

from pathlib import Path

import pymupdf

from eval.results import Counts, DocumentReport, EvalReport
from eval.scanned import CLEAN, build_scanned, form_blocks, golden_sources
from eval.scanned_eval import TARGET_RATIO, compare
from tests.ocr.helpers import ROOT, seed


def test_block_layout_tables_are_cut_into_rows_of_cells() -> None:
    blocks = form_blocks(seed("003"))
    widest = max(blocks, key=lambda b: len(b[1]))
    _, rows = widest
    assert len(rows) > 20 and max(len(r) for r in rows) >= 5
    assert any("立项依据" in cell for row in rows for cell in row)
    assert all("\n" not in cell for row in rows for cell in row)


def test_scans_have_no_text_layer_and_are_reused(tmp_path: Path) -> None:
    golden = ROOT / "golden"
    assert len(golden_sources(golden)) == 5
    (scan,) = build_scanned(golden, tmp_path, degrade=CLEAN, dpi=50, only=("002",))
    assert scan.name == "002_184a1245c9aaaa2b.pdf"
    with pymupdf.open(scan) as pdf:
        assert pdf.page_count == 9
        for page in pdf:
            assert page.get_text().strip() == "" and page.get_images()
    stamp = scan.stat().st_mtime_ns
    build_scanned(golden, tmp_path, degrade=CLEAN, dpi=50, only=("002",))
    assert scan.stat().st_mtime_ns == stamp  # same recipe: not built again


def _report(f1: dict[str, tuple[int, int]]) -> EvalReport:
    """Documents with (tp, fn) counts."""
    return EvalReport(
        documents=[
            DocumentReport(doc_id=doc, counts=Counts(tp=tp, fn=fn)) for doc, (tp, fn) in f1.items()
        ]
    )


def test_each_document_is_held_to_a_share_of_its_text_f1() -> None:
    text = _report({"a": (100, 0), "b": (90, 10)})
    scanned = _report({"a": (95, 5), "b": (70, 30)})
    rows = {r.doc_id: r for r in compare(text, scanned)}
    assert rows["a"].meets_target and rows["a"].ratio >= TARGET_RATIO
    assert not rows["b"].meets_target
