"""The grid reader: a form kept as a table (PDF, Markdown/HTML, OCR grid), read by its
header.

The indicator header (one or two rows, merged cells) says what each column holds
(`extractor.headers`); every row below it is read column by column: a merged 一级/二级
label (or one printed once and left blank below) carries down, a 度量单位 column joins
the target and the actual, a 指标性质 column gives the target's sign, number columns are
read as numbers (OCR specks cleaned, with a note). A blank cell is null: nothing moves
into it from a neighbour. A column the vocabulary does not know is reported and its
cells are never read into another field. The funding block above is read the same way
by its own header (年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分 …), with the
sources as columns and the measures as rows where it is printed that way, or as
label–amount pairs where a target form prints no header (two blocks side by side, or a
row of labels over a row of amounts). A table printed without rules gives its labels
centred over merged rows back the rows they stand for.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from extractor.backends.rules.indicators import IndicatorBlock, TemplateRows, repair_level1
from extractor.backends.rules.labels import (
    DEFAULT_LEVEL1,
    FUNDING_ROW,
    LEVEL1,
    family_of_level2,
    level2_of,
    ocr_repaired_label,
)
from extractor.backends.rules.numbers import Reading, read_number
from extractor.chunk import TOTAL_ROW
from extractor.document import Chunk, Document, Table, TableCell
from extractor.headers import (
    IndicatorHeader,
    Match,
    find_indicator_header,
    funding_meaning,
    funding_source,
    is_funding_row_word,
    is_indicator_header_row,
    label_key,
)
from extractor.models import Flag, FundingLine, Indicator, Span, Total, Value
from extractor.normalize import (
    normalize_text,
    parse_number,
    parse_value,
    split_label,
    squash,
    strip_indicator_prefix,
)
from extractor.rows import Cell, Row

_NOT_APPLICABLE = "本指标不适用"
_SUBTOTAL = re.compile(r"^(得分)?小计")
_FOOTER = re.compile(
    r"^(其他说明|其他需要说明|备注|说明|填报说明|评价结论|总体评价|存在问题|主要问题|改进|审核意见)"
)
_WEIGHT_IN_HEADER = re.compile(r"(\d+(?:\.\d+)?)\s*分\s*[*×xX]")
_QUALITATIVE = re.compile(r"^(定性|定量|正向|反向)")
_BLOCK = re.compile(r"^(年度)?绩效指标$|^指标$")
_NAMED = re.compile(r"^指标\d+[:：]")
# A cell that is a value, not a name: "≤176.77万元", "100%", "12次", "98"
_VALUE_LIKE = re.compile(r"^([≥≤=<>]|>=|<=)|^\d+(\.\d+)?(%|[万亿千]?[元人次户家个项件天]|分)?$")
NUMBER_FIELDS = ("weight", "score")
FIELD_NAMES = {
    "level1": "一级指标",
    "level2": "二级指标",
    "name": "三级指标",
    "nature": "指标性质",
    "target": "指标值",
    "unit": "度量单位",
    "actual": "完成值",
    "weight": "分值",
    "score": "得分",
    "reason": "偏差原因",
}


@dataclass
class GridRow:
    """One row of a table: the cell covering each column (merged cells too)."""

    table: Table
    index: int
    covering: list[TableCell | None]
    _own: list[TableCell] | None = field(default=None, repr=False)

    def own(self, col: int) -> TableCell | None:
        cell = self.covering[col] if col < len(self.covering) else None
        return cell if cell is not None and cell.row == self.index else None

    def own_cells(self) -> list[TableCell]:
        """The cells that start in this row, left to right (each once)."""
        if self._own is None:
            seen: dict[int, TableCell] = {}
            for col in range(len(self.covering)):
                cell = self.own(col)
                if cell is not None:
                    seen.setdefault(id(cell), cell)
            self._own = list(seen.values())
        return self._own

    def text(self, cols: list[int], own: bool = True) -> str:
        """The texts of the distinct cells that start in `cols`, joined: a cell merged
        over several columns belongs to the column it starts in."""
        parts: dict[int, TableCell] = {}
        for col in cols:
            cell = self.own(col) if own else self.covering[col]
            if cell is not None and cell.col in cols and cell.text.strip():
                parts.setdefault(id(cell), cell)
        return "".join(c.text for c in parts.values())

    def first_text(self) -> str:
        return next((squash(c.text) for c in self.own_cells() if c.text.strip()), "")


# A target's sign as OCR misreads it at the start of a cell: "≥" as "2 " or "z ", "≤" as "s".
_OCR_SIGNS = ((re.compile(r"^\s*[2zZ]\s+(?=\d)"), "≥"), (re.compile(r"^\s*[sS]\s*(?=\d)"), "≤"))


def _ocr_sign(text: str) -> str | None:
    """An OCR'd value whose leading sign was misread, with the sign put back, or None."""
    for pattern, sign in _OCR_SIGNS:
        if pattern.match(text):
            return sign + squash(pattern.sub("", text, count=1))
    return None


