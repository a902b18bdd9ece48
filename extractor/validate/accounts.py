"""Final-accounts rules: the tables' own arithmetic, and the narrative against them.

- `accounts.hierarchy`: a 类/款 amount ≠ the sum of its 款/项 children (any column).
- `accounts.formula`: a formula printed under a table ("27行=(1+…+8)行", "1栏各行=
  (2+3)栏各行") does not hold in a cell; formulas are parsed from the notes, never
  assumed (`extractor.accounts.formulas`).
- `accounts.cross_table`: two tables disagree where the template says they agree (表1
  本年收入合计 = 表2 合计, 表5 基本支出 = 表6 人员经费 + 公用经费 …,
  `extractor.accounts.identities.cross_table`).
- `accounts.total`: a 合计 row ≠ its 类 rows, a 小计 column ≠ its component columns, a
  表1/表4 总计 ≠ its rows (the template's layout where no formula is printed).
- `accounts.rounding` (info, 舍入差异): a sum that misses its printed total by no more
  than rounding explains — half a unit of the last digit per printed part
  (`extractor.accounts.arithmetic`) — reported with both figures.
- `narrative.conflict` / `narrative.rate`: the 情况说明 restates a table figure with a
  different amount or a percentage its amounts do not give, names a 科目 the tables do
  not have or show without an amount, or words 持平 / 大于 / 小于 against the figures
  (`extractor.accounts.restated`).

A figure printed in two tables must be printed the same: any difference is a warning. A
sum beyond rounding is an error. Narrative figures and percentages are the table value
rounded or truncated to their printed precision and nothing looser. Flags of the
accounts rules carry no project and a path to the cell in doubt:
"accounts[3].rows[4].values[1]".
"""

from __future__ import annotations

import re

from extractor.accounts.arithmetic import SumCheck, decimals, same_figure
from extractor.accounts.formulas import apply_formula, expected, parse_formula
from extractor.accounts.identities import Comparison, cross_table, hierarchy, totals
from extractor.accounts.lookup import Accounts, Ref
from extractor.accounts.narrative import ascii_brackets, read_claims
from extractor.accounts.restated import Finding, check_claims
from extractor.figures import fmt, round_to
from extractor.models import AccountTable, Flag, Severity, Span
from extractor.validate.prose import ProseUnit, clean
from extractor.validate.report import Context
from extractor.validate.rules import RULES, Rule

ACCOUNT_RULES: dict[str, Rule] = {k: v for k, v in RULES.items() if k.startswith("accounts.")}


def check_accounts(ctx: Context, units: list[ProseUnit]) -> None:
    tables = ctx.result.accounts
    if not tables:
        return
    acc = Accounts(tables)
    digits = [_digits_of_table(table) for table in tables]
    for comparison in (*hierarchy(acc), *totals(acc), *cross_table(acc)):
        _judge(ctx, acc, comparison, digits)
    check_formulas(ctx, acc, digits)
    check_narrative_claims(ctx, acc, units)


# --- the tables' arithmetic ------------------------------------------------------------


def _span(acc: Accounts, ref: Ref) -> Span | None:
    return acc.tables[ref.table].rows[ref.row].span


def _flag(
    ctx: Context,
    rule: str,
    acc: Accounts,
    ref: Ref,
    message: str,
    want: float,
    found: float | None,
    severity: Severity | None = None,
) -> None:
    ctx.flags.append(
        Flag(
            rule=rule,
            severity=severity or ACCOUNT_RULES[rule].severity,
            project=None,
            path=ref.path,
            message=message,
            expected=round_to(want, 4),
            found=found,
            span=_span(acc, ref),
        )
    )


def _digits_of_table(table: AccountTable) -> int:
    """The decimals a table prints its amounts with. Floats lose trailing zeros (2.50
    reads 2.5), so a table in 万元 counts as printed to 0.01 unless a figure shows more; a
    table of whole numbers (元) to 1."""
    values = [v for row in table.rows for v in row.values if v is not None]
    shown = max((decimals(v) for v in values), default=0)
    return max(shown, 2 if table.unit in ("万元", "亿元") else 0)


