"""Funding blocks: 项目资金 / 预算执行 / 资金情况 / 资金安排使用情况 tables, and the
funding sentences of an evaluation report that has no such table."""

from __future__ import annotations

import re

from extractor.backends.rules.labels import (
    FUNDING_HEADER,
    FUNDING_ROW,
    funding_field,
    funding_source,
)
from extractor.chunk import is_indicator_header
from extractor.document import Locate
from extractor.models import FundingLine
from extractor.normalize import join_number_spaces, normalize_text, parse_number, squash
from extractor.rows import Row

_WEIGHT_IN_HEADER = re.compile(r"(\d+(?:\.\d+)?)\s*分\s*[*×xX]")
_NUMBERS_ONLY = re.compile(r"^\s*(?:\d+(?:\.\d+)?%?\s+)+\d+(?:\.\d+)?%?\s*$")


def header_columns(row: Row) -> list[str | None] | None:
    """The funding fields of a column-header row, in order, or None if it is not one.
    The first filled cell is the row-label column and is left out."""
    filled = [c.text for _, c in row.filled]
    if len(filled) < 3 or not FUNDING_HEADER.search(row.key):
        return None
    fields = [funding_field(text) for text in filled[1:]]
    while fields and fields[0] is None:  # more cells of the row-label header ("预算执行情况")
        fields.pop(0)
    known = [f for f in fields if f]
    if len(known) < 2 or not ({"budget", "executed", "received", "initial_budget"} & set(known)):
        return None
    return fields


def _merge_subheader(parent: Row, sub: Row) -> list[str | None] | None:
    """A two-level header (实际到位金额 over 到位金额 | 到位率 | 到位时间): leading and
    trailing empty cells of the sub-row take the parent's labels at that end."""
    labels = [c.text for c in sub.cells]
    filled = [t for t in labels if t.strip()]
    if not filled or any(funding_field(t) is None and "时间" not in t for t in filled):
        return None
    parents = [c.text for _, c in parent.filled]
    merged: list[str] = []
    first = next(i for i, t in enumerate(labels) if t.strip())
    last = max(i for i, t in enumerate(labels) if t.strip())
    for i, text in enumerate(labels):
        if text.strip():
            merged.append(text)
        elif i < first and i < len(parents):
            merged.append(parents[i])
        elif i > last and len(labels) - i <= len(parents):
            merged.append(parents[-(len(labels) - i)])
    return [funding_field(t) for t in merged[1:]]


def _label_index(row: Row) -> int | None:
    for i, cell in row.filled:
        if parse_number(cell.text) is None and FUNDING_ROW.search(cell.key):
            return i
    return None


def _values(row: Row, after: int) -> list[str]:
    """Cells after the label; a cell holding several numbers ("1505. 48 709. 41", two
    cells glued by OCR) is split into the empty cells that follow it."""
    cells = [c.text for c in row.cells[after + 1 :]]
    out: list[str] = []
    i = 0
    while i < len(cells):
        text = join_number_spaces(normalize_text(cells[i]).text)
        parts = text.split() if _NUMBERS_ONLY.match(text) else [cells[i]]
        out.extend(parts)
        i += 1
        skip = len(parts) - 1
        while skip and i < len(cells) and not cells[i].strip():
            i += 1
            skip -= 1
    return out


def _unit(rows: list[Row]) -> str:
    text = "".join(r.key for r in rows[:3])
    return "元" if re.search(r"[（(]元[）)]", text) and "万元" not in text else "万元"


def _line(
    row: Row, label: int, fields: list[str | None], weight: float | None, unit: str, locate: Locate
) -> FundingLine | None:
    values: dict[str, float | None] = {}
    for name, text in zip(fields, _values(row, label), strict=False):
        if name and name not in values:
            values[name] = parse_number(text)
    if all(v is None for v in values.values()):
        return None
    source = funding_source(row.cells[label].text)
    if source == "total" and values.get("weight") is None and weight is not None:
        values["weight"] = weight
    return FundingLine(source=source, unit=unit, span=locate(row.start, row.end), **values)


def read_funding_table(rows: list[Row], locate: Locate) -> list[FundingLine]:
    """Funding lines of every funding block among `rows` (stops at the indicator header)."""
    lines: list[FundingLine] = []
    fields: list[str | None] | None = None
    weight: float | None = None
    unit = "万元"
    skip: int | None = None
    for i, row in enumerate(rows):
        if is_indicator_header(row):
            break
        if not row.is_table or i == skip:
            continue
        columns = header_columns(row)
        if columns:
            merged = _merge_subheader(row, rows[i + 1]) if i + 1 < len(rows) else None
            if merged:
                columns, skip = merged, i + 1
            fields, unit = columns, _unit(rows[max(0, i - 1) : i + 1])
            m = _WEIGHT_IN_HEADER.search(row.key)
            weight = float(m.group(1)) if m else None
            continue
        if fields is None:
            continue
        label = _label_index(row)
        if label is None:
            if lines:
                fields = None  # the block has ended
            continue
        line = _line(row, label, fields, weight, unit, locate)
        if line:
            lines.append(line)
    return lines


def read_target_funding(
    rows: list[Row], locate: Locate, form_unit: str | None = None
) -> list[FundingLine]:
    """Target forms print 资金情况 without column headers: label, then the amount. The
    unit is the form's (`form_unit`, from its 单位 line) or the block's first label's."""
    lines: list[FundingLine] = []
    unit: str | None = form_unit
    for row in rows:
        if is_indicator_header(row):
            break
        label = _label_index(row)
        if label is None or not row.is_table:
            continue
        amounts = [parse_number(t) for t in _values(row, label)]
        amount = next((a for a in amounts if a is not None), None)
        if amount is None:
            continue
        unit = unit or _unit([row])  # the block's unit, from its first row
        lines.append(
            FundingLine(
                source=funding_source(row.cells[label].text),
                unit=unit,
                budget=amount,
                span=locate(row.start, row.end),
            )
        )
    return lines


_NUM = r"(\d+(?:\.\d+)?)"
_NARRATIVE_FIELDS: tuple[tuple[str, str], ...] = (
    ("initial_budget", rf"年初预算(?:金额|数|资金)?为?{_NUM}万元"),
    (
        "budget",
        rf"(?:(?:全年|调整后)预算(?:数|金额|资金)?为?|预算(?:安排|金额为?|资金为?|数为?)){_NUM}万元",
    ),
    ("received", rf"(?:实际)?到位(?:资金)?为?{_NUM}万元"),
    ("received_rate", rf"(?:资金)?到位率为?{_NUM}%"),
    (
        "executed",
        rf"(?:实际投入资金为|预算支出|实际支出(?:资金)?为?|执行数为?|支出决算为?){_NUM}万元",
    ),
    ("execution_rate", rf"(?:预算执行率|资金使用率|执行率)为?{_NUM}%"),
)


def funding_from_narrative(text: str) -> FundingLine | None:
    """A report's own statement of its project's funding ("年初预算金额为117.42万元，实际到位
    资金117.42万元 … 预算执行率100%"), for reports without a funding table."""
    flat = squash(join_number_spaces(normalize_text(text).text))
    values: dict[str, float] = {}
    for name, pattern in _NARRATIVE_FIELDS:
        m = re.search(pattern, flat)
        if m:
            values[name] = float(m.group(1))
    if len(values) < 3 or not ({"budget", "initial_budget"} & values.keys()):
        return None
    return FundingLine(source="total", unit="万元", **values)
