"""Lay a document's blocks out on pages: text lines wrapped to the page width, tables
measured with the drawing code's metrics and broken between rows where a page is full.

A table continued on a new page prints its header rows again when the document says so
(`DocSpec.repeat_header`); a merged cell cut by a page break keeps its text in the part
above the break and leaves the part below empty, the way word processors print it. Every
rendering (PDF, Markdown, flat text, scans) follows this one pagination.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from eval.corpus import draw
from eval.corpus.layout import Cell, DocSpec, Form, PageBreak, Para, Table

A4_LONG, A4_SHORT = 842.0, 595.0
MARGIN = draw.MARGIN
TITLE_SIZE = 14.0
SUBTITLE_SIZE = 9.0
LINE_GAP = 1.6  # line height / font size for text lines


@dataclass
class TextLine:
    text: str
    x: float
    y: float  # baseline
    size: float
    kind: str = "text"  # "title", "subtitle", "text", "heading", "foot"
    paragraph: int = -1  # lines of one wrapped paragraph share an id


@dataclass
class Piece:
    """The part of a form's table printed on one page."""

    form: int  # index of the form in the document
    rows: tuple[int, int]  # source rows [a, b)
    cells: list[draw.CellSpec]  # rows rebased to the piece (repeated header first)
    xs: list[float]
    ys: list[float]
    lines: dict[int, list[str]]  # wrapped text lines per cell index
    repeated_header: int = 0  # how many header rows were printed again on top
    continued: bool = False  # the table started on an earlier page
    n_cols: int = 0
    font_size: float = draw.FONT_SIZE


@dataclass
class Page:
    width: float
    height: float
    items: list[TextLine | Piece] = field(default_factory=list)


def page_size(spec: DocSpec) -> tuple[float, float]:
    width, height = (A4_LONG, A4_SHORT) if spec.landscape else (A4_SHORT, A4_LONG)
    return width, spec.page_height or height


def _clip(table: Table, a: int, b: int, offset: int) -> list[draw.CellSpec]:
    out = []
    for c in table.cells:
        top, bottom = c.row, c.row + c.rowspan
        if bottom <= a or top >= b:
            continue
        start, end = max(top, a), min(bottom, b)
        text = c.text if top >= a else ""
        out.append(draw.CellSpec(start - a + offset, c.col, text, end - start, c.colspan))
    return out


def _header_cells(table: Table) -> list[draw.CellSpec]:
    if table.header is None:
        return []
    a, b = table.header
    return _clip(table, a, b, 0)


