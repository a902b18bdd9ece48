"""What should add up in a set of final accounts, as comparisons the validator judges.

- hierarchy: a 类 (款) amount = the sum of its 款 (项) children, in every column;
- total: a 合计 row = its 类 rows (表6: each 合计 its group's 类); the rows of a
  收入/支出 side without codes (表1, 表4): 本年收入合计 = the numbered income rows,
  总计 = 本年…合计 + the rows printed between them (a numbered row under 年初财政拨款
  结转和结余 is part of that row, not of 总计); a column that the template makes the sum
  of others (本年收入合计 = 财政拨款收入 + 上级补助收入 + …, 合计 = 基本支出 + 项目支出,
  年末结转和结余 = 年初 + 本年收入 − 本年支出, 三公 合计 = 因公出国(境)费 + 小计 +
  公务接待费 …, `vocabulary.COLUMN_SUMS`), unless a printed formula already says so;
- cross_table: the template's identities between tables (see `cross_table`).

Empty cells count as 0. Nothing here judges: `Comparison` only names the target cell and
the signed cells it should equal the sum of. A comparison never adds a total to its own
parts: every target is left out of its parts and parts are taken one level down only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractor.accounts.formulas import parse_formula
from extractor.accounts.lookup import (
    BASIC,
    CAPITAL,
    EXPENDITURE,
    FISCAL_TOTAL,
    FUND,
    GENERAL,
    INCOME,
    TOTAL,
    Accounts,
    Ref,
    is_total,
    name_key,
)
from extractor.accounts.vocabulary import COLUMN_SUMS
from extractor.models import AccountTable


@dataclass(frozen=True)
class Comparison:
    family: str  # "hierarchy" | "total" | "cross_table"
    target: Ref
    parts: tuple[tuple[int, Ref], ...]  # (sign, cell)
    what: str  # what the parts are, for the message: "下级科目之和", "表6 人员经费合计 + …"


def _coded(table: AccountTable) -> dict[str, int]:
    found: dict[str, int] = {}
    for r, row in enumerate(table.rows):
        if row.code and row.code not in found:
            found[row.code] = r
    return found


def hierarchy(acc: Accounts) -> list[Comparison]:
    found: list[Comparison] = []
    for t, table in enumerate(acc.tables):
        codes = _coded(table)
        for code, r in codes.items():
            if len(code) not in (3, 5):
                continue
            children = [
                c
                for child, c in codes.items()
                if len(child) == len(code) + 2 and child.startswith(code)
            ]
            if not children:
                continue
            for k in range(len(table.columns)):
                parts = tuple((1, Ref(t, c, k)) for c in children)
                found.append(Comparison("hierarchy", Ref(t, r, k), parts, "下级科目之和"))
    return found


# --- totals -------------------------------------------------------------------------------


def _total_groups(table: AccountTable) -> list[tuple[int, list[int]]]:
    """(合计 row, its 类 rows): the 类 rows printed before it since the previous 合计 (表6),
    or, for a 合计 printed first, all the 类 rows after it."""
    groups: list[tuple[int, list[int]]] = []
    pending: list[int] = []
    totals = [
        r
        for r, row in enumerate(table.rows)
        if row.code is None and row.line is None and is_total(row.name)
    ]
    lei = [r for r, row in enumerate(table.rows) if row.code and len(row.code) == 3]
    if not lei:
        return []
    for r, row in enumerate(table.rows):
        if r in totals:
            before = pending
            after = [x for x in lei if x > r and not any(r < t < x for t in totals)]
            groups.append((r, before or after))
            pending = []
        elif row.code and len(row.code) == 3:
            pending.append(r)
    return [(r, rows) for r, rows in groups if rows]


_NUMBERED = re.compile(r"^[一二三四五六七八九十]+[、.．]")


def _numbered(name: str) -> bool:
    return bool(_NUMBERED.match(name.strip()))


def side_structure(table: AccountTable) -> list[tuple[int, list[int], str]]:
    """The sums of a side of 表1/表4 (rows without codes), from the template's layout:
    本年收入合计 (本年支出合计) = the rows above it; 总计 = that 合计 + the unnumbered rows
    between them; an unnumbered row followed by numbered rows = their sum."""
    rows = table.rows
    if any(row.code for row in rows):
        return []
    keys = [name_key(row.name) for row in rows]
    year_total = next(
        (r for r, key in enumerate(keys) if key.startswith("本年") and key.endswith("合计")),
        None,
    )
    grand = next((r for r, key in enumerate(keys) if key == "总计"), None)
    found: list[tuple[int, list[int], str]] = []
    if year_total is not None and year_total > 0:
        found.append((year_total, list(range(year_total)), "以上各行之和"))
    if year_total is None or grand is None or grand < year_total:
        return found
    top: list[int] = []
    current: int | None = None
    breakdown: dict[int, list[int]] = {}
    for r in range(year_total + 1, grand):
        if _numbered(rows[r].name) and current is not None:
            breakdown[current].append(r)
        elif rows[r].name:
            current = r
            top.append(r)
            breakdown[r] = []
    found.append((grand, [year_total, *top], f"{rows[year_total].name}与其后各行之和"))
    for r, parts in breakdown.items():
        if parts:
            found.append((r, parts, "其下各行之和"))
    return found


def _row_formula_targets(table: AccountTable) -> set[int]:
    lines: set[int] = set()
    for text in table.formulas:
        formula = parse_formula(text)
        if formula is not None and formula.axis == "row":
            lines.add(formula.target)
    return lines


def _column_formula_targets(table: AccountTable) -> set[int]:
    numbers: set[int] = set()
    for text in table.formulas:
        formula = parse_formula(text)
        if formula is not None and formula.axis == "column":
            numbers.add(formula.target)
    return numbers


def _occurrence_groups(labels: list[str]) -> list[list[int]]:
    """Columns grouped by how often their label was seen before: a table printing every
    label twice (三公: 预算数 then 决算数, side by side or group after group) gives two
    groups, each with one column per label."""
    seen: dict[str, int] = {}
    groups: list[list[int]] = []
    for k, label in enumerate(labels):
        m = seen.get(label, 0)
        seen[label] = m + 1
        while len(groups) <= m:
            groups.append([])
        groups[m].append(k)
    return groups


def column_sums(table: AccountTable) -> list[tuple[int, tuple[tuple[int, int], ...], str]]:
    """(total column, ((sign, component column), …), description) for every column the
    template makes a sum of others, found by label (`vocabulary.COLUMN_SUMS`)."""
    labels = [name_key(c.label) for c in table.columns]
    covered = _column_formula_targets(table)
    found: list[tuple[int, tuple[tuple[int, int], ...], str]] = []
    for group in _occurrence_groups(labels):
        where = {labels[k]: k for k in group}
        for k in group:
            if table.columns[k].number in covered and table.columns[k].number is not None:
                continue
            for total, components in COLUMN_SUMS:
                if labels[k] != name_key(total):
                    continue
                parts: list[tuple[int, int]] = []
                for sign, options in components:
                    column = next(
                        (where[name_key(o)] for o in options if name_key(o) in where), None
                    )
                    if column is not None and column != k:
                        parts.append((sign, column))
                if len(parts) >= 2:
                    what = " ".join(
                        ("+ " if sign > 0 else "− ") + table.columns[c].label for sign, c in parts
                    ).removeprefix("+ ")
                    found.append((k, tuple(parts), what))
                    break
    return found


def totals(acc: Accounts) -> list[Comparison]:
    found: list[Comparison] = []
    for t, table in enumerate(acc.tables):
        width = len(table.columns)
        for r, rows in _total_groups(table):
            for k in range(width):
                parts = tuple((1, Ref(t, x, k)) for x in rows)
                found.append(Comparison("total", Ref(t, r, k), parts, "各类科目之和"))
        formula_lines = _row_formula_targets(table)
        for r, rows, what in side_structure(table):
            if table.rows[r].line is not None and table.rows[r].line in formula_lines:
                continue
            for k in range(width):
                parts = tuple((1, Ref(t, x, k)) for x in rows)
                found.append(Comparison("total", Ref(t, r, k), parts, what))
        for k, run, what in column_sums(table):
            for r in range(len(table.rows)):
                parts = tuple((sign, Ref(t, r, j)) for sign, j in run)
                found.append(Comparison("total", Ref(t, r, k), parts, what))
    return found


# --- cross-table identities ------------------------------------------------------------


class _Cross:
    """Builds cross-table comparisons, skipping any whose tables, rows or columns are
    not printed, and any already made."""

    def __init__(self, acc: Accounts) -> None:
        self.acc = acc
        self.found: list[Comparison] = []
        self._seen: set[tuple[Ref, tuple[Ref, ...]]] = set()

    def add(self, target: Ref | None, parts: list[Ref | None], what: str) -> None:
        if target is None or not parts or any(p is None for p in parts):
            return
        refs = tuple(p for p in parts if p is not None)
        key = (target, refs)
        if key in self._seen or target in refs:
            return
        self._seen.add(key)
        self.found.append(Comparison("cross_table", target, tuple((1, p) for p in refs), what))

    def cell(self, t: int | None, row: int | None, column: int | None) -> Ref | None:
        if t is None or row is None or column is None:
            return None
        return Ref(t, row, column)

    def total(self, t: int | None, column: int | None = 0, name: str | None = None) -> Ref | None:
        if t is None:
            return None
        return self.cell(t, self.acc.total_row(t, name), column)


_FISCAL_KINDS = ("一般公共预算", "政府性基金", "国有资本经营")


def _fiscal_rows(acc: Accounts, t: int) -> dict[str, int]:
    """The three 财政拨款 income rows of 表1/表4 (above 本年收入合计), by kind."""
    found: dict[str, int] = {}
    for row_index, row in enumerate(acc.tables[t].rows):
        key = name_key(row.name)
        if key.startswith("本年") and key.endswith("合计"):
            break
        for word in _FISCAL_KINDS:
            if word in row.name and word not in found:
                found[word] = row_index
    return found


def _class_rows(table: AccountTable) -> dict[str, int]:
    """Numbered 类 rows of 表1/表4 支出 ("一、一般公共服务支出"), by name, above 本年支出合计."""
    found: dict[str, int] = {}
    for r, row in enumerate(table.rows):
        key = name_key(row.name)
        if key.startswith("本年") and key.endswith("合计"):
            break
        if key and _numbered(row.name):
            found.setdefault(key, r)
    return found


def _lei(acc: Accounts, t: int) -> dict[str, int]:
    found: dict[str, int] = {}
    for r, row in enumerate(acc.tables[t].rows):
        if row.code and len(row.code) == 3:
            found.setdefault(name_key(row.name), r)
    return found


def _all_fiscal(acc: Accounts, income: int | None) -> bool:
    """All income is 财政拨款 (表2 合计: 本年收入合计 = 财政拨款收入, the rest empty)."""
    if income is None:
        return False
    row = acc.total_row(income)
    fiscal = acc.column(income, "财政拨款收入")
    if row is None or fiscal is None:
        return False
    values = acc.tables[income].rows[row].values
    others = [v for k, v in enumerate(values) if k not in (0, fiscal)]
    return values[0] == values[fiscal] and not any(others)


def _only_fiscal_money(acc: Accounts, t1i: int | None, t4i: int | None, t2: int | None) -> bool:
    """Every amount the department spent is 财政拨款: all its income is (表2), and 表1's
    总计 (which adds non-fiscal balances carried in) equals 表4's."""
    if not _all_fiscal(acc, t2):
        return False
    if t1i is None or t4i is None:
        return True
    whole = [acc.total_row(t, "总计") for t in (t1i, t4i)]
    if whole[0] is None or whole[1] is None:
        return True
    return acc.value(Ref(t1i, whole[0], 0)) == acc.value(Ref(t4i, whole[1], 0))


