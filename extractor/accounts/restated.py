"""The 情况说明 against the tables: every figure it restates, looked up and compared.

    findings, ran, skipped = check_claims(Accounts(tables), claims, text)

A `Finding` is a narrative problem (rule `narrative.conflict` or `narrative.rate`) with
its place in the text; the validator turns it into a flag. Amounts must be the table
value rounded or truncated to the decimals printed (`validate.numbers.agrees`), in 万元
whatever unit the table prints; a percentage must be its two amounts' ratio so printed;
a share's denominator is the total its sentence names ("占本年支出合计的 P%"), else the
figure its sentence opens with ("本年支出合计 X 万元，其中：基本支出 Y 万元，占 P%"); a
completion rate is of the budget it names (年初预算 / 全年预算), and a rate of a budget of
0 cannot be computed. Wording is checked too: "决算数同预算数持平" / "大于" / "小于"
against the two amounts, "增加 … 下降" contradictions, a 类/款/项 path that the tables
do not have, items of "主要包括" without an amount, and "主要用于：…项目支出" where the
row has no 项目支出 (or only 项目支出 where the purpose names 人员/公用 spending).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractor.accounts.arithmetic import decimals
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
from extractor.accounts.narrative import Claim, number
from extractor.validate.numbers import agrees as restates
from extractor.validate.numbers import fmt, round_to

CONFLICT = "narrative.conflict"
RATE = "narrative.rate"


@dataclass(frozen=True)
class Finding:
    rule: str
    start: int  # offsets into the claims' text
    end: int
    message: str
    expected: object = None
    found: object = None


@dataclass
class _Run:
    acc: Accounts
    text: str
    findings: list[Finding] = field(default_factory=list)
    ran: int = 0
    skipped: int = 0

    def add(self, rule: str, claim: Claim, message: str, expected: object, found: object) -> None:
        self.findings.append(Finding(rule, claim.start, claim.end, message, expected, found))


def check_claims(acc: Accounts, claims: list[Claim], text: str) -> tuple[list[Finding], int, int]:
    run = _Run(acc, text)
    for claim in claims:
        _CHECKS[claim.kind](run, claim)
    return run.findings, run.ran, run.skipped


# --- where a subject sits in the tables ---------------------------------------------------


def _cell(t: int | None, row: int | None, column: int | None) -> Ref | None:
    if t is None or row is None or column is None:
        return None
    return Ref(t, row, column)


def _total_cell(acc: Accounts, t: int | None, *labels: str, name: str | None = None) -> Ref | None:
    if t is None:
        return None
    column = acc.column(t, *labels, default=0) if labels else 0
    return _cell(t, acc.total_row(t, name), column)


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
        found[subject] = [_cell(t2, acc.total_row(t2), acc.column(t2, label))]
    if subject.startswith("expense:"):
        label = subject.split(":", 1)[1]
        found[subject] = [
            _cell(t, acc.total_row(t), acc.column(t, label)) for t in (t3, t5) if t is not None
        ]
    return [ref for ref in found.get(subject, []) if ref is not None]


_LABELS = {
    "grand_total": "收、支总计",
    "fiscal_grand_total": "财政拨款收、支总计",
    "income_total": "本年收入合计",
    "expense_total": "本年支出合计",
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


def _wan(run: _Run, ref: Ref) -> float:
    return run.acc.wan(ref) or 0.0


def _describe(run: _Run, refs: list[Ref]) -> str:
    return "、".join(f"{run.acc.describe(ref)} {fmt(run.acc.value(ref))}" for ref in refs)


_SHIFT = {"元": 4, "千元": 1, "万元": 0, "亿元": -4}


def _digits_in_wan(acc: Accounts, t: int) -> int:
    """Decimals a table's amounts have once in 万元 (2 for 0.01 万元; 6 for 元 with 分)."""
    table = acc.tables[t]
    printed = max((decimals(v) for r in table.rows for v in r.values if v is not None), default=0)
    return (printed or 2) + _SHIFT.get(table.unit, 0)


def restated_amount(acc: Accounts, printed: float, digits: int, ref: Ref) -> bool:
    """A narrative amount restates a table cell: the same figure when printed to the
    table's precision or finer (236.63 does not restate 236.64), else the cell rounded
    or truncated to the decimals printed (0.3 万元 restates 2961.68 元)."""
    exact = acc.wan(ref) or 0.0
    if digits >= _digits_in_wan(acc, ref.table):
        return abs(printed - exact) <= 1e-9 * max(1.0, abs(exact))
    return restates(printed, exact, digits)


