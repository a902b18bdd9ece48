"""Table rows out of row text, with every cell's offsets in the source.

Two layouts occur in OCR'd reports and both are read here:

- *line layout*: one line per row, cells separated by tabs, merged cells as empty
  cells ("\\t\\t指标 2: …\\t12 次\\t12 次\\t5\\t5");
- *block layout*: every cell starts a new line with a tab and may continue over
  several lines; a blank line followed by a tab-led line starts the next row, and two
  blank lines end the table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from extractor.normalize import clean_cell, squash


@dataclass
class Cell:
    text: str  # cleaned: words broken by OCR spaces joined
    start: int  # offsets into the text the rows were read from (plus `base`)
    end: int

    @cached_property
    def key(self) -> str:
        """The cell without any whitespace: for matching labels."""
        return squash(self.text)


@dataclass
class Row:
    cells: list[Cell]
    start: int
    end: int
    is_table: bool  # False for a plain line of text
    raw: str = field(default="", repr=False)

    @property
    def texts(self) -> list[str]:
        return [c.text for c in self.cells]

    @property
    def filled(self) -> list[tuple[int, Cell]]:
        return [(i, c) for i, c in enumerate(self.cells) if c.key]

    @property
    def key(self) -> str:
        return "".join(c.key for c in self.cells)


_BLOCK_START = re.compile(r"^[ \u3000]*\t")


def _is_block_start(line: str) -> bool:
    return bool(_BLOCK_START.match(line)) and line.count("\t") == 1


def _line_row(line: str, at: int) -> Row:
    cells: list[Cell] = []
    pos = at
    for part in line.split("\t"):
        cells.append(Cell(clean_cell(part), pos, pos + len(part)))
        pos += len(part) + 1
    is_table = "\t" in line
    return Row(cells=cells, start=at, end=at + len(line), is_table=is_table, raw=line)


class _BlockReader:
    """Reads one block-layout row starting at line `i`."""

    def __init__(self, lines: list[str], starts: list[int]) -> None:
        self.lines = lines
        self.starts = starts

    def read(self, i: int) -> tuple[Row, int, bool]:
        """Returns (row, next line index, table_ended)."""
        lines, starts = self.lines, self.starts
        parts: list[list[tuple[str, int]]] = []
        j = i
        ended = False
        while j < len(lines):
            line = lines[j]
            if _is_block_start(line):
                tab = line.index("\t")
                parts.append([(line[tab + 1 :], starts[j] + tab + 1)])
                j += 1
                continue
            if line.strip("\n") == "":
                k = j
                while k < len(lines) and lines[k] == "":
                    k += 1
                if k >= len(lines) or k - j >= 2:
                    ended = True
                    j = k
                    break
                if _is_block_start(lines[k]):
                    j = k
                    break
                j = k  # a paragraph break inside the cell
                continue
            if "\t" in line:  # a line-layout row follows
                ended = True
                break
            parts[-1].append((line, starts[j]))
            j += 1
        cells = [self._cell(p) for p in parts]
        row = Row(cells=cells, start=starts[i], end=cells[-1].end, is_table=True)
        row.raw = "\t".join(c.text for c in cells)
        return row, j, ended

    @staticmethod
    def _cell(lines: list[tuple[str, int]]) -> Cell:
        text = "\n".join(t for t, _ in lines)
        start = lines[0][1]
        end = lines[-1][1] + len(lines[-1][0])
        return Cell(clean_cell(text.replace("\n", " ")), start, end)


def read_rows(text: str, base: int = 0) -> list[Row]:
    """All rows of `text` (table rows and plain lines), blank lines dropped."""
    lines = re.split("[\n\f]", text)  # a form feed ends a page, and so a line
    starts: list[int] = []
    pos = base
    for line in lines:
        starts.append(pos)
        pos += len(line) + 1
    rows: list[Row] = []
    block = _BlockReader(lines, starts)
    i = 0
    while i < len(lines):
        line = lines[i]
        if _is_block_start(line):
            row, i, _ = block.read(i)
            rows.append(row)
            continue
        if line.strip():
            rows.append(_line_row(line, starts[i]))
        i += 1
    return rows
