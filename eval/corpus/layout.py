"""What a generated document is made of, before it is rendered.

A document is a list of blocks: plain paragraphs (report text, a title page, notes),
forms (title lines, a ruled `Table` with merged cells, lines under it) and explicit page
breaks. Each form carries the `Project` it was drawn from: that is its label. The same
blocks are rendered as a text-layer PDF, MinerU-style Markdown, flat OCR text and scans
(`eval.corpus.render`), all from one pagination (`eval.corpus.paginate`), so a table
broken over two pages is broken at the same row in every rendering.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from extractor.models import ExpectedFlag, Project


@dataclass
class Cell:
    """One printed cell: top-left grid position, span and text."""

    row: int
    col: int
    text: str
    rowspan: int = 1
    colspan: int = 1


@dataclass
class Table:
    n_cols: int
    cells: list[Cell]
    # Rows [a, b) that a continuation page prints again when the family repeats its
    # header (the indicator column header), or None.
    header: tuple[int, int] | None = None

    @property
    def n_rows(self) -> int:
        return max((c.row + c.rowspan for c in self.cells), default=0)

    def grid(self) -> list[list[str]]:
        """Each cell's text in its top-left position, covered positions empty."""
        rows = [[""] * self.n_cols for _ in range(self.n_rows)]
        for cell in self.cells:
            rows[cell.row][cell.col] = cell.text
        return rows


@dataclass
class C:
    """A cell to add with `TableBuilder.row`: text and span."""

    text: str
    cs: int = 1
    rs: int = 1


class TableBuilder:
    """Build a `Table` row by row the way HTML does: each row's cells fill the positions
    that no row-spanning cell above already covers, left to right."""

    def __init__(self, n_cols: int) -> None:
        self.n_cols = n_cols
        self.cells: list[Cell] = []
        self._taken: set[tuple[int, int]] = set()
        self._row = 0
        self.header: tuple[int, int] | None = None

    @property
    def next_row(self) -> int:
        return self._row

    def row(self, *items: str | C) -> int:
        r = self._row
        col = 0
        for item in items:
            spec = item if isinstance(item, C) else C(item)
            while (r, col) in self._taken:
                col += 1
            if col + spec.cs > self.n_cols:
                raise ValueError(f"row {r}: {items!r} overflows {self.n_cols} columns")
            self.cells.append(Cell(r, col, spec.text, spec.rs, spec.cs))
            for rr in range(r, r + spec.rs):
                for cc in range(col, col + spec.cs):
                    self._taken.add((rr, cc))
            col += spec.cs
        missing = [c for c in range(self.n_cols) if (r, c) not in self._taken]
        if missing:
            raise ValueError(f"row {r}: columns {missing} not filled by {items!r}")
        self._row += 1
        return r

    def mark_header(self, first: int, end: int) -> None:
        self.header = (first, end)

    def build(self) -> Table:
        table = Table(self.n_cols, self.cells, self.header)
        # Row spans must not hang below the last row.
        assert all(c.row + c.rowspan <= self._row for c in self.cells)
        return table


# ---------------------------------------------------------------------------------------
# Blocks


@dataclass
class Para:
    """Plain text lines (a report's paragraphs, a cover, a unit line)."""

    lines: list[str]
    align: Literal["left", "center"] = "left"
    size: float = 10.5
    heading: bool = False  # a heading line (Markdown prints it with '#')


@dataclass
class Captioned:
    """A table printed before a form's main table (a 基本情况 block, a funding table),
    with the caption lines printed just above it ("一、部门基本情况")."""

    caption: list[str]
    table: Table


@dataclass
class Form:
    """One form: its title lines, a line or two under the title (year, unit), its table
    (and any separate tables printed before it), lines under the table, and the project
    it states (its label)."""

    title: list[str]
    table: Table
    project: Project
    subtitle: list[str] = field(default_factory=list)  # "（2023年度）", "单位：万元"
    foot: list[str] = field(default_factory=list)  # "填报人：…"
    flags: list[ExpectedFlag] = field(default_factory=list)  # errors made on purpose
    notes: list[str] = field(default_factory=list)  # what is special (for the golden meta)
    title_at_foot: bool = False  # the title ends the previous page, the table starts a new one
    font_size: float = 8.0
    before: list[Captioned] = field(default_factory=list)  # separate tables above the main one
    caption: list[str] = field(default_factory=list)  # lines just above the main table


@dataclass
class PageBreak:
    pass


Block = Para | Form | PageBreak


@dataclass
class DocSpec:
    """A generated document: its blocks and how it is laid out."""

    key: str  # "<family>-<n>": the base of every rendering's doc_id
    family: str
    held_out: bool
    blocks: list[Block]
    landscape: bool = True
    repeat_header: bool = False  # a table continued on a new page prints its header again
    page_height: float | None = None  # shorter pages force breaks inside long tables
    notes: list[str] = field(default_factory=list)

    @property
    def forms(self) -> list[Form]:
        return [b for b in self.blocks if isinstance(b, Form)]
