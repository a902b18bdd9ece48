"""Indicator rows of self-evaluation, target and scoring forms.

Self-evaluation and target forms are read by *content*: level labels are recognised by
the national vocabulary wherever OCR put them, the name is what follows, and the
columns the header promises (target, actual, weight, score, reason …) are taken from
the right by their kind. Scoring tables have free-text levels and are read by the
header's column positions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractor.backends.rules.labels import (
    DEFAULT_LEVEL1,
    GROUP_LABEL,
    families_of_level1,
    family_of_level2,
    fuzzy_labels,
    is_block_label,
    is_debris,
    is_label_debris,
    level1_of,
    level2_of,
)
from extractor.chunk import TOTAL_ROW, is_indicator_header
from extractor.document import Locate
from extractor.models import Indicator, Subtotal, Total, Value
from extractor.normalize import (
    join_number_spaces,
    normalize_text,
    parse_value,
    split_weight,
    squash,
    strip_indicator_prefix,
)
from extractor.rows import Cell, Row

_BARE_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")
_OP_ONLY = re.compile(r"^(≥|≤|=|>|<|>=|<=|≧|≦)$")
_NOT_APPLICABLE = "本指标不适用"
_SUBTOTAL = re.compile(r"^(得分)?小计")
_FOOTER = re.compile(r"^(其他说明|备注|说明|填报说明)")

# Header cell → the column it announces, for the cells after 三级指标.
_TAIL_COLUMNS: tuple[tuple[str, str], ...] = (
    (r"指标性质", "nature"),
    (r"度量单位|计量单位", "unit"),
    (r"实际完成值|实际值|完成值", "actual"),
    (r"指标值|目标值", "target"),
    (r"得分", "score"),
    (r"分值|权重", "weight"),
    (r"偏差原因|原因分析", "reason"),
)


def bare_number(text: str) -> float | None:
    """A cell that is only a number ("10", "9. 5"), no unit, no percent sign."""
    compact = squash(join_number_spaces(normalize_text(text).text))
    return float(compact) if _BARE_NUMBER.match(compact) else None


def tail_columns(header: Row) -> list[str]:
    """The columns after 三级指标 that a header row announces, in order."""
    out: list[str] = []
    seen_level3 = False
    for _, cell in header.filled:
        key = cell.key
        if "三级" in key:
            seen_level3 = True
            continue
        if not seen_level3:
            continue
        for pattern, name in _TAIL_COLUMNS:
            if re.search(pattern, key):
                if name not in out:
                    out.append(name)
                break
    return out


@dataclass
class IndicatorBlock:
    indicators: list[Indicator] = field(default_factory=list)
    subtotals: list[Subtotal] = field(default_factory=list)
    total: Total = field(default_factory=Total)

    def add_subtotal(
        self, level1: str, weight: float | None = None, score: float | None = None
    ) -> None:
        for sub in self.subtotals:
            if sub.level1 == level1:
                sub.weight = sub.weight if weight is None else weight
                sub.score = sub.score if score is None else score
                return
        self.subtotals.append(Subtotal(level1=level1, weight=weight, score=score))


def _row_numbers(row: Row) -> list[float]:
    """Numbers of a total row; a number OCR split over two cells ("91." | "66") is joined."""
    text = "\t".join(c.text for c in row.cells)
    text = re.sub(r"(\d\.)\s*\t+\s*(\d)", r"\1\2", text)
    text = re.sub(r"^[^\t\d]*", "", text)  # the 总分 label
    return [float(n) for n in re.findall(r"\d+(?:\.\d+)?", join_number_spaces(text))]


def _total(row: Row, tail: list[str]) -> Total:
    numbers = _row_numbers(row)
    if len(numbers) >= 2:
        return Total(weight=numbers[0], score=numbers[-1])
    if len(numbers) == 1:
        if "score" in tail and "weight" not in tail:
            return Total(score=numbers[0])
        if "weight" in tail and "score" not in tail:
            return Total(weight=numbers[0])
        return Total(score=numbers[0])
    return Total()


def repair_level1(indicators: list[Indicator]) -> None:
    """A merged 一级指标 cell prints its label in the middle of its rows, so rows above
    the label carry the previous 一级 (or none). Where a row's 二级 belongs to another
    一级 family than the one it got, it takes the next row's 一级 of the right family."""
    for i, ind in enumerate(indicators):
        if not ind.level1 and ind.level2 is None:
            later = next(
                (x for x in indicators[i + 1 :] if x.group == ind.group and x.level2), None
            )
            if later is not None:
                ind.level2 = later.level2
    for i, ind in enumerate(indicators):
        family = family_of_level2(ind.level2)
        if family is None or (ind.level1 and family in families_of_level1(ind.level1)):
            continue
        for later in indicators[i + 1 :]:
            if (
                later.group == ind.group
                and later.level1
                and family in families_of_level1(later.level1)
            ):
                ind.level1 = later.level1
                break
        else:
            ind.level1 = DEFAULT_LEVEL1[family]


