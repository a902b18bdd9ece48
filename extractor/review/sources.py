"""Source text: read once at import time and kept in the store, page by page.

At import the source is looked up where the result says it is (or beside the result
file) and only used when its sha256 matches the result's; the web page then reads the
text from the store alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from extractor.document import Document, Page
from extractor.errors import InputError
from extractor.models import DocumentResult, Span

Box = tuple[int, int, float, float, float, float]  # start, end, x0, y0, x1, y1


@dataclass(frozen=True)
class FoundSource:
    path: Path  # absolute
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


def find_source(result: DocumentResult, base: Path | None = None) -> FoundSource | None:
    """The source file and its page texts, or None when the file is gone or has
    changed (its sha256 differs from the result's)."""
    from extractor.pipeline import file_sha256, load_document

    for candidate in source_candidates(result.source.path, base):
        if not candidate.is_file():
            continue
        try:
            if file_sha256(candidate) != result.source.sha256:
                continue
            document = load_document(candidate)
        except (InputError, OSError):
            continue
        return FoundSource(
            candidate.resolve(),
            [page.text for page in document.pages],
            [list(page.boxes) for page in document.pages],
        )
    return None


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
