"""Indicator-row rules (绩效指标): score vs weight, deviation reasons, targets vs
actuals, stated scoring formulas, suspicious values.

Paths: ``indicators[i].score`` / ``.target`` / ``.actual``; flags carry the row's span.
"""

from __future__ import annotations

import re

from extractor.figures import agrees, fmt, round_to
from extractor.models import Indicator, Project, Value
from extractor.validate.regions import Region
from extractor.validate.report import Context

_EPS = 1e-9
# Ops that make a target quantitative in one direction.
_AT_LEAST = frozenset({"≥", ">"})
_AT_MOST = frozenset({"≤", "<"})
# "正向指标 … 得分=权重*B/A": the form states the proportional scoring rule.
FORMULA_STATEMENT = re.compile(r"权\s*重\s*[*×xX＊]\s*B\s*/\s*A")
# Rates that cannot exceed 100 % (a participation or satisfaction rate of 106 % is a typo
# or a wrong denominator). 执行率 / 完成率 / 增长率 legitimately can, so they are absent.
_BOUNDED_RATE = re.compile(
    r"(参保|参合|覆盖|满意|知晓|合格|正确|准确|达标|及时|查处|结案|处置|办结|发放|到位|就诊"
    r"|履约|回应|入网)率|满意度|覆盖面|比例|占比"
)
# Names whose values are percentages (a bare 0.95 there is a percentage written as a
# fraction).
_PERCENT_NAME = re.compile(r"率|满意度|覆盖面|比例|占比")


_UNIT_COLUMN = re.compile(r"(?:度\s*量|计\s*量|指\s*标)\s*单\s*位")


def check_indicators(ctx: Context, project: Project, region: Region | None) -> None:
    """Run every indicator rule on one project."""
    has_reason_column = deviation_column(ctx, project, region)
    formula_stated = _formula_stated(ctx, region)
    unit_column = _unit_column(ctx, region)
    for index, indicator in enumerate(project.indicators):
        if unit_column:
            indicator = with_row_unit(indicator)
        check_score_above_weight(ctx, project, index, indicator)
        if has_reason_column:
            check_missing_deviation_reason(ctx, project, index, indicator)
        check_target_not_met(ctx, project, index, indicator)
        if formula_stated:
            check_formula(ctx, project, index, indicator)
        check_suspicious_value(ctx, project, index, indicator)
        if not unit_column:
            check_unit_mismatch(ctx, project, index, indicator)


def _unit_column(ctx: Context, region: Region | None) -> bool:
    """Whether the form prints units in a column of their own (度量单位 / 计量单位): the
    unit is then printed once per row, for the 指标值 and the 完成值 alike."""
    if region is None or not ctx.text:
        return False
    return _UNIT_COLUMN.search(ctx.text[region.start : region.end]) is not None


def with_row_unit(indicator: Indicator) -> Indicator:
    """A bare 完成值 in a form with a 度量单位 column has the row's unit (the target's)."""
    target, actual = indicator.target, indicator.actual
    if target is None or actual is None or actual.number is None or (actual.unit or "").strip():
        return indicator
    if not (target.unit or "").strip():
        return indicator
    return indicator.model_copy(update={"actual": actual.model_copy(update={"unit": target.unit})})


def check_score_above_weight(
    ctx: Context, project: Project, index: int, indicator: Indicator
) -> None:
    rule = "indicator.score_above_weight"
    if indicator.score is None:
        return
    if indicator.weight is None:
        ctx.skip(rule)
        return
    ctx.ran()
    if indicator.score <= indicator.weight + _EPS:
        return
    ctx.flag(
        rule,
        project=project.id,
        path=f"indicators[{index}].score",
        message=(f"“{indicator.name}”得分 {fmt(indicator.score)} 高于分值 {fmt(indicator.weight)}"),
        expected=indicator.weight,
        found=indicator.score,
        span=indicator.span or project.span,
    )


