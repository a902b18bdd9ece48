"""Final-accounts rules: the tables' own arithmetic, and the narrative against them.

- `accounts.hierarchy`: a 类/款 amount ≠ the sum of its 款/项 children (any column).
- `accounts.formula`: a formula printed under a table ("27行=(1+…+8)行", "1栏各行=
  (2+3)栏各行") does not hold in a cell; formulas are parsed from the notes, never
  assumed (`extractor.accounts.formulas`).
- `accounts.cross_table`: two tables disagree where the template says they agree (表1
  本年收入合计 = 表2 合计, 表5 基本支出 = 表6 人员经费 + 公用经费 …,
  `extractor.accounts.identities.cross_table`).
- `accounts.total`: a 合计 row ≠ its 类 rows, a 小计 column ≠ its component columns.
- `narrative.conflict` / `narrative.rate`: the 情况说明 restates a table figure (收、支总计,
  基本支出 and its share, a 科目's 决算 and "完成年初预算的 P%", 人员经费 …) with a
  different amount or a percentage its table amounts do not give; or names a 科目 the
  tables do not show ("主要使用…等科目", "公用经费…主要包括…").

Sums accept one unit of the finest printed digit (`numbers.sums_agree`); narrative
figures and percentages are the table value rounded or truncated to their printed
precision (`numbers.agrees`) and nothing looser. Flags of the accounts rules carry no
project and a path to the cell in doubt: "accounts[3].rows[4].values[1]".
"""

from __future__ import annotations

from collections.abc import Callable

from extractor.accounts.formulas import apply_formula, check_holds, expected, parse_formula
from extractor.accounts.identities import Comparison, cross_table, hierarchy, totals
from extractor.accounts.lookup import (
    BASIC,
    CAPITAL,
    EXPENDITURE,
    FISCAL_TOTAL,
    FUND,
    GENERAL,
    INCOME,
    THREE,
    TOTAL,
    Accounts,
    Ref,
    is_total,
    name_key,
)
from extractor.accounts.narrative import Claim, read_claims
from extractor.models import Flag, Span
from extractor.validate.numbers import agrees, fmt, round_to, sums_agree
from extractor.validate.prose import ProseUnit
from extractor.validate.report import Context
from extractor.validate.rules import RULES, Rule

ACCOUNT_RULES: dict[str, Rule] = {k: v for k, v in RULES.items() if k.startswith("accounts.")}


def check_accounts(ctx: Context, units: list[ProseUnit]) -> None:
    tables = ctx.result.accounts
    if not tables:
        return
    acc = Accounts(tables)
    for comparison in (*hierarchy(acc), *totals(acc), *cross_table(acc)):
        _judge(ctx, acc, comparison)
    check_formulas(ctx, acc)
    for unit in units:
        for claim in read_claims(unit.text):
            _NARRATIVE[claim.kind](ctx, acc, unit, claim)


# --- the tables' arithmetic ------------------------------------------------------------


def _span(acc: Accounts, ref: Ref) -> Span | None:
    return acc.tables[ref.table].rows[ref.row].span


def _flag(
    ctx: Context, rule: str, acc: Accounts, ref: Ref, message: str, want: float, found: float | None
) -> None:
    ctx.flags.append(
        Flag(
            rule=rule,
            severity=ACCOUNT_RULES[rule].severity,
            project=None,
            path=ref.path,
            message=message,
            expected=round_to(want, 4),
            found=found,
            span=_span(acc, ref),
        )
    )


def _judge(ctx: Context, acc: Accounts, comparison: Comparison) -> None:
    printed = acc.value(comparison.target)
    signed = [sign * (acc.value(ref) or 0.0) for sign, ref in comparison.parts]
    ctx.ran()
    if sums_agree(printed or 0.0, signed):
        return
    total = sum(signed)
    if comparison.family == "cross_table":
        others = "、".join(
            f"{acc.describe(ref)} {fmt(acc.value(ref))}" for _, ref in comparison.parts
        )
        message = (
            f"{acc.describe(comparison.target)} 为 {fmt(printed)}，而{others}"
            + (f"（合计 {fmt(round_to(total, 4))}）" if len(comparison.parts) > 1 else "")
            + "，两者应一致"
        )
    else:
        listed = " + ".join(fmt(v) for v in signed) if len(signed) <= 8 else f"{len(signed)} 项"
        message = (
            f"{acc.describe(comparison.target)} 为 {fmt(printed)}，{comparison.what} "
            f"{listed} = {fmt(round_to(total, 4))}"
        )
    _flag(ctx, f"accounts.{comparison.family}", acc, comparison.target, message, total, printed)


