"""Funding-block rules (项目资金): column sums, rates, balance, the funding score.

Every rule reads one project's `FundingLine`s. Paths name the printed field in doubt,
e.g. ``funding[0].score``; flags carry the line's span when it has one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from extractor.figures import agrees, fmt, round_to, sums_agree
from extractor.models import FundingLine, Project
from extractor.validate.report import Context

# Columns that add up across sources (rates, weights and scores do not).
ADDITIVE_COLUMNS: tuple[str, ...] = (
    "initial_budget",
    "budget",
    "carried_in",
    "received",
    "executed",
    "balance",
)
COLUMN_NAMES: dict[str, str] = {
    "initial_budget": "年初预算数",
    "budget": "预算数",
    "carried_in": "上年结转",
    "received": "到位数",
    "executed": "执行数",
    "balance": "结余",
}
STANDARD_PARTS = frozenset({"fiscal", "carryover", "other"})


def check_funding(ctx: Context, project: Project) -> None:
    """Run every funding rule on one project."""
    check_total_sum(ctx, project)
    check_over_execution(ctx, project)
    for index, line in enumerate(project.funding):
        check_execution_rate(ctx, project, index, line)
        check_received_rate(ctx, project, index, line)
        check_balance(ctx, project, index, line)
        check_score(ctx, project, index, line)
        check_score_above_weight(ctx, project, index, line)


_UNIT_IN_YUAN = {"元": 1.0, "万元": 10000.0, "亿元": 100000000.0}


def _scale(unit: str, to: str) -> float:
    """Factor turning an amount in `unit` into `to` (1 when either is unknown)."""
    if unit == to or unit not in _UNIT_IN_YUAN or to not in _UNIT_IN_YUAN:
        return 1.0
    return _UNIT_IN_YUAN[unit] / _UNIT_IN_YUAN[to]


def _components(project: Project) -> list[FundingLine]:
    """The lines a total line should add up from.

    Standard forms split 年度资金总额 into 本年财政拨款 / 上年结转 / 其他资金; other
    forms list sources by label (区县财政, 市级财政 …, or 基本支出 / 项目支出). When the
    standard rows exist they are the parts (label rows may then be nested details)."""
    parts = [line for line in project.funding if line.source in STANDARD_PARTS]
    if any(line.source == "fiscal" for line in parts):
        return parts
    # sources by label (本级财政资金, 上级补助资金 …) beside a standard 其他资金: all add up
    return [line for line in project.funding if line.source != "total"]


_BLOCK_TOTAL = re.compile(r"(总额|合计|总计)$")


def _is_block_total(line: FundingLine) -> bool:
    """A line that totals its block: `total`, or a printed label such as 年度资金申请总额
    (the second funding block of a target form)."""
    return line.source == "total" or bool(_BLOCK_TOTAL.search(line.source))


def _block_parts(project: Project, index: int) -> list[FundingLine]:
    """The parts of the total at `index` when the form prints several funding blocks: the
    lines after it up to the next block's total (the standard rows where it has them)."""
    block: list[FundingLine] = []
    for line in project.funding[index + 1 :]:
        if _is_block_total(line):
            break
        block.append(line)
    standard = [line for line in block if line.source in STANDARD_PARTS]
    return standard if any(line.source == "fiscal" for line in standard) else block


def check_total_sum(ctx: Context, project: Project) -> None:
    rule = "funding.total_sum"
    blocks = sum(_is_block_total(line) for line in project.funding) > 1
    for index, line in enumerate(project.funding):
        if not _is_block_total(line) or (line.source != "total" and not blocks):
            continue
        parts = _block_parts(project, index) if blocks else _components(project)
        if not parts:
            continue

        for column in ADDITIVE_COLUMNS:
            total = getattr(line, column)
            if total is None:
                continue
            values = [getattr(part, column) for part in parts]
            if all(v is None for v in values):
                ctx.skip(rule)
                continue
            # An empty cell among printed parts is an empty source (其他资金 left blank);
            # a part kept in another unit (元 vs 万元) is compared in the total's unit.
            known = [
                v * _scale(part.unit, line.unit)
                for part, v in zip(parts, values, strict=True)
                if v is not None
            ]
            ctx.ran()
            if sums_agree(total, known) or _two_breakdowns(total, known):
                continue
            expected = round_to(sum(known), 4)
            ctx.flag(
                rule,
                project=project.id,
                path=f"funding[{index}].{column}",
                message=(
                    f"资金总额{COLUMN_NAMES[column]} {fmt(total)} 不等于各来源之和 "
                    f"{' + '.join(fmt(v) for v in known)} = {fmt(expected)}"
                ),
                expected=expected,
                found=total,
                span=line.span or project.span,
            )