def deviation_column(ctx: Context, project: Project, region: Region | None) -> bool:
    """Whether the project's form has a per-row 偏差原因 column.

    The records cannot say so directly (an empty cell and a missing column are both
    null), so:
    - a form where any row has a 偏差原因 has the column;
    - otherwise a 项目支出绩效自评表 (project_self_evaluation) whose rows carry their own
      分值 and 得分 has it: that is the national template (年度指标值, 实际完成值, 分值,
      得分, 偏差原因分析及改进措施). Forms that score rows without a 分值 column (001's
      得分-only tables, with one 偏差大或目标未完成原因分析 box) and scoring tables of
      evaluation reports do not;
    - when the form's text is at hand and never mentions 偏差原因, it has no such column.
    """
    if any(ind.deviation_reason for ind in project.indicators):
        return True
    if project.form != "project_self_evaluation":
        return False
    if not any(ind.weight is not None and ind.score is not None for ind in project.indicators):
        return False
    if region is not None and ctx.text:
        form_text = re.sub(r"\s+", "", ctx.text[region.start : region.end])
        return "偏差原因" in form_text or "偏差" in form_text
    return True


def check_missing_deviation_reason(
    ctx: Context, project: Project, index: int, indicator: Indicator
) -> None:
    rule = "indicator.missing_deviation_reason"
    if indicator.score is None or indicator.weight is None:
        return
    ctx.ran()
    if indicator.score >= indicator.weight - _EPS or (indicator.deviation_reason or "").strip():
        return
    ctx.flag(
        rule,
        project=project.id,
        path=f"indicators[{index}].score",
        message=(
            f"“{indicator.name}”得分 {fmt(indicator.score)} 低于分值 {fmt(indicator.weight)}，"
            "但未填写偏差原因"
        ),
        expected="偏差原因",
        found=None,
        span=indicator.span or project.span,
    )


def _op(indicator: Indicator) -> str | None:
    if indicator.target is not None and indicator.target.op is not None:
        return indicator.target.op
    return indicator.nature


def _same_unit(a: Value, b: Value) -> bool:
    return (a.unit or "").strip() == (b.unit or "").strip()


def _comparable(indicator: Indicator) -> tuple[str, float, float] | None:
    """(op, target, actual) when the row is a one-sided quantitative target with a
    number on both sides in the same unit; None otherwise."""
    op = _op(indicator)
    target, actual = indicator.target, indicator.actual
    if op not in _AT_LEAST | _AT_MOST or target is None or actual is None:
        return None
    if target.number is None or actual.number is None or not _same_unit(target, actual):
        return None
    # An actual printed as "≥99%" or "> 96%" is a bound, not a figure; it is only usable
    # when it points the same way as the target.
    if (actual.op in _AT_MOST and op in _AT_LEAST) or (actual.op in _AT_LEAST and op in _AT_MOST):
        return None
    return op, target.number, actual.number


def _missed(op: str, target: float, actual: float) -> bool:
    if op in _AT_LEAST:
        return actual < target - _EPS
    return actual > target + _EPS


def check_target_not_met(ctx: Context, project: Project, index: int, indicator: Indicator) -> None:
    """A clearly missed quantitative target (≥X with a smaller actual, ≤X with a larger
    one) that still got the full weight.

    The reverse (met yet scored below the weight) is left to `indicator.formula`: forms
    may dock a met target for qualitative reasons unless they state the formula."""
    rule = "indicator.target_not_met"
    comparable = _comparable(indicator)
    if comparable is None or indicator.score is None:
        return
    if indicator.weight is None:
        ctx.skip(rule)
        return
    op, target, actual = comparable
    ctx.ran()
    if not _missed(op, target, actual) or indicator.score < indicator.weight - _EPS:
        return
    unit = (indicator.target.unit or "") if indicator.target else ""
    ctx.flag(
        rule,
        project=project.id,
        path=f"indicators[{index}].score",
        message=(
            f"“{indicator.name}”目标 {op}{fmt(target)}{unit}，实际 {fmt(actual)}{unit} 未达到，"
            f"却得满分 {fmt(indicator.score)}"
        ),
        expected=f"< {fmt(indicator.weight)}",
        found=indicator.score,
        span=indicator.span or project.span,
    )


