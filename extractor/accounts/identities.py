"""What should add up in a set of final accounts, as comparisons the validator judges.

- hierarchy: a 类 (款) amount = the sum of its 款 (项) children, in every column;
- total: a 合计 row = its 类 rows (表6: each 合计 its group's 类); a 小计 column = the
  component columns printed right after it (小计 | 一般公共预算 | 政府性基金 | 国有资本),
  unless a printed formula already says so;
- cross_table: the template's identities between tables (see `cross_table`).

Empty cells count as 0. Nothing here judges: `Comparison` only names the target cell
and the signed cells it should equal the sum of.
"""

from __future__ import annotations

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
from extractor.accounts.vocabulary import COMPONENT_SETS, SUBTOTAL_LABELS
from extractor.models import AccountTable


@dataclass(frozen=True)
class Comparison:
    family: str  # "hierarchy" | "total" | "cross_table"
    target: Ref
    parts: tuple[tuple[int, Ref], ...]  # (sign, cell)
    what: str  # what the parts are, for the message: "下级科目之和", "表6 人员经费合计 + …"


def _coded(table: AccountTable) -> dict[str, int]:
    return {row.code: r for r, row in enumerate(table.rows) if row.code}


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
    for r, row in enumerate(table.rows):
        if r in totals:
            before = pending
            after = [x for x in lei if x > r and not any(r < t < x for t in totals)]
            groups.append((r, before or after))
            pending = []
        elif row.code and len(row.code) == 3:
            pending.append(r)
    return [(r, rows) for r, rows in groups if rows]


def _formula_targets(table: AccountTable) -> set[int]:
    numbers: set[int] = set()
    for text in table.formulas:
        formula = parse_formula(text)
        if formula is not None and formula.axis == "column":
            numbers.add(formula.target)
    return numbers


def _subtotal_columns(table: AccountTable) -> list[tuple[int, list[int]]]:
    found: list[tuple[int, list[int]]] = []
    covered = _formula_targets(table)
    labels = [name_key(c.label) for c in table.columns]
    for k, label in enumerate(labels):
        if label not in SUBTOTAL_LABELS or table.columns[k].number in covered:
            continue
        for components in COMPONENT_SETS:
            run = []
            for j in range(k + 1, len(labels)):
                if labels[j] not in components:
                    break
                run.append(j)
            if len(run) >= 2:
                found.append((k, run))
                break
    return found


def totals(acc: Accounts) -> list[Comparison]:
    found: list[Comparison] = []
    for t, table in enumerate(acc.tables):
        for r, rows in _total_groups(table):
            for k in range(len(table.columns)):
                parts = tuple((1, Ref(t, x, k)) for x in rows)
                found.append(Comparison("total", Ref(t, r, k), parts, "各类科目之和"))
        for k, run in _subtotal_columns(table):
            what = " + ".join(table.columns[j].label for j in run)
            for r in range(len(table.rows)):
                parts = tuple((1, Ref(t, r, j)) for j in run)
                found.append(Comparison("total", Ref(t, r, k), parts, what))
    return found


class _Cross:
    """Builds cross-table comparisons, skipping any whose tables, rows or columns are
    not printed."""

    def __init__(self, acc: Accounts) -> None:
        self.acc = acc
        self.found: list[Comparison] = []

    def add(self, target: Ref | None, parts: list[Ref | None], what: str) -> None:
        if target is None or not parts or any(p is None for p in parts):
            return
        self.found.append(
            Comparison("cross_table", target, tuple((1, p) for p in parts if p), what)
        )

    def cell(self, t: int | None, row: int | None, column: int | None) -> Ref | None:
        if t is None or row is None or column is None:
            return None
        return Ref(t, row, column)

    def total(self, t: int | None, column: int | None = 0, name: str | None = None) -> Ref | None:
        if t is None:
            return None
        return self.cell(t, self.acc.total_row(t, name), column)


def _fiscal_rows(acc: Accounts, t: int) -> dict[str, int]:
    """The three 财政拨款 income rows of 表1/表4 (above 本年收入合计), by kind."""
    table = acc.tables[t]
    limit = next((row.line for row in table.rows if name_key(row.name) == "本年收入合计"), None)
    found: dict[str, int] = {}
    for r, row in enumerate(table.rows):
        if limit is not None and row.line is not None and row.line >= limit:
            break
        for word in ("一般公共预算", "政府性基金", "国有资本经营"):
            if word in row.name and word not in found:
                found[word] = r
    return found


def _class_rows(table: AccountTable, before: str) -> dict[str, int]:
    """Numbered 类 rows of 表1/表4 支出 ("一、一般公共服务支出"), by name, above `before`."""
    found: dict[str, int] = {}
    for r, row in enumerate(table.rows):
        if name_key(row.name) == before:
            break
        if row.name and row.name != name_key(row.name):
            found[name_key(row.name)] = r
    return found


def _lei(acc: Accounts, t: int) -> dict[str, int]:
    return {
        name_key(row.name): r
        for r, row in enumerate(acc.tables[t].rows)
        if row.code and len(row.code) == 3
    }


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
    8. When all income is 财政拨款: 表3 each row = 表5 + 表7 + 表8 (本年支出、基本支出、项目支出);
       表3 基本支出 = 表6 + 表7 + 表8 基本支出; 表4 收入、支出 = 表1's.
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
        for name, r in _class_rows(acc.tables[t1e], "本年支出合计").items():
            if name in classes:
                x.add(Ref(t1e, r, 0), [Ref(t3, classes[name], col)], "表3 同名类")
    _fiscal_expenditure(acc, x, t4e, t5, t7, t8)
    if t4i is not None and t7 is not None:
        fund = _fiscal_rows(acc, t4i).get("政府性基金")
        x.add(x.cell(t4i, fund, 0), [x.total(t7, acc.column(t7, "本年收入"))], "表7 本年收入")
    basic = _basic_detail(acc, t6)
    if t5 is not None and basic:
        x.add(x.total(t5, acc.column(t5, "基本支出")), basic, "表6 人员经费合计 + 公用经费合计")
    if _all_fiscal(acc, t2):
        _all_fiscal_identities(acc, x, t1i, t1e, t3, t4i, t4e, t5, t7, t8, basic)
    return x.found


def _col(acc: Accounts, t: int | None, label: str) -> int | None:
    return None if t is None else acc.column(t, label, default=0)


def _spent(acc: Accounts, t: int | None) -> int | None:
    """The column holding a table's 本年支出 (表7: the 小计 under 本年支出)."""
    if t is None:
        return None
    return acc.column(t, "本年支出", "小计", "合计", default=0)


def _fiscal_expenditure(
    acc: Accounts, x: _Cross, t4e: int | None, t5: int | None, t7: int | None, t8: int | None
) -> None:
    if t4e is None:
        return
    classes = _class_rows(acc.tables[t4e], "本年支出合计")
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
