"""Build documents whose tables are grids (`Document.tables`), as the PDF, HTML and OCR
readers give them, for the grid reader's tests.

    doc = document(
        grid(["单位：万元", "收入决算表"], [["项目", ("本年收入合计", 1, 2)], …], ["注：…"]),
        …,
    )

A row is a list of cells; a cell is its text or (text, col_span, row_span). Cells covered
by a merged cell above are left out of the rows below it (as a reader writes them).
Every table sits on its own page: its title lines, then its rows as tab-separated row
text, then its notes; cells carry their offsets into that page text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from extractor.document import Document, Page, Table, TableCell

CellSpec = str | tuple[str, int, int]


@dataclass
class Grid:
    title: list[str]
    rows: list[list[CellSpec]]
    notes: list[str]


def grid(
    title: Sequence[str], rows: Sequence[Sequence[CellSpec]], notes: Sequence[str] = ()
) -> Grid:
    return Grid(list(title), [list(r) for r in rows], list(notes))


def _spec(cell: CellSpec) -> tuple[str, int, int]:
    return (cell, 1, 1) if isinstance(cell, str) else cell


def _layout(spec: Grid, page: int, text: list[str]) -> Table:
    covered: set[tuple[int, int]] = set()
    cells: list[TableCell] = []
    n_cols = 0
    pos = sum(len(line) + 1 for line in text)
    for r, row in enumerate(spec.rows):
        col = 0
        parts: list[str] = []
        line_start = pos
        for item in row:
            while (r, col) in covered:
                col += 1
                parts.append("")
            content, col_span, row_span = _spec(item)
            start = line_start + sum(len(p) + 1 for p in parts)
            cells.append(
                TableCell(
                    row=r,
                    col=col,
                    row_span=row_span,
                    col_span=col_span,
                    text=content,
                    page=page,
                    start=start,
                    end=start + len(content),
                    box=(
                        float(col * 50),
                        float(r * 20),
                        float((col + col_span) * 50),
                        float((r + row_span) * 20),
                    ),
                )
            )
            for dr in range(row_span):
                for dc in range(col_span):
                    if dr or dc:
                        covered.add((r + dr, col + dc))
            parts.append(content)
            parts += [""] * (col_span - 1)
            col += col_span
        while (r, col) in covered:
            col += 1
            parts.append("")
        n_cols = max(n_cols, col)
        line = "\t".join(parts)
        text.append(line)
        pos += len(line) + 1
    return Table(
        n_rows=len(spec.rows),
        n_cols=n_cols,
        cells=cells,
        title=spec.title,
        pages=[page],
    )


def document(*specs: Grid, narrative: str = "") -> Document:
    pages: list[Page] = []
    tables: list[Table] = []
    for number, spec in enumerate(specs, start=1):
        text = list(spec.title)
        table = _layout(spec, number, text)
        text += spec.notes
        pages.append(Page(number=number, text="\n".join(text)))
        tables.append(table)
    if narrative:
        pages.append(Page(number=len(pages) + 1, text=narrative))
    return Document(
        doc_id="grid-test", path="grid-test.pdf", sha256="0" * 64, pages=pages, tables=tables
    )