def check_formulas(ctx: Context, acc: Accounts) -> None:
    rule = "accounts.formula"
    for t, table in enumerate(acc.tables):
        for text in table.formulas:
            formula = parse_formula(text)
            checks = apply_formula(table, formula) if formula is not None else None
            if checks is None:
                ctx.skip(rule)
                continue
            for check in checks:
                ctx.ran()
                if check_holds(check):
                    continue
                ref = Ref(t, check.row, check.column)
                want = expected(check)
                _flag(
                    ctx,
                    rule,
                    acc,
                    ref,
                    f"表{table.number}公式 {text} 不成立：{acc.describe(ref)} 为 "
                    f"{fmt(check.printed)}，按公式应为 {fmt(round_to(want, 4))}",
                    want,
                    check.printed,
                )


# --- the narrative against the tables ---------------------------------------------------


def _emit(
    ctx: Context,
    rule: str,
    unit: ProseUnit,
    claim: Claim,
    message: str,
    want: object,
    found: object,
) -> None:
    """A narrative flag, unless the narrative rules already flagged this very figure."""
    span = ctx.locate(*unit.doc_range(claim.start, claim.end))
    for flag in ctx.flags:
        if flag.rule == rule and flag.span is not None and span is not None:
            if (
                flag.span.page == span.page
                and flag.span.start < span.end
                and span.start < flag.span.end
            ):
                return
    ctx.flag(
        rule, project=None, path="narrative", message=message, expected=want, found=found, span=span
    )


def _cell(acc: Accounts, t: int | None, row: int | None, column: int | None) -> Ref | None:
    if t is None or row is None or column is None:
        return None
    return Ref(t, row, column)


def _total_cell(acc: Accounts, t: int | None, *labels: str, name: str | None = None) -> Ref | None:
    if t is None:
        return None
    column = acc.column(t, *labels, default=0) if labels else 0
    return _cell(acc, t, acc.total_row(t, name), column)


def _fiscal_row(acc: Accounts, t: int | None, word: str) -> Ref | None:
    if t is None:
        return None
    for r, row in enumerate(acc.tables[t].rows):
        if word in row.name:
            return Ref(t, r, 0)
    return None


def _named_total(acc: Accounts, t: int | None, suffix: str) -> Ref | None:
    if t is None:
        return None
    for r, row in enumerate(acc.tables[t].rows):
        if row.code is None and name_key(row.name).endswith(suffix):
            return Ref(t, r, 0)
    return None


def subject_refs(acc: Accounts, subject: str) -> list[Ref]:
    """The table cells a narrative subject restates (any of them may be meant)."""
    t1i, t1e = acc.find(TOTAL, "收入"), acc.find(TOTAL, "支出")
    t4i, t4e = acc.find(FISCAL_TOTAL, "收入"), acc.find(FISCAL_TOTAL, "支出")
    t2, t3, t5 = acc.find(INCOME), acc.find(EXPENDITURE), acc.find(GENERAL)
    t6, t7 = acc.find(BASIC), acc.find(FUND)
    found: dict[str, list[Ref | None]] = {
        "grand_total": [_total_cell(acc, t1i, name="总计"), _total_cell(acc, t1e, name="总计")],
        "fiscal_grand_total": [
            _total_cell(acc, t4i, name="总计"),
            _total_cell(acc, t4e, name="总计"),
        ],
        "income_total": [
            _total_cell(acc, t1i, name="本年收入合计"),
            _total_cell(acc, t2, "本年收入合计"),
        ],
        "expense_total": [
            _total_cell(acc, t1e, name="本年支出合计"),
            _total_cell(acc, t3, "本年支出合计"),
        ],
        "general_expense": [_total_cell(acc, t5, "小计", "合计")],
        "general_basic": [_total_cell(acc, t5, "基本支出")],
        "general_income": [
            _fiscal_row(acc, t4i, "一般公共预算"),
            _fiscal_row(acc, t1i, "一般公共预算"),
        ],
        "fund_income": [
            _fiscal_row(acc, t4i, "政府性基金"),
            _fiscal_row(acc, t1i, "政府性基金"),
            _total_cell(acc, t7, "本年收入"),
        ],
        "capital_income": [
            _fiscal_row(acc, t4i, "国有资本经营"),
            _fiscal_row(acc, t1i, "国有资本经营"),
        ],
        "personnel": [_named_total(acc, t6, "人员经费合计")],
        "public": [_named_total(acc, t6, "公用经费合计")],
    }
    if subject.startswith("income:") and t2 is not None:
        label = subject.split(":", 1)[1]
        found[subject] = [_cell(acc, t2, acc.total_row(t2), acc.column(t2, label))]
    if subject.startswith("expense:"):
        label = subject.split(":", 1)[1]
        found[subject] = [
            _cell(acc, t, acc.total_row(t), acc.column(t, label)) for t in (t3, t5) if t is not None
        ]
    return [ref for ref in found.get(subject, []) if ref is not None]