def _two_breakdowns(total: float, parts: list[float]) -> bool:
    """The total broken down twice, one list after the other (按收入性质分: 一般公共预算 …
    and 按支出性质分: 基本支出 | 项目支出): each run of the parts adds up to it."""
    return any(
        sums_agree(total, parts[:cut]) and sums_agree(total, parts[cut:])
        for cut in range(1, len(parts))
    )


def _denominators(line: FundingLine, *, with_received: bool) -> Iterator[float]:
    """Amounts a rate may be taken of. Forms differ: 执行率 is 执行数 / 预算数 on the
    standard form, 支出金额 / 到位金额 on a 财政支出绩效报告表, and a budget may or may not
    include the carried-in amount (到位 1301.23 = 结转 993.3 + 安排 307.93)."""
    seen: set[float] = set()
    candidates: list[float | None] = [line.budget]
    if line.budget is not None and line.carried_in is not None:
        candidates.append(line.budget + line.carried_in)
    if with_received:
        candidates.append(line.received)
    for value in candidates:
        if value is not None and value > 0 and value not in seen:
            seen.add(value)
            yield value


def _check_rate(
    ctx: Context,
    project: Project,
    index: int,
    line: FundingLine,
    *,
    rule: str,
    field: str,
    numerator: float | None,
    with_received: bool,
    label: str,
) -> None:
    printed = getattr(line, field)
    if printed is None:
        return
    denominators = list(_denominators(line, with_received=with_received))
    if numerator is None or not denominators:
        ctx.skip(rule)
        return
    ctx.ran()
    exact = [numerator / d * 100 for d in denominators]
    if any(agrees(printed, value) for value in exact):
        return
    expected = round_to(exact[0], 2)
    ctx.flag(
        rule,
        project=project.id,
        path=f"funding[{index}].{field}",
        message=(
            f"{label} {fmt(printed)}% 与 {fmt(numerator)} / {fmt(denominators[0])} = "
            f"{fmt(expected)}% 不符"
        ),
        expected=expected,
        found=printed,
        span=line.span or project.span,
    )


def check_execution_rate(ctx: Context, project: Project, index: int, line: FundingLine) -> None:
    _check_rate(
        ctx,
        project,
        index,
        line,
        rule="funding.execution_rate",
        field="execution_rate",
        numerator=line.executed,
        with_received=True,
        label="执行率",
    )


def check_received_rate(ctx: Context, project: Project, index: int, line: FundingLine) -> None:
    _check_rate(
        ctx,
        project,
        index,
        line,
        rule="funding.received_rate",
        field="received_rate",
        numerator=line.received,
        with_received=False,
        label="到位率",
    )


def check_balance(ctx: Context, project: Project, index: int, line: FundingLine) -> None:
    rule = "funding.balance"
    if line.balance is None:
        return
    available = line.received
    if available is None and line.budget is not None:
        available = line.budget + (line.carried_in or 0)
    if available is None or line.executed is None:
        ctx.skip(rule)
        return
    ctx.ran()
    expected = available - line.executed
    if sums_agree(available, [line.executed, line.balance]):
        return
    ctx.flag(
        rule,
        project=project.id,
        path=f"funding[{index}].balance",
        message=(
            f"结余 {fmt(line.balance)} 不等于 {fmt(available)} − {fmt(line.executed)} = "
            f"{fmt(round_to(expected, 4))}"
        ),
        expected=round_to(expected, 4),
        found=line.balance,
        span=line.span or project.span,
    )