def cross_table(acc: Accounts) -> list[Comparison]:
    """The template's identities between tables.

    1. 表1 本年收入合计 = 表2 合计; 表1 本年支出合计 = 表3 合计.
    2. 收入总计 = 支出总计 in 表1 and in 表4.
    3. 表1 的三项财政拨款收入 = 表4 的; 表2 财政拨款收入 = 其和.
    4. 表1 支出各类 = 表3 各类 (本年支出合计).
    5. 表4 支出各类: 一般公共预算 = 表5, 政府性基金 = 表7, 国有资本经营 = 表8;
       本年支出合计 likewise.
    6. 表4 政府性基金预算财政拨款收入 = 表7 本年收入.
    7. 表5 基本支出 = 表6 人员经费合计 + 公用经费合计.
    8. When every amount is 财政拨款 (all income, and no other balance carried in): 表3 each
       row = 表5 + 表7 + 表8 (本年支出、基本支出、项目支出); 表3 基本支出 = 表6 + 表7 + 表8
       基本支出; 表4 收入、支出 = 表1's.
    """
    x = _Cross(acc)
    t1i, t1e = acc.find(TOTAL, "收入"), acc.find(TOTAL, "支出")
    t2, t3 = acc.find(INCOME), acc.find(EXPENDITURE)
    t4i, t4e = acc.find(FISCAL_TOTAL, "收入"), acc.find(FISCAL_TOTAL, "支出")
    t5, t6, t7, t8 = acc.find(GENERAL), acc.find(BASIC), acc.find(FUND), acc.find(CAPITAL)
    x.add(x.total(t1i, 0, "本年收入合计"), [x.total(t2, _col(acc, t2, "本年收入合计"))], "表2 合计")
    x.add(x.total(t1e, 0, "本年支出合计"), [x.total(t3, _col(acc, t3, "本年支出合计"))], "表3 合计")
    x.add(x.total(t1e, 0, "总计"), [x.total(t1i, 0, "总计")], "收入总计")
    x.add(x.total(t4e, 0, "总计"), [x.total(t4i, 0, "总计")], "收入总计")
    if t1i is not None and t4i is not None:
        mine, theirs = _fiscal_rows(acc, t1i), _fiscal_rows(acc, t4i)
        for word, r in mine.items():
            if word in theirs:
                x.add(Ref(t1i, r, 0), [Ref(t4i, theirs[word], 0)], f"表4 {word}财政拨款")
        if t2 is not None and mine:
            fiscal = x.total(t2, acc.column(t2, "财政拨款收入"))
            x.add(fiscal, [Ref(t1i, r, 0) for r in mine.values()], "表1 各项财政拨款收入之和")
    if t1e is not None and t3 is not None:
        classes = _lei(acc, t3)
        col = acc.column(t3, "本年支出合计", default=0) or 0
        for name, r in _class_rows(acc.tables[t1e]).items():
            if name in classes:
                x.add(Ref(t1e, r, 0), [Ref(t3, classes[name], col)], "表3 同名类")
    _fiscal_expenditure(acc, x, t4e, t5, t7, t8)
    if t4i is not None and t7 is not None:
        fund = _fiscal_rows(acc, t4i).get("政府性基金")
        x.add(x.cell(t4i, fund, 0), [x.total(t7, acc.column(t7, "本年收入"))], "表7 本年收入")
    basic = _basic_detail(acc, t6)
    if t5 is not None and basic:
        x.add(x.total(t5, acc.column(t5, "基本支出")), basic, "表6 人员经费合计 + 公用经费合计")
    if _only_fiscal_money(acc, t1i, t4i, t2):
        _all_fiscal_identities(acc, x, t1i, t1e, t3, t4i, t4e, t5, t7, t8, basic)
    return x.found