def _judge(ctx: Context, acc: Accounts, comparison: Comparison, digits: list[int]) -> None:
    """A figure printed in two tables must be printed the same (warning); a sum may miss
    by the rounding of its printed parts (info 舍入差异), no more (error)."""
    printed = acc.value(comparison.target)
    values = [acc.value(ref) for _, ref in comparison.parts]
    signs = [sign for sign, _ in comparison.parts]
    ctx.ran()
    tables = {comparison.target.table, *(ref.table for _, ref in comparison.parts)}
    check = SumCheck(printed, tuple(values), tuple(signs), max(digits[t] for t in tables))
    total = check.computed
    single = comparison.family == "cross_table" and sum(v is not None for v in values) <= 1
    if single:
        if same_figure(printed, total):
            return
        verdict = "error"
    else:
        verdict = check.verdict()
        if verdict == "equal":
            return
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
        listed = " ".join(
            ("+ " if sign > 0 else "− ") + fmt(v) for sign, v in zip(signs, values, strict=True)
        ).removeprefix("+ ")
        listed = listed if len(values) <= 8 else f"{len(values)} 项"
        message = (
            f"{acc.describe(comparison.target)} 为 {fmt(printed)}，{comparison.what} "
            f"{listed} = {fmt(round_to(total, 4))}"
        )
    if verdict == "rounding":
        message = (
            f"舍入差异：{message}（相差 {fmt(round_to(abs(check.difference), 6))}，"
            f"不超过 {check.printed_terms} 项各半个尾数单位）"
        )
        _flag(ctx, "accounts.rounding", acc, comparison.target, message, total, printed)
        return
    severity: Severity | None = "warning" if single else None
    _flag(
        ctx,
        f"accounts.{comparison.family}",
        acc,
        comparison.target,
        message,
        total,
        printed,
        severity,
    )


def check_formulas(ctx: Context, acc: Accounts, digits: list[int]) -> None:
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
                sums = SumCheck(
                    check.printed,
                    tuple(v for _, v in check.parts),
                    tuple(sign for sign, _ in check.parts),
                    digits[t],
                )
                verdict = sums.verdict()
                if verdict == "equal":
                    continue
                ref = Ref(t, check.row, check.column)
                want = expected(check)
                message = (
                    f"表{table.number}公式 {text} 不成立：{acc.describe(ref)} 为 "
                    f"{fmt(check.printed)}，按公式应为 {fmt(round_to(want, 4))}"
                )
                if verdict == "rounding":
                    message = f"舍入差异：{message}（相差在各项尾数的舍入误差之内）"
                    _flag(ctx, "accounts.rounding", acc, ref, message, want, check.printed)
                else:
                    _flag(ctx, rule, acc, ref, message, want, check.printed)


# --- the narrative against the tables ---------------------------------------------------

_HEADING = re.compile(
    r"^(第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[）)])"
)
_PAGE_NUMBER = re.compile(r"^[-—–\s]*(第\s*)?\d{1,3}(\s*页)?[-—–\s]*$")
_MAX_HEADING = 40


def narrative_unit(text: str) -> ProseUnit:
    """The whole document as one prose unit for the 情况说明's claims: whitespace and page
    breaks removed (a sentence runs on across a page), page-number lines left out, and a
    "。" after each heading line so a heading never runs into the sentence after it."""
    parts: list[str] = []
    offsets: list[int] = []
    pos = 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        if not _PAGE_NUMBER.match(body) or not body.strip():
            cleaned, where = clean(body, pos)
            heading = (
                bool(_HEADING.match(cleaned))
                and len(cleaned) <= _MAX_HEADING
                and not re.search(r"[。；;，,]$", cleaned)
            )
            if heading and parts and not parts[-1].endswith("。"):
                parts.append("。")
                offsets.append(pos)
            parts.append(cleaned)
            offsets.extend(where)
            if heading:
                parts.append("。")
                offsets.append(pos + len(body))
        pos += len(line)
    return ProseUnit("".join(parts), offsets)


def check_narrative_claims(ctx: Context, acc: Accounts, units: list[ProseUnit]) -> None:
    """Every figure the 情况说明 restates, against the tables (`accounts.restated`)."""
    if ctx.text:
        units = [narrative_unit(ctx.text)]
    prior = list(ctx.flags)
    for unit in units:
        text = ascii_brackets(unit.text)
        findings, ran, skipped = check_claims(acc, read_claims(text), text)
        ctx.ran(ran)
        if skipped:
            ctx.skip("narrative.conflict", skipped)
        for finding in findings:
            _emit(ctx, unit, finding, prior)


def _emit(ctx: Context, unit: ProseUnit, finding: Finding, prior: list[Flag]) -> None:
    """A narrative flag, unless the general narrative rules (`prior`) already flagged this
    very figure."""
    span = ctx.locate(*unit.doc_range(finding.start, finding.end))
    for flag in prior:
        if flag.rule == finding.rule and flag.span is not None and span is not None:
            if (
                flag.span.page == span.page
                and flag.span.start < span.end
                and span.start < flag.span.end
            ):
                return
    ctx.flag(
        finding.rule,
        project=None,
        path="narrative",
        message=finding.message,
        expected=finding.expected,
        found=finding.found,
        span=span,
    )
