"""A table's header: which cells hold codes, names, 行次 and amounts, and the columns.

The anchor is the 栏次 row ("类款⇥项⇥栏次⇥1⇥2⇥…", "栏次⇥⇥1⇥栏次⇥⇥2"; in 表9 just
"1⇥2⇥…⇥12"); without one (表6) it is the last header row naming 科目名称/项目. Cells of the
anchor give the roles: an integer is an amount column with that 栏次 number, 栏次 marks a
name column, cells before it hold the 科目编码, a 行次 header marks the 行次 column.

A header that repeats (项目/行次/决算数 twice, 科目编码/科目名称/决算数 three times) splits
the table into segments: two *sides* when the header over them says 收入 and 支出 (表1,
表4 — two records), otherwise *groups* of one list printed side by side (表6's 人员经费 |
公用经费 — one record).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractor.accounts.labels import build_label, clean_fragment
from extractor.accounts.text import Line, is_int_cell
from extractor.accounts.vocabulary import CODE_WORDS, LINE_WORDS, NAME_WORDS
from extractor.models import AccountColumn

_LANCI = "栏次"
_AMOUNT_KEY = re.compile(r"\d[\d,，]*[.．]\d+")
_CODE_START = re.compile(r"\d{3}")


@dataclass
class Segment:
    start: int  # cell range [start, end) of the row
    end: int
    code_cells: list[int] = field(default_factory=list)
    name_cell: int | None = None
    line_cell: int | None = None
    value_cells: list[int] = field(default_factory=list)
    columns: list[AccountColumn] = field(default_factory=list)
    label: str | None = None  # side (收入/支出) or group (人员经费) printed over it


@dataclass
class Layout:
    segments: list[Segment]
    two_sided: bool
    header_rows: int  # how many of the region's rows the header takes
    header_keys: frozenset[str]  # the header rows' keys, to recognise a repeat


def _is_data_row(line: Line) -> bool:
    """A row with an amount (a figure with decimals) or a leading 科目编码."""
    if any(_AMOUNT_KEY.fullmatch(cell.key) for cell in line.cells):
        return True
    first = next((c.key for c in line.cells if c.key), "")
    return bool(_CODE_START.match(first))


def lanci_cells(line: Line) -> dict[int, int | None] | None:
    """Cell index → 栏次 number (None for a 栏次 label) when `line` is a 栏次 row."""
    filled = [(i, c.key) for i, c in enumerate(line.cells) if c.key]
    labels = [i for i, key in filled if key == _LANCI]
    start = labels[0] if labels else 0
    after = [(i, key) for i, key in filled if i >= start]
    ints = [(i, int(key)) for i, key in after if is_int_cell(key)]
    if any(key != _LANCI and not is_int_cell(key) for _, key in after):
        return None
    if not ints or (not labels and len(ints) < 2):
        return None
    numbers = [n for _, n in ints]
    if numbers != list(range(numbers[0], numbers[0] + len(numbers))) or numbers[0] != 1:
        return None
    roles: dict[int, int | None] = dict.fromkeys(labels)
    roles.update(ints)
    return roles


def _find_anchor(rows: list[Line]) -> tuple[int, dict[int, int | None] | None]:
    """(index of the anchor row, its 栏次 cells or None for a label row); -1 when none."""
    label_row = -1
    for i, row in enumerate(rows):
        if _is_data_row(row):
            break
        lanci = lanci_cells(row)
        if lanci is not None:
            return i, lanci
        if any(word in cell.key for cell in row.cells for word in NAME_WORDS):
            label_row = i
    return label_row, None


def _has(line: Line, index: int, words: tuple[str, ...]) -> bool:
    cell = line.cell(index)
    return cell is not None and any(word in cell.key for word in words)


def _segments_from_lanci(lanci: dict[int, int | None], above: list[Line]) -> list[Segment]:
    names = sorted(i for i, n in lanci.items() if n is None)
    values = sorted(i for i, n in lanci.items() if n is not None)
    if not names:
        return [Segment(0, values[-1] + 1, value_cells=values)]
    segments: list[Segment] = []
    for k, name in enumerate(names):
        start = 0 if k == 0 else name
        end = names[k + 1] if k + 1 < len(names) else max(values[-1] + 1, name + 1)
        segment = Segment(start, end, name_cell=name)
        segment.code_cells = list(range(start, name))
        segment.value_cells = [v for v in values if start <= v < end]
        first_value = segment.value_cells[0] if segment.value_cells else end
        for cell in range(name + 1, first_value):
            if any(_has(line, cell, LINE_WORDS) for line in above):
                segment.line_cell = cell
        segments.append(segment)
    return segments


def _segments_from_labels(row: Line) -> list[Segment]:
    segments: list[Segment] = []
    current: Segment | None = None
    for i, cell in enumerate(row.cells):
        key = cell.key
        if not key:
            continue
        if any(w in key for w in CODE_WORDS):
            role = "code"
        elif any(w in key for w in NAME_WORDS):
            role = "name"
        elif any(w in key for w in LINE_WORDS):
            role = "line"
        else:
            role = "value"
        if current is None or (role in ("code", "name") and current.value_cells):
            if current is not None:
                current.end = i
            current = Segment(i, len(row.cells))
            segments.append(current)
        if role == "code":
            current.code_cells.append(i)
        elif role == "name":
            current.name_cell = i
        elif role == "line":
            current.line_cell = i
        else:
            current.value_cells.append(i)
    if segments:
        segments[0].start = 0
    return segments


def _side_labels(above: list[Line], segments: list[Segment]) -> list[str] | None:
    """收入 / 支出 when the header over two segments says so."""
    if len(segments) != 2:
        return None
    income = expense = False
    for line in above:
        for cell in line.cells:
            key = cell.key
            income = income or key == "收" or key.startswith("收入")
            expense = expense or key.startswith("支")
    return ["收入", "支出"] if income and expense else None


def _group_labels(above: list[Line], segments: list[Segment]) -> None:
    """The label printed over each group (人员经费 over one, 公用经费 over the next two)."""
    label: str | None = None
    for segment in segments:
        for line in above:
            for i in range(segment.start, segment.end):
                cell = line.cell(i)
                if (
                    cell is not None
                    and cell.has_cjk
                    and not any(w in cell.key for w in (*CODE_WORDS, *NAME_WORDS, *LINE_WORDS))
                ):
                    if i not in segment.value_cells:
                        label = cell.key
        segment.label = label


def _is_dense(line: Line, segment: Segment) -> bool:
    """A header row that labels at least half of the segment's amount columns; a sparser
    one holds group headers (预算数 | 决算数 over six columns each) or debris."""
    filled = sum(
        1 for i in segment.value_cells if (c := line.cell(i)) is not None and clean_fragment(c.text)
    )
    return filled * 2 >= len(segment.value_cells) and filled > 0


def read_layout(rows: list[Line]) -> Layout | None:
    """The header of a table whose rows (tab lines) are `rows`; None without one."""
    anchor, lanci = _find_anchor(rows)
    if anchor < 0:
        return None
    above = rows[:anchor]
    if lanci is not None:
        segments = _segments_from_lanci(lanci, rows[: anchor + 1])
        label_rows = above
    else:
        segments = _segments_from_labels(rows[anchor])
        label_rows = rows[: anchor + 1]
    segments = [s for s in segments if s.value_cells]
    if not segments:
        return None
    for segment in segments:
        dense = [line for line in label_rows if _is_dense(line, segment)]
        for cell in segment.value_cells:
            fragments = [c.text for line in dense if (c := line.cell(cell)) is not None]
            segment.columns.append(
                AccountColumn(label=build_label(fragments), number=(lanci or {}).get(cell))
            )
    sides = _side_labels(above, segments)
    if sides is not None:
        for segment, side in zip(segments, sides, strict=True):
            segment.label = side
    else:
        _group_labels(above, segments)
    return Layout(
        segments=segments,
        two_sided=sides is not None,
        header_rows=anchor + 1,
        header_keys=frozenset(line.key for line in rows[: anchor + 1]),
    )