def _col(acc: Accounts, t: int | None, label: str) -> int | None:
    return None if t is None else acc.column(t, label, default=0)


def _spent(acc: Accounts, t: int | None) -> int | None:
    """The column holding a table's 本年支出 (表7: the 合计/小计 under 本年支出)."""
    if t is None:
        return None
    return acc.column(t, "本年支出", "小计", "合计", default=0)


def _fiscal_expenditure(
    acc: Accounts, x: _Cross, t4e: int | None, t5: int | None, t7: int | None, t8: int | None
) -> None:
    if t4e is None:
        return
    classes = _class_rows(acc.tables[t4e])
    for label, other in (
        ("一般公共预算财政拨款", t5),
        ("政府性基金预算财政拨款", t7),
        ("国有资本经营预算财政拨款", t8),
    ):
        column = acc.column(t4e, label)
        if column is None or other is None:
            continue
        spent = _spent(acc, other)
        x.add(
            x.total(t4e, column, "本年支出合计"),
            [x.total(other, spent)],
            f"表{acc.tables[other].number} 合计",
        )
        theirs = _lei(acc, other)
        for name, r in classes.items():
            if name in theirs:
                x.add(
                    Ref(t4e, r, column),
                    [Ref(other, theirs[name], spent or 0)],
                    f"表{acc.tables[other].number} 同名类",
                )


