"""After extraction: boxes on spans, OCR facts in `meta`, low-confidence flags.

    result = extract_document(path, ocr=settings)
    flags = annotate_ocr(result, document)     # document: the Document that was read

`annotate_ocr` changes `result` in place and returns the flags it added:

- every `Span` in the result (projects, funding lines, indicators, flags, accounts)
  whose page has boxes gets `bbox`: the union of the boxes of the cells and lines it
  covers, in page coordinates (PDF points, the page as displayed);
- `result.meta["ocr"]`: engine, pages read by OCR, resolution, turns, mean confidence;
- one `ocr.low_confidence` warning per field read from a cell whose OCR confidence is
  below the threshold (`OcrSettings.low_confidence`, 0.8), with the field's path
  (`indicators[3].score`, `funding[0].executed`, `name` …) and a span with the box.

It is idempotent (a second call adds nothing), so the pipeline may call it and a batch
run may call it again.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from extractor.document import Document
from extractor.models import (
    FUNDING_NUMBER_FIELDS,
    DocumentResult,
    Flag,
    FundingLine,
    Indicator,
    Project,
    Span,
)
from extractor.normalize import clean_cell, parse_number, squash
from extractor.ocr.model import OcrPage, OcrStretch, ocr_pages
from extractor.ocr.settings import OcrSettings

RULE = "ocr.low_confidence"


# ---------------------------------------------------------------------------------------
# Boxes


def _spans(node: Any) -> Iterator[Span]:
    if isinstance(node, Span):
        yield node
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from _spans(getattr(node, name))
    elif isinstance(node, list | tuple):
        for item in node:
            yield from _spans(item)


def span_box(document: Document, span: Span) -> list[float] | None:
    """Union of the page boxes that overlap the span's offsets. A merged cell that
    reaches far below the span's other cells (a level-1 label spanning many rows) keeps
    its width but not its height, so an indicator's box is its row."""
    if not 1 <= span.page <= len(document.pages):
        return None
    page = document.pages[span.page - 1]
    end = max(span.end, span.start + 1)
    hits = [b for b in page.boxes if b[0] < end and b[1] > span.start]
    if not hits:
        return None
    heights = sorted(b[5] - b[3] for b in hits)
    typical = heights[len(heights) // 2]
    rows = [b for b in hits if b[5] - b[3] <= 1.5 * typical] or hits
    return [
        round(min(b[2] for b in hits), 2),
        round(min(b[3] for b in rows), 2),
        round(max(b[4] for b in hits), 2),
        round(max(b[5] for b in rows), 2),
    ]


def attach_boxes(result: DocumentResult, document: Document) -> int:
    """Fill `bbox` on every span of the result that lacks one; returns how many."""
    filled = 0
    if not any(page.boxes for page in document.pages):
        return filled  # a text file: no page has boxes to give
    for span in _spans(result):
        if span.bbox is None:
            span.bbox = span_box(document, span)
            filled += span.bbox is not None
    return filled


# ---------------------------------------------------------------------------------------
# Which field a cell fed


@dataclass
class _Record:
    project: Project
    path: str  # "funding[0]" / "indicators[3]" / "" for the project header
    fields: list[tuple[str, Any]]  # (field path suffix, value) in print order
    span: Span


def _indicator_fields(ind: Indicator) -> list[tuple[str, Any]]:
    return [
        ("group", ind.group),
        ("level1", ind.level1),
        ("level2", ind.level2),
        ("name", ind.name),
        ("nature", ind.nature),
        ("target", ind.target.raw if ind.target else None),
        ("actual", ind.actual.raw if ind.actual else None),
        ("weight", ind.weight),
        ("score", ind.score),
        ("deviation_reason", ind.deviation_reason),
    ]


def _funding_fields(line: FundingLine) -> list[tuple[str, Any]]:
    return [("source", line.source)] + [(n, getattr(line, n)) for n in FUNDING_NUMBER_FIELDS]


def _records(result: DocumentResult) -> list[_Record]:
    records: list[_Record] = []
    for project in result.projects:
        for i, line in enumerate(project.funding):
            if line.span is not None:
                records.append(_Record(project, f"funding[{i}]", _funding_fields(line), line.span))
        for i, ind in enumerate(project.indicators):
            if ind.span is not None:
                records.append(
                    _Record(project, f"indicators[{i}]", _indicator_fields(ind), ind.span)
                )
        if project.span is not None:
            header = [
                ("name", project.name),
                ("department", project.department),
                ("implementer", project.implementer),
                ("year", project.year),
            ]
            records.append(_Record(project, "", header, project.span))
    return records


def _matches(cell: str, value: Any) -> bool:
    if value is None or value == "":
        return False
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        number = parse_number(cell)
        return number is not None and abs(number - float(value)) < 1e-9
    key, want = squash(clean_cell(cell)), squash(clean_cell(str(value)))
    if not key or not want:
        return False
    return key == want or (len(key) >= 2 and (key in want or want in key))


def _field_of(record: _Record, cell: str, earlier_same: int) -> str | None:
    """The field the cell's text went into; `earlier_same` cells with the same text
    printed before it on the row pick among fields of equal value, in print order."""
    hits = [name for name, value in record.fields if _matches(cell, value)]
    if not hits:
        return None
    return hits[min(earlier_same, len(hits) - 1)]


def _record_at(records: list[_Record], page: int, start: int, header: bool) -> _Record | None:
    for record in records:
        if (record.path == "") != header:
            continue
        if record.span.page == page and record.span.start <= start < record.span.end:
            return record
    return None


def _path(record: _Record, field: str | None) -> str | None:
    if record.path == "":
        return field  # a header cell that is not a field of the project is not flagged
    return f"{record.path}.{field}" if field else record.path


def _earlier_same(page: OcrPage, stretch: OcrStretch, record: _Record) -> int:
    text = squash(page.text[stretch.start : stretch.end])
    count = 0
    for s in page.ocr.stretches:
        if (
            record.span.start <= s.start < stretch.start
            and squash(page.text[s.start : s.end]) == text
        ):
            count += 1
    return count


def low_confidence_flags(
    result: DocumentResult, document: Document, threshold: float
) -> list[Flag]:
    """One warning per field whose cell was read with less than `threshold`."""
    records = _records(result)
    found: dict[tuple[str, str], Flag] = {}
    lowest: dict[tuple[str, str], float] = {}
    for page in ocr_pages(document):
        for stretch in page.ocr.stretches:
            if stretch.confidence >= threshold:
                continue
            text = page.text[stretch.start : stretch.end]
            record = _record_at(records, page.number, stretch.start, header=False)
            record = record or _record_at(records, page.number, stretch.start, header=True)
            if record is None:
                continue
            field = _field_of(record, text, _earlier_same(page, stretch, record))
            path = _path(record, field)
            if path is None:
                continue
            key = (record.project.id, path)
            if key in found and lowest[key] <= stretch.confidence:
                continue
            lowest[key] = stretch.confidence
            found[key] = Flag(
                rule=RULE,
                severity="warning",
                project=record.project.id,
                path=path,
                message=(
                    f"第{page.number}页OCR识别置信度低（{stretch.confidence:.2f}）："
                    f"「{text}」，请对照原件核对"
                ),
                expected=None,
                found=text,
                span=Span(
                    page=page.number,
                    start=stretch.start,
                    end=stretch.end,
                    bbox=[round(v, 2) for v in stretch.bbox],
                ),
            )
    return list(found.values())


# ---------------------------------------------------------------------------------------


def ocr_meta(document: Document, threshold: float) -> dict[str, Any]:
    pages = ocr_pages(document)
    lines = [line for p in pages for line in p.ocr.lines]
    return {
        "engine": pages[0].ocr.engine,
        "pages": [p.number for p in pages],
        "dpi": pages[0].ocr.dpi,
        "turned": {str(p.number): p.ocr.turn for p in pages if p.ocr.turn},
        "illegible": [p.number for p in pages if not p.ocr.legible],
        "lines": len(lines),
        "mean_confidence": (
            round(sum(ln.confidence for ln in lines) / len(lines), 4) if lines else None
        ),
        "low_confidence_threshold": threshold,
        "seconds": round(sum(p.ocr.seconds for p in pages), 2),
    }


def annotate_ocr(
    result: DocumentResult, document: Document, threshold: float | None = None
) -> list[Flag]:
    """Boxes, OCR meta and low-confidence flags (see the module docstring)."""
    if result.meta.get("ocr", {}).get("annotated"):
        return []
    attach_boxes(result, document)
    if not ocr_pages(document):
        return []
    threshold = OcrSettings().low_confidence if threshold is None else threshold
    flags = low_confidence_flags(result, document, threshold)
    result.flags.extend(flags)
    meta = ocr_meta(document, threshold)
    meta["low_confidence_fields"] = len(flags)
    meta["annotated"] = True
    result.meta["ocr"] = meta
    return flags
