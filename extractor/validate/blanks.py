"""Blank cells: a row of a form that lacks a 权重 / 指标值 / 完成值 / 得分 that (nearly)
every other row of the same form prints.

A form either has a column or it does not: a target form prints a 权重 on every row, a
self-evaluation form a 实际完成值 and a 得分 on every row. One row without it lost the
value (a cell shifted by the layout, a weight never filled in), and its form no longer
adds up: the 权重 sum cannot be checked, the row cannot be scored. A column that most
rows leave empty (得分-only forms have no per-row 分值) is not a column of that form, and
a column with several blanks is more likely a layout the reader did not follow than a
document error: only a single blank among at least three filled rows is flagged.

Path: ``indicators[i].weight`` / ``.target`` / ``.actual`` / ``.score``.
"""

from __future__ import annotations

from extractor.models import Indicator, Project
from extractor.validate.report import Context

RULE = "indicator.missing_value"
# field → what the form calls it
FIELDS: dict[str, str] = {
    "weight": "权重（分值）",
    "target": "指标值",
    "actual": "实际完成值",
    "score": "得分",
}
# A column counts as the form's when at least this many other rows fill it.
MIN_FILLED = 3


def _filled(indicator: Indicator, field: str) -> bool:
    value = getattr(indicator, field)
    if value is None:
        return False
    raw = getattr(value, "raw", None)
    return raw is None or bool(raw.strip())


def check_blanks(ctx: Context, project: Project) -> None:
    rows = project.indicators
    for field, label in FIELDS.items():
        blank = [i for i, row in enumerate(rows) if not _filled(row, field)]
        filled = len(rows) - len(blank)
        if filled < MIN_FILLED:
            continue
        ctx.ran()
        if len(blank) != 1:
            continue
        for index in blank:
            ctx.flag(
                RULE,
                project=project.id,
                path=f"indicators[{index}].{field}",
                message=(
                    f"“{rows[index].name}”的{label}空缺，而本表其他 {filled} 行都填写了{label}"
                ),
                expected=label,
                found=None,
                span=rows[index].span or project.span,
            )
