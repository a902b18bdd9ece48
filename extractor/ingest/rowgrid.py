"""Tables of flat OCR text: runs of tab-separated rows read as grids.

OCR tools print a form as one line per row, cells separated by tabs, a merged cell's
text in its first position and the positions it covers left empty. Such a run of rows is
a grid whose merges are unknown: every position is a cell of its own. The grid reader
reads it by its header like any other table (a blank label carries down); a row whose
cells OCR shifted does not fit its header and is read by content (`backends/rules/grid`).
Block-layout rows (each cell a line of its own) are left to the row reader.
"""

from __future__ import annotations

from extractor.document import Page, Table, TableCell
from extractor.rows import Row, read_rows

MIN_ROWS = 3  # fewer tab rows in a run are not a table


def _is_line_row(row: Row, text: str) -> bool:
    return row.is_table and "\n" not in text[row.start : row.end]


def _table(run: list[Row], text: str, page: int) -> Table:
    width = max(len(row.cells) for row in run)
    cells: list[TableCell] = []
    for r, row in enumerate(run):
        pos = row.start
        for c, part in enumerate(text[row.start : row.end].split("\t")):
            cells.append(
                TableCell(
                    row=r, col=c, text=part.strip(), page=page, start=pos, end=pos + len(part)
                )
            )
            pos += len(part) + 1
        for c in range(len(row.cells), width):  # a short row: the rest is empty
            cells.append(TableCell(row=r, col=c, text="", page=page, start=row.end, end=row.end))
    return Table(n_rows=len(run), n_cols=width, cells=cells, pages=[page], source="text")


def text_tables(page: Page) -> list[Table]:
    """The runs of tab-separated rows of one page, as tables."""
    text = page.text
    tables: list[Table] = []
    run: list[Row] = []
    for row in [*read_rows(text), None]:
        if row is not None and _is_line_row(row, text):
            run.append(row)
            continue
        if len(run) >= MIN_ROWS:
            tables.append(_table(run, text, page.number))
        run = []
    return tables