def centred_labels(rows: list[GridRow], cols: list[int]) -> dict[int, str]:
    """Row index → the label over it, for a label column of a table printed without
    rules. A merged label is printed once, centred on the rows it stands for, so the
    labels tile the rows: each takes the run of rows, from the end of the one before,
    whose middle is nearest its own middle (the last takes the rest)."""
    spans = [_row_span(row, cols) for row in rows]
    labels = [
        (cell, (cell.box[1] + cell.box[3]) / 2)
        for row in rows
        for cell in row.own_cells()
        if cell.col in cols and cell.text.strip() and cell.box is not None
    ]
    out: dict[int, str] = {}
    start = 0
    for k, (cell, middle) in enumerate(labels):
        if start >= len(rows):
            break
        end = len(rows) - 1
        if k + 1 < len(labels):
            following = labels[k + 1][1]
            choices = [e for e in range(start, len(rows) - 1) if spans[e + 1][0] <= following]
            if choices:
                end = min(choices, key=lambda e: abs((spans[start][0] + spans[e][1]) / 2 - middle))
        for r in range(start, end + 1):
            out[rows[r].index] = cell.text
        start = end + 1
    return out


def _row_span(row: GridRow, label_cols: list[int]) -> tuple[float, float]:
    """A row's top and bottom, from its cells outside the label columns."""
    boxes = [c.box for c in row.own_cells() if c.col not in label_cols and c.box and c.text.strip()]
    if not boxes:
        boxes = [c.box for c in row.own_cells() if c.box]
    if not boxes:
        return (0.0, 0.0)
    return (min(b[1] for b in boxes), max(b[3] for b in boxes))


def _norm(text: str) -> str:

    return squash(normalize_text(text).text)


def _as_row(document: Document, row: GridRow) -> Row:
    """A grid row as row text's `Row` (for the content reader), with document offsets."""
    cells = []
    for cell in row.own_cells():
        start = document.offset(cell.page, cell.start)
        cells.append(Cell(cell.text, start, start + len(cell.text)))
    start = min((c.start for c in cells), default=0)
    end = max((c.end for c in cells), default=0)
    return Row(
        cells=cells, start=start, end=end, is_table=True, raw="\t".join(c.text for c in cells)
    )


def grid_rows(table: Table, first: int, last: int) -> list[GridRow]:
    grid = table.grid()
    return [GridRow(table, r, grid[r]) for r in range(first, last + 1)]


@dataclass
class GridReading:
    funding: list[FundingLine] = field(default_factory=list)
    block: IndicatorBlock = field(default_factory=IndicatorBlock)
    flags: list[Flag] = field(default_factory=list)
    found_header: bool = False
    by_column: int = 0  # indicator rows read under their header's columns
    by_content: int = 0  # rows that did not fit and were read by their content

    @property
    def fit(self) -> float:
        """The share of indicator rows that kept their columns."""
        rows = self.by_column + self.by_content
        return self.by_column / rows if rows else 0.0


def _span(document: Document, cells: list[TableCell]) -> Span | None:
    """Where a row is: its own one-row cells (a merged label over many rows is not it)."""
    cells = [c for c in cells if c is not None]
    if not cells:
        return None
    cells = [c for c in cells if c.row_span == 1] or cells
    page = cells[0].page
    same = [c for c in cells if c.page == page]
    boxes = [c.box for c in same if c.box is not None]
    bbox = None
    if boxes:
        bbox = [
            min(b[0] for b in boxes),
            min(b[1] for b in boxes),
            max(b[2] for b in boxes),
            max(b[3] for b in boxes),
        ]
    return Span(
        page=page, start=min(c.start for c in same), end=max(c.end for c in same), bbox=bbox
    )


def _info(rule: str, path: str, message: str, span: Span | None = None, **extra: object) -> Flag:
    return Flag(rule=rule, severity="info", path=path, message=message, span=span, **extra)  # type: ignore[arg-type]


