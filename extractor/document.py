"""Records of the ingest and chunk stages: a document's pages, its tables and its chunks.

Every reader (text file, PDF text layer, Markdown/HTML tables, OCR) produces a `Document`
whose pages carry *row text*: one line per table row, cells separated by a tab, empty
cells kept as empty strings, and merged cells written once (in their first row) with the
cells they cover left empty. That is the form in which OCR tools print these forms.

Readers that know a table's cells (a ruled PDF table, an HTML table, the ruling-line grid
of a scan) also keep it as a `Table`: every cell with its row and column, its spans, its
text, its page and box, and where its text was written in the page's row text. Tables
continued over pages are joined into one. Flat OCR text (.txt) has no `Table`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from extractor.models import FormKind, Span

Rect = tuple[float, float, float, float]  # x0, y0, x1, y1 in PDF points (displayed page)


class Word(BaseModel):
    """A run of text where the page prints it: a line of the text layer or of OCR."""

    model_config = ConfigDict(extra="forbid")

    text: str
    box: Rect
    confidence: float | None = None  # OCR only


class Page(BaseModel):
    model_config = ConfigDict(extra="forbid")

    number: int  # 1-based
    text: str
    needs_ocr: bool = False  # no usable text layer; OCR is a later stage
    # Optional boxes (PDF points) for stretches of `text`: (start, end, x0, y0, x1, y1).
    boxes: list[tuple[int, int, float, float, float, float]] = Field(default_factory=list)
    words: list[Word] = Field(default_factory=list)  # positioned text (PDF and OCR pages)


class TableCell(BaseModel):
    """One cell of a table; a merged cell appears once, at the first row and column it
    covers, with its spans. `start`/`end` are offsets into its page's text where the
    cell's text was written (page-relative, like `Span`)."""

    model_config = ConfigDict(extra="forbid")

    row: int  # 0-based, in the (joined) table
    col: int
    row_span: int = 1
    col_span: int = 1
    text: str
    page: int
    start: int
    end: int
    box: Rect | None = None
    confidence: float | None = None  # OCR'd cells


class Table(BaseModel):
    """A table as the source laid it out (see the module docstring)."""

    model_config = ConfigDict(extra="forbid")

    n_rows: int
    n_cols: int
    cells: list[TableCell]  # row-major
    title: list[str] = Field(default_factory=list)  # plain lines printed just above it
    pages: list[int] = Field(default_factory=list)
    source: str = "pdf"  # "pdf" | "markup" | "ocr"
    notes: list[str] = Field(default_factory=list)  # e.g. how it was joined across pages

    def grid(self) -> list[list[TableCell | None]]:
        """Every position of the table, a merged cell at each position it covers."""
        out: list[list[TableCell | None]] = [[None] * self.n_cols for _ in range(self.n_rows)]
        for cell in self.cells:
            for r in range(cell.row, min(cell.row + cell.row_span, self.n_rows)):
                for c in range(cell.col, min(cell.col + cell.col_span, self.n_cols)):
                    out[r][c] = cell
        return out

    def rows(self) -> list[list[TableCell]]:
        """The cells that start in each row, left to right."""
        out: list[list[TableCell]] = [[] for _ in range(self.n_rows)]
        for cell in self.cells:
            out[cell.row].append(cell)
        return [sorted(row, key=lambda c: c.col) for row in out]


class Document(BaseModel):
    model_config = ConfigDict(extra="forbid")

    doc_id: str
    path: str
    sha256: str
    pages: list[Page]
    encoding: str | None = None  # for text inputs: the detected encoding
    notes: list[str] = Field(default_factory=list)  # e.g. "第3页无文字层，需要OCR"
    tables: list[Table] = Field(default_factory=list)  # in document order, joined over pages

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

    def offset(self, page: int, at: int) -> int:
        """A page-relative offset (page numbered from 1) as an offset into `self.text`."""
        index = next(i for i, p in enumerate(self.pages) if p.number == page)
        return self.page_starts()[index] + at

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


class TablePart(BaseModel):
    """Rows `first_row`..`last_row` (inclusive) of `Document.tables[table]`."""

    model_config = ConfigDict(extra="forbid")

    table: int
    first_row: int
    last_row: int


class Chunk(BaseModel):
    """A form or a stretch of narrative, with its place in the document."""

    model_config = ConfigDict(extra="forbid")

    doc_id: str
    kind: ChunkKind
    form: FormKind | None = None  # set for form chunks
    title: str = ""  # the form's printed title, if any
    form_by: str = ""  # what decided `form`: "title" | "document" | "columns"
    parts: list[TablePart] = Field(default_factory=list)  # the form's table rows, if kept
    start: int  # offsets into Document.text
    end: int
    text: str
    context: str = ""  # text just before the form (title, year, 部门名称 lines)