def _conflict(run: _Run, claim: Claim, what: str, refs: list[Ref]) -> bool:
    """Finds a restated amount none of its table cells give; True when it agrees."""
    assert claim.value is not None
    run.ran += 1
    value, digits = claim.value, claim.value_digits
    if any(restated_amount(run.acc, value, digits, ref) for ref in refs):
        return True
    run.add(
        CONFLICT,
        claim,
        f"正文称{what} {fmt(claim.value)} 万元，而{_describe(run, refs)}",
        [_wan(run, ref) for ref in refs],
        claim.value,
    )
    return False


def _rate(
    run: _Run, claim: Claim, numerator: float | list[float], denominator: float | None, what: str
) -> None:
    """Finds a printed percentage its amounts do not give (rounded or truncated). Several
    numerators: the figure as the sentence prints it and as the table does (a writer
    may divide either)."""
    assert claim.rate is not None
    if denominator is None:
        run.skipped += 1
        return
    numerators = numerator if isinstance(numerator, list) else [numerator]
    run.ran += 1
    if denominator == 0:
        if all(n == 0 for n in numerators) and claim.rate == 0:
            return
        run.add(
            RATE,
            claim,
            f"{what}：分母为 0，比例无法计算，文中为 {fmt(claim.rate)}%",
            None,
            claim.rate,
        )
        return
    if any(restates(claim.rate, n / denominator * 100, claim.rate_digits) for n in numerators):
        return
    exact = numerators[0] / denominator * 100
    run.add(
        RATE,
        claim,
        f"{what}：{fmt(numerators[0])} / {fmt(denominator)} = {fmt(round_to(exact, 2))}%，"
        f"文中为 {fmt(claim.rate)}%",
        round_to(exact, 2),
        claim.rate,
    )


# --- amounts and shares ---------------------------------------------------------------------


def _denominator(run: _Run, claim: Claim) -> float | None:
    """What a share is of: the total its sentence names, else the sentence's head."""
    named = name_key(claim.denominator or "")
    if named:
        for key in ("本年收入", "收入合计"):
            if key in named:
                refs = subject_refs(run.acc, "income_total")
                return _wan(run, refs[0]) if refs else None
        for key in ("本年支出", "支出合计"):
            if key in named:
                refs = subject_refs(run.acc, "expense_total")
                return _wan(run, refs[0]) if refs else None
        return None
    if claim.head is not None:
        return claim.head
    family = "income_total" if claim.subject.startswith("income:") else "expense_total"
    if claim.subject.startswith(("income:", "expense:")):
        refs = subject_refs(run.acc, family)
        return _wan(run, refs[0]) if refs else None
    return None


def _check_amount(run: _Run, claim: Claim) -> None:
    refs = subject_refs(run.acc, claim.subject)
    if not refs:
        return
    agreed = _conflict(run, claim, _label(claim.subject), refs)
    if claim.kind != "share" or claim.rate is None or not agreed or claim.value is None:
        return
    what = f"{_label(claim.subject)}占{claim.denominator or '合计'}的比例"
    _rate(run, claim, claim.value, _denominator(run, claim), what)


# --- year-on-year changes ---------------------------------------------------------------------

_THREE_WORDS = ("因公出国(境)费", "公务用车购置及运行维护费", "公务接待费")


def _current(run: _Run, claim: Claim) -> float | None:
    """This year's amount a change is about: its subject's table cell, the 三公 table,
    else the last amount printed in the sentence before the change."""
    refs = subject_refs(run.acc, claim.subject)
    if refs:
        return _wan(run, refs[0])
    label = claim.subject
    if "三公" in label or any(word in label for word in _THREE_WORDS):
        spent = _three_values(run, next((w for w in _THREE_WORDS if w in label), "合计"))
        if spent is not None:
            return spent[1]
    # "机关运行经费支出 142.80 万元，比 2023 年度减少 13.52 万元": the figure just before 比
    start = max(run.text.rfind("。", 0, claim.start), 0)
    before = re.search(
        r"(\d[\d,]*(?:\.\d+)?)万元[，,]?(?:比|较)[^，,。；;\d]*$", run.text[start : claim.start]
    )
    return number(before.group(1)) if before else None