@dataclass
class _Context:
    group: str | None = None
    level1: str | None = None
    level2: str | None = None


class TemplateRows:
    """Reads the indicator rows of a self-evaluation or target form."""

    def __init__(self, locate: Locate) -> None:
        self.locate = locate
        self.block = IndicatorBlock()
        self.ctx = _Context()
        self.tail: list[str] = []

    def read(self, rows: list[Row]) -> IndicatorBlock:
        self._read(rows)
        repair_level1(self.block.indicators)
        return self.block

    def _read(self, rows: list[Row]) -> None:
        started = False
        for row in rows:
            if is_indicator_header(row):
                started = True
                self.tail = tail_columns(row) or self.tail
                if "actual" in self.tail and "target" not in self.tail:
                    self.tail.insert(self.tail.index("actual"), "target")
                continue
            if not started or not row.is_table:
                if not started:
                    self._group(row)
                continue
            if self._group(row):
                started = False  # the group's text runs on until its header row
                continue
            first = row.filled[0][1].key if row.filled else ""
            if TOTAL_ROW.match(first):
                self.block.total = _total(row, self.tail)
                break
            self._row(row)

    def _group(self, row: Row) -> bool:
        """A department form's 年度目标N row: sets the group, gives its weight."""
        for _, cell in row.filled[:3]:
            m = GROUP_LABEL.search(cell.key)
            if m and not level1_of(cell.text):
                self.ctx.group = f"年度目标{m.group(1) or m.group(2)}"
                weight = re.search(r"[（(]?(\d+(?:\.\d+)?)分", row.key[m.end() :])
                self.block.add_subtotal(self.ctx.group, float(weight.group(1)) if weight else None)
                self.ctx.level1 = self.ctx.level2 = None
                return True
        return False

    def _labels(self, cells: list[Cell]) -> list[Cell]:
        """Consume the level labels at the start of a row, updating the context. OCR
        debris and garbled labels are consumed too, but only when the row keeps all
        its values without them (so a name such as "满意度" is never eaten)."""
        rest = list(cells)
        labels: list[Cell] = []
        if all(self._label_only(c) for c in rest):  # a row of labels only
            labels, rest = (
                [c for c in rest if fuzzy_labels(c.text) or level1_of(c.text) or level2_of(c.text)],
                [],
            )
        while rest:
            cell = rest[0]
            exact = is_block_label(cell.text) or level1_of(cell.text) or level2_of(cell.text)
            loose = (
                not exact
                and (is_debris(cell.text) or is_label_debris(cell.text) or fuzzy_labels(cell.text))
                and self._spare(rest)
            )
            if not (exact or loose):
                break
            rest.pop(0)
            if fuzzy_labels(cell.text) or level1_of(cell.text) or level2_of(cell.text):
                labels.append(cell)
        for k, cell in enumerate(labels):
            self._label(cell, has_next=k + 1 < len(labels))
        return rest

    @staticmethod
    def _label_only(cell: Cell) -> bool:
        """A cell of a row that holds no value: labels, label scraps, long OCR noise."""
        text = cell.text
        noise = is_debris(text) and len(squash(text)) > 6 and bare_number(text) is None
        return noise or bool(
            is_block_label(text)
            or level1_of(text)
            or level2_of(text)
            or fuzzy_labels(text)
            or is_label_debris(text)
        )

    def _spare(self, cells: list[Cell]) -> bool:
        """True when the first cell can go without losing a value or the name."""
        if len(cells) < 2:
            return False
        with_it = len(self._assign(cells)[0])
        fields, name = self._assign(cells[1:])
        return len(fields) >= with_it and bool(name)

    def _label(self, cell: Cell, has_next: bool) -> None:
        """One level label. "满意度指标" is both a 一级 and a 二级 word: it is the 一级 when it
        carries a weight or another label follows, the 二级 when its 一级 is already open."""
        l1 = level1_of(cell.text)
        l2 = level2_of(cell.text)
        if l1 is None and l2 is None:
            fuzzy = dict(fuzzy_labels(cell.text))
            if 1 in fuzzy:
                l1 = (fuzzy[1], split_weight(cell.text)[1])
                has_next = has_next or 2 in fuzzy
            if 2 in fuzzy and 1 not in fuzzy:
                l2 = fuzzy[2]
            elif 2 in fuzzy:
                self._label_pair(l1, fuzzy[2])
                return
        as_level1 = l1 is not None and (
            l2 is None or l1[1] is not None or has_next or self.ctx.level1 != l1[0]
        )
        if l1 is not None and as_level1:
            self.ctx.level1, self.ctx.level2 = l1[0], None
            if l1[1] is not None:
                self.block.add_subtotal(l1[0], l1[1])
        elif l2 is not None:
            self.ctx.level2 = l2

    def _label_pair(self, l1: tuple[str, float | None] | None, l2: str) -> None:
        if l1 is not None:
            self.ctx.level1 = l1[0]
            if l1[1] is not None:
                self.block.add_subtotal(l1[0], l1[1])
        self.ctx.level2 = l2

    def _row(self, row: Row) -> None:
        cells = [c for _, c in row.filled]
        rest = self._labels(cells)
        if not rest or any(_NOT_APPLICABLE in c.key for c in rest):
            return
        fields, name_cells = self._assign(rest)
        if not name_cells or (not fields and _FOOTER.match(name_cells[0].key)):
            return
        name = strip_indicator_prefix(squash(" ".join(c.text for c in name_cells)))
        if not name or (self.ctx.level1 is None and self.ctx.level2 is None and not fields):
            return
        self.block.indicators.append(self._indicator(name, fields, row))

    def _assign(self, rest: list[Cell]) -> tuple[dict[str, str], list[Cell]]:
        """Take the tail columns from the right by their kind; what is left is the name."""
        fields: dict[str, str] = {}
        i = len(rest) - 1
        for column in reversed(self.tail):
            if i < 1:
                break
            text = rest[i].text
            if column in ("score", "weight"):
                if bare_number(text) is None:
                    continue
            elif column == "reason":
                if bare_number(text) is not None:
                    continue
            elif column == "nature":
                if not _OP_ONLY.match(squash(text)):
                    continue
            elif column == "unit":
                if bare_number(text) is not None or len(squash(text)) > 6:
                    continue
            elif _OP_ONLY.match(squash(text)):
                if "nature" in self.tail and "nature" not in fields:
                    fields["nature"] = text
                    i -= 1
                continue
            fields[column] = text
            i -= 1
        return fields, rest[: i + 1]

    def _indicator(self, name: str, fields: dict[str, str], row: Row) -> Indicator:
        nature = squash(fields["nature"]) if "nature" in fields else None
        nature = parse_value(nature).op if nature else None
        target_text = fields.get("target")
        if target_text is not None and "unit" in fields:
            target_text = squash(target_text) + squash(fields["unit"])
        target = parse_value(target_text, nature) if target_text else None
        if target and target.op is None and nature:
            target = Value(raw=target.raw, op=nature, number=target.number, unit=target.unit)
        reason = squash(fields["reason"]) if fields.get("reason") else None
        return Indicator(
            group=self.ctx.group,
            level1=self.ctx.level1 or "",
            level2=self.ctx.level2,
            name=name,
            nature=nature,
            target=target,
            actual=parse_value(fields.get("actual")) if fields.get("actual") else None,
            weight=bare_number(fields["weight"]) if "weight" in fields else None,
            score=bare_number(fields["score"]) if "score" in fields else None,
            deviation_reason=reason,
            span=self.locate(row.start, row.end),
        )