class GridReader:
    """Reads one form chunk whose rows are kept as table grids."""

    def __init__(self, document: Document, chunk: Chunk) -> None:
        self.document = document
        self.chunk = chunk
        self.reading = GridReading()

    # -- whole form ----------------------------------------------------------------------

    def read(self) -> GridReading:
        before: list[GridRow] = []
        for part in self.chunk.parts:
            table = self.document.tables[part.table]
            header = find_indicator_header(table, part.first_row)
            if header is None or header.first_row > part.last_row:
                before += grid_rows(table, part.first_row, part.last_row)
                continue
            before += grid_rows(table, part.first_row, header.first_row - 1)
            self.reading.found_header = True
            self._indicators(table, header, grid_rows(table, header.last_row + 1, part.last_row))
        first = self.document.tables[self.chunk.parts[0].table]
        above = [*first.title, *self.chunk.context.split("\n")[-3:]]
        self.reading.funding = FundingReader(self.document, self.reading.flags, above).read(before)
        return self.reading

    # -- indicators ----------------------------------------------------------------------

    def _indicators(self, table: Table, header: IndicatorHeader, rows: list[GridRow]) -> None:
        for column in header.unknown():
            self.reading.flags.append(
                _info(
                    "reader.unknown_column",
                    "indicators",
                    f"表头“{squash(column.label)}”未能对应到任何字段，该列内容未读取",
                    found=squash(column.label),
                )
            )
        IndicatorRows(self.document, header, self.reading).read(rows)