def _value(acc: Accounts, ref: Ref) -> float:
    return acc.value(ref) or 0.0


def _amount_agrees(acc: Accounts, printed: float, refs: list[Ref]) -> bool:
    return any(agrees(printed, _value(acc, ref)) for ref in refs)


def _conflict(
    ctx: Context, acc: Accounts, unit: ProseUnit, claim: Claim, what: str, refs: list[Ref]
) -> bool:
    """Flags a restated amount that none of its table cells give; True when it agrees."""
    assert claim.value is not None
    ctx.ran()
    if _amount_agrees(acc, claim.value, refs):
        return True
    table = "、".join(f"{acc.describe(ref)} {fmt(acc.value(ref))}" for ref in refs)
    _emit(
        ctx,
        "narrative.conflict",
        unit,
        claim,
        f"正文称{what} {fmt(claim.value)} 万元，而{table}",
        [_value(acc, ref) for ref in refs],
        claim.value,
    )
    return False


def _rate(
    ctx: Context,
    unit: ProseUnit,
    claim: Claim,
    numerators: list[float],
    denominators: list[float],
    what: str,
) -> None:
    """Flags a printed percentage no pair of table amounts gives (rounded or truncated)."""
    assert claim.rate is not None
    pairs = [(n, d) for n in numerators for d in denominators if d]
    if not pairs:
        ctx.skip("narrative.rate")
        return
    ctx.ran()
    if any(agrees(claim.rate, n / d * 100) for n, d in pairs):
        return
    n, d = pairs[0]
    exact = round_to(n / d * 100, 2)
    _emit(
        ctx,
        "narrative.rate",
        unit,
        claim,
        f"{what}：{fmt(n)} / {fmt(d)} = {fmt(exact)}%，文中为 {fmt(claim.rate)}%",
        exact,
        claim.rate,
    )


_LABELS = {
    "grand_total": "收、支总计",
    "fiscal_grand_total": "财政拨款收、支总计",
    "income_total": "收入合计",
    "expense_total": "支出合计",
    "general_expense": "一般公共预算财政拨款支出",
    "general_basic": "一般公共预算财政拨款基本支出",
    "general_income": "一般公共预算财政拨款收入",
    "fund_income": "政府性基金预算财政拨款收入",
    "capital_income": "国有资本经营预算财政拨款收入",
    "personnel": "人员经费",
    "public": "公用经费",
}


def _label(subject: str) -> str:
    return _LABELS.get(subject, subject.split(":", 1)[-1])


def _check_amount(ctx: Context, acc: Accounts, unit: ProseUnit, claim: Claim) -> None:
    refs = subject_refs(acc, claim.subject)
    if not refs:
        return
    agreed = _conflict(ctx, acc, unit, claim, _label(claim.subject), refs)
    if claim.kind != "share" or claim.rate is None or not agreed:
        return
    denominator = claim.denominator or ""
    if "收入" in denominator:
        dens = subject_refs(acc, "income_total")
    elif "支出" in denominator:
        dens = subject_refs(acc, "expense_total")
    else:
        return
    numerators = [_value(acc, r) for r in refs if agrees(claim.value or 0.0, _value(acc, r))]
    _rate(
        ctx,
        unit,
        claim,
        numerators,
        [_value(acc, r) for r in dens],
        f"{_label(claim.subject)}占{denominator}",
    )


