"""OCR lines → row text and tables, through the shared layout (`extractor.layout`).

Each line the engine read is a piece (its words, when the engine gives their positions,
are its marks); the ruling-line grids found on the page picture are the grids. A line
that runs across a printed column rule is cut there; a cell's lines are joined like
wrapped lines; boxes are mapped from image pixels to page points.
"""

from __future__ import annotations

from extractor.layout import Grid, PageLayout, Piece, Reread, lay_out_page, stream_grids
from extractor.ocr.engines import RawLine
from extractor.ocr.grid import Table
from extractor.ocr.raster import View


def pieces_of(lines: list[RawLine]) -> list[Piece]:
    return [
        Piece(ln.text, ln.rect, ln.confidence, list(ln.words)) for ln in lines if ln.text.strip()
    ]


def grid_of(table: Table) -> Grid:
    return Grid(table.rect, table.n_rows, table.n_cols, table.cells)


def page_text(
    lines: list[RawLine],
    tables: list[Table],
    view: View,
    reread: Reread | None = None,
    page: int = 1,
) -> PageLayout:
    """Row text, boxes, stretches and tables of an OCR'd page: tables and lines of text,
    top to bottom. `reread` may give a cell's pieces a second look (`extractor.ocr.cells`)."""
    pieces = pieces_of(lines)
    grids = [grid_of(t) for t in tables] or stream_grids(pieces)  # no rules: by position
    return lay_out_page(
        pieces,
        grids,
        page=page,
        to_page=view.rect_to_page,
        joiner=" ",
        reread=reread,
        source="ocr",
    )
