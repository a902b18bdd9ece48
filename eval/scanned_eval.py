"""`extractor eval --scanned`: the golden documents as scans, read by OCR, scored.

Builds (or reuses) the scanned fixtures of every golden document (`eval.scanned`), runs
them through a batch run with OCR on (parallel workers), scores the outputs against the
unchanged golden files, and sets each document's field F1 beside the F1 of its text
version. The target: scanned F1 ≥ 0.9 × text F1 for every document.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table

from eval.harness import EvalError, evaluate
from eval.results import EvalReport

TARGET_RATIO = 0.9
DEFAULT_CACHE = Path(tempfile.gettempdir()) / "extractor-scanned"


@dataclass
class ScannedRow:
    doc_id: str
    text_f1: float
    scanned_f1: float
    pages: int = 0
    ocr_pages: int = 0
    seconds: float = 0.0
    error: str | None = None

    @property
    def ratio(self) -> float:
        return self.scanned_f1 / self.text_f1 if self.text_f1 else 0.0

    @property
    def meets_target(self) -> bool:
        return self.error is None and self.scanned_f1 >= TARGET_RATIO * self.text_f1


@dataclass
class ScannedEval:
    text: EvalReport
    scanned: EvalReport
    rows: list[ScannedRow]
    fixtures: Path
    seconds: float

    @property
    def ok(self) -> bool:
        return bool(self.rows) and all(r.meets_target for r in self.rows)


def compare(text: EvalReport, scanned: EvalReport) -> list[ScannedRow]:
    """Per-document rows: text F1 against scanned F1."""
    text_f1 = {d.doc_id: d.counts.f1 for d in text.documents}
    rows = []
    for doc in scanned.documents:
        rows.append(
            ScannedRow(
                doc_id=doc.doc_id,
                text_f1=text_f1.get(doc.doc_id, 0.0),
                scanned_f1=doc.counts.f1,
                error=doc.error,
            )
        )
    return rows


def evaluate_scanned(
    golden_dir: Path,
    backend: str = "rules",
    jobs: int = 0,
    cache_dir: Path | None = None,
    console: Console | None = None,
) -> ScannedEval:
    """Build the scans, OCR and extract them, and score both versions."""
    from eval.scanned import build_scanned
    from extractor.batch import BatchOptions, run_batch
    from extractor.ocr.engines import engine_problem
    from extractor.ocr.settings import OcrSettings

    problem = engine_problem("rapidocr")
    if problem:
        raise EvalError(f"--scanned needs the OCR engine: {problem}")
    cache = Path(cache_dir or DEFAULT_CACHE)
    try:
        fixtures = build_scanned(Path(golden_dir), cache / "pdf")
    except FileNotFoundError as exc:
        raise EvalError(str(exc)) from exc
    if not fixtures:
        raise EvalError(f"{golden_dir}: no golden document with a docs/<doc_id>.txt source")
    pred_dir = cache / "pred"
    options = BatchOptions(
        out_dir=pred_dir, jobs=jobs, backend=backend, ocr=OcrSettings(mode="auto"), force=True
    )
    batch = run_batch(fixtures, options, console=console or Console(stderr=True))
    scanned = evaluate(Path(golden_dir), pred_dir=pred_dir)
    text = evaluate(Path(golden_dir), backend=backend)
    rows = compare(text, scanned)
    by_id = {o.doc_id: o for o in batch.outcomes}
    for row in rows:
        outcome = by_id.get(row.doc_id)
        if outcome is not None:
            row.pages, row.ocr_pages, row.seconds = (
                outcome.pages,
                outcome.ocr_pages,
                outcome.seconds,
            )
            row.error = row.error or (outcome.reason if outcome.status != "ok" else None)
    return ScannedEval(text, scanned, rows, cache / "pdf", batch.seconds)


def scanned_table(result: ScannedEval) -> Table:
    table = Table(title=f"Scanned fixtures (OCR) vs text: target F1 ≥ {TARGET_RATIO} × text F1")
    for column in ("document", "pages", "OCR pages", "text F1", "scanned F1", "ratio", "s", ""):
        table.add_column(column, justify="left" if column == "document" else "right")
    for row in result.rows:
        table.add_row(
            row.doc_id,
            str(row.pages),
            str(row.ocr_pages),
            f"{row.text_f1:.3f}",
            f"{row.scanned_f1:.3f}",
            f"{row.ratio:.3f}",
            f"{row.seconds:.0f}",
            "[green]ok[/green]" if row.meets_target else f"[red]below[/red] {row.error or ''}",
        )
    return table


def scanned_markdown(result: ScannedEval) -> str:
    lines = [
        f"## Scanned fixtures (target F1 ≥ {TARGET_RATIO} × text F1)",
        "",
        "| document | pages | OCR pages | text F1 | scanned F1 | ratio | seconds | target |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in result.rows:
        lines.append(
            f"| {r.doc_id} | {r.pages} | {r.ocr_pages} | {r.text_f1:.3f} | {r.scanned_f1:.3f} "
            f"| {r.ratio:.3f} | {r.seconds:.0f} | {'ok' if r.meets_target else 'below'} |"
        )
    return "\n".join(lines) + "\n"
