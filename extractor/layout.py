"""Positioned text → lines, table cells and row text: one module for the PDF text layer
and for OCR.

Both readers see a page as *pieces* of text with boxes (a run of characters of the text
layer, an OCR line) and, where tables are ruled, a *grid* of cells (from PyMuPDF's
`find_tables` or from the ruling lines of a page picture). This module

- puts every piece into the grid cell that holds its centre; a piece that runs across a
  column rule (the OCR detector joined two cells' words, or the text layer printed two
  cells as one line) is cut there, by the positions of its characters when known, else
  by their estimated widths;
- orders a cell's pieces into visual lines and joins them like wrapped lines (no space
  between Chinese text);
- groups the pieces outside tables into lines of text (left to right, top to bottom);
- writes the page's *row text* (a table row is one line of tab-separated cells, a merged
  cell written once, in the first row and column it covers) with a box per written
  stretch, and a `Table` per grid with every cell's row/column span, text, box and
  offsets into that text.

Coordinates are those of the caller (PDF points in reading space, image pixels); the
caller passes `to_page` to map a box to the page's displayed space in points.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from extractor.document import Rect, Table, TableCell

Box = tuple[int, int, float, float, float, float]  # start, end, x0, y0, x1, y1


# ---------------------------------------------------------------------------------------
# Text helpers


# CJK compatibility ideographs (and supplement), Kangxi radicals, CJK radicals supplement:
# PDF fonts and OCR models map some glyphs to these code points; NFKC gives the unified one.
_COMPAT_RANGES = ((0x2E80, 0x2EFF), (0x2F00, 0x2FDF), (0xF900, 0xFAFF), (0x2F800, 0x2FA1F))


def _compat_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for low, high in _COMPAT_RANGES:
        for code in range(low, high + 1):
            unified = unicodedata.normalize("NFKC", chr(code))
            if unified != chr(code) and len(unified) == 1:
                table[code] = unified
    return table


_COMPAT = _compat_table()


def fix_compat_ideographs(text: str) -> str:
    """Replace CJK compatibility ideographs / radicals by their unified forms (NFKC on
    those code points only; every other character is left as it is). Keeps the length."""
    return text.translate(_COMPAT)


def is_wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


# Layout whitespace: ASCII whitespace and no-break spaces. The ideographic space U+3000
# is text (paragraph indents, "合　计") and is left for the normaliser.
_SPACES = re.compile(r"[ \t\n\r\f\v\u00a0]+")


def squeeze(text: str) -> str:
    """Collapse runs of layout whitespace to one space and strip them at both ends."""
    return _SPACES.sub(" ", text).strip(" ")


def join_cell_lines(lines: Iterable[str]) -> str:
    """Join the lines of one cell: nothing between Chinese text (a wrapped line), one
    space between two Latin / digit ends ("Data" + "Center")."""
    out = ""
    for raw in lines:
        line = squeeze(raw)
        if not line:
            continue
        if out and not is_wide(out[-1]) and not is_wide(line[0]):
            out += " "
        out += line
    return out


def clean_line(text: str) -> str:
    """One output line: no tabs or line breaks inside, runs of spaces collapsed."""
    return fix_compat_ideographs(squeeze(text))


# ---------------------------------------------------------------------------------------
# Pieces and grids


@dataclass
class Mark:
    """Where characters [start, end) of a piece's text sit horizontally (a character
    of the text layer, a word of an OCR line), and how sure the reader was of them."""

    start: int
    end: int
    x0: float
    x1: float
    confidence: float = 1.0

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2


@dataclass
class Piece:
    """A run of text on a page with its box; `marks` locate its characters or words
    when the reader knows them; `confidence` is None for a text layer."""

    text: str
    rect: Rect
    confidence: float | None = None
    marks: list[Mark] = field(default_factory=list)

    @property
    def cx(self) -> float:
        return (self.rect[0] + self.rect[2]) / 2

    @property
    def cy(self) -> float:
        return (self.rect[1] + self.rect[3]) / 2

    @property
    def height(self) -> float:
        return max(self.rect[3] - self.rect[1], 1.0)


@dataclass
class GridCell:
    """A cell of a ruled grid: the first row and column it covers, how many of each."""

    row: int
    col: int
    rows: int
    cols: int
    rect: Rect


BAND = 24.0  # height of the bands cells are indexed by (layout units)


@dataclass
class Grid:
    """A ruled table: its box, size and cells (merged cells once, with their spans)."""

    rect: Rect
    n_rows: int
    n_cols: int
    cells: list[GridCell]
    _bands: dict[int, list[GridCell]] = field(default_factory=dict, repr=False)
    # a table without rules knows where each of its pieces goes: id(piece) → (row, col)
    placed: dict[int, tuple[int, int]] = field(default_factory=dict, repr=False)
    column_edges: list[tuple[float, float, float, float]] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        for cell in self.cells:  # index by horizontal band: a lookup tests few cells
            for band in range(int(cell.rect[1] // BAND), int(cell.rect[3] // BAND) + 1):
                self._bands.setdefault(band, []).append(cell)

    def cell_at(self, x: float, y: float) -> GridCell | None:
        for cell in self._bands.get(int(y // BAND), []):
            x0, y0, x1, y1 = cell.rect
            if x0 <= x <= x1 and y0 <= y <= y1:
                return cell
        return None

    def holds(self, piece: Piece) -> bool:
        if self.placed:
            return id(piece) in self.placed
        x0, y0, x1, y1 = self.rect
        return x0 <= piece.cx <= x1 and y0 <= piece.cy <= y1


def _weight(ch: str) -> float:
    return 1.0 if is_wide(ch) else 0.55


def _interval(bounds: list[float], x: float) -> int:
    last = len(bounds) - 2
    return next((i for i in range(last + 1) if x <= bounds[i + 1]), last)


def split_piece(piece: Piece, cuts: list[float]) -> list[Piece]:
    """Cut a piece at the x positions `cuts`: by its marks when known, else by the
    estimated centres of its characters (wide characters count double)."""
    bounds = [piece.rect[0], *sorted(cuts), piece.rect[2]]
    if piece.marks:
        return _split_marks(piece, bounds)
    weights = [_weight(ch) for ch in piece.text]
    total = sum(weights) or 1.0
    x0, y0, x1, y1 = piece.rect
    scale = (x1 - x0) / total
    parts: list[list[str]] = [[] for _ in range(len(bounds) - 1)]
    pos = x0
    for ch, w in zip(piece.text, weights, strict=True):
        parts[_interval(bounds, pos + w * scale / 2)].append(ch)
        pos += w * scale
    out = []
    for i, chars in enumerate(parts):
        part = "".join(chars).strip()
        if part:
            rect = (max(bounds[i], x0), y0, min(bounds[i + 1], x1), y1)
            out.append(Piece(part, rect, piece.confidence))
    return out


def _split_marks(piece: Piece, bounds: list[float]) -> list[Piece]:
    groups: list[list[Mark]] = [[] for _ in range(len(bounds) - 1)]
    for mark in piece.marks:
        groups[_interval(bounds, mark.cx)].append(mark)
    out = []
    for marks in groups:
        if not marks:
            continue
        first = marks[0].start
        text = piece.text[first : marks[-1].end]
        if not text.strip():
            continue
        rect = (min(m.x0 for m in marks), piece.rect[1], max(m.x1 for m in marks), piece.rect[3])
        confidence = (
            sum(m.confidence for m in marks) / len(marks) if piece.confidence is not None else None
        )
        shifted = [Mark(m.start - first, m.end - first, m.x0, m.x1, m.confidence) for m in marks]
        out.append(Piece(text, rect, confidence, shifted))
    return out


def _cells_across(grid: Grid, piece: Piece) -> list[GridCell]:
    """Cells on the piece's middle height that it overlaps by more than half a
    character (or whose span holds its centre)."""
    reach = piece.height * 0.5
    hits = []
    for cell in grid._bands.get(int(piece.cy // BAND), []):
        x0, y0, x1, y1 = cell.rect
        if not y0 <= piece.cy <= y1:
            continue
        overlap = min(x1, piece.rect[2]) - max(x0, piece.rect[0])
        if overlap > reach or x0 <= piece.cx <= x1:
            hits.append(cell)
    return sorted(hits, key=lambda c: c.rect[0])


def place(grid: Grid, pieces: Iterable[Piece]) -> dict[tuple[int, int], list[Piece]]:
    """Pieces by the (row, col) of the cell that holds them; a piece across a column
    rule is cut there first."""
    placed: dict[tuple[int, int], list[Piece]] = {}
    if grid.placed:  # a table without rules: its pieces were placed when it was found
        for piece in pieces:
            placed.setdefault(grid.placed[id(piece)], []).append(piece)
        return placed
    for piece in pieces:
        cells = _cells_across(grid, piece) if len(piece.text) > 1 else []
        if len(cells) > 1:
            for part in split_piece(piece, [c.rect[0] for c in cells[1:]]):
                cell = grid.cell_at(part.cx, part.cy)
                if cell is not None:
                    placed.setdefault((cell.row, cell.col), []).append(part)
            continue
        cell = cells[0] if cells else grid.cell_at(piece.cx, piece.cy)
        if cell is not None:
            placed.setdefault((cell.row, cell.col), []).append(piece)
    return placed


def visual_lines(pieces: Iterable[Piece]) -> list[list[Piece]]:
    """Pieces grouped into lines by height (top to bottom), each left to right. A piece
    joins the line above when it overlaps the line's height by more than half."""
    lines: list[list[Piece]] = []
    top = bottom = 0.0
    for piece in sorted(pieces, key=lambda p: (p.cy, p.rect[0])):
        y0, y1 = piece.rect[1], piece.rect[3]
        if lines and min(bottom, y1) - max(top, y0) > 0.5 * min(bottom - top, piece.height):
            lines[-1].append(piece)
            top, bottom = min(top, y0), max(bottom, y1)
        else:
            lines.append([piece])
            top, bottom = y0, y1
    return [sorted(line, key=lambda p: p.rect[0]) for line in lines]


