"""Records of the ingest and chunk stages: a document's pages and its chunks.

Every reader (text file, PDF text layer, Markdown/HTML tables, later OCR) produces a
`Document` whose pages carry *row text*: one line per table row, cells separated by a
tab, empty cells kept as empty strings, and merged cells written once (in their first
row) with the cells they cover left empty. That is the form in which OCR tools print
these forms, so one template parser reads every kind of input.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from extractor.models import FormKind, Span


class Page(BaseModel):
    model_config = ConfigDict(extra="forbid")

    number: int  # 1-based
    text: str
    needs_ocr: bool = False  # no usable text layer; OCR is a later stage
    # Optional boxes (PDF points) for stretches of `text`: (start, end, x0, y0, x1, y1).
    boxes: list[tuple[int, int, float, float, float, float]] = Field(default_factory=list)


class Document(BaseModel):
    model_config = ConfigDict(extra="forbid")

    doc_id: str
    path: str
    sha256: str
    pages: list[Page]
    encoding: str | None = None  # for text inputs: the detected encoding
    notes: list[str] = Field(default_factory=list)  # e.g. "第3页无文字层，需要OCR"

    @property
    def text(self) -> str:
        """All pages joined by form feeds; offsets into it map to pages via `locate`."""
        return "\f".join(p.text for p in self.pages)

    def page_starts(self) -> list[int]:
        starts, pos = [], 0
        for page in self.pages:
            starts.append(pos)
            pos += len(page.text) + 1
        return starts

    def locate(self, start: int, end: int) -> Span:
        """Turn offsets into `self.text` into a page-relative `Span`."""
        starts = self.page_starts()
        index = 0
        for i, s in enumerate(starts):
            if s <= start:
                index = i
        base = starts[index]
        page = self.pages[index]
        return Span(page=page.number, start=start - base, end=min(end - base, len(page.text)))


# Offsets into Document.text → a page-relative Span (Document.locate).
Locate = Callable[[int, int], Span]

ChunkKind = Literal["form", "narrative"]


class Chunk(BaseModel):
    """A form or a stretch of narrative, with its place in the document."""

    model_config = ConfigDict(extra="forbid")

    doc_id: str
    kind: ChunkKind
    form: FormKind | None = None  # set for form chunks
    title: str = ""  # the form's printed title, if any
    start: int  # offsets into Document.text
    end: int
    text: str
    context: str = ""  # text just before the form (title, year, 部门名称 lines)