class IndicatorRows:
    """The indicator rows under one header."""

    def __init__(self, document: Document, header: IndicatorHeader, reading: GridReading) -> None:
        self.document = document
        self.header_last = header.last_row
        self.fields = header.fields()
        self.reading = reading
        self.block = reading.block
        self.group: str | None = None
        self.level1: str | None = None
        self.level2: str | None = None
        self.levels = [f for f in ("level1", "level2", "name") if f in self.fields]
        # with no 三级 column the deepest level column names the indicator
        self.name_field = (
            "name" if "name" in self.fields else (self.levels[-1] if self.levels else None)
        )
        self._content_reader: TemplateRows | None = None
        self.name_groups = header.groups("name")
        self.unit_groups = header.groups("unit")
        # labels of a table printed without rules, each given the rows it is centred on
        self.centred: dict[str, dict[int, str]] = {}

        # columns with no field of their own (an empty header, 绩效指标 over the levels)
        self.blank_columns = [
            c.index
            for c in header.columns
            if c.field is None and (not c.label.strip() or _BLOCK.match(_norm(c.label)))
        ]

    def read(self, rows: list[GridRow]) -> None:
        columns = {
            f: [r.text(cols) for r in rows] for f, cols in self.fields.items() if f in NUMBER_FIELDS
        }
        self.columns = columns
        if rows and rows[0].table.source.endswith("-stream"):
            body = list(itertools.takewhile(lambda r: not TOTAL_ROW.match(r.first_text()), rows))
            self.centred = {
                name: centred_labels(body, self.fields[name])
                for name in ("group", "level1", "level2")
                if name in self.fields and name != self.name_field
            }
        for row in rows:
            first = row.first_text()
            if TOTAL_ROW.match(first) and not is_indicator_header_row(row.own_cells()):
                self.block.total = self._total(row)
                break
            if any(_SUBTOTAL.match(squash(c.text)) for c in row.own_cells()):
                self._subtotal(row)
                continue
            if _FOOTER.match(first) and not self._values(row):
                break
            if is_indicator_header_row(row.own_cells()):
                continue  # a header printed again (a page break inside the form)
            self._row(row)
        repair_level1(self.block.indicators)

    def _text(self, row: GridRow, name: str, own: bool = True) -> str:
        cols = self.fields.get(name)
        if not cols:
            return ""
        if not own and name in self.centred:
            return self.centred[name].get(row.index, "")
        if own:
            return row.text(cols)
        # a label merged down from above, but never from the header itself
        cells = [row.covering[c] for c in cols]
        if any(c is not None and c.row <= self.header_last for c in cells):
            return row.text(cols)
        return row.text(cols, own=False)

    def _values(self, row: GridRow) -> bool:
        return any(self._text(row, f).strip() for f in ("target", "actual", "weight", "score"))

    def _carry_levels(self, row: GridRow) -> None:
        group = squash(self._text(row, "group", own=False))
        if group:
            label, weight = split_label(group)
            if label != self.group:
                self.group = label
                self.level1 = self.level2 = None
            weight = weight if weight is not None else self._level_weight(row, "group")
            if weight is not None:
                self.block.add_subtotal(label, weight)
        level1 = squash(self._text(row, "level1", own=False)) if self.name_field != "level1" else ""
        if level1:
            label, weight = split_label(level1)
            label = self._ocr_label(row, "level1", label)
            if label != self.level1:
                self.level1, self.level2 = label, None
            weight = weight if weight is not None else self._level_weight(row, "level1")
            if weight is not None:
                self.block.add_subtotal(label, weight)
        level2 = squash(self._text(row, "level2", own=False)) if self.name_field != "level2" else ""
        if level2:
            self.level2 = self._ocr_label(row, "level2", split_label(level2)[0])
        self._repair_levels()

    def _level_weight(self, row: GridRow, level: str) -> float | None:
        """The weight printed in a level's own 权重 column (merged with its label)."""
        cols = self.fields.get(f"{level}_weight")
        if not cols:
            return None
        return read_number(row.text(cols, own=False)).value

    def _name(self, row: GridRow) -> str:
        """The indicator's name: its column's text; where several columns name it (三级
        and 四级指标), the deepest one that is filled."""
        if self.name_field is None:
            return ""
        groups = self.name_groups if self.name_field == "name" else [self.fields[self.name_field]]
        for cols in reversed(groups):
            if any(
                row.covering[c] is not None and row.covering[c].row <= self.header_last
                for c in cols
            ):
                text = row.text(cols)
            else:
                text = row.text(cols, own=False)
            if squash(text):
                return squash(text)
        return ""

    def _ocr(self, row: GridRow, name: str) -> bool:
        """Whether the field's cells were read by OCR (not printed text: a text layer, or
        OCR text given as the document)."""
        cells = [row.covering[c] for c in self.fields.get(name, [])]
        return any(c is not None and c.confidence is not None for c in cells)

    def _ocr_label(self, row: GridRow, name: str, label: str) -> str:
        """An OCR'd level label put back as the vocabulary label it misreads."""
        return ocr_repaired_label(label) if self._ocr(row, name) else label

    def _repair_levels(self) -> None:
        """A 二级 label printed in the 一级 column (成本指标) is a 二级 under its 一级."""
        if self.level1 and self.level1 not in LEVEL1 and level2_of(self.level1):
            family = family_of_level2(level2_of(self.level1))
            self.level2 = level2_of(self.level1)
            self.level1 = DEFAULT_LEVEL1.get(family or "output", "产出指标")

    def _row(self, row: GridRow) -> None:
        if any(_NOT_APPLICABLE in squash(c.text) for c in row.own_cells()):
            return
        if not self._fits(row):
            self.reading.by_content += 1
            self._by_content(row)
            return
        self.reading.by_column += 1
        self._carry_levels(row)
        raw_name = self._name(row)
        name, label_weight = split_label(strip_indicator_prefix(raw_name), numbered=False)
        if not name or not (self._values(row) or raw_name):
            return
        if not self._values(row) and self.name_field and self.name_field != "name":
            return  # a level label alone on its row
        index = len(self.block.indicators)
        weight = self._number(row, "weight", index)
        indicator = Indicator(
            group=self.group,
            level1=self.level1 or "",
            level2=self.level2 if self.name_field != "level2" else None,
            name=name,
            nature=self._nature(row),
            target=self._value(row, "target", self._nature(row)),
            actual=self._value(row, "actual", None),
            weight=weight if weight is not None else label_weight,
            score=self._number(row, "score", index),
            deviation_reason=squash(self._text(row, "reason")) or None,
            span=_span(self.document, row.own_cells()),
        )
        self.block.indicators.append(indicator)

    def _fits(self, row: GridRow) -> bool:
        """Whether the row's cells sit under the columns the header gives them. A row
        OCR or the source shifted (a 二级 label in the 一级 column and everything after it
        one column left; numbers past the 得分 column) does not."""
        for name in NUMBER_FIELDS:
            text = self._text(row, name)
            if text.strip() and read_number(text, self.columns.get(name, [])).value is None:
                return False
        reason = _norm(self._text(row, "reason"))
        if reason and read_number(reason).value is not None:
            return False  # a number where the reason is written: shifted right
        name = _norm(self._text(row, self.name_field)) if self.name_field else ""
        if name and _VALUE_LIKE.match(name):
            return False  # a value where the name is written: shifted left
        level1 = _norm(self._text(row, "level1"))
        level2 = _norm(self._text(row, "level2"))
        if self.name_field == "name" and (_NAMED.match(level1) or _NAMED.match(level2)):
            return False  # "指标1: …" is a name, printed left of its column
        if (
            level1
            and level1 not in LEVEL1
            and level2_of(level1)
            and level2
            and not level2_of(level2)
        ):
            return False  # 成本指标 in the 一级 column, the name in the 二级 column
        if self.name_field == "name" and not name and level2 and not level2_of(level2):
            return self._values(row) is False
        return not any(_norm(row.text([c])) for c in self.blank_columns)

    def _by_content(self, row: GridRow) -> None:
        """A row that does not fit its header is read by its cells' content, as flat OCR
        text is, and the reader says so."""
        fallback = self._fallback()
        fallback.ctx.group, fallback.ctx.level1, fallback.ctx.level2 = (
            self.group,
            self.level1,
            self.level2,
        )
        before = len(self.block.indicators)
        fallback._row(_as_row(self.document, row))  # appends to our block
        self.group, self.level1, self.level2 = (
            fallback.ctx.group,
            fallback.ctx.level1,
            fallback.ctx.level2,
        )
        for index in range(before, len(self.block.indicators)):
            indicator = self.block.indicators[index]
            indicator.span = _span(self.document, row.own_cells())
            self.reading.flags.append(
                _info(
                    "reader.row_misfit",
                    f"indicators[{index}]",
                    "该行单元格与表头列不对齐，已按内容识别各字段，请核对",
                    indicator.span,
                    found=[squash(c.text) for c in row.own_cells() if c.text.strip()],
                )
            )

    def _fallback(self) -> TemplateRows:
        if self._content_reader is None:
            reader = TemplateRows(self.document.locate)
            order = sorted(
                (cols[0], name)
                for name, cols in self.fields.items()
                if name in ("nature", "unit", "actual", "target", "score", "weight", "reason")
            )
            reader.tail = [name for _, name in order]
            reader.block = self.block  # its labels' subtotals and its rows are ours
            self._content_reader = reader
        return self._content_reader

    def _nature(self, row: GridRow) -> str | None:
        text = squash(normalize_text(self._text(row, "nature")).text)
        if not text or _QUALITATIVE.match(text):
            return None
        value = parse_value(text)
        return value.op if value is not None else None

    def _value(self, row: GridRow, name: str, op: str | None) -> Value | None:
        printed = self._text(row, name)
        text = squash(printed)
        if not text:
            return None
        if self._ocr(row, name):
            text = _ocr_sign(printed) or text
        unit = squash(self._unit(row, name))
        if unit and not text.endswith(unit) and not _QUALITATIVE.match(unit):
            text += unit
        value = parse_value(text, op)
        if value is not None and value.op is None and op:
            value = Value(raw=value.raw, op=op, number=value.number, unit=value.unit)  # type: ignore[arg-type]
        return value

    def _unit(self, row: GridRow, name: str) -> str:
        """The 度量单位 of a value: the one unit column, or with a unit column under each
        of 指标值 and 完成值, the one beside the value (first at or right of it)."""
        if len(self.unit_groups) < 2:
            return self._text(row, "unit")
        end = max(self.fields.get(name, [0]))
        after = [g for g in self.unit_groups if g[0] > end]
        group = after[0] if after else self.unit_groups[-1]
        return row.text(group)

    def _number(self, row: GridRow, name: str, index: int) -> float | None:
        text = self._text(row, name)
        reading = read_number(text, self.columns.get(name, []))
        path = f"indicators[{index}].{name}"
        self._note(reading, text, path, FIELD_NAMES[name], _span(self.document, row.own_cells()))
        return reading.value

    def _note(self, reading: Reading, text: str, path: str, label: str, span: Span | None) -> None:
        if reading.cleaned:
            self.reading.flags.append(
                _info(
                    "reader.cleaned_number",
                    path,
                    f"{label}“{reading.printed}”按 {reading.value:g} 读取（疑为扫描污点）",
                    span,
                    expected=reading.value,
                    found=reading.printed,
                )
            )
        elif reading.value is None and text.strip():
            self.reading.flags.append(
                _info(
                    "reader.misfit",
                    path,
                    f"{label}列的“{squash(text)}”不是数字，按空值处理",
                    span,
                    found=squash(text),
                )
            )

    def _numbers_of(self, row: GridRow) -> list[float]:
        out = []
        for cell in row.own_cells():
            value = read_number(cell.text).value
            if value is not None:
                out.append(value)
        return out

    def _weight_score(self, row: GridRow) -> tuple[float | None, float | None]:
        """The 分值 and 得分 of a 总分 or 小计 row: from their columns, or in order where
        the row's numbers stand elsewhere (a shifted row)."""
        weight = read_number(self._text(row, "weight")).value
        score = read_number(self._text(row, "score")).value
        numbers = self._numbers_of(row)
        if len(numbers) <= len([n for n in (weight, score) if n is not None]):
            return weight, score
        if len(numbers) >= 2:
            return numbers[0], numbers[-1]
        return (None, numbers[0]) if "score" in self.fields else (numbers[0], None)

    def _total(self, row: GridRow) -> Total:
        weight, score = self._weight_score(row)
        return Total(weight=weight, score=score)

    def _subtotal(self, row: GridRow) -> None:
        if self.level1 is not None:
            self.block.add_subtotal(self.level1, *self._weight_score(row))