class Flow:
    def __init__(self, spec: DocSpec) -> None:
        self.spec = spec
        self.width, self.height = page_size(spec)
        self.pages: list[Page] = []
        self.y = 0.0
        self.paragraphs = 0
        self.new_page()

    @property
    def bottom(self) -> float:
        return self.height - MARGIN

    @property
    def page(self) -> Page:
        return self.pages[-1]

    def new_page(self) -> None:
        self.pages.append(Page(self.width, self.height))
        self.y = MARGIN

    def ensure(self, height: float) -> None:
        if self.y + height > self.bottom and self.page.items:
            self.new_page()

    def text(self, line: str, size: float, kind: str, centre: bool, paragraph: int) -> None:
        step = size * LINE_GAP
        self.ensure(step)
        self.y += step
        x = (self.width - draw.text_width(line, size)) / 2 if centre else MARGIN
        self.page.items.append(
            TextLine(line, max(x, MARGIN), self.y - size * 0.35, size, kind, paragraph)
        )

    def paragraph(self, para: Para) -> None:
        inner = self.width - 2 * MARGIN
        kind = "heading" if para.heading else "text"
        for line in para.lines:
            self.paragraphs += 1
            for piece in draw.wrap_text(line, inner, para.size):
                self.text(piece, para.size, kind, para.align == "center", self.paragraphs)
        self.y += para.size * 0.6

    def form(self, index: int, form: Form) -> None:
        title_h = len(form.title) * TITLE_SIZE * LINE_GAP + len(form.subtitle) * SUBTITLE_SIZE * 2
        if form.title_at_foot:
            # Push the title to the foot of this page; the table starts the next one.
            room = self.bottom - self.y
            if self.page.items and room >= title_h:
                self.y = self.bottom - title_h
            else:
                self.ensure(title_h + 60)
        else:
            self.ensure(title_h + 60)  # a title never ends a page by accident
        for line in form.title:
            self.paragraphs += 1
            self.text(line, TITLE_SIZE, "title", True, self.paragraphs)
        for i, line in enumerate(form.subtitle):
            self.paragraphs += 1
            centre = (i == 0 and line.startswith(("（", "("))) or (
                "年度" in line and len(line) < 12
            )
            self.text(line, SUBTITLE_SIZE, "subtitle", centre, self.paragraphs)
        self.y += 4
        if form.title_at_foot:
            self.new_page()
        for part in form.before:
            self.caption(part.caption)
            self.table(index, part.table, form.font_size)
        self.caption(form.caption)
        self.table(index, form.table, form.font_size)
        for line in form.foot:
            self.paragraphs += 1
            self.text(line, SUBTITLE_SIZE, "foot", False, self.paragraphs)
        self.y += 8

    def caption(self, lines: list[str]) -> None:
        """Lines printed just above a table ("一、部门基本情况"); kept on the table's page."""
        if not lines:
            return
        self.ensure(len(lines) * SUBTITLE_SIZE * 2 + 60)
        for line in lines:
            self.paragraphs += 1
            self.text(line, SUBTITLE_SIZE, "text", False, self.paragraphs)
        self.y += 2

    def table(self, index: int, table: Table, font_size: float) -> None:
        style = draw.Style(font_size=font_size, width=self.width - 2 * MARGIN, fill=True)
        all_cells = [draw.CellSpec(c.row, c.col, c.text, c.rowspan, c.colspan) for c in table.cells]
        widths = draw.column_widths(all_cells, table.n_cols, style)
        xs = [MARGIN]
        for w in widths:
            xs.append(xs[-1] + w)
        header = _header_cells(table) if self.spec.repeat_header else []
        header_rows = (table.header[1] - table.header[0]) if (header and table.header) else 0
        a, n = 0, table.n_rows
        continued = False
        while a < n:
            repeat = continued and header_rows > 0 and a >= (table.header[1] if table.header else 0)
            prefix = header if repeat else []
            offset = header_rows if repeat else 0
            best: tuple[int, list[draw.CellSpec], list[float], dict[int, list[str]]] | None = None
            for b in range(a + 1, n + 1):
                if _inside_header(table, b) and b < n:
                    continue
                cells = prefix + _clip(table, a, b, offset)
                heights, lines = draw.row_heights(cells, offset + b - a, xs, style)
                if self.y + sum(heights) > self.bottom and best is not None:
                    break
                best = (b, cells, heights, lines)
                if self.y + sum(heights) > self.bottom:
                    break  # even one row does not fit: handled below
            assert best is not None
            b, cells, heights, lines = best
            if self.y + sum(heights) > self.bottom and self.page.items:
                self.new_page()
                continue  # retry the same rows on the fresh page
            ys = [self.y]
            for h in heights:
                ys.append(ys[-1] + h)
            self.page.items.append(
                Piece(
                    index,
                    (a, b),
                    cells,
                    xs,
                    ys,
                    lines,
                    offset,
                    continued,
                    table.n_cols,
                    font_size,
                )
            )
            self.y = ys[-1] + 6
            a = b
            if a < n:
                self.new_page()
                continued = True


def _inside_header(table: Table, b: int) -> bool:
    """A break before row b would cut the column header or leave it alone at the foot
    of a page."""
    if table.header is None:
        return False
    first, end = table.header
    return first < b <= end


def paginate(spec: DocSpec) -> list[Page]:
    flow = Flow(spec)
    index = 0
    for block in spec.blocks:
        if isinstance(block, PageBreak):
            if flow.page.items:
                flow.new_page()
        elif isinstance(block, Para):
            flow.paragraph(block)
        elif isinstance(block, Form):
            flow.form(index, block)
            index += 1
    if not flow.page.items and len(flow.pages) > 1:
        flow.pages.pop()
    return flow.pages


def clipped_grid(piece: Piece, n_cols: int) -> list[list[str]]:
    """The piece as rows of cells: each cell's text in its top-left position."""
    n_rows = max((c.row + c.rowspan for c in piece.cells), default=0)
    grid = [[""] * n_cols for _ in range(n_rows)]
    for c in piece.cells:
        grid[c.row][c.col] = c.text
    return grid


__all__ = ["Cell", "Page", "Piece", "TextLine", "clipped_grid", "paginate"]