def _check_change(ctx: Context, acc: Accounts, unit: ProseUnit, claim: Claim) -> None:
    """ "…各减少 D 万元，下降 R%": R = D / last year's amount, last year's amount being the
    table's current amount ∓ D."""
    refs = subject_refs(acc, claim.subject)
    if not refs or claim.value is None or claim.rate is None or claim.base is None:
        return
    previous = [_value(acc, r) - claim.base * claim.value for r in refs]
    direction = "增加" if claim.base > 0 else "减少"
    what = f"{_label(claim.subject)}{direction} {fmt(claim.value)} 万元的幅度"
    _rate(ctx, unit, claim, [claim.value], [p for p in previous if p > 0], what)


def _spent_column(acc: Accounts, t: int) -> int:
    kind_column = acc.column(t, "本年支出合计", "小计", "本年支出", "决算数", "合计", default=0)
    return kind_column or 0


def _class_ref(acc: Accounts, name: str) -> Ref | None:
    for kind in (GENERAL, FUND, CAPITAL, EXPENDITURE):
        t = acc.find(kind)
        if t is None:
            continue
        r = acc.row_named(t, name, level=3)
        if r is not None:
            return Ref(t, r, _spent_column(acc, t))
    return None


def _check_class(ctx: Context, acc: Accounts, unit: ProseUnit, claim: Claim) -> None:
    ref = _class_ref(acc, claim.subject)
    if ref is None:
        ctx.skip("narrative.conflict")
        return
    if (
        not _conflict(ctx, acc, unit, claim, f"“{claim.subject}”（类）", [ref])
        or claim.rate is None
    ):
        return
    whole = _total_cell(acc, ref.table, acc.tables[ref.table].columns[ref.column].label)
    if whole is not None:
        _rate(ctx, unit, claim, [_value(acc, ref)], [_value(acc, whole)], f"“{claim.subject}”占比")


def _path_ref(acc: Accounts, path: tuple[str, ...]) -> Ref | None:
    """The row a "(类)…(款)…(项)" path names, in 表5, else 表7, 表8, 表3."""
    for kind in (GENERAL, FUND, CAPITAL, EXPENDITURE):
        t = acc.find(kind)
        if t is None:
            continue
        prefix = ""
        row: int | None = None
        for depth, name in enumerate(path):
            level = 3 + 2 * depth
            row = next(
                (
                    r
                    for r, item in enumerate(acc.tables[t].rows)
                    if item.code
                    and len(item.code) == level
                    and item.code.startswith(prefix)
                    and name_key(item.name) == name_key(name)
                ),
                None,
            )
            if row is None:
                break
            prefix = acc.tables[t].rows[row].code or ""
        if row is not None:
            return Ref(t, row, _spent_column(acc, t))
    return None


def _check_completion(ctx: Context, acc: Accounts, unit: ProseUnit, claim: Claim) -> None:
    if claim.subject == "general_expense":
        refs = subject_refs(acc, "general_expense")
        what = "一般公共预算财政拨款支出决算"
    else:
        ref = _path_ref(acc, claim.path)
        refs = [ref] if ref is not None else []
        what = f"“{claim.path[-1] if claim.path else ''}”支出决算"
    if not refs:
        ctx.skip("narrative.conflict")
        return
    if not _conflict(ctx, acc, unit, claim, what, refs) or not _budget_agrees(
        ctx, acc, unit, claim, refs
    ):
        return
    if claim.rate is not None and claim.base:
        _rate(ctx, unit, claim, [_value(acc, r) for r in refs], [claim.base], "完成年初预算的比例")


def _budget_agrees(
    ctx: Context, acc: Accounts, unit: ProseUnit, claim: Claim, refs: list[Ref]
) -> bool:
    """The 年初预算 a completion sentence states, against a 年初预算数 column if printed."""
    budgets = [
        Ref(r.table, r.row, column)
        for r in refs
        if (column := acc.column(r.table, "年初预算数", "年初预算")) is not None
    ]
    if not budgets or claim.base is None:
        return True
    ctx.ran()
    if _amount_agrees(acc, claim.base, budgets):
        return True
    table = "、".join(f"{acc.describe(ref)} {fmt(acc.value(ref))}" for ref in budgets)
    _emit(
        ctx,
        "narrative.conflict",
        unit,
        claim,
        f"正文称年初预算 {fmt(claim.base)} 万元，而{table}",
        [_value(acc, ref) for ref in budgets],
        claim.base,
    )
    return False