# --- funding ----------------------------------------------------------------------------

_AMOUNTS = {"budget", "executed", "initial_budget", "received"}
_FUNDING_LABEL = re.compile(f"{FUNDING_ROW.pattern}|总额$|资金|补助$|拨款$")


_YUAN = re.compile(r"[（(]元[）)]|单位[:：]元(?!/)")
_WAN = re.compile(r"[（(]万元[）)]|单位[:：]万元")


def stated_unit(texts: list[str]) -> str | None:
    """The amount unit some lines state ("（元）", "单位：万元"), or None."""
    joined = "".join(squash(t) for t in texts)
    yuan, wan = _YUAN.search(joined), _WAN.search(joined)
    if yuan and not wan:
        return "元"
    if wan and not yuan:
        return "万元"
    return None


class FundingReader:
    """The funding block(s) above a form's indicators. `above` holds the lines printed
    above the form (its title, "单位：元"), where a unit may be stated for the form."""

    def __init__(self, document: Document, flags: list[Flag], above: list[str] = ()) -> None:  # type: ignore[assignment]
        self.document = document
        self.flags = flags
        self.form_unit = stated_unit(list(above))

    def _unit(self, texts: list[str]) -> str:
        """The unit the form's 单位 line above states, else the block's own labels
        ("项目资金（元）"), else 万元. Where the two disagree the line above is taken and
        the validator reports the conflict (document.unit_conflict)."""
        return self.form_unit or stated_unit(texts) or "万元"

    def read(self, rows: list[GridRow]) -> list[FundingLine]:
        transposed = self._transposed(rows)
        if transposed:
            return transposed
        lines: list[FundingLine] = []
        i = 0
        while i < len(rows):
            columns = self._header(rows[i])
            if columns is None:
                i += 1
                continue
            skip = self._sub_header(rows, i, columns)
            if "initial_budget" in columns.values() and "budget" not in columns.values():
                # the only budget a form prints (年初预算 | 执行数) is its budget
                columns = {c: "budget" if f == "initial_budget" else f for c, f in columns.items()}
            unit = self._unit(
                [c.text for c in rows[i].covering if c is not None]
                + [c.text for r in rows[max(0, i - 2) : i] for c in r.own_cells()]
            )
            m = _WEIGHT_IN_HEADER.search(squash("".join(c.text for c in rows[i].own_cells())))
            weight = float(m.group(1)) if m else None
            i += 1 + skip
            first = i
            while i < len(rows) and self._header(rows[i]) is None:
                line = self._line(rows[i], columns, unit, weight, unlabelled_total=i == first)
                if line is None:
                    if lines:
                        break
                else:
                    lines.append(line)
                i += 1
        return lines or self._pairs(rows) or self._sentences(rows)

    def _sentences(self, rows: list[GridRow]) -> list[FundingLine]:
        """Funding written as a sentence in one cell: "资金总额：476.09万元（其中财政资金
        374.96万元，其他资金101.13万元）" — each labelled amount a line, in its own unit."""
        lines: list[FundingLine] = []
        for row in rows:
            cells = [c for c in row.own_cells() if c.text.strip()]
            if len(cells) > 1 and not _is_funding_label(cells[0].text):
                continue  # a goal's sentence (年度目标 | …投入资金1157.48万元) is no funding
            for cell in cells:
                text = squash(normalize_text(cell.text).text)
                for m in _AMOUNT_IN_TEXT.finditer(text):
                    label = re.sub(r"^(其中|含)", "", m.group(1))
                    amount = parse_number(m.group(2))
                    if amount is None or not _is_funding_label(label):
                        continue
                    source = funding_source(label, ocr=cell.confidence is not None)
                    span = _span(self.document, [cell])
                    lines.append(
                        FundingLine(source=source, unit=m.group(3), budget=amount, span=span)
                    )
        return lines

    def _transposed(self, rows: list[GridRow]) -> list[FundingLine]:
        """A block with the sources as columns and the measures as rows (资金总额 | 财政
        拨款 | 上年结转 | 其他资金 over 预算数 / 执行数 / 执行率 rows); its 分值 and 得分 cells
        belong to the total."""
        for i, row in enumerate(rows):
            sources = {
                c.col: c for c in row.own_cells() if _is_funding_label(c.text) and c.text.strip()
            }
            scoring = {
                c.col: m.meaning
                for c in row.own_cells()
                if (m := funding_meaning(c.text)) is not None and m.meaning in ("weight", "score")
            }
            if len(sources) < 2:
                continue
            values: dict[int, dict[str, float | None]] = {col: {} for col in sources}
            spans: dict[int, list[TableCell]] = {col: [c] for col, c in sources.items()}
            extra: dict[str, float | None] = {}
            for below in rows[i + 1 :]:
                measure = next((m for c in below.own_cells() if (m := _measure(c.text))), None)
                if measure is None or measure in ("weight", "score", "ignore"):
                    break
                for col in sources:
                    cell = below.own(col)
                    if cell is not None:
                        values[col][measure] = read_number(cell.text, signed=True).value
                        spans[col].append(cell)
                for col, name in scoring.items():
                    cell = below.own(col)
                    if cell is not None and read_number(cell.text).value is not None:
                        extra[name] = read_number(cell.text).value
            if not any(v for v in values.values()):
                continue
            unit = self._unit([c.text for r in rows[: i + 1] for c in r.covering if c is not None])
            lines = []
            for col, label in sources.items():
                if all(v is None for v in values[col].values()):
                    continue  # a label over no amounts (the block's own label)
                source = funding_source(label.text, ocr=label.confidence is not None)
                fields = dict(values[col])
                if source == "total":
                    fields.update({k: v for k, v in extra.items() if fields.get(k) is None})
                span = _span(self.document, spans[col])
                lines.append(FundingLine(source=source, unit=unit, span=span, **fields))
            return lines
        return []

    @staticmethod
    def _header(row: GridRow) -> dict[int, str] | None:
        """The funding fields a header row's cells announce, by grid column; None for a
        row that is no funding header (a row of amounts never is one)."""
        cells = row.own_cells()
        if sum(read_number(c.text).value is not None for c in cells) >= 2:
            return None
        found: dict[int, Match] = {}
        for cell in cells:
            if not cell.text.strip() or re.search(r"^\d", squash(cell.text)):
                continue
            m = funding_meaning(cell.text)
            if m is not None:
                found[cell.col] = m
        # a near miss (预算执行 ≈ 预算执行数, the block's label) loses to a column that
        # names the same field exactly (全年执行数)
        best: dict[str, float] = {}
        for m in found.values():
            best[m.meaning] = max(best.get(m.meaning, 0.0), m.score)
        columns = {col: m.meaning for col, m in found.items() if m.score >= best[m.meaning]}
        fields = set(columns.values())
        if len(columns) >= 2 and fields & _AMOUNTS:
            return columns
        return None

    @staticmethod
    def _sub_header(rows: list[GridRow], i: int, columns: dict[int, str]) -> int:
        """A second header row (实际到位金额 over 到位金额 | 到位率): its labels win."""
        if i + 1 >= len(rows):
            return 0
        below = rows[i + 1]
        labelled = {
            col: funding_meaning(cell.text)
            for col in range(len(below.covering))
            if (cell := below.own(col)) is not None and cell.text.strip()
        }
        if not labelled or any(m is None for m in labelled.values()):
            return 0
        columns.update({col: m.meaning for col, m in labelled.items() if m is not None})
        return 1

    def _line(
        self,
        row: GridRow,
        columns: dict[int, str],
        unit: str,
        weight: float | None,
        *,
        unlabelled_total: bool = False,
    ) -> FundingLine | None:
        """One funding row under the header; `unlabelled_total`: the first row may print
        no source (预算执行 | 年初预算数 … as one row of amounts): it is the total."""
        first_value = min(columns)
        label, ocr = "", False
        for col in range(first_value - 1, -1, -1):
            cell = row.own(col)
            if cell is not None and cell.text.strip() and read_number(cell.text).value is None:
                label, ocr = cell.text, cell.confidence is not None
                break
        values: dict[str, float | None] = {}
        for col, name in sorted(columns.items()):
            cell = row.own(col)
            if cell is None or name in values or name == "ignore":
                continue
            values[name] = read_number(cell.text, signed=True).value

        if all(v is None for v in values.values()) or not (label or unlabelled_total):
            return None
        source = funding_source(label, ocr=ocr) if label else "total"
        if source == "total" and values.get("weight") is None and weight is not None:
            values["weight"] = weight
        return FundingLine(
            source=source, unit=unit, span=_span(self.document, row.own_cells()), **values
        )

    def _pairs(self, rows: list[GridRow]) -> list[FundingLine]:
        """Label–amount pairs of a target form's 资金情况: side by side (one or two blocks
        per row), or a row of labels over a row of amounts (资金总额 | 基本支出 | 项目支出)."""
        lines: list[FundingLine] = []
        blocks: list[tuple[int, int, FundingLine]] = []  # (label's column, row, line)

        unit = self._unit([c.text for r in rows for c in r.covering if c is not None])
        for i, row in enumerate(rows):
            cells = row.own_cells()
            ending = _ending_here(row, rows[i - 1] if i else None)
            labels = [c for c in ending if _is_funding_label(c.text)]
            below = rows[i + 1] if i + 1 < len(rows) else None
            above = rows[i - 1].own_cells() if i else []
            grouped = any(c.col_span > 1 and _is_funding_label(c.text) for c in above)
            if (
                len(labels) >= 2
                and not grouped  # labels under group labels (基本支出 over 合计 | 财政拨款 …)
                and below is not None
                and not any(_is_funding_label(c.text) for c in below.own_cells())
            ):
                for cell in labels:
                    under = below.own(cell.col)
                    amount = read_number(under.text, signed=True).value if under else None
                    if under is not None and amount is not None:
                        lines.append(self._pair(cell, under, amount, unit))
                if lines:
                    continue
            filled = [c for c in cells if c.text.strip()]  # merges lost: skip empty cells
            side: list[tuple[int, int, FundingLine]] = []
            for k, cell in enumerate(filled[:-1]):
                if not _is_funding_label(cell.text):
                    continue
                amount = read_number(filled[k + 1].text, signed=True).value
                if amount is not None:
                    side.append((cell.col, i, self._pair(cell, filled[k + 1], amount, unit)))
            blocks.extend(side)
        # blocks side by side: each block's rows together, left block first
        order = {k: n for n, k in enumerate(sorted({k for k, _, _ in blocks}))}
        lines += [line for _, _, line in sorted(blocks, key=lambda b: (order[b[0]], b[1]))]
        return lines

    def _pair(self, label: TableCell, cell: TableCell, amount: float, unit: str) -> FundingLine:
        return FundingLine(
            source=funding_source(label.text, ocr=label.confidence is not None),
            unit=unit,
            budget=amount,
            span=_span(self.document, [label, cell]),
        )