def _execution_rates(line: FundingLine) -> list[float]:
    """The rates a score may have been computed from: the printed one first, then the
    exact ratios (a form may compute the score before rounding the rate)."""
    rates: list[float] = []
    if line.execution_rate is not None:
        rates.append(line.execution_rate)
    if line.executed is not None:
        rates.extend(line.executed / d * 100 for d in _denominators(line, with_received=True))
    return rates


def check_score(ctx: Context, project: Project, index: int, line: FundingLine) -> None:
    """得分 = 分值 × 执行率, rounded or truncated at the score's printed precision.

    Some forms cap the score at the weight (001: 得分不得突破权重总额), others do not
    (000: 10 × 105.68 % = 10.57); both are accepted here, and a score above the weight
    is `funding.score_above_weight`'s business."""
    rule = "funding.score"
    if line.score is None:
        return
    rates = _execution_rates(line)
    if line.weight is None or not rates:
        ctx.skip(rule)
        return
    ctx.ran()
    products = [line.weight * rate / 100 for rate in rates]
    candidates = products + [min(line.weight, p) for p in products]
    if any(agrees(line.score, value) for value in candidates):
        return
    rate = rates[0]
    expected = round_to(products[0], 2)
    ctx.flag(
        rule,
        project=project.id,
        path=f"funding[{index}].score",
        message=(
            f"资金得分 {fmt(line.score)} 与 分值 {fmt(line.weight)} × 执行率 "
            f"{fmt(round_to(rate, 2))}% = {fmt(expected)} 不符"
        ),
        expected=expected,
        found=line.score,
        span=line.span or project.span,
    )


def check_score_above_weight(ctx: Context, project: Project, index: int, line: FundingLine) -> None:
    rule = "funding.score_above_weight"
    if line.score is None:
        return
    if line.weight is None:
        ctx.skip(rule)
        return
    ctx.ran()
    if line.score <= line.weight + 1e-9:
        return
    ctx.flag(
        rule,
        project=project.id,
        path=f"funding[{index}].score",
        message=f"资金得分 {fmt(line.score)} 高于分值 {fmt(line.weight)}",
        expected=line.weight,
        found=line.score,
        span=line.span or project.span,
    )


def _ceiling(line: FundingLine) -> float | None:
    """What a line may spend: its 全年预算数 plus any amount carried in, or what actually
    arrived (到位) when that is more. None without a budget (年初预算数 alone does not
    count: adjustments during the year are normal)."""
    if line.budget is None:
        return None
    candidates = [line.budget + (line.carried_in or 0)]
    if line.received is not None:
        candidates.append(line.received)
    return max(candidates)


def check_over_execution(ctx: Context, project: Project) -> None:
    """全年执行数 above 全年预算数 (超预算支出), e.g. 186.816 spent of 176.77.

    The 年度资金总额 line speaks for the block (its 本年财政拨款 row repeats the same
    overrun); a block without a total line is checked line by line."""
    rule = "funding.over_execution"
    totals = [i for i, ln in enumerate(project.funding) if ln.source == "total"]
    indices = totals or range(len(project.funding))
    for index in indices:
        line = project.funding[index]
        if line.executed is None:
            continue
        ceiling = _ceiling(line)
        if ceiling is None:
            ctx.skip(rule)
            continue
        ctx.ran()
        if line.executed <= ceiling or sums_agree(ceiling, [line.executed]):
            continue
        rate = f"（执行率 {fmt(line.execution_rate)}%）" if line.execution_rate is not None else ""
        what = "全年预算数" if ceiling == line.budget else "可用资金（预算数加结转或到位数）"
        ctx.flag(
            rule,
            project=project.id,
            path=f"funding[{index}].executed",
            message=(
                f"全年执行数 {fmt(line.executed)} 超过{what} {fmt(ceiling)}{rate}，"
                "超预算支出需说明原因"
            ),
            expected=f"≤ {fmt(ceiling)}",
            found=line.executed,
            span=line.span or project.span,
        )
