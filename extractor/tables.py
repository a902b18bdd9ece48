"""A document's tables in order: continued tables joined, titles found across pages.

Readers lay out tables page by page (or, for Markdown from OCR tools, as the tool split
them). Forms often run over pages, so here

- a table that continues the one before it is joined to it: nothing but page furniture
  (page numbers, running headers, "续表", blank lines) lies between the two, they have
  the same number of columns or their columns line up (same left and right edges, the
  rules of one among the other's), and the second does not open a form of its own
  (项目名称 …, or a title row across the table). Header rows the continuation repeats
  are dropped from the grid;
- a table printed at the top of a page whose title sits at the foot of the page before
  (a page that ends with the next form's title) gets those lines as its title, and is
  never joined to the table above them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from extractor.document import Page, Table, TableCell
from extractor.headers import FORM_START

# Page numbers, "续表" and similar furniture between a table and its continuation.
_FURNITURE = re.compile(
    r"^[\s\-—–·•]*(第\s*\d+\s*页(\s*[/，,]?\s*共\s*\d+\s*页)?|\d{1,4}|[-—–]\s*\d{1,4}\s*[-—–]"
    r"|[（(]?续表?[）)]?|[（(]?接上页[）)]?)[\s\-—–·•]*$"
)
RUNNING_PAGES = 3  # a line printed on this many pages or more is a running header/footer
_EDGE_TOLERANCE = 0.02  # share of the table width two continued tables' edges may differ by
TITLE_LINES = 5


def _offsets(pages: Sequence[Page]) -> dict[int, int]:
    starts, pos = {}, 0
    for page in pages:
        starts[page.number] = pos
        pos += len(page.text) + 1
    return starts


def _span(table: Table, starts: dict[int, int]) -> tuple[int, int]:
    """Where the table's written cells start and end in the joined document text."""
    first = min(starts[c.page] + c.start for c in table.cells)
    last = max(starts[c.page] + c.end for c in table.cells)
    return first, last


def _lines(text: str) -> list[str]:
    return [ln.strip() for ln in re.split(r"[\n\f]", text) if ln.strip()]


def _running_lines(pages: Sequence[Page]) -> set[str]:
    """Lines printed at the top or foot of many pages: running headers and footers."""
    seen: dict[str, int] = {}
    for page in pages:
        lines = _lines(page.text)
        for line in {*lines[:2], *lines[-2:]}:
            seen[line] = seen.get(line, 0) + 1
    return {line for line, count in seen.items() if count >= RUNNING_PAGES}


def _content(lines: list[str], running: set[str]) -> list[str]:
    return [ln for ln in lines if not _FURNITURE.match(ln) and ln not in running]


def _columns(table: Table) -> list[float] | None:
    """The x positions of the table's column rules (left edges and the right edge)."""
    if table.column_edges:
        return table.column_edges
    if any(c.box is None for c in table.cells):
        return None
    xs = sorted({round(c.box[0], 1) for c in table.cells if c.box is not None})
    xs.append(max(c.box[2] for c in table.cells if c.box is not None))
    return xs


def _near(x: float, xs: list[float], tolerance: float) -> bool:
    return any(abs(x - y) <= tolerance for y in xs)


def _lines_up(upper: Table, lower: Table) -> bool:
    a, b = _columns(upper), _columns(lower)
    if a is None or b is None or upper.n_cols == lower.n_cols:
        return upper.n_cols == lower.n_cols
    width = max(a[-1] - a[0], 1.0)
    tolerance = width * _EDGE_TOLERANCE
    # without rules the right edge is where the longest text ends, no edge of the table
    unruled = bool(upper.column_edges and lower.column_edges)
    if abs(a[0] - b[0]) > tolerance or (not unruled and abs(a[-1] - b[-1]) > tolerance):
        return False
    if unruled:
        a, b = a[:-1], b[:-1]
    # the rows of one page may not show every column rule of the other
    return all(_near(x, a, tolerance) for x in b) or all(_near(x, b, tolerance) for x in a)


