"""Source text: kept in the store at import time, page by page.

The page texts and boxes are those the pipeline read the result from, taken in this
order: the reading the run kept in memory (`extractor run … --db`), the reading saved
beside the result file (`--save-ocr`: `<doc_id>.ocr.pages.jsonl`), else the source file
read again (OCR'd with the run's settings). The source file is looked up where the
result says it is (or beside the result file) and only used when its sha256 matches the
result's; the web page then reads the text from the store alone, and opens the source
only to draw a page image.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from extractor.document import Document, Page
from extractor.errors import InputError
from extractor.models import DocumentResult, Span
from extractor.ocr.settings import ENGINES, MODES, OcrSettings
from extractor.ocr.sidecar import Box, SourceReading, load_reading


@dataclass(frozen=True)
class FoundSource:
    path: Path | None  # absolute; None when only a saved reading is left
    pages: list[str]
    boxes: list[list[Box]]  # per page; empty lists when the reader gave none


def source_candidates(stored: str, base: Path | None = None) -> list[Path]:
    """Where a result's source may be: as recorded, relative to `base` (the result
    file's folder), or beside the result file."""
    path = Path(stored)
    candidates = [path]
    if base is not None and not path.is_absolute():
        candidates.append(base / path)
    if base is not None:
        candidates.append(base / path.name)
    return candidates


def locate_source(result: DocumentResult, base: Path | None = None) -> Path | None:
    """The source file (absolute) with the result's sha256, or None when it is gone or
    has changed. Hashes the file; does not read it."""
    from extractor.pipeline import file_sha256

    for candidate in source_candidates(result.source.path, base):
        try:
            if candidate.is_file() and file_sha256(candidate) == result.source.sha256:
                return candidate.resolve()
        except OSError:
            continue
    return None


def find_source(
    result: DocumentResult, base: Path | None = None, reading: SourceReading | None = None
) -> FoundSource | None:
    """The page texts and boxes `result` was read from and the source file (see the
    module docstring), or None when there is neither a reading of this result nor its
    source file. `reading` is what the run kept; `base` the result file's folder."""
    path = locate_source(result, base)
    for read in (reading, load_reading(base, result.doc_id) if base is not None else None):
        if read is not None and read.fits(result.source.sha256, result.source.pages, result.meta):
            return FoundSource(path, list(read.texts), [list(b) for b in read.boxes])
    if path is None:
        return None
    from extractor.pipeline import load_document

    try:
        document = load_document(path, ocr=run_ocr_settings(result))
    except (InputError, OSError):
        return None
    return FoundSource(
        path,
        [page.text for page in document.pages],
        [list(page.boxes) for page in document.pages],
    )


def run_ocr_settings(result: DocumentResult) -> OcrSettings:
    """The OCR mode and engine the result was read with (`meta.run`), else the defaults."""
    run = result.meta.get("run") or {}
    defaults = OcrSettings()
    mode, engine = run.get("ocr", defaults.mode), run.get("ocr_engine", defaults.engine)
    if mode not in MODES or engine not in ENGINES:
        return defaults
    return OcrSettings(mode=mode, engine=engine)


def find_source_pages(result: DocumentResult, base: Path | None = None) -> list[str] | None:
    """The source's page texts, or None when the source file is gone or has changed."""
    found = find_source(result, base)
    return found.pages if found else None


def build_document(doc_id: str, path: str, sha256: str, pages: list[str]) -> Document:
    return Document(
        doc_id=doc_id,
        path=path,
        sha256=sha256,
        pages=[Page(number=i + 1, text=text) for i, text in enumerate(pages)],
    )


@dataclass(frozen=True)
class Excerpt:
    """A stretch of one page with the part to highlight: before + mark + after."""

    page: int
    before: str
    mark: str
    after: str
    focus: tuple[int, int] | None = None  # the field's own cell inside `mark`, if found

    def to_json(self) -> dict[str, object]:
        return {
            "page": self.page,
            "before": self.before,
            "mark": self.mark,
            "after": self.after,
            "focus": list(self.focus) if self.focus else None,
        }

    def snippet(self, limit: int = 160) -> str:
        """A one-line excerpt for a spreadsheet cell: 【…】 marks the span."""
        mark = " ".join(self.mark.split())
        room = max(0, (limit - len(mark)) // 2)
        before = " ".join(self.before.split())[-room:] if room else ""
        after = " ".join(self.after.split())[:room] if room else ""
        return f"{before}【{mark}】{after}"


def excerpt(
    pages: dict[int, str], span: Span | None, context: int | None = None, needle: str = ""
) -> Excerpt | None:
    """The page text around `span` (the whole page when `context` is None). `needle`,
    the field's printed value, is located inside the span when it is one whole cell."""
    if span is None or span.page not in pages:
        return None
    text = pages[span.page]
    start = max(0, min(span.start, len(text)))
    end = max(start, min(span.end, len(text)))
    lo = 0 if context is None else max(0, text.rfind("\n", 0, max(0, start - context)) + 1)
    hi = len(text) if context is None else _line_end(text, min(len(text), end + context))
    mark = text[start:end]
    return Excerpt(
        page=span.page,
        before=text[lo:start],
        mark=mark,
        after=text[end:hi],
        focus=_cell_in(mark, needle),
    )


def _line_end(text: str, pos: int) -> int:
    stop = text.find("\n", pos)
    return len(text) if stop < 0 else stop


def _cell_in(row: str, needle: str) -> tuple[int, int] | None:
    """Offsets of the one tab-separated cell of `row` that reads `needle`."""
    if not needle:
        return None
    squashed = "".join(needle.split())
    hits: list[tuple[int, int]] = []
    pos = 0
    for cell in row.split("\t"):
        if "".join(cell.split()) == squashed:
            hits.append((pos, pos + len(cell)))
        pos += len(cell) + 1
    return hits[0] if len(hits) == 1 else None


def cell_box(boxes: list[Box], start: int, end: int) -> list[float] | None:
    """The union of the page's boxes that cover text offsets [start, end): the box of a
    field's own cell inside its row."""
    hits = [b for b in boxes if b[0] < max(end, start + 1) and b[1] > start]
    if not hits:
        return None
    return [
        round(min(b[2] for b in hits), 2),
        round(min(b[3] for b in hits), 2),
        round(max(b[4] for b in hits), 2),
        round(max(b[5] for b in hits), 2),
    ]