def _ending_here(row: GridRow, above: GridRow | None) -> list[TableCell]:
    """The cells whose last row is this one, left to right: its own and those merged
    down from above (资金总额 over two header rows, beside 按收入性质分 over its parts);
    where the merge was lost (row text), the cell above an empty one."""
    seen: dict[int, TableCell] = {}
    for col, cell in enumerate(row.covering):
        if cell is None:
            continue
        if cell.row + cell.row_span - 1 == row.index and cell.text.strip():
            seen.setdefault(id(cell), cell)
        elif not cell.text.strip() and above is not None:
            lost = above.own(col)  # a label of the row above over an empty cell
            if lost is not None and lost.row_span == 1 and lost.col == col:
                seen.setdefault(id(lost), lost)
    return sorted(seen.values(), key=lambda c: c.col)


# "资金总额：476.09万元", "其中财政资金374.96万元": a label, an amount and its unit
_AMOUNT_IN_TEXT = re.compile(r"([\u4e00-\u9fff]{2,14}?)[:：为是]?(\d[\d,.]*)(万元|元)(?![/每])")


def _measure(text: str) -> str | None:
    """A row label naming a funding measure (预算数, 执行数, 执行率), not a source."""
    key = label_key(text)
    m = funding_meaning(text) if key else None
    if m is None or m.how not in ("exact", "contains") or is_funding_row_word(key):
        return None
    return m.meaning


def _is_funding_label(text: str) -> bool:
    """A funding row label: a source word of the vocabulary (资金总额, 一般公共预算 …) or a
    label that names money (…资金, …总额)."""
    key = label_key(text)
    if not key or read_number(text).value is not None:
        return False
    return bool(_FUNDING_LABEL.search(key)) or is_funding_row_word(key)
