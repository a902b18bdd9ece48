"""Finding tables, rows and columns of a document's final accounts by what they are.

Tables are recognised by their titles, not their numbers (`table_kind`): the nine
template tables keep their names across departments. Rows by 科目编码, by name (the
Chinese numbering "一、" and a "(类)" mark ignored) or as the 合计 row; columns by label.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from extractor.models import AccountTable
from extractor.normalize import normalize_text, squash

TOTAL = "total"  # 收入支出决算总表
INCOME = "income"  # 收入决算表
EXPENDITURE = "expenditure"  # 支出决算表
FISCAL_TOTAL = "fiscal_total"  # 财政拨款收入支出决算总表
GENERAL = "general_budget"  # 一般公共预算财政拨款支出决算表
BASIC = "basic_detail"  # 一般公共预算财政拨款基本支出决算(明细)表
FUND = "gov_fund"  # 政府性基金预算财政拨款收入支出决算表
CAPITAL = "state_capital"  # 国有资本经营预算财政拨款支出决算表
THREE = "three_public"  # 财政拨款"三公"经费支出决算表

_TO_WAN = {"元": 0.0001, "千元": 0.1, "万元": 1.0, "亿元": 10000.0}
_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+[、.]|\d+[、.])")
_TOTAL_NAME = re.compile(r"(合计|总计)$")


def table_kind(title: str) -> str:
    t = squash(title)
    if "三公" in t:
        return THREE
    if "基本支出" in t:  # with or without 明细 in the title
        return BASIC
    if "政府性基金" in t:
        return FUND
    if "国有资本经营" in t:
        return CAPITAL
    if "一般公共预算" in t:
        return GENERAL
    both = "收入支出" in t or "收支" in t
    if "财政拨款" in t and both and "总表" in t:
        return FISCAL_TOTAL
    if both and "总表" in t:
        return TOTAL
    if "收入决算表" in t:
        return INCOME
    if "支出决算表" in t:
        return EXPENDITURE
    return "other"


@lru_cache(maxsize=8192)
def name_key(name: str) -> str:
    """A row name for matching: no numbering, no (类)/(款)/(项), ASCII brackets."""
    text = squash(normalize_text(name).text).replace("（", "(").replace("）", ")")
    text = _NUMBERING.sub("", text)
    return re.sub(r"\((?:类|款|项)\)", "", text)


def is_total(name: str) -> bool:
    return bool(_TOTAL_NAME.search(squash(name)))


@dataclass(frozen=True)
class Ref:
    """One cell: table index, row index, column index."""

    table: int
    row: int
    column: int

    @property
    def path(self) -> str:
        return f"accounts[{self.table}].rows[{self.row}].values[{self.column}]"


class Accounts:
    """The tables of one document with lookups."""

    def __init__(self, tables: list[AccountTable]) -> None:
        self.tables = tables

    def find(self, kind: str, side: str | None = None) -> int | None:
        for i, table in enumerate(self.tables):
            if table_kind(table.title) == kind and (side is None or table.side == side):
                return i
        return None

    def column(self, t: int, *labels: str, default: int | None = None) -> int | None:
        columns = self.tables[t].columns
        for label in labels:
            for k, column in enumerate(columns):
                if name_key(column.label) == name_key(label):
                    return k
        if default is not None and default < len(columns):
            return default
        return None

    def columns(self, t: int, label: str) -> list[int]:
        return [k for k, c in enumerate(self.tables[t].columns) if name_key(c.label) == label]

    def total_row(self, t: int, name: str | None = None) -> int | None:
        """The 合计/总计 row (or the row named `name`, e.g. 本年收入合计)."""
        for r, row in enumerate(self.tables[t].rows):
            if row.code is None and (
                name_key(row.name) == name if name else name_key(row.name) in ("合计", "总计")
            ):
                return r
        return None

    def row_named(self, t: int, name: str, *, level: int | None = None) -> int | None:
        key = name_key(name)
        for r, row in enumerate(self.tables[t].rows):
            if name_key(row.name) != key:
                continue
            if level is None or (row.code is not None and len(row.code) == level):
                return r
        return None

    def row_coded(self, t: int, code: str) -> int | None:
        for r, row in enumerate(self.tables[t].rows):
            if row.code == code:
                return r
        return None

    def value(self, ref: Ref) -> float | None:
        values = self.tables[ref.table].rows[ref.row].values
        return values[ref.column] if ref.column < len(values) else None

    def wan(self, ref: Ref) -> float | None:
        """The cell in 万元, whatever unit its table prints (元, 千元, 亿元)."""
        value = self.value(ref)
        if value is None:
            return None
        return value * _TO_WAN.get(self.tables[ref.table].unit, 1.0)

    def describe(self, ref: Ref) -> str:
        """ "表5 “210 卫生健康支出” 基本支出" for messages."""
        table = self.tables[ref.table]
        row = table.rows[ref.row]
        side = f"（{table.side}）" if table.side else ""
        name = " ".join(
            p for p in (row.code, row.name or (f"{row.line}行" if row.line else "")) if p
        )
        label = table.columns[ref.column].label if ref.column < len(table.columns) else ""
        return f"表{table.number}{side}“{name}”{label}"
