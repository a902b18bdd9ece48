"""The cells of a chunk, for judging a value: is it one clean cell, and in which row?

A value read right is the text of one cell (or a part of it: "产出指标" of
"产出指标(50分)", "图书室覆盖村数" of "指标 1: 图书室覆盖村数"), or a number that is
the only number of its cell ("92%", "1, 085. 68"). A value with other cells glued into it
("项目完工及时率=100%9210") is not. The only cells a value may join are unit and sign
cells beside it (a 度量单位 column: "1236" + "户" → "1236户").

`fit(value, row)`: 2 = a clean cell in that row, 1 = a clean cell elsewhere in the chunk
(a merged cell printed once above, a title line), 0 = no clean cell (glued, or absent).

Cells come from the chunk's row text; a chunk that keeps its table as a grid can give
its cells here instead (one place: `cells_of`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

from extractor.document import Chunk
from extractor.llm.grounding import fold, numbers_in, same_number
from extractor.models import Span, Value
from extractor.rows import read_rows

_DIGIT = re.compile(r"\d")
_UNIT_CELL_MAX = 6  # a unit or sign cell: short and without digits ("户", "万人次", "≥")

Locate = Callable[[int, int], Span]


@dataclass(frozen=True)
class CellText:
    key: str  # folded text
    numbers: tuple[float, ...]


@dataclass(frozen=True)
class RowCells:
    cells: tuple[CellText, ...]
    span: Span | None  # where the row is (page-relative), to find a record's row


def _cell(text: str) -> CellText:
    return CellText(fold(text), tuple(numbers_in(text)))


def cells_of(chunk: Chunk, locate: Locate | None) -> list[RowCells]:
    """The rows of the chunk and of the lines above it (titles, 部门名称), cell by cell."""
    base = chunk.start - len(chunk.context)
    rows = []
    for row in read_rows(chunk.context + chunk.text, base=base):
        cells = tuple(_cell(c.text) for c in row.cells if c.key)
        if cells:
            rows.append(RowCells(cells, locate(row.start, row.end) if locate else None))
    return rows


class ChunkCells:
    def __init__(self, rows: list[RowCells]) -> None:
        self.rows = rows

    @classmethod
    def of(cls, chunk: Chunk, locate: Locate | None = None) -> ChunkCells:
        return cls(cells_of(chunk, locate))

    def row_of(self, span: Span | None) -> int | None:
        """The row a record's span points at (the row it starts in)."""
        if span is None:
            return None
        for i, row in enumerate(self.rows):
            where = row.span
            if where is not None and where.page == span.page:
                if where.start <= span.start < max(where.end, where.start + 1):
                    return i
        return None

    def fit(self, value: object, row: int | None = None) -> int:
        """2: a clean cell of `row`; 1: a clean cell elsewhere; 0: none (see the module)."""
        if value is None:
            return 0
        if row is not None and 0 <= row < len(self.rows) and self._in_row(value, self.rows[row]):
            return 2
        return 1 if any(self._in_row(value, r) for r in self.rows) else 0

    def _in_row(self, value: object, row: RowCells) -> bool:
        if isinstance(value, Value):
            return _text_in_row(fold(value.raw), row)
        if isinstance(value, bool):
            return False
        if isinstance(value, int | float):
            return any(len(c.numbers) == 1 and same_number(c.numbers[0], value) for c in row.cells)
        if isinstance(value, str):
            return _text_in_row(fold(value), row)
        return False


@functools.lru_cache(maxsize=4096)
def _is_unit_cell(key: str) -> bool:
    return 0 < len(key) <= _UNIT_CELL_MAX and not _DIGIT.search(key)


def _text_in_row(key: str, row: RowCells) -> bool:
    if not key:
        return False
    cells = row.cells
    for i, cell in enumerate(cells):
        if key in cell.key:
            return True
        # a value joined from this cell and the unit/sign cells right after it
        joined = cell.key
        for nxt in cells[i + 1 :]:
            if not _is_unit_cell(nxt.key) or not key.startswith(joined):
                break
            joined += nxt.key
            if key == joined:
                return True
        # or the sign cell before it (a 指标性质 "≥" column) and this cell
        if i > 0 and _is_unit_cell(cells[i - 1].key) and key == cells[i - 1].key + cell.key:
            return True
    return False
