"""One printed row, cut into its segments and read: 科目编码 fragments, name, 行次, amounts.

In a table with 科目编码 columns, OCR often shifts a row's cells: the code and the name
share a cell ("2296013 用于…"), so the amounts start one cell early; or the name lands
one cell late. The amounts are therefore read from where they start: the header's
first amount column, unless the row's first figure after its name comes earlier (or
its name sits in an amount column), in which case from there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractor.accounts.codes import fragments_of
from extractor.accounts.layout import Segment
from extractor.accounts.text import Cell, Line, cjk_count, parse_amount, stacked_amounts
from extractor.normalize import squash

_LEADING_CODE = re.compile(r"^\s*(\d[\d\s.]*?)(?=[^\d\s.])")
_TOTAL = re.compile(r"(合计|总计)$")
_NAME_JUNK = re.compile(r"^[\s\-—_·•.。,，:：;；)）}\]/|?？]+|[\s\-—_·•,，:：;；(（{\[/|?？]+$")


@dataclass
class RawRow:
    """A row of one segment as printed, before codes are put right."""

    parts: list[str]  # 科目编码 digit fragments
    name: str
    line: int | None
    values: list[float | None]
    start: int
    end: int
    block: int = 0
    total: bool = False
    code: str | None = None
    status: str = "clean"
    parent: str | None = None

    @property
    def empty(self) -> bool:
        return not self.parts and self.line is None and all(v is None for v in self.values)


def is_total_name(name: str) -> bool:
    return bool(_TOTAL.search(name))


def clean_name(text: str) -> str:
    return _NAME_JUNK.sub("", squash(text))


def split_code(text: str) -> tuple[list[str], str]:
    """ "2296013 用于城乡…" → (["2296013"], "用于城乡…")."""
    m = _LEADING_CODE.match(text)
    if not m:
        return [], text
    return fragments_of([m.group(1)]), text[m.end() :]


_NAME_AMOUNT = re.compile(r"^(.*[\u3400-\u9fff)）])\s*(\d[\d,，\s]*[.．]\s*\d+)$")


def _cells(line: Line, segment: Segment) -> list[Cell | None]:
    return [line.cell(i) for i in range(segment.start, segment.end)]


def _split_glued_amount(cells: list[Cell | None]) -> list[Cell | None]:
    """A name cell that swallowed the first amount ("合计 1, 114. 03") becomes two cells."""
    for i, cell in enumerate(cells):
        if cell is None or not cell.has_cjk:
            continue
        m = _NAME_AMOUNT.match(cell.text)
        if m and parse_amount(m.group(2)) is not None:
            name = Cell(m.group(1), m.group(1), cell.start, cell.start + len(m.group(1)))
            amount = Cell(m.group(2), m.group(2), name.end, cell.end)
            return [*cells[:i], name, amount, *cells[i + 1 :]]
    return cells


def _first_amount(cells: list[Cell | None], after: int) -> int | None:
    for i in range(after + 1, len(cells)):
        cell = cells[i]
        if cell is not None and cell.amount is not None:
            return i
    return None


def is_stacked(line: Line, segment: Segment) -> bool:
    """A row whose amount cells each hold several figures: OCR stacked several rows."""
    return any(
        c is not None and c.amount is None and len(stacked_amounts(c.raw)) >= 2
        for c in _cells(line, segment)
    )


def read_cells(line: Line, segment: Segment) -> RawRow | None:
    """The segment's part of a printed row; None when the segment is empty there."""
    cells = _cells(line, segment)
    rel = [i - segment.start for i in segment.value_cells]
    first_value = rel[0]
    if segment.line_cell is not None:
        return _read_numbered(line, segment, cells, rel)
    cells = _split_glued_amount(cells)
    text_cells = [i for i, c in enumerate(cells) if c is not None and c.has_cjk]
    last_text = text_cells[-1] if text_cells else -1
    if segment.name_cell is None:
        start = first_value
    else:
        found = _first_amount(cells, last_text)
        if found is None:
            start = first_value
        elif found < first_value:
            start = found
        elif last_text >= first_value:
            start = last_text + 1
        else:
            start = first_value
    values = [_amount(cells, start + (r - first_value)) for r in rel]
    parts: list[str] = []
    name = ""
    if last_text >= 0 and last_text < start:
        parts = fragments_of([c.raw for c in cells[:last_text] if c is not None])
        glued, rest = split_code(cells[last_text].text)  # type: ignore[union-attr]
        parts += glued
        name = clean_name(rest)
    else:
        code_end = min(start, first_value)
        parts = fragments_of([c.raw for c in cells[:code_end] if c is not None])
    if not parts and not name and all(v is None for v in values):
        return None
    return RawRow(parts, name, None, values, *_extent(cells))


def _read_numbered(
    line: Line, segment: Segment, cells: list[Cell | None], rel: list[int]
) -> RawRow | None:
    """A row of a table with a 行次 column (表1, 表4): positional."""
    line_rel = segment.line_cell - segment.start  # type: ignore[operator]
    name_rel = (segment.name_cell or segment.start) - segment.start
    label = cells[line_rel]
    number = int(label.key) if label is not None and label.key.isdigit() else None
    names = [c for c in cells[name_rel:line_rel] if c is not None and c.key]
    name = clean_name("".join(c.text for c in names))
    values = [_amount(cells, r) for r in rel]
    if number is None and not name and all(v is None for v in values):
        return None
    return RawRow([], name, number, values, *_extent(cells))


def _amount(cells: list[Cell | None], index: int) -> float | None:
    if 0 <= index < len(cells) and cells[index] is not None:
        return cells[index].amount  # type: ignore[union-attr]
    return None


def _extent(cells: list[Cell | None]) -> tuple[int, int]:
    filled = [c for c in cells if c is not None and c.key]
    if not filled:
        present = [c for c in cells if c is not None]
        return (present[0].start, present[0].end) if present else (0, 0)
    return filled[0].start, filled[-1].end


def is_debris(row: RawRow) -> bool:
    """OCR debris: no code, no 行次, no amount, and no name worth the word."""
    if row.parts or row.line is not None or any(v is not None for v in row.values):
        return False
    return cjk_count(row.name) < 2 or sum(ch.isdigit() for ch in row.name) >= 4
