"""OCR lines → row text: the same text the text-layer reader writes for a ruled table.

Each line the engine read goes into the cell of the table grid that holds its centre;
a line that runs across a printed column rule (the detector joined two cells' words) is
cut there, its characters shared out by their estimated positions. A cell's lines are
ordered top to bottom and joined like wrapped lines (no space between Chinese text).
A table row becomes one line of tab-separated cells, a merged cell written once in the
first row and column it covers. Lines outside any table are grouped into lines of text
by height, left to right (reading order); tables and lines are ordered top to bottom.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from extractor.ingest.pdf import clean_line, join_cell_lines
from extractor.ocr.engines import RawLine, Word
from extractor.ocr.grid import GridCell, Table
from extractor.ocr.raster import View

Rect = tuple[float, float, float, float]
Box = tuple[int, int, float, float, float, float]


@dataclass
class Piece:
    """A line of OCR text (or the part of one that falls in one cell), with its words
    when the engine gave their positions (offsets into `text`)."""

    text: str
    rect: Rect
    confidence: float
    words: list[Word] = field(default_factory=list)

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
class Stretch:
    """What one written stretch of page text came from: its box and confidence."""

    start: int
    end: int
    rect: Rect
    confidence: float


@dataclass
class PageText:
    text: str
    boxes: list[Box] = field(default_factory=list)  # page coordinates
    stretches: list[Stretch] = field(default_factory=list)  # page coordinates


def _weight(ch: str) -> float:
    return 1.0 if unicodedata.east_asian_width(ch) in ("W", "F") else 0.55


def split_piece(piece: Piece, cuts: list[float]) -> list[Piece]:
    """Cut a piece at the x positions `cuts`: by its words' positions when known, else
    by the estimated centres of its characters (wide characters count double)."""
    bounds = [piece.rect[0], *sorted(cuts), piece.rect[2]]
    if piece.words:
        return _split_words(piece, bounds)
    text = piece.text
    weights = [_weight(ch) for ch in text]
    total = sum(weights) or 1.0
    x0, y0, x1, y1 = piece.rect
    scale = (x1 - x0) / total
    parts: list[list[str]] = [[] for _ in range(len(bounds) - 1)]
    pos = x0
    for ch, w in zip(text, weights, strict=True):
        centre = pos + w * scale / 2
        pos += w * scale
        parts[_interval(bounds, centre)].append(ch)
    out = []
    for i, chars in enumerate(parts):
        part = "".join(chars).strip()
        if part:
            rect = (max(bounds[i], x0), y0, min(bounds[i + 1], x1), y1)
            out.append(Piece(part, rect, piece.confidence))
    return out


def _interval(bounds: list[float], x: float) -> int:
    last = len(bounds) - 2
    return next((i for i in range(last + 1) if x <= bounds[i + 1]), last)


def _split_words(piece: Piece, bounds: list[float]) -> list[Piece]:
    groups: list[list[Word]] = [[] for _ in range(len(bounds) - 1)]
    for word in piece.words:
        groups[_interval(bounds, word.cx)].append(word)
    out = []
    for words in groups:
        if not words:
            continue
        first = words[0].start
        text = piece.text[first : words[-1].end]
        rect = (min(w.x0 for w in words), piece.rect[1], max(w.x1 for w in words), piece.rect[3])
        confidence = sum(w.confidence for w in words) / len(words)
        shifted = [Word(w.start - first, w.end - first, w.x0, w.x1, w.confidence) for w in words]
        out.append(Piece(text, rect, confidence, shifted))
    return out


def _cells_across(table: Table, piece: Piece) -> list[GridCell]:
    """Cells on the piece's middle height that it overlaps by more than half a
    character."""
    reach = piece.height * 0.5
    hits = []
    for cell in table.cells:
        x0, y0, x1, y1 = cell.rect
        if not y0 <= piece.cy <= y1:
            continue
        overlap = min(x1, piece.rect[2]) - max(x0, piece.rect[0])
        if overlap > reach or x0 <= piece.cx <= x1:
            hits.append(cell)
    return sorted(hits, key=lambda c: c.rect[0])


def place(table: Table, pieces: list[Piece]) -> dict[tuple[int, int], list[Piece]]:
    """Pieces by the (row, col) of the cell that holds them."""
    placed: dict[tuple[int, int], list[Piece]] = {}
    for piece in pieces:
        cells = _cells_across(table, piece)
        if len(cells) > 1:
            parts = split_piece(piece, [c.rect[0] for c in cells[1:]])
            for part in parts:
                cell = table.cell_at(part.cx, part.cy)
                if cell is not None:
                    placed.setdefault((cell.row, cell.col), []).append(part)
            continue
        cell = cells[0] if cells else table.cell_at(piece.cx, piece.cy)
        if cell is not None:
            placed.setdefault((cell.row, cell.col), []).append(piece)
    return placed


def visual_lines(pieces: list[Piece]) -> list[list[Piece]]:
    """Pieces grouped into lines by height (top to bottom), each left to right."""
    lines: list[list[Piece]] = []
    for piece in sorted(pieces, key=lambda p: (p.cy, p.rect[0])):
        if lines and _same_line(lines[-1], piece):
            lines[-1].append(piece)
        else:
            lines.append([piece])
    return [sorted(line, key=lambda p: p.rect[0]) for line in lines]


def _same_line(line: list[Piece], piece: Piece) -> bool:
    top = min(p.rect[1] for p in line)
    bottom = max(p.rect[3] for p in line)
    overlap = min(bottom, piece.rect[3]) - max(top, piece.rect[1])
    return overlap > 0.5 * min(bottom - top, piece.height)


def _union(rects: list[Rect]) -> Rect:
    return (
        min(r[0] for r in rects),
        min(r[1] for r in rects),
        max(r[2] for r in rects),
        max(r[3] for r in rects),
    )


def cell_text(pieces: list[Piece]) -> str:
    rows = [" ".join(p.text for p in line) for line in visual_lines(pieces)]
    return clean_line(join_cell_lines(rows))


Cell = tuple[str, Rect | None, float | None]  # text, box, confidence


Reread = Callable[[GridCell, list[Piece]], list[Piece]]


def _table_rows(table: Table, pieces: list[Piece], reread: Reread | None) -> list[list[Cell]]:
    placed = place(table, pieces)
    grid: list[list[Cell]] = [[("", None, None)] * table.n_cols for _ in range(table.n_rows)]
    for cell in table.cells:
        found = placed.get((cell.row, cell.col), [])
        if reread is not None:
            found = reread(cell, found)
        text = cell_text(found) if found else ""
        confidence = min(p.confidence for p in found) if found else None
        grid[cell.row][cell.col] = (text, cell.rect, confidence)
    return grid


def _line_row(line: list[Piece]) -> list[Cell]:
    text = clean_line(" ".join(p.text for p in line))
    return [(text, _union([p.rect for p in line]), min(p.confidence for p in line))]


def _inside(table: Table, piece: Piece) -> bool:
    x0, y0, x1, y1 = table.rect
    return x0 <= piece.cx <= x1 and y0 <= piece.cy <= y1


def page_text(
    lines: list[RawLine], tables: list[Table], view: View, reread: Reread | None = None
) -> PageText:
    """Row text of a page: tables and lines of text, top to bottom. `reread` may give a
    cell's pieces a second look (`extractor.ocr.cells`)."""
    pieces = [Piece(ln.text, ln.rect, ln.confidence, ln.words) for ln in lines if ln.text.strip()]
    by_table: list[list[Piece]] = [[] for _ in tables]
    outside: list[Piece] = []
    for piece in pieces:
        index = next((i for i, t in enumerate(tables) if _inside(t, piece)), None)
        if index is None:
            outside.append(piece)
        else:
            by_table[index].append(piece)
    items: list[tuple[float, float, list[list[Cell]]]] = []
    for table, found in zip(tables, by_table, strict=True):
        items.append((table.rect[1], table.rect[0], _table_rows(table, found, reread)))
    for line in visual_lines(outside):
        rect = _union([p.rect for p in line])
        items.append((rect[1], rect[0], [_line_row(line)]))
    out = PageText(text="")
    parts: list[str] = []
    pos = 0
    for _, _, rows in sorted(items, key=lambda item: (item[0], item[1])):
        for cells in rows:
            pos = _emit(cells, pos, parts, out, view)
    out.text = "\n".join(parts)
    return out


def _emit(cells: list[Cell], pos: int, parts: list[str], out: PageText, view: View) -> int:
    """Append one line of tab-separated cells; record boxes; return the next offset."""
    start = pos
    texts = []
    for i, (text, rect, confidence) in enumerate(cells):
        if i:
            start += 1  # the tab
        if rect is not None:
            page_rect = view.rect_to_page(rect)
            out.boxes.append((start, start + len(text), *page_rect))
            if text and confidence is not None:
                out.stretches.append(Stretch(start, start + len(text), page_rect, confidence))
        texts.append(text)
        start += len(text)
    parts.append("\t".join(texts))
    return start + 1