def _check_fund(ctx: Context, acc: Accounts, unit: ProseUnit, claim: Claim) -> None:
    t7 = acc.find(FUND)
    if t7 is None:
        return
    labels = ("本年支出", "小计") if claim.subject == "本年支出" else (claim.subject,)
    column = acc.column(t7, *labels)
    ref = _cell(acc, t7, acc.total_row(t7), column)
    if ref is not None:
        _conflict(ctx, acc, unit, claim, f"政府性基金{claim.subject}", [ref])


def _check_three(ctx: Context, acc: Accounts, unit: ProseUnit, claim: Claim) -> None:
    t9 = acc.find(THREE)
    if t9 is None:
        return
    label = name_key(claim.subject)
    columns = acc.columns(t9, label) or (acc.columns(t9, "小计") if "购置及运行" in label else [])
    if len(columns) < 2:
        return
    rows = acc.tables[t9].rows
    first = next((r for r, row in enumerate(rows) if any(v is not None for v in row.values)), None)
    values = [(rows[first].values[k] or 0.0) if first is not None else 0.0 for k in columns[:2]]
    for printed, table_value, what in (
        (claim.base, values[0], "预算"),
        (claim.value, values[1], "决算"),
    ):
        ctx.ran()
        if printed is None or agrees(printed, table_value):
            continue
        _emit(
            ctx,
            "narrative.conflict",
            unit,
            claim,
            f"正文称“{claim.subject}”{what} {fmt(printed)} 万元，而表{acc.tables[t9].number}为 "
            f"{fmt(table_value)}",
            table_value,
            printed,
        )
        return


def _has_amount(values: list[float | None]) -> bool:
    return any(v for v in values)


def _check_used(ctx: Context, acc: Accounts, unit: ProseUnit, claim: Claim) -> None:
    """ "主要使用 A、B、C 等科目": each a function-classification 科目 with an amount."""
    used = {
        name_key(row.name)
        for table in acc.tables
        for row in table.rows
        if row.code and row.code.startswith("2") and _has_amount(row.values)
    }
    if not used:
        return
    ctx.ran()
    missing = [item for item in claim.items if name_key(item) not in used]
    if missing:
        _emit(
            ctx,
            "narrative.conflict",
            unit,
            claim,
            f"正文称主要使用{'、'.join(missing)}等科目，但决算表（功能分类）中没有这些科目的支出",
            [],
            missing,
        )


def _group_rows(acc: Accounts, t: int, subject: str) -> list[int]:
    """表6 rows of the group a 合计 row closes (人员经费合计 → the 人员经费 rows)."""
    rows = acc.tables[t].rows
    end = next(
        (
            r
            for r, row in enumerate(rows)
            if row.code is None and name_key(row.name) == subject + "合计"
        ),
        None,
    )
    if end is None:
        return list(range(len(rows)))
    start = max(
        (r + 1 for r, row in enumerate(rows[:end]) if row.code is None and is_total(row.name)),
        default=0,
    )
    return list(range(start, end))


def _check_parts(ctx: Context, acc: Accounts, unit: ProseUnit, claim: Claim) -> None:
    """ "公用经费 X 万元，主要包括：A、B、C": each a 表6 row of that group with an amount."""
    t6 = acc.find(BASIC)
    if t6 is None:
        return
    rows = acc.tables[t6].rows
    group = {name_key(rows[r].name): rows[r] for r in _group_rows(acc, t6, claim.subject)}
    ctx.ran()
    empty = [
        i
        for i in claim.items
        if name_key(i) not in group or not _has_amount(group[name_key(i)].values)
    ]
    if empty:
        _emit(
            ctx,
            "narrative.conflict",
            unit,
            claim,
            f"正文称{claim.subject}主要包括{'、'.join(empty)}，但表{acc.tables[t6].number}中"
            f"{'、'.join(empty)}无金额",
            [],
            empty,
        )


_NARRATIVE: dict[str, Callable[[Context, Accounts, ProseUnit, Claim], None]] = {
    "amount": _check_amount,
    "share": _check_amount,
    "change": _check_change,
    "class": _check_class,
    "completion": _check_completion,
    "fund": _check_fund,
    "three": _check_three,
    "used": _check_used,
    "parts": _check_parts,
}
