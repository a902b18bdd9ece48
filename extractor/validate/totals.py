"""Total and subtotal rules: weights and scores of the rows add up to the printed
总分 and level-1 subtotals (产出指标(50分), 小计, 年度目标1 (30分)).

Paths: ``total.weight`` / ``total.score`` / ``subtotals[k].weight`` / ``.score``.
"""

from __future__ import annotations

import re

from extractor.figures import fmt, round_to, sums_agree
from extractor.models import FundingLine, Indicator, Project, Subtotal
from extractor.validate.report import Context

# Target forms (绩效目标表) print no 总分 row, but their weights are out of 100 (002's
# department form adds up to exactly 100); a missing total is read as 100 there.
TARGET_FORMS = frozenset({"project_target", "department_target"})
CONVENTIONAL_TOTAL = 100.0


def check_totals(ctx: Context, project: Project) -> None:
    check_weight_sum(ctx, project)
    check_score_sum(ctx, project)
    check_total_above_weight(ctx, project)
    for index, subtotal in enumerate(project.subtotals):
        check_subtotal(ctx, project, index, subtotal)


def _funding_value(lines: list[FundingLine], field: str) -> float:
    """The funding block's weight or score: the 年度资金总额 line's when it has one
    (the source rows print "—"), else whatever the lines carry."""
    totals = [getattr(line, field) for line in lines if line.source == "total"]
    totals = [v for v in totals if v is not None]
    if totals:
        return totals[0]
    return sum(v for v in (getattr(line, field) for line in lines) if v is not None)


def check_weight_sum(ctx: Context, project: Project) -> None:
    """Indicator weights + the funding weight = the 总分 weight.

    Skipped when any row lacks a weight (a weight lost to a column shift cannot be
    added up) or all do; a target form without a printed total is read as out of 100."""
    if not project.indicators:
        return
    total = project.total.weight
    if total is None:
        if project.form not in TARGET_FORMS:
            return
        total = CONVENTIONAL_TOTAL
    note = "" if project.total.weight is not None else "（目标表未印总分，按 100 计）"
    _check_sum(ctx, project, "weight", total, ("分值", "总分"), note, total_is_expected=True)


def check_score_sum(ctx: Context, project: Project) -> None:
    """Indicator scores + the funding score = the 总分 score."""
    total = project.total.score
    if total is None or not project.indicators:
        return
    _check_sum(ctx, project, "score", total, ("得分", "总得分"), "", total_is_expected=False)


def check_total_above_weight(ctx: Context, project: Project) -> None:
    """A 总分 score above the 总分 weight (100.37 of 100): some row or the funding score
    went over its weight, and the form's result is out of range."""
    rule = "total.score_above_weight"
    score, weight = project.total.score, project.total.weight
    if score is None:
        return
    if weight is None:
        ctx.skip(rule)
        return
    ctx.ran()
    if score <= weight + 1e-9:
        return
    ctx.flag(
        rule,
        project=project.id,
        path="total.score",
        message=f"总得分 {fmt(score)} 高于总分值 {fmt(weight)}",
        expected=f"≤ {fmt(weight)}",
        found=score,
        span=project.span,
    )


def _check_sum(
    ctx: Context,
    project: Project,
    field: str,
    total: float,
    words: tuple[str, str],
    note: str,
    *,
    total_is_expected: bool,
) -> None:
    """The rows' `field` (weight or score) plus the funding block's against `total`."""
    rule = f"total.{field}_sum"
    values = [getattr(ind, field) for ind in project.indicators]
    if any(v is None for v in values):
        ctx.skip(rule)
        return
    known = [v for v in values if v is not None]
    funding = _funding_value(project.funding, field)
    ctx.ran()
    if sums_agree(total, [*known, funding]):
        return
    found = round_to(sum(known) + funding, 4)
    item, whole = words
    ctx.flag(
        rule,
        project=project.id,
        path=f"total.{field}",
        message=(
            f"指标{item}之和 {fmt(round_to(sum(known), 4))}"
            + (f" + 资金{item} {fmt(funding)} = {fmt(found)}" if funding else "")
            + f"，不等于{whole} {fmt(total)}"
            + note
        ),
        expected=total if total_is_expected else found,
        found=found if total_is_expected else total,
        span=project.span,
    )


def _key(label: str | None) -> str:
    return re.sub(r"\s+", "", label or "")


def subtotal_rows(project: Project, subtotal: Subtotal) -> list[Indicator]:
    """The rows a subtotal covers: its level-1 indicator's rows, or the rows of a
    年度目标 group. "产出" and "产出指标" are the same level-1 name."""
    key = _key(subtotal.level1)
    rows = [
        ind
        for ind in project.indicators
        if _key(ind.level1) == key or (ind.group is not None and _key(ind.group) == key)
    ]
    if rows:
        return rows
    loose = key.removesuffix("指标")
    return [ind for ind in project.indicators if _key(ind.level1).removesuffix("指标") == loose]


def check_subtotal(ctx: Context, project: Project, index: int, subtotal: Subtotal) -> None:
    rows = subtotal_rows(project, subtotal)
    for field, rule, label in (
        ("weight", "subtotal.weight_sum", "分值"),
        ("score", "subtotal.score_sum", "得分"),
    ):
        printed = getattr(subtotal, field)
        if printed is None:
            continue
        values = [getattr(row, field) for row in rows]
        if not rows or any(v is None for v in values):
            ctx.skip(rule)
            continue
        known = [v for v in values if v is not None]
        ctx.ran()
        if sums_agree(printed, known):
            continue
        found = round_to(sum(known), 4)
        ctx.flag(
            rule,
            project=project.id,
            path=f"subtotals[{index}].{field}",
            message=(
                f"“{subtotal.level1}”{label} {fmt(printed)} 不等于其下各行{label}之和 "
                f"{'+'.join(fmt(v) for v in known)} = {fmt(found)}"
            ),
            expected=found,
            found=printed,
            span=project.span,
        )
