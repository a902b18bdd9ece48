"""Tables of flat OCR text: runs of tab-separated rows read as grids.

OCR tools print a form as one line per row, cells separated by tabs, a merged cell's
text in its first position and the positions it covers left empty. Such a run of rows is
a grid whose merges are unknown: every position is a cell of its own. The grid reader
reads it by its header like any other table (a blank label carries down); a row whose
cells OCR shifted does not fit its header and is read by content (`backends/rules/grid`).
Block-layout rows (a line holding one tab-led cell) are left to the row reader.
"""

from __future__ import annotations

import re

from extractor.document import Page, Table, TableCell

MIN_ROWS = 3  # fewer tab rows in a run are not a table
_BLOCK_START = re.compile(r"^[ \u3000]*\t[^\t]*$")  # a block-layout cell (see extractor.rows)


def _is_line_row(line: str) -> bool:
    return "\t" in line and not _BLOCK_START.match(line)


def _table(run: list[tuple[int, str]], page: int) -> Table:
    width = max(line.count("\t") + 1 for _, line in run)
    cells: list[TableCell] = []
    for r, (start, line) in enumerate(run):
        pos = start
        parts = line.split("\t")
        for c, part in enumerate(parts):
            end = pos + len(part)
            cells.append(TableCell(row=r, col=c, text=part.strip(), page=page, start=pos, end=end))
            pos = end + 1
        end_of_line = start + len(line)
        for c in range(len(parts), width):  # a short row: the rest is empty
            cells.append(
                TableCell(row=r, col=c, text="", page=page, start=end_of_line, end=end_of_line)
            )
    return Table(n_rows=len(run), n_cols=width, cells=cells, pages=[page], source="text")


def text_tables(page: Page) -> list[Table]:
    """The runs of tab-separated rows of one page, as tables (blank lines end a run)."""
    tables: list[Table] = []
    run: list[tuple[int, str]] = []
    pos = 0
    top = True  # nothing printed on the page above the run yet
    for line in [*page.text.split("\n"), ""]:
        if _is_line_row(line):
            run.append((pos, line))
        else:
            # the last rows of a table the page break cut off (满意度指标 …, 总分) open
            # the page: a table however short, to be joined to the one they continue
            if len(run) >= MIN_ROWS or (run and top):
                tables.append(_table(run, page.number))
            top = top and not line.strip(" \u3000\f") and not run
            run = []
        pos += len(line) + 1
    return tables