class ScoringRows:
    """Reads an evaluation report's scoring table by its header's column positions."""

    def __init__(self, locate: Locate) -> None:
        self.locate = locate
        self.block = IndicatorBlock()
        self.cols: dict[str, int] = {}
        self.has_score = False
        self.has_weight = False
        self.level1: str | None = None
        self.level2: str | None = None
        self.name: str | None = None

    def read(self, rows: list[Row]) -> IndicatorBlock:
        started = False
        for row in self._joined(rows):
            if is_indicator_header(row):
                started = True
                self._header(row)
                continue
            if not started or not row.is_table:
                continue
            first = row.filled[0][1].key if row.filled else ""
            if TOTAL_ROW.match(first):
                numbers = [n for n in (bare_number(c.text) for c in row.cells) if n is not None]
                self.block.total = self._total(numbers)
                break
            self._row(row)
        return self.block

    @staticmethod
    def _joined(rows: list[Row]) -> list[Row]:
        """A block-layout row that a stray blank line cut in two comes back as one: a
        row shorter than the header is continued by the next short row."""
        width = 0
        out: list[Row] = []
        for row in rows:
            if is_indicator_header(row):
                width = len(row.cells)
            short = row.is_table and width and len(row.cells) < width
            fits = bool(out) and len(out[-1].cells) + len(row.cells) <= width
            if short and fits and out[-1].is_table and not is_indicator_header(out[-1]):
                prev = out[-1]
                out[-1] = Row(
                    cells=prev.cells + row.cells,
                    start=prev.start,
                    end=row.end,
                    is_table=True,
                    raw=prev.raw + "\t" + row.raw,
                )
                continue
            out.append(row)
        return out

    def _header(self, row: Row) -> None:
        for i, cell in enumerate(row.cells):
            key = cell.key
            for level in ("一级", "二级", "三级"):
                if level in key and level not in self.cols:
                    self.cols[level] = i
        self.has_score = "得分" in row.key
        self.has_weight = bool(re.search(r"分值|权重", row.key))

    def _total(self, numbers: list[float]) -> Total:
        if len(numbers) >= 2:
            return Total(weight=numbers[0], score=numbers[-1])
        if numbers:
            return Total(weight=numbers[0]) if self.has_weight else Total(score=numbers[0])
        return Total()

    def _cell(self, row: Row, level: str) -> str:
        i = self.cols.get(level)
        return row.cells[i].text if i is not None and i < len(row.cells) else ""

    def _row(self, row: Row) -> None:
        after = max(self.cols.values(), default=-1)
        numbers = [
            n for n in (bare_number(c.text) for c in row.cells[after + 1 :]) if n is not None
        ]
        marker = next((i for i, c in enumerate(row.cells) if _SUBTOTAL.match(c.key)), None)
        if marker is not None:
            numbers = [
                n for n in (bare_number(c.text) for c in row.cells[marker + 1 :]) if n is not None
            ]
            if self.level1 and numbers:
                weight = numbers[0] if len(numbers) >= 2 else None
                self.block.add_subtotal(self.level1, weight, numbers[-1])
            return
        l1, l2, l3 = (squash(self._cell(row, k)) for k in ("一级", "二级", "三级"))
        if l1:
            self.level1, weight = split_weight(l1)
            self.level2 = self.name = None
            if weight is not None:
                self.block.add_subtotal(self.level1, weight)
        if l2:
            self.level2 = split_weight(l2)[0]
            self.name = None
        if l3:
            self.name = strip_indicator_prefix(split_weight(l3)[0])
        if not numbers or self.level1 is None or not self.name:
            return
        weight, score = self._weight_score(numbers)
        self.block.indicators.append(
            Indicator(
                level1=self.level1,
                level2=self.level2,
                name=self.name,
                weight=weight,
                score=score,
                span=self.locate(row.start, row.end),
            )
        )

    def _weight_score(self, numbers: list[float]) -> tuple[float | None, float | None]:
        if len(numbers) >= 2:
            return numbers[0], numbers[-1]
        if self.has_weight and not self.has_score:
            return numbers[0], None
        if self.has_score and not self.has_weight:
            return None, numbers[0]
        return numbers[0], None