def _formula_stated(ctx: Context, region: Region | None) -> bool:
    """Whether the form states 正向 权重×B/A (反向 权重×A/B). Read from the form's own
    text when it can be found, else from the whole document."""
    if not ctx.text:
        return False
    text = ctx.text if region is None else ctx.text[region.start : region.end]
    return FORMULA_STATEMENT.search(text) is not None


def formula_score(op: str, weight: float, target: float, actual: float) -> float | None:
    """正向 (≥X): 权重 × B/A; 反向 (≤X): 权重 × A/B; never above the weight."""
    if op in _AT_LEAST:
        if target <= 0:
            return None
        return min(weight, weight * actual / target)
    if actual <= 0:
        # Nothing spent / no incidents against a ceiling: the target is fully met.
        return weight
    return min(weight, weight * target / actual)


def check_formula(ctx: Context, project: Project, index: int, indicator: Indicator) -> None:
    rule = "indicator.formula"
    comparable = _comparable(indicator)
    if comparable is None or indicator.score is None:
        return
    if indicator.weight is None:
        ctx.skip(rule)
        return
    op, target, actual = comparable
    expected = formula_score(op, indicator.weight, target, actual)
    if expected is None:
        ctx.skip(rule)
        return
    ctx.ran()
    if agrees(indicator.score, expected):
        return
    ratio = "B/A" if op in _AT_LEAST else "A/B"
    ctx.flag(
        rule,
        project=project.id,
        path=f"indicators[{index}].score",
        message=(
            f"“{indicator.name}”按表中公式 得分=权重×{ratio}（不超过权重）应为 "
            f"{fmt(round_to(expected, 2))}，表中为 {fmt(indicator.score)}"
        ),
        expected=round_to(expected, 2),
        found=indicator.score,
        span=indicator.span or project.span,
    )


def _suspicion(name: str, value: Value) -> str | None:
    """Why a value looks wrong, or None."""
    number, unit = value.number, (value.unit or "").strip()
    if number is None:
        return None
    if unit in {"", "%"} and 0 < number < 1 and _PERCENT_NAME.search(name):
        if unit == "" or _BOUNDED_RATE.search(name):
            return f"百分比写成了 {value.raw}（应为 {fmt(round_to(number * 100, 4))}%？）"
    if unit == "%" and number > 100 + _EPS and _BOUNDED_RATE.search(name):
        return f"比率 {value.raw} 超过 100%"
    return None


def check_suspicious_value(
    ctx: Context, project: Project, index: int, indicator: Indicator
) -> None:
    rule = "indicator.suspicious_value"
    for field in ("target", "actual"):
        value: Value | None = getattr(indicator, field)
        if value is None or value.number is None:
            continue
        ctx.ran()
        reason = _suspicion(indicator.name, value)
        if reason is None:
            continue
        label = "指标值" if field == "target" else "实际完成值"
        ctx.flag(
            rule,
            project=project.id,
            path=f"indicators[{index}].{field}",
            message=f"“{indicator.name}”{label}可疑：{reason}",
            expected=None,
            found=value.raw,
            span=indicator.span or project.span,
        )


def check_unit_mismatch(ctx: Context, project: Project, index: int, indicator: Indicator) -> None:
    """An actual printed as a bare number where its target has a unit ("9.954" against
    "≤20万元", "100" against "≥98%"): 9.954 what? The figure cannot be compared with the
    target, and a reader of the form cannot tell whether it meets it."""
    rule = "indicator.unit_mismatch"
    target, actual = indicator.target, indicator.actual
    if target is None or actual is None or target.number is None or actual.number is None:
        return
    unit = (target.unit or "").strip()
    if not unit:
        return
    ctx.ran()
    if (actual.unit or "").strip():
        return
    ctx.flag(
        rule,
        project=project.id,
        path=f"indicators[{index}].actual",
        message=(
            f"“{indicator.name}”实际完成值 {actual.raw} 没有单位，"
            f"而指标值 {target.raw} 的单位是 {unit}"
        ),
        expected=unit,
        found=actual.raw,
        span=indicator.span or project.span,
    )
