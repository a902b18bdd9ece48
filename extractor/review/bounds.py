"""Plausible values for a reviewer's corrections: what a budget-performance form can
hold, so a slip of the keyboard (−5, 1e15, a year 20222) is refused before it is saved.

- amounts (预算数, 执行数, 到位, 结转): not negative, below 10¹² (a trillion yuan, above
  any line of any department's budget even when printed in 元); 结余结转 may be negative
  (over-spending prints as a negative balance);
- rates (执行率, 到位率, in %): 0 to 1000;
- points (分值, 得分): 0 to 1000 (forms score out of 100; other scales stay well below);
- years: 1949 to 2100;
- a 指标值 number: below 10¹² in magnitude;
- a score above its own weight (the same indicator's, funding line's, subtotal's or the
  总分 row's) is saved only with a note saying why: the form may really print it, but a
  reviewer must say so.
"""

from __future__ import annotations

from typing import Any

from extractor.review.fields import FieldInputError, display, get_field, has_field, parse_path

MAX_AMOUNT = 1e12
MAX_RATE = 1000.0
MAX_POINTS = 1000.0
YEARS = (1949, 2100)
RATE_FIELDS = frozenset({"received_rate", "execution_rate"})
POINT_FIELDS = frozenset({"weight", "score"})
SIGNED_FIELDS = frozenset({"balance"})


def check_value(path: str, value: Any, label: str) -> None:
    """FieldInputError when `value` cannot be what the field holds."""
    ref = parse_path(path)
    if ref is None or value is None:
        return
    if isinstance(value, dict):  # a 指标值: the number inside it
        number = value.get("number")
        if isinstance(number, (int, float)) and abs(number) >= MAX_AMOUNT:
            raise FieldInputError(f"{label}：数值过大，请检查是否多输了位数")
        return
    if ref.name == "year" and isinstance(value, int):
        if not YEARS[0] <= value <= YEARS[1]:
            raise FieldInputError(f"{label}：年份应在 {YEARS[0]}–{YEARS[1]} 之间")
        return
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return
    if value < 0 and ref.name not in SIGNED_FIELDS:
        raise FieldInputError(f"{label}：不能为负数")
    if ref.name in RATE_FIELDS:
        limit, unit = MAX_RATE, "%"
    elif ref.name in POINT_FIELDS:
        limit, unit = MAX_POINTS, " 分"
    else:
        limit, unit = MAX_AMOUNT, ""
    if abs(value) > limit:
        raise FieldInputError(
            f"{label}：数值过大（不应超过 {display(float(limit))}{unit}），请检查是否多输了位数"
        )


def score_above_weight(project: dict[str, Any], path: str, value: Any) -> tuple[Any, Any] | None:
    """(score, weight) when saving `value` at `path` leaves a score above the weight
    of its own row, else None."""
    ref = parse_path(path)
    if ref is None or ref.name not in POINT_FIELDS:
        return None
    prefix = path[: -len(ref.name)]
    other = prefix + ("weight" if ref.name == "score" else "score")
    if not has_field(project, other):
        return None
    partner = get_field(project, other)
    score, weight = (value, partner) if ref.name == "score" else (partner, value)
    numeric = all(isinstance(v, (int, float)) for v in (score, weight))
    if numeric and score > weight:
        return score, weight
    return None