def _check_change(run: _Run, claim: Claim) -> None:
    """ "…增加 D 万元，增长 R%": R = D / last year's amount (this year's ∓ D); the two
    direction words must agree."""
    if claim.value is None or claim.rate is None or claim.base is None:
        return
    first, second = claim.items if len(claim.items) == 2 else ("", "")
    run.ran += 1
    up, down = ("增加", "增长", "上升"), ("减少", "下降", "降低")
    if (first in up and second in down) or (first in down and second in up):
        run.add(
            CONFLICT,
            claim,
            f"正文称“{first} {fmt(claim.value)} 万元，{second} {fmt(claim.rate)}%”，"
            "增减方向自相矛盾",
            None,
            claim.rate,
        )
        return
    if claim.value == 0:
        run.add(
            CONFLICT,
            claim,
            f"正文称“{first} 0 万元，{second} {fmt(claim.rate)}%”：增减为 0 应作持平表述",
            "持平",
            f"{first}{second}",
        )
        return
    current = _current(run, claim)
    if current is None:
        run.skipped += 1
        return
    previous = current - claim.base * claim.value
    what = (
        f"{_label(claim.subject)}比上年{first} {fmt(claim.value)} 万元的幅度"
        f"（上年 {fmt(round_to(previous, 2))}）"
    )
    _rate(run, claim, claim.value, previous if previous >= 0 else None, what)


# --- classes, paths, completions ----------------------------------------------------------------


def _spent_column(acc: Accounts, t: int) -> int:
    column = acc.column(t, "本年支出合计", "小计", "本年支出", "决算数", "合计", default=0)
    return column or 0


_KINDS = (GENERAL, FUND, CAPITAL, EXPENDITURE)


def _class_ref(acc: Accounts, name: str) -> Ref | None:
    for kind in _KINDS:
        t = acc.find(kind)
        if t is None:
            continue
        r = acc.row_named(t, name, level=3)
        if r is not None:
            return Ref(t, r, _spent_column(acc, t))
    return None


def _check_class(run: _Run, claim: Claim) -> None:
    ref = _class_ref(run.acc, claim.subject)
    if ref is None:
        run.skipped += 1
        return
    if not _conflict(run, claim, f"“{claim.subject}”（类）", [ref]) or claim.rate is None:
        return
    if claim.head is not None:
        denominator: float | None = claim.head
    else:
        label = run.acc.tables[ref.table].columns[ref.column].label
        whole = _total_cell(run.acc, ref.table, label)
        denominator = _wan(run, whole) if whole is not None else None
    assert claim.value is not None
    _rate(run, claim, claim.value, denominator, f"“{claim.subject}”占比")


def _key(name: str) -> str:
    """A 科目 name for matching a path against a table: no (类)/(款)/(项), no numbering."""
    return name_key(name)


@dataclass(frozen=True)
class _PathMatch:
    ref: Ref | None  # the 项 row's spent cell, when every level matched
    problem: str | None  # which level did not match, and what the table has there


def _match_in(acc: Accounts, t: int, path: tuple[str, ...]) -> tuple[int, _PathMatch] | None:
    """How deep a path matches in table `t` (levels matched, the match); None when the
    table does not print the path's 类."""
    rows = acc.tables[t].rows
    prefix = ""
    names: list[str] = []
    for depth, name in enumerate(path):
        level = 3 + 2 * depth
        candidates = [
            (r, item)
            for r, item in enumerate(rows)
            if item.code and len(item.code) == level and item.code.startswith(prefix)
        ]
        found = next(((r, i) for r, i in candidates if _key(i.name) == _key(name)), None)
        if found is None:
            if depth == 0:
                return None
            printed = "、".join(f"{i.code} {i.name}" for _, i in candidates[:6]) or "无下级科目"
            where = " / ".join(names)
            level_name = ("类", "款", "项")[depth]
            problem = (
                f"表{acc.tables[t].number}“{where}”下没有名为“{name}”的{level_name}"
                f"（表中为：{printed}）"
            )
            return depth, _PathMatch(None, problem)
        r, item = found
        prefix = item.code or ""
        names.append(f"{item.code} {item.name}")
    return len(path), _PathMatch(Ref(t, r, _spent_column(acc, t)), None)


def _match_path(acc: Accounts, path: tuple[str, ...]) -> _PathMatch | None:
    """The row a "(类)…(款)…(项)" path names, in 表5, the fund tables or 表3 (the first that
    prints it whole); else what the table that matches it deepest prints instead. None when
    no table prints the path's 类 (nothing to compare with)."""
    best: tuple[int, _PathMatch] | None = None
    for kind in _KINDS:
        t = acc.find(kind)
        if t is None:
            continue
        found = _match_in(acc, t, path)
        if found is None:
            continue
        if found[1].ref is not None:
            return found[1]
        if best is None or found[0] > best[0]:
            best = found
    return best[1] if best is not None else None


