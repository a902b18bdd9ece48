"""Ruled tables with real merged cells, drawn with PyMuPDF and a CJK font.

Shared by the test fixtures (`tests/fixtures/make_pdfs.py`: forms given as row text, the
merges decided by `plan_cells`), the scanned fixtures of the golden documents
(`eval/scanned.py`) and the generated corpus (`eval.corpus`: forms given as explicit
cells with their spans). Cell borders are vector lines and the text is placed into the
cells, so a PDF has a text layer and a ruled table just like an exported report. Nothing
is drawn through PyMuPDF's HTML engine (it ignores rowspan/colspan).

Merge rule of `plan_cells` (for row text; simple but real):
- trailing empty cells on a row extend the last non-empty cell (colspan);
- an empty cell in the first ``merge_cols`` columns (the level-1 / level-2 labels),
  directly below a non-empty cell (or below a cell that cell already covers), with
  nothing written to its left on its row, is covered by the cell above (rowspan).

Font: the CJK font MuPDF ships ("Droid Sans Fallback", PyMuPDF's "china-s"), embedded as
a subset so Latin digits get their real widths and the text layer maps back to Unicode.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pymupdf

PAGE_WIDTH = 842.0  # A4 landscape
MIN_PAGE_HEIGHT = 595.0
MARGIN = 36.0
PAD = 3.0
FONT_SIZE = 8.0
LEADING = 1.35  # line height / font size
MIN_COL_WIDTH = 34.0
MAX_COL_WIDTH = 230.0
TITLE_SIZE = 12.0
_FONT = pymupdf.Font("china-s")  # Droid Sans Fallback, shipped with MuPDF


@dataclass
class CellSpec:
    """One drawn cell: its top-left grid position, its span and its text."""

    row: int
    col: int
    text: str
    rowspan: int = 1
    colspan: int = 1
    wrapped: bool = False  # set by the drawer when the text needed more than one line
    rect: tuple[float, float, float, float] | None = None


@dataclass
class TableLayout:
    """What `add_form_page` drew: the grid size, the cells and the page they are on."""

    page: int  # 1-based
    n_rows: int
    n_cols: int
    cells: list[CellSpec]
    bbox: tuple[float, float, float, float]

    def expected_rows(self) -> list[list[str]]:
        """Row text as a reader should give it back: each cell's text in its top-left
        position, every position it covers empty. A column in which no cell starts has
        no border of its own on the page, so it is not there to read (trailing columns
        that every row's last cell spans)."""
        grid = [[""] * self.n_cols for _ in range(self.n_rows)]
        for cell in self.cells:
            grid[cell.row][cell.col] = cell.text
        starts = sorted({cell.col for cell in self.cells})
        return [[row[c] for c in starts] for row in grid]

    def wrapped_positions(self) -> set[tuple[int, int]]:
        return {(c.row, c.col) for c in self.cells if c.wrapped}


# ---------------------------------------------------------------------------------------
# Row text


def split_rows(text: str | Iterable[str]) -> list[list[str]]:
    """Turn row text into a rectangular grid of stripped cells (short rows padded)."""
    lines = text.splitlines() if isinstance(text, str) else list(text)
    rows = [[cell.strip() for cell in line.split("\t")] for line in lines if line.strip()]
    width = max((len(r) for r in rows), default=0)
    return [r + [""] * (width - len(r)) for r in rows]


# ---------------------------------------------------------------------------------------
# Merges


def plan_cells(rows: Sequence[Sequence[str]], merge_cols: int = 3) -> list[CellSpec]:
    """Decide the merged cells of a grid (see the module docstring for the rule)."""
    n_cols = max((len(r) for r in rows), default=0)
    merge_cols = min(merge_cols, n_cols - 1)  # keep one column that always starts a cell
    owner: list[list[CellSpec | None]] = [[None] * n_cols for _ in rows]
    cells: list[CellSpec] = []
    for r, row in enumerate(rows):
        texts = [row[c].strip() if c < len(row) else "" for c in range(n_cols)]
        last = max((c for c, t in enumerate(texts) if t), default=-1)
        for c in range(n_cols):
            if owner[r][c] is not None:
                continue
            above = owner[r - 1][c] if r > 0 else None
            left_empty = not any(texts[:c])
            if not texts[c] and c < merge_cols and left_empty and _can_extend(above, c):
                assert above is not None
                above.rowspan += 1
                owner[r][c] = above
                continue
            span = n_cols - c if texts[c] and c == last else 1
            cell = CellSpec(row=r, col=c, text=texts[c], colspan=span)
            cells.append(cell)
            for k in range(c, c + span):
                owner[r][k] = cell
    return cells


def _can_extend(above: CellSpec | None, col: int) -> bool:
    return above is not None and bool(above.text) and above.colspan == 1 and above.col == col


# ---------------------------------------------------------------------------------------
# Text measuring and wrapping


def _is_wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


_TOKEN = re.compile(r"\s+|[^\s]", re.UNICODE)


def _tokens(text: str) -> list[str]:
    """Break opportunities: every wide (CJK) character alone, runs of narrow characters
    kept together (no break inside "176.77"), whitespace as separators."""
    out: list[str] = []
    for piece in _TOKEN.findall(text):
        if piece.isspace():
            out.append(" ")
        elif out and not _is_wide(piece) and out[-1] != " " and not _is_wide(out[-1][-1]):
            out[-1] += piece
        else:
            out.append(piece)
    return out


@functools.cache
def _advance(ch: str) -> float:
    return _FONT.text_length(ch, fontsize=1.0)


def text_width(text: str, size: float) -> float:
    """Width of `text` in points in the fixture font (cached per character)."""
    return sum(_advance(ch) for ch in text) * size


def wrap_text(text: str, width: float, size: float) -> list[str]:
    """Greedy line filling the way a word processor does it for Chinese text."""
    lines: list[str] = []
    line = ""
    for token in _tokens(text):
        candidate = line + token
        if line and text_width(candidate.rstrip(), size) > width:
            lines.append(line.rstrip())
            line = "" if token == " " else token
        else:
            line = candidate
    if line.strip() or not lines:
        lines.append(line.rstrip())
    return [part for ln in lines for part in _hard_break(ln, width, size)]


def _hard_break(line: str, width: float, size: float) -> list[str]:
    """Split a single token that is wider than the cell, character by character."""
    out: list[str] = []
    current = ""
    for ch in line:
        if current and text_width(current + ch, size) > width:
            out.append(current)
            current = ch.lstrip()
        else:
            current += ch
    out.append(current)
    return out


# ---------------------------------------------------------------------------------------
# Geometry and drawing


@dataclass(frozen=True)
class Style:
    """Sizes of a drawn table (points)."""

    font_size: float = FONT_SIZE
    width: float = PAGE_WIDTH - 2 * MARGIN  # the table's full width at most
    min_col: float = MIN_COL_WIDTH
    max_col: float = MAX_COL_WIDTH
    fill: bool = False  # stretch the columns to the full width (exported forms do)


DEFAULT_STYLE = Style()


def column_widths(
    cells: Sequence[CellSpec], n_cols: int, style: Style = DEFAULT_STYLE
) -> list[float]:
    """Each column as wide as its widest one-column cell needs (within the limits),
    scaled down to the available width (or up to it with `style.fill`)."""
    widths = [style.min_col] * n_cols
    for cell in cells:
        if cell.colspan == 1 and cell.text:
            natural = text_width(cell.text, style.font_size) + 2 * PAD + 2
            widths[cell.col] = max(widths[cell.col], min(natural, style.max_col))
    total = sum(widths)
    if total > style.width or style.fill:
        widths = [w * style.width / total for w in widths]
    return _whole_numbers(cells, widths, style.font_size)


def _whole_numbers(cells: Sequence[CellSpec], widths: list[float], size: float) -> list[float]:
    """Widen a column that would break a figure ("2731.03") over two lines, taking the
    room from columns with some to spare; widths that break nothing are kept as they are."""
    need = [0.0] * len(widths)
    for cell in cells:
        if cell.colspan == 1 and cell.text:
            longest = max((text_width(t, size) for t in _tokens(cell.text) if t != " "), default=0)
            need[cell.col] = max(need[cell.col], longest + 2 * PAD + 1)
    short = sum(max(n - w, 0.0) for n, w in zip(need, widths, strict=True))
    spare = sum(max(w - n, 0.0) for n, w in zip(need, widths, strict=True))
    if short <= 0 or spare < short:
        return widths
    return [n if w < n else w - (w - n) * short / spare for n, w in zip(need, widths, strict=True)]


def row_heights(
    cells: Sequence[CellSpec], n_rows: int, xs: Sequence[float], style: Style = DEFAULT_STYLE
) -> tuple[list[float], dict[int, list[str]]]:
    """Row heights that fit every cell's wrapped text, and those lines per cell index."""
    size = style.font_size
    line_h = size * LEADING
    heights = [line_h + 2 * PAD] * n_rows
    wrapped: dict[int, list[str]] = {}
    for i, cell in enumerate(cells):
        inner = xs[cell.col + cell.colspan] - xs[cell.col] - 2 * PAD
        lines = wrap_text(cell.text, inner, size) if cell.text else [""]
        wrapped[i] = lines
        cell.wrapped = len(lines) > 1
        if cell.rowspan == 1:
            heights[cell.row] = max(heights[cell.row], len(lines) * line_h + 2 * PAD)
    for i, cell in enumerate(cells):  # tall merged cells stretch their last row
        need = len(wrapped[i]) * line_h + 2 * PAD
        rows = range(cell.row, cell.row + cell.rowspan)
        have = sum(heights[r] for r in rows)
        if need > have:
            heights[rows[-1]] += need - have
    return heights, wrapped


FONT_NAME = "cjk"  # resource name of the embedded font on each page (plain text pages)


def font() -> pymupdf.Font:
    return _FONT


def use_font(page: pymupdf.Page) -> None:
    page.insert_font(fontname=FONT_NAME, fontbuffer=_FONT.buffer)


def save_pdf(doc: pymupdf.Document, path: Path) -> None:
    """Fonts subset, objects compacted; the same drawing gives the same bytes."""
    doc.subset_fonts()
    doc.save(path, garbage=3, deflate=True, no_new_id=True)


def draw_cells(
    page: pymupdf.Page,
    cells: Sequence[CellSpec],
    xs: Sequence[float],
    ys: Sequence[float],
    lines: dict[int, list[str]],
    style: Style = DEFAULT_STYLE,
    writer: pymupdf.TextWriter | None = None,
    *,
    ruled: bool = True,
) -> None:
    """Rule every cell at its grid position (`xs`/`ys`: the column and row edges) and
    write its text lines into it, vertically centred like exported forms. `ruled=False`
    draws no line at all: the cells are where their text is, as some exports print them."""
    own_writer = writer is None
    writer = writer or pymupdf.TextWriter(page.rect)
    shape = page.new_shape()
    for i, cell in enumerate(cells):
        rect = pymupdf.Rect(
            xs[cell.col], ys[cell.row], xs[cell.col + cell.colspan], ys[cell.row + cell.rowspan]
        )
        cell.rect = (rect.x0, rect.y0, rect.x1, rect.y1)
        if ruled:
            shape.draw_rect(rect)
        draw_cell_text(writer, rect, lines[i], style.font_size)
    if ruled:
        shape.finish(color=(0, 0, 0), width=0.6)
        shape.commit()
    if own_writer:
        writer.write_text(page)


def draw_cell_text(
    writer: pymupdf.TextWriter, rect: pymupdf.Rect, lines: list[str], size: float = FONT_SIZE
) -> None:
    line_h = size * LEADING
    block_h = len(lines) * line_h
    y = rect.y0 + (rect.height - block_h) / 2
    for line in lines:
        if line:
            baseline = y + (line_h + size * 0.8) / 2
            writer.append((rect.x0 + PAD, baseline), line, font=_FONT, fontsize=size)
        y += line_h


def draw_centred(
    writer: pymupdf.TextWriter, y: float, line: str, size: float, width: float
) -> None:
    """A title line centred on a page `width` wide, baseline at `y`."""
    x = (width - text_width(line, size)) / 2
    writer.append((x, y), line, font=_FONT, fontsize=size)


# ---------------------------------------------------------------------------------------
# One form on one page, from row text


def add_form_page(
    doc: pymupdf.Document,
    rows: Sequence[Sequence[str]] | str,
    *,
    title_lines: Sequence[str] = (),
    after_lines: Sequence[str] = (),
    merge_cols: int = 3,
    widths: Sequence[float] | None = None,
) -> TableLayout:
    """Append a page to `doc` with the title lines as plain text, the rows as a ruled
    table with merged cells and `after_lines` as plain text below the table (a 填报人 line).
    `widths` fixes the column widths (a table continued from the page before).
    Returns what was drawn."""
    grid = split_rows(rows) if isinstance(rows, str) else [list(r) for r in rows]
    grid = split_rows("\n".join("\t".join(r) for r in grid))
    n_rows, n_cols = len(grid), len(grid[0])
    cells = plan_cells(grid, merge_cols)
    widths = list(widths) if widths is not None else column_widths(cells, n_cols)
    xs = [MARGIN]
    for w in widths:
        xs.append(xs[-1] + w)
    heights, lines = row_heights(cells, n_rows, xs)
    title_h = len(title_lines) * TITLE_SIZE * 1.8
    top = MARGIN + title_h + (10.0 if title_lines else 0.0)
    ys = [top]
    for h in heights:
        ys.append(ys[-1] + h)
    after_h = len(after_lines) * FONT_SIZE * 2
    height = max(MIN_PAGE_HEIGHT, ys[-1] + after_h + MARGIN)
    page = doc.new_page(width=PAGE_WIDTH, height=height)
    writer = pymupdf.TextWriter(page.rect)
    y = MARGIN + TITLE_SIZE
    for line in title_lines:
        draw_centred(writer, y, line, TITLE_SIZE, PAGE_WIDTH)
        y += TITLE_SIZE * 1.8
    for i, line in enumerate(after_lines):
        baseline = ys[-1] + FONT_SIZE * (2 * i + 2)
        writer.append((MARGIN, baseline), line, font=_FONT, fontsize=FONT_SIZE)
    draw_cells(page, cells, xs, ys, lines, writer=writer)
    writer.write_text(page)
    bbox = (xs[0], ys[0], xs[-1], ys[-1])
    return TableLayout(page=page.number + 1, n_rows=n_rows, n_cols=n_cols, cells=cells, bbox=bbox)


def write_form_pdf(
    path: Path,
    rows: Sequence[Sequence[str]] | str,
    *,
    title_lines: Sequence[str] = (),
    after_lines: Sequence[str] = (),
    merge_cols: int = 3,
) -> TableLayout:
    """A one-page PDF holding one form."""
    doc = pymupdf.open()
    layout = add_form_page(
        doc, rows, title_lines=title_lines, after_lines=after_lines, merge_cols=merge_cols
    )
    save_pdf(doc, path)
    doc.close()
    return layout