def union(rects: Sequence[Rect]) -> Rect:
    return (
        min(r[0] for r in rects),
        min(r[1] for r in rects),
        max(r[2] for r in rects),
        max(r[3] for r in rects),
    )


def cell_text(pieces: Sequence[Piece], joiner: str = " ") -> str:
    """A cell's text: its visual lines, each piece joined by `joiner` ("" for the
    characters of a text layer, " " for OCR lines), lines joined as wrapped lines."""
    rows = [joiner.join(p.text for p in line) for line in visual_lines(pieces)]
    return clean_line(join_cell_lines(rows))


# ---------------------------------------------------------------------------------------
# Tables without ruling lines ("stream" tables)

STREAM_MIN_ROWS = 3  # tabular lines in a run for it to be a table
STREAM_MIN_COLUMNS = 3  # distinct column starts a table has
WRAP_GAP = 0.5  # a line this close (× line height) below a cell's text is its next line


def _tabular(line: list[Piece], height: float) -> bool:
    """A line of several pieces with gaps between them, as a table row prints."""
    ordered = sorted(line, key=lambda p: p.rect[0])
    gaps = [b.rect[0] - a.rect[2] for a, b in itertools.pairwise(ordered)]
    return len(ordered) >= 2 and max(gaps, default=0.0) > 0.8 * height