def _starts_anew(table: Table) -> bool:
    """A table whose first row opens a form (项目名称 …) or is one cell across the whole
    width (a title printed inside the table)."""
    first = table.rows()[0] if table.n_rows else []
    filled = [c for c in first if c.text.strip()]
    if not filled:
        return False
    if len(filled) == 1 and filled[0].col_span == table.n_cols and table.n_cols > 1:
        return True
    return bool(FORM_START.match("".join(filled[0].text.split())))


def _row_key(cells: list[TableCell]) -> tuple[str, ...]:
    return tuple("".join(c.text.split()) for c in cells if c.text.strip())


def _repeated_header(upper: Table, lower: Table) -> int:
    """How many leading rows of `lower` repeat header rows of `upper` (rows without
    digits that `upper` printed before its data)."""
    upper_rows = [_row_key(r) for r in upper.rows()]
    count = 0
    for row in lower.rows():
        key = _row_key(row)
        if not key or any(ch.isdigit() for part in key for ch in part) or key not in upper_rows:
            break
        count += 1
    return count


def _regrid(table: Table, xs: list[float] | None) -> list[TableCell]:
    """The table's cells on the column rules `xs` (a superset of its own)."""
    if xs is None:
        return list(table.cells)
    if table.column_edges:  # unruled: a cell is where its column starts, one column wide
        starts = table.column_edges
        return [
            cell.model_copy(
                update={"col": min(range(len(xs) - 1), key=lambda i: abs(xs[i] - starts[cell.col]))}
            )
            for cell in table.cells
        ]
    tolerance = max((xs[-1] - xs[0]) * _EDGE_TOLERANCE, 1.0)
    out = []
    for cell in table.cells:
        assert cell.box is not None
        col = min(range(len(xs) - 1), key=lambda i: abs(xs[i] - cell.box[0]))  # type: ignore[index]
        span = sum(1 for x in xs[col + 1 : -1] if x < cell.box[2] - tolerance)
        out.append(cell.model_copy(update={"col": col, "col_span": span + 1}))
    return out


def _union_columns(upper: Table, lower: Table) -> list[float] | None:
    a, b = _columns(upper), _columns(lower)
    if a is None or b is None or upper.n_cols == lower.n_cols:
        return None  # the same columns: keep them
    tolerance = max((a[-1] - a[0]) * _EDGE_TOLERANCE, 1.0)
    merged = list(a[:-1])
    for x in b[:-1]:
        if not _near(x, merged, tolerance):
            merged.append(x)
    return [*sorted(merged), max(a[-1], b[-1])]


def _join(upper: Table, lower: Table) -> Table:
    skip = _repeated_header(upper, lower)
    xs = _union_columns(upper, lower)
    top = _regrid(upper, xs)
    cells = list(top)
    for cell in _regrid(lower, xs):
        if cell.row < skip:
            continue
        cells.append(cell.model_copy(update={"row": cell.row - skip + upper.n_rows}))
    n_cols = len(xs) - 1 if xs is not None else upper.n_cols
    note = f"第{lower.pages[0]}页的表格续接上一页的表格"
    if skip:
        note += f"（删去重复的 {skip} 行表头）"
    return Table(
        n_rows=upper.n_rows + lower.n_rows - skip,
        n_cols=n_cols,
        cells=sorted(cells, key=lambda c: (c.row, c.col)),
        title=upper.title,
        pages=[*upper.pages, *(p for p in lower.pages if p not in upper.pages)],
        source=upper.source,
        column_edges=xs if xs is not None and upper.column_edges else upper.column_edges,
        notes=[*upper.notes, note],
    )


def join_tables(pages: Sequence[Page], per_page: Sequence[Sequence[Table]]) -> list[Table]:
    """The document's tables in order, continued tables joined (see the module doc)."""
    text = "\f".join(p.text for p in pages)
    starts = _offsets(pages)
    running = _running_lines(pages)
    out: list[Table] = []
    previous_end = 0
    for table in (t for tables in per_page for t in tables if t.cells):
        start, end = _span(table, starts)
        between = _content(_lines(text[previous_end:start]), running)
        if out and not between and not _starts_anew(table) and _lines_up(out[-1], table):
            out[-1] = _join(out[-1], table)
        else:
            if between and not table.title:
                table = table.model_copy(update={"title": between[-TITLE_LINES:]})
            out.append(table)
        previous_end = end
    return out