def _path_text(path: tuple[str, ...]) -> str:
    return "".join(f"{p}（{level}）" for p, level in zip(path, ("类", "款", "项"), strict=False))


def _check_completion(run: _Run, claim: Claim) -> None:
    if claim.subject == "general_expense":
        refs = subject_refs(run.acc, "general_expense")
        what = "一般公共预算财政拨款支出决算"
    else:
        match = _match_path(run.acc, claim.path)
        if match is None:
            run.skipped += 1
            return
        run.ran += 1
        if match.ref is None:
            run.add(
                CONFLICT,
                claim,
                f"正文所列科目“{_path_text(claim.path)}”与决算表不符：{match.problem}",
                None,
                _path_text(claim.path),
            )
            return
        refs = [match.ref]
        what = f"“{claim.path[-1]}”支出决算"
    if not refs:
        run.skipped += 1
        return
    if not _conflict(run, claim, what, refs) or not _budget_agrees(run, claim, refs):
        return
    assert claim.value is not None
    if claim.rate is not None:
        rate_of = claim.rate_of or "预算"
        _rate(run, claim, claim.value, claim.base, f"完成{rate_of}的比例")
    _check_relation(run, claim)
    if claim.subject == "path":
        _check_purpose(run, claim, refs[0])


def _budget_agrees(run: _Run, claim: Claim, refs: list[Ref]) -> bool:
    """The 年初预算 a completion sentence states, against a 年初预算数 column if printed."""
    acc = run.acc
    budgets = [
        Ref(r.table, r.row, column)
        for r in refs
        if (column := acc.column(r.table, "年初预算数", "年初预算")) is not None
    ]
    stated = next((v for kind, v in claim.budgets if kind == "年初预算"), None)
    if not budgets or stated is None:
        return True
    run.ran += 1
    if any(restated_amount(acc, stated, 2, ref) for ref in budgets):
        return True
    run.add(
        CONFLICT,
        claim,
        f"正文称年初预算 {fmt(stated)} 万元，而{_describe(run, budgets)}",
        [_wan(run, ref) for ref in budgets],
        stated,
    )
    return False


def _check_relation(run: _Run, claim: Claim) -> None:
    """ "决算数同预算数持平" / "大于" / "小于" against the two amounts (any budget the
    sentence states: "决算数小于预算数" after 年初预算 0 and 全年预算 321.02 is about the
    latter)."""
    if claim.relation is None or claim.value is None:
        return
    budgets = [value for _, value in claim.budgets] or (
        [claim.base] if claim.base is not None else []
    )
    if not budgets:
        return
    run.ran += 1
    spent = claim.value
    tests = {
        "持平": lambda b: abs(spent - b) < 1e-9,
        "大于": lambda b: spent > b,
        "小于": lambda b: spent < b,
    }
    budget = budgets[-1]
    if not any(tests[claim.relation](b) for b in budgets):
        run.add(
            CONFLICT,
            claim,
            f"正文称决算数{claim.relation}预算数，而预算 {fmt(budget)} 万元、"
            f"决算 {fmt(spent)} 万元",
            budget,
            spent,
        )


_BASIC_WORDS = re.compile(r"人员支出|公用支出|人员经费|公用经费|基本支出|日常运转")
_PROJECT_WORDS = re.compile(r"项目支出|项目经费")


def _check_purpose(run: _Run, claim: Claim, ref: Ref) -> None:
    """ "主要用于：…项目支出" against the row's 基本支出 / 项目支出 columns."""
    if not claim.purpose:
        return
    acc = run.acc
    basic = acc.column(ref.table, "基本支出")
    project = acc.column(ref.table, "项目支出")
    if basic is None or project is None:
        return
    values = acc.tables[ref.table].rows[ref.row].values
    has_basic = bool(values[basic]) if basic < len(values) else False
    has_project = bool(values[project]) if project < len(values) else False
    names_basic = bool(_BASIC_WORDS.search(claim.purpose))
    names_project = bool(_PROJECT_WORDS.search(claim.purpose))
    run.ran += 1
    problem = None
    if names_project and not has_project:
        problem = "称用于项目支出，但该科目项目支出无金额"
    elif names_basic and not names_project and not has_basic and has_project:
        problem = "只称人员/公用等基本支出，但该科目只有项目支出"
    if problem:
        run.add(
            CONFLICT,
            claim,
            f"“{claim.path[-1]}”主要用于“{claim.purpose}”：{problem}（{acc.describe(ref)}）",
            None,
            claim.purpose,
        )


# --- the other tables ---------------------------------------------------------------------------