def _column_starts(pieces: list[Piece], tolerance: float) -> list[float]:
    """Left edges shared by several pieces: the columns' starts."""
    clusters: list[list[float]] = []
    for x in sorted(p.rect[0] for p in pieces):
        if clusters and x - clusters[-1][-1] <= tolerance:
            clusters[-1].append(x)
        else:
            clusters.append([x])
    least = max(2, len(pieces) // 40)  # a start shared by a wrapped line or two is no column
    return [min(c) for c in clusters if len(c) >= least]


def _column(starts: list[float], x: float, tolerance: float) -> int:
    return max((i for i, s in enumerate(starts) if s <= x + tolerance), default=0)


class _StreamRows:
    """Lines grouped into table rows: a line continues the row above when each of its
    pieces either fills a column still empty there (a label centred over merged rows)
    or sits just under that column's text (a wrapped cell)."""

    def __init__(self, starts: list[float], height: float) -> None:
        self.starts = starts
        self.height = height
        self.rows: list[dict[int, list[Piece]]] = []

    def add(self, line: list[Piece]) -> None:
        cols = [(_column(self.starts, p.rect[0], 0.8 * self.height), p) for p in line]
        if self.rows and self._continues(self.rows[-1], cols):
            for col, piece in cols:
                self.rows[-1].setdefault(col, []).append(piece)
            return
        row: dict[int, list[Piece]] = {}
        for col, piece in cols:
            row.setdefault(col, []).append(piece)
        self.rows.append(row)

    def _continues(self, row: dict[int, list[Piece]], cols: list[tuple[int, Piece]]) -> bool:
        bottom = max(p.rect[3] for pieces in row.values() for p in pieces)
        for col, piece in cols:
            above = row.get(col)
            if above is None:
                if piece.rect[1] > bottom + 0.3 * self.height:
                    return False
            elif piece.rect[1] - max(p.rect[3] for p in above) > WRAP_GAP * self.height:
                return False
        return True


def _inside_table(line: list[Piece], run: list[list[Piece]], height: float) -> bool:
    """A line that is not a table row by its gaps but lies within the table: each piece
    short (a label, a wrapped word; two wrapped cells side by side print close) or
    starting in one of the table's columns right of its first (a long cell's wrapped
    text), not a paragraph from the left margin."""
    left = min(p.rect[0] for row in run for p in row)
    return all(
        piece.rect[2] - piece.rect[0] < 12 * height or piece.rect[0] > left + 2 * height
        for piece in line
    )


def stream_grids(pieces: Sequence[Piece]) -> list[Grid]:
    """Tables printed without ruling lines, from where their text stands: columns are
    the left edges the lines share, rows the lines (a wrapped cell's lines and a label
    centred over several rows joined to the row they sit in). Each cell is one position
    (merges are not printed); the reader carries a label printed once down its rows."""
    pieces = [p for p in pieces if p.text.strip()]
    if len(pieces) < 6:
        return []
    height = sorted(p.height for p in pieces)[len(pieces) // 2]
    runs: list[list[list[Piece]]] = [[]]
    for line in visual_lines(pieces):
        if _tabular(line, height) or (runs[-1] and _inside_table(line, runs[-1], height)):
            runs[-1].append(line)
        elif runs[-1]:
            runs.append([])
    grids = []
    for run in runs:
        if sum(_tabular(line, height) for line in run) >= STREAM_MIN_ROWS:
            grid = _stream_grid(run, height)
            if grid is not None:
                grids.append(grid)
    return grids


def _stream_grid(lines: list[list[Piece]], height: float) -> Grid | None:
    starts = _column_starts([p for line in lines for p in line], tolerance=0.8 * height)
    if len(starts) < STREAM_MIN_COLUMNS:
        return None
    rows = _StreamRows(starts, height)
    for line in lines:
        rows.add(line)
    while rows.rows and sum(len(ps) for ps in rows.rows[-1].values()) == 1:
        rows.rows.pop()  # a lone line after the table (not a wrapped cell) is no row of it
    if not rows.rows:
        return None
    kept = {id(p) for row in rows.rows for ps in row.values() for p in ps}
    lines = [[p for p in line if id(p) in kept] for line in lines]
    lines = [line for line in lines if line]
    right = max(p.rect[2] for line in lines for p in line) + 1.0
    edges = [*starts, right]
    top = min(p.rect[1] for p in lines[0]) - 0.5
    bottom = max(p.rect[3] for p in lines[-1]) + 0.5
    cells, placed = [], {}
    for r, row in enumerate(rows.rows):
        y0 = min(p.rect[1] for ps in row.values() for p in ps)
        y1 = max(p.rect[3] for ps in row.values() for p in ps)
        for c in range(len(starts)):
            # a cell without rules is where its text is (a label centred over the rows
            # it stands for shows where those rows are)
            held = row.get(c, [])
            rect = union([p.rect for p in held]) if held else (edges[c], y0, edges[c + 1], y1)
            cells.append(GridCell(r, c, 1, 1, rect))
            for piece in held:
                placed[id(piece)] = (r, c)
    grid = Grid((edges[0], top, right, bottom), len(rows.rows), len(starts), cells)
    grid.placed = placed
    grid.column_edges = [(x, top, x, top) for x in edges]  # as rects, for `to_page`
    return grid


# ---------------------------------------------------------------------------------------
# Page layout

Reread = Callable[[GridCell, list[Piece]], list[Piece]]
ToPage = Callable[[Rect], Rect]


@dataclass
class Stretch:
    """What one written stretch of page text came from: its box and confidence."""

    start: int
    end: int
    rect: Rect
    confidence: float


@dataclass
class PageLayout:
    text: str = ""
    boxes: list[Box] = field(default_factory=list)  # page coordinates
    stretches: list[Stretch] = field(default_factory=list)  # read with a confidence
    tables: list[Table] = field(default_factory=list)


@dataclass
class _Written:
    """A cell (or a line of text) to write: text, box in layout space, confidence and,
    for table cells, the grid cell."""

    text: str
    rect: Rect | None
    confidence: float | None
    cell: GridCell | None = None


def _grid_rows(
    grid: Grid, pieces: list[Piece], joiner: str, reread: Reread | None
) -> list[list[_Written]]:
    placed = place(grid, pieces)
    rows = [[_Written("", None, None) for _ in range(grid.n_cols)] for _ in range(grid.n_rows)]
    for cell in grid.cells:
        found = placed.get((cell.row, cell.col), [])
        if reread is not None:
            found = reread(cell, found)
        text = cell_text(found, joiner) if found else ""
        sure = [p.confidence for p in found if p.confidence is not None]
        rows[cell.row][cell.col] = _Written(text, cell.rect, min(sure) if sure else None, cell)
    return rows


def _text_row(line: list[Piece]) -> list[_Written]:
    text = clean_line(" ".join(p.text for p in line))
    sure = [p.confidence for p in line if p.confidence is not None]
    return [_Written(text, union([p.rect for p in line]), min(sure) if sure else None)]


class _Writer:
    """Writes rows of cells as lines of tab-separated text, keeping boxes and cells."""

    def __init__(self, page: int, to_page: ToPage) -> None:
        self.page = page
        self.to_page = to_page
        self.out = PageLayout()
        self.lines: list[str] = []
        self.pos = 0

    def row(self, cells: list[_Written], table: list[TableCell] | None, r: int = 0) -> None:
        start = self.pos
        for i, item in enumerate(cells):
            if i:
                start += 1  # the tab
            end = start + len(item.text)
            box = self.to_page(item.rect) if item.rect is not None else None
            if box is not None:
                self.out.boxes.append((start, end, *box))
                if item.text and item.confidence is not None:
                    self.out.stretches.append(Stretch(start, end, box, item.confidence))
            if table is not None and item.cell is not None:
                table.append(_table_cell(item, self.page, start, end, box, r))
            start = end
        self.lines.append("\t".join(c.text for c in cells))
        self.pos = start + 1  # the newline

    def text_lines_since(self, first: int) -> list[str]:
        return [line for line in self.lines[first:] if line.strip()]


def _table_cell(
    item: _Written, page: int, start: int, end: int, box: Rect | None, row: int
) -> TableCell:
    cell = item.cell
    assert cell is not None
    return TableCell(
        row=row,
        col=cell.col,
        row_span=cell.rows,
        col_span=cell.cols,
        text=item.text,
        page=page,
        start=start,
        end=end,
        box=box,
        confidence=item.confidence,
    )


TITLE_LINES = 5  # plain lines above a table kept as its title lines


def lay_out_page(
    pieces: Sequence[Piece],
    grids: Sequence[Grid],
    *,
    page: int,
    to_page: ToPage,
    joiner: str = " ",
    reread: Reread | None = None,
    source: str = "pdf",
) -> PageLayout:
    """Row text, boxes and tables of one page: tables and lines of text, top to bottom."""
    by_grid: list[list[Piece]] = [[] for _ in grids]
    outside: list[Piece] = []
    for piece in pieces:
        index = next((i for i, g in enumerate(grids) if g.holds(piece)), None)
        (outside if index is None else by_grid[index]).append(piece)
    items: list[tuple[float, float, Grid | list[Piece]]] = []
    items += [(g.rect[1], g.rect[0], g) for g in grids]
    for line in visual_lines(outside):
        rect = union([p.rect for p in line])
        items.append((rect[1], rect[0], line))
    writer = _Writer(page, to_page)
    since_table = 0
    for _, _, item in sorted(items, key=lambda i: (i[0], i[1])):
        if isinstance(item, list):
            writer.row(_text_row(item), None)
            continue
        title = writer.text_lines_since(since_table)[-TITLE_LINES:]
        index = grids.index(item)
        cells: list[TableCell] = []
        for r, row in enumerate(_grid_rows(item, by_grid[index], joiner, reread)):
            writer.row(row, cells, r)
        writer.out.tables.append(
            Table(
                n_rows=item.n_rows,
                n_cols=item.n_cols,
                cells=cells,
                title=title,
                pages=[page],
                source=f"{source}-stream" if item.placed else source,
                column_edges=[to_page(e)[0] for e in item.column_edges] if item.placed else [],
            )
        )
        since_table = len(writer.lines)
    writer.out.text = "\n".join(writer.lines)
    return writer.out
