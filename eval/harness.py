"""The evaluation harness: golden files in, an `EvalReport` out.

    golden_dir/<doc_id>.json     a GoldenDocument per document
    golden_dir/docs/<doc_id>.*   the document itself (.txt, .pdf, .md, .html)
    pred_dir/<doc_id>.json       optional: existing extractor outputs (DocumentResult)

Without `pred_dir` the pipeline (`extractor.pipeline.extract_document`) runs on each
document, with OCR for pages that have no text layer (scans; image files once the reader
takes them): in this process, or with `jobs` > 1 in a batch of worker processes
(`extractor.batch`). A document that cannot be extracted (or has no prediction file) is
scored as all-missing and its error is reported.
"""

from __future__ import annotations

import functools
import json
import sys
import tempfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from eval.flags import validate_golden_records
from eval.normalize import decimals_of
from eval.results import EvalReport, FlagCounts
from eval.scoring import DocumentInput, score_documents
from extractor.errors import ExtractorError
from extractor.models import DocumentResult, GoldenDocument

Extract = Callable[..., Any]


class EvalError(ExtractorError):
    """The eval cannot run: no golden files, a broken golden, no pipeline. Shown as is."""


def golden_files(golden_dir: Path) -> list[Path]:
    if not golden_dir.is_dir():
        raise EvalError(f"{golden_dir}: golden folder not found")
    files = sorted(p for p in golden_dir.glob("*.json") if p.is_file())
    if not files:
        raise EvalError(
            f"{golden_dir}: no golden files (<doc_id>.json) in this folder; "
            "see golden/README.md for how to add a document"
        )
    return files