def _check_fund(run: _Run, claim: Claim) -> None:
    t7 = run.acc.find(FUND)
    if t7 is None:
        return
    labels = ("本年支出", "小计", "合计") if claim.subject == "本年支出" else (claim.subject,)
    column = run.acc.column(t7, *labels)
    ref = _cell(t7, run.acc.total_row(t7), column)
    if ref is not None:
        _conflict(run, claim, f"政府性基金{claim.subject}", [ref])


def _three_values(run: _Run, subject: str) -> tuple[float, float] | None:
    """(预算数, 决算数) of a 三公 column (合计, an item) in 万元; None without a table or
    column; (0, 0) for a table with no data row."""
    acc = run.acc
    t9 = acc.find(THREE)
    if t9 is None:
        return None
    label = name_key(subject)
    columns = acc.columns(t9, label)
    if len(columns) < 2 and "购置及运行" in label:
        columns = acc.columns(t9, "小计")
    if len(columns) < 2:
        return None
    rows = acc.tables[t9].rows
    first = next((r for r, row in enumerate(rows) if any(v is not None for v in row.values)), None)
    if first is None:
        return 0.0, 0.0
    return tuple(_wan(run, Ref(t9, first, k)) for k in columns[:2])  # type: ignore[return-value]


def _same_amount(printed: float, exact: float, digits: int, run: _Run, t: int | None) -> bool:
    if t is not None and digits >= _digits_in_wan(run.acc, t):
        return abs(printed - exact) <= 1e-9 * max(1.0, abs(exact))
    return restates(printed, exact, digits)


def _check_three(run: _Run, claim: Claim) -> None:
    values = _three_values(run, claim.subject)
    if values is None:
        return
    budget, spent = values
    t9 = run.acc.find(THREE)
    number = run.acc.tables[t9].number if t9 is not None else 0
    for printed, table_value, what, digits in (
        (claim.base, budget, "预算", 2),
        (claim.value, spent, "决算", claim.value_digits),
    ):
        run.ran += 1
        if printed is None or _same_amount(printed, table_value, digits, run, t9):
            continue
        run.add(
            CONFLICT,
            claim,
            f"正文称“{claim.subject}”{what} {fmt(printed)} 万元，"
            f"而表{number}为 {fmt(round_to(table_value, 4))} 万元",
            table_value,
            printed,
        )
        return
    if claim.rate is None or claim.value is None:
        return
    if claim.denominator == "决算合计":
        whole = _three_values(run, "合计")
        total = whole[1] if whole else None
        _rate(run, claim, [claim.value, spent], total, f"“{claim.subject}”占三公经费的比例")
    else:
        of = budget if claim.base is None else claim.base
        _rate(run, claim, [claim.value, spent], of, f"“{claim.subject}”完成预算的比例")


def _has_amount(values: list[float | None]) -> bool:
    return any(v for v in values)


def _check_used(run: _Run, claim: Claim) -> None:
    """ "主要使用 A、B、C 等科目": each a function-classification 科目 with an amount."""
    used = {
        name_key(row.name)
        for table in run.acc.tables
        for row in table.rows
        if row.code and row.code.startswith("2") and _has_amount(row.values)
    }
    if not used:
        return
    run.ran += 1
    missing = [item for item in claim.items if name_key(item) not in used]
    if missing:
        run.add(
            CONFLICT,
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


def _item_key(name: str) -> str:
    """An economic-classification item as a list names it: "其他社会保障缴费支出" and
    "办公设备购置支出" are the table's 其他社会保障缴费 and 办公设备购置."""
    key = name_key(name)
    return key[:-2] if key.endswith("支出") and len(key) > 4 else key


def _check_parts(run: _Run, claim: Claim) -> None:
    """ "公用经费 X 万元，主要包括：A、B、C": each a 表6 row of that group with an amount."""
    t6 = run.acc.find(BASIC)
    if t6 is None:
        return
    rows = run.acc.tables[t6].rows
    group = {}
    for r in _group_rows(run.acc, t6, claim.subject):
        group.setdefault(name_key(rows[r].name), rows[r])
        group.setdefault(_item_key(rows[r].name), rows[r])
    run.ran += 1
    empty = []
    for item in claim.items:
        row = group.get(name_key(item)) or group.get(_item_key(item))
        if row is None or not _has_amount(row.values):
            empty.append(item)
    if empty:
        run.add(
            CONFLICT,
            claim,
            f"正文称{claim.subject}主要包括{'、'.join(empty)}，但表{run.acc.tables[t6].number}中"
            f"{'、'.join(empty)}无金额",
            [],
            empty,
        )


_CHECKS = {
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