def _basic_detail(acc: Accounts, t6: int | None) -> list[Ref | None]:
    if t6 is None:
        return []
    totals = [
        Ref(t6, r, 0)
        for r, row in enumerate(acc.tables[t6].rows)
        if row.code is None and is_total(row.name) and name_key(row.name) not in ("合计", "总计")
    ]
    if totals:
        return list(totals)
    whole = acc.total_row(t6)
    if whole is not None:
        return [Ref(t6, whole, 0)]
    return [Ref(t6, r, 0) for r in _lei(acc, t6).values()]


def _all_fiscal_identities(
    acc: Accounts,
    x: _Cross,
    t1i: int | None,
    t1e: int | None,
    t3: int | None,
    t4i: int | None,
    t4e: int | None,
    t5: int | None,
    t7: int | None,
    t8: int | None,
    basic: list[Ref | None],
) -> None:
    x.add(x.total(t4i, 0, "本年收入合计"), [x.total(t1i, 0, "本年收入合计")], "表1 本年收入合计")
    x.add(x.total(t4e, 0, "本年支出合计"), [x.total(t1e, 0, "本年支出合计")], "表1 本年支出合计")
    if t3 is None:
        return
    parts = [t for t in (t5, t7, t8) if t is not None]
    columns = [
        ("本年支出合计", ("小计", "合计", "本年支出")),
        ("基本支出", ("基本支出",)),
        ("项目支出", ("项目支出",)),
    ]
    rows = [
        (r, row.code)
        for r, row in enumerate(acc.tables[t3].rows)
        if row.code or acc.total_row(t3) == r
    ]
    for label, theirs in columns:
        mine = acc.column(t3, label, default=0 if label == "本年支出合计" else None)
        if mine is None:
            continue
        for r, code in rows:
            refs: list[Ref | None] = []
            for t in parts:
                col = acc.column(t, *theirs)
                row = acc.row_coded(t, code) if code else acc.total_row(t)
                if col is not None and row is not None:
                    refs.append(Ref(t, row, col))
            if refs:
                names = "、".join(f"表{acc.tables[t].number}" for t in parts)
                x.add(Ref(t3, r, mine), refs, f"{names} 同一科目之和")
    base = acc.column(t3, "基本支出")
    if base is not None and basic:
        extra = [x.total(t, acc.column(t, "基本支出")) for t in (t7, t8) if t is not None]
        x.add(
            x.total(t3, base),
            [*basic, *(e for e in extra if e is not None)],
            "表6 人员经费 + 公用经费（+ 表7、表8 基本支出）",
        )