def number_precisions(value: Any, path: str = "") -> dict[str, int]:
    """Decimals of every non-integer number as written in the JSON (parsed as Decimal)."""
    found: dict[str, int] = {}
    if isinstance(value, Decimal):
        found[path] = decimals_of(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            found |= number_precisions(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found |= number_precisions(item, f"{path}[{index}]")
    return found


def load_golden(path: Path) -> tuple[GoldenDocument, dict[str, int]]:
    """A golden document and the printed precision of its numbers (golden path → decimals)."""
    text = path.read_text(encoding="utf-8")
    try:
        golden = GoldenDocument.model_validate_json(text)
    except ValidationError as exc:
        raise EvalError(f"{path}: not a valid golden document:\n{exc}") from exc
    if golden.doc_id != path.stem:
        raise EvalError(f"{path}: doc_id {golden.doc_id!r} differs from the file name")
    data = json.loads(text, parse_float=Decimal)
    precision = number_precisions(data.get("projects", []), "projects")
    return golden, precision | number_precisions(data.get("accounts", []), "accounts")


def load_prediction(pred_dir: Path, doc_id: str) -> tuple[DocumentResult | None, str | None]:
    path = pred_dir / f"{doc_id}.json"
    if not path.is_file():
        return None, f"no prediction file {path}"
    try:
        return DocumentResult.model_validate_json(path.read_text(encoding="utf-8")), None
    except (ValidationError, UnicodeDecodeError) as exc:
        return None, f"{path}: not a valid extractor output: {exc}"


def find_document(golden_dir: Path, doc_id: str) -> Path | None:
    docs = golden_dir / "docs"
    if not docs.is_dir():
        return None
    candidates = sorted(p for p in docs.iterdir() if p.is_file() and p.stem == doc_id)
    return candidates[0] if candidates else None


def load_pipeline() -> Extract:
    try:
        from extractor.pipeline import extract_document
    except ImportError as exc:
        raise EvalError(
            f"the extraction pipeline is not available ({exc}); "
            "score existing outputs with --pred DIR instead"
        ) from exc
    return extract_document


def run_pipeline(
    extract: Extract, golden_dir: Path, doc_id: str, backend: str
) -> tuple[DocumentResult | None, str | None]:
    path = find_document(golden_dir, doc_id)
    if path is None:
        return None, f"no document {golden_dir / 'docs' / doc_id}.* to extract"
    try:
        result = extract(path, backend=backend)  # OCR as `--ocr auto`: the pipeline's default
        if not isinstance(result, DocumentResult):
            result = DocumentResult.model_validate(result)
    except Exception as exc:  # any failure of one document is reported, the rest go on
        return None, f"extraction failed: {type(exc).__name__}: {exc}"
    return result, None


def run_batch_pipeline(
    golden_dir: Path,
    doc_ids: list[str],
    backend: str,
    jobs: int,
    out_dir: Path,
    llm: Any = None,
) -> dict[str, tuple[DocumentResult | None, str | None]]:
    """Extract the documents in worker processes (`extractor.batch`, OCR on); each
    doc_id maps to its result or the reason it has none."""
    from rich.console import Console

    from extractor.batch import BatchOptions, run_batch
    from extractor.ocr.settings import OcrSettings

    found = {doc_id: find_document(golden_dir, doc_id) for doc_id in doc_ids}
    paths = [p for p in found.values() if p is not None]
    options = BatchOptions(
        out_dir=out_dir,
        jobs=jobs,
        backend=backend,
        ocr=OcrSettings(mode="auto"),
        force=True,
        llm=llm,
    )
    batch = run_batch(paths, options, console=Console(stderr=True, quiet=True))
    reasons = {o.doc_id: o.reason for o in batch.outcomes if o.status != "ok"}
    results: dict[str, tuple[DocumentResult | None, str | None]] = {}
    for doc_id, path in found.items():
        if path is None:
            results[doc_id] = (None, f"no document {golden_dir / 'docs' / doc_id}.* to extract")
        elif doc_id in reasons:
            results[doc_id] = (None, f"extraction failed: {reasons[doc_id]}")
        else:
            results[doc_id] = load_prediction(out_dir, doc_id)
    return results


def evaluate(
    golden_dir: Path,
    pred_dir: Path | None = None,
    backend: str = "rules",
    jobs: int = 1,
    llm: Any = None,
) -> EvalReport:
    """Score the extractor (or the outputs in `pred_dir`) against every golden file.
    `jobs` > 1 (or 0: one per CPU) extracts in that many worker processes; `llm`: the
    `LLMConfig` of an llm / hybrid run (default: the environment)."""
    golden_dir = Path(golden_dir)
    files = golden_files(golden_dir)
    if pred_dir is not None and not Path(pred_dir).is_dir():
        raise EvalError(f"{pred_dir}: prediction folder not found")
    goldens = [load_golden(path) for path in files]
    batch: dict[str, tuple[DocumentResult | None, str | None]] = {}
    extract = None
    if pred_dir is None and jobs != 1:
        load_pipeline()  # fail early and clearly when there is no pipeline
        with tempfile.TemporaryDirectory(prefix="extractor-eval-") as tmp:
            ids = [g.doc_id for g, _ in goldens]
            batch = run_batch_pipeline(golden_dir, ids, backend, jobs, Path(tmp), llm)
    elif pred_dir is None:
        extract = load_pipeline()
        if llm is not None:
            extract = functools.partial(extract, llm=llm)
    items: list[DocumentInput] = []
    for golden, precision in goldens:
        if pred_dir is not None:
            pred, error = load_prediction(Path(pred_dir), golden.doc_id)
        elif extract is None:
            pred, error = batch[golden.doc_id]
        else:
            pred, error = run_pipeline(extract, golden_dir, golden.doc_id, backend)
        items.append(DocumentInput(golden=golden, pred=pred, error=error, precision=precision))
    report = score_documents(
        items,
        golden_dir=str(golden_dir),
        pred_dir=str(pred_dir) if pred_dir is not None else None,
        backend=backend if pred_dir is None else None,
    )
    if pred_dir is None:
        add_validator_on_golden(report, golden_dir, [item.golden for item in items])
    return report


def add_validator_on_golden(
    report: EvalReport,
    golden_dir: Path,
    goldens: list[GoldenDocument],
    load_document: Callable[[Path], Any] | None = None,
) -> None:
    """Score the validator alone on each golden's records (documents found in docs/);
    nothing when the pipeline's document loader is not available."""
    if load_document is None:
        load_document = getattr(sys.modules.get("extractor.pipeline"), "load_document", None)
    if load_document is None:
        return
    total = FlagCounts()
    for golden in goldens:
        path = find_document(golden_dir, golden.doc_id)
        if path is None:
            continue
        counts = validate_golden_records(golden, path, load_document)
        report.document(golden.doc_id).flags_on_golden = counts
        total.merge(counts)
    report.flags.on_golden = total
