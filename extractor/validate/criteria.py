"""A scoring row's own 评分标准 against the form's figures.

Evaluation scoring tables print how a row is scored, and for the rows about money the
figure that decides it is on the same report's funding block: "预算执行率 … 90%-100%得2.5
分；80%-89%得1分", "①资金安排在11月底之前分配完毕，计2分；全年执行进度低于95%，不计分",
"≥95%计4分，每低于1%扣0.2分". A row scored above what its criterion allows for the
printed 执行率 / 到位率 is `indicator.criterion_not_met` (path ``indicators[i].score``).

Only rows whose name says which rate decides them (执行 / 支出 → the 执行率, 到位 → the
到位率) and only criteria stated as thresholds are read; anything else is left alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractor.figures import fmt
from extractor.models import FundingLine, Indicator, Project
from extractor.validate.report import Context

RULE = "indicator.criterion_not_met"
_EPS = 1e-9
_NUM = r"(\d+(?:\.\d+)?)"
# "90%-100%得2.5分", "80%—89%的得1分", "60%~79%得0.5分", "95%（含）-100%得满分"
_INCL = r"(?:（含）|\(含\))?"
_BAND = re.compile(
    rf"{_NUM}%?{_INCL}[-—–~～至到]{_NUM}%{_INCL}(?:的|之间)?[，,]?(?:得|计|给)?(?:{_NUM}分|满分)"
)
# "60%以下，不得分", "60%以下的得0分"
_BELOW_NOTHING = re.compile(rf"{_NUM}%以下(?:的)?[，,]?(?:不得分|不计分|得0分|计0分)")
# "全年执行进度低于95%，不计分", "执行率低于90%的不得分"
_UNDER_LOSES = re.compile(
    rf"(?:低于|小于|不足|未达到?|<){_NUM}%(?:的)?[，,]?(?:本项|该项|此项)?(?:不得分|不计分|得0分|计0分)"
)
# "≥95%计4分，每低于1%扣0.2分"
_SLOPE = re.compile(
    rf"(?:[≥>＞]|达到|不低于){_NUM}%(?:的|以上)?[，,]?(?:计|得){_NUM}分[，,；;]?"
    rf"每(?:低于|下降|降低|减少)1(?:%|个百分点)[，,]?扣{_NUM}分"
)
# A part of a multi-part criterion: "①…计2分；…" up to the next marker.
_PART = re.compile(r"[①-⑳][^①-⑳]*")
_PART_POINTS = re.compile(rf"(?:计|得){_NUM}分")
_SEGMENT = 400  # how far a row's criterion text may run after its name
_SUBJECT_REACH = 8  # how far before "低于 X%" the rate must be named


@dataclass(frozen=True)
class Limit:
    most: float  # the most the row may score
    why: str  # the criterion text that sets it


def _squashed(text: str) -> str:
    return re.sub(r"\s+", "", text)


_STATED_RATE = {
    "执行率": re.compile(r"(?:预算|资金)?执行率(?:为|达到?|是)?(\d+(?:\.\d+)?)%"),
    "到位率": re.compile(r"(?:资金)?到位率(?:为|达到?|是)?(\d+(?:\.\d+)?)%"),
}


def _stated_rate(text: str, label: str) -> float | None:
    """The report's own 执行率 / 到位率 when its prose states one value only (a report
    without a funding table: "实际支出410万元，预算执行率82%")."""
    values = {float(m.group(1)) for m in _STATED_RATE[label].finditer(text)}
    return values.pop() if len(values) == 1 else None


def _rate(project: Project, name: str, text: str) -> tuple[float, str, str] | None:
    """The rate that decides a row named `name`, what it is called, and the words that
    name it in a criterion: the funding block's, else the one the prose states."""
    lines = [ln for ln in project.funding if ln.source == "total"] or project.funding[:1]
    line: FundingLine | None = lines[0] if lines else None
    if re.search(r"执行|支出", name):
        if line is not None and line.execution_rate is not None:
            return line.execution_rate, "执行率", "执行|支出"
        if line is not None and line.executed is not None and line.budget:
            return line.executed / line.budget * 100, "执行率", "执行|支出"
        stated = _stated_rate(text, "执行率")
        return (stated, "执行率", "执行|支出") if stated is not None else None
    if "到位" in name:
        if line is not None and line.received_rate is not None:
            return line.received_rate, "到位率", "到位"
        stated = _stated_rate(text, "到位率")
        return (stated, "到位率", "到位") if stated is not None else None
    return None


def _segments(text: str, names: list[str], index: int) -> list[str]:
    """The text after each printing of row `index`'s name, up to the next row's name."""
    name = names[index]
    others = [n for k, n in enumerate(names) if k != index and n and n != name]
    found: list[str] = []
    start = text.find(name)
    while start >= 0:
        end = start + len(name)
        segment = text[end : end + _SEGMENT]
        cut = min((p for p in (segment.find(o) for o in others) if p >= 0), default=len(segment))
        found.append(segment[:cut])
        start = text.find(name, end)
    return found


def limit(segment: str, rate: float, weight: float, subject: str = "执行|支出") -> Limit | None:
    """The most a row of `weight` may score at `rate` by its criterion, or None.

    Bands and slopes belong to the row; a "低于 X%，不计分" clause counts only when the
    words before it name the rate (`subject`: 执行/支出, or 到位) — a row about the 执行率
    may also dock points for its 调整率."""
    bands = [
        (float(lo), float(hi), float(pts) if pts is not None else weight, m.group())
        for m in _BAND.finditer(segment)
        for lo, hi, pts in [m.groups()]
    ]
    if bands:
        reached = [b for b in bands if b[0] <= rate + _EPS]
        if reached:
            best = max(reached, key=lambda b: b[0])
            return Limit(best[2], best[3])
        below = _BELOW_NOTHING.search(segment)
        if below is not None:
            return Limit(0.0, below.group())
    slope = _SLOPE.search(segment)
    if slope is not None:
        floor_rate, full, step = (float(g) for g in slope.groups())
        if rate < floor_rate - _EPS:
            steps = int(floor_rate - rate + _EPS)  # whole percentage points below
            return Limit(max(0.0, full - steps * step), slope.group())
        return None
    under = next(
        (
            m
            for m in _UNDER_LOSES.finditer(segment)
            if re.search(subject, segment[max(0, m.start() - _SUBJECT_REACH) : m.start()])
        ),
        None,
    )
    if under is not None and rate < float(under.group(1)) - _EPS:
        part = next(
            (p for p in _PART.finditer(segment) if p.start() <= under.start() < p.end()), None
        )
        points = _PART_POINTS.search(part.group()) if part is not None else None
        lost = float(points.group(1)) if points is not None else weight
        return Limit(
            max(0.0, weight - lost), (part.group() if part else under.group()).rstrip("；;")
        )
    return None


def check_criteria(ctx: Context, project: Project) -> None:
    if project.form != "evaluation_scoring" or not ctx.text:
        return
    text = _squashed(ctx.text)
    names = [_squashed(ind.name) for ind in project.indicators]
    for index, indicator in enumerate(project.indicators):
        _check_row(ctx, project, text, names, index, indicator)


def _check_row(
    ctx: Context, project: Project, text: str, names: list[str], index: int, row: Indicator
) -> None:
    if row.score is None or row.weight is None or len(names[index]) < 3:
        return
    decided = _rate(project, names[index], text)
    if decided is None:
        return
    rate, label, subject = decided
    for segment in _segments(text, names, index):
        found = limit(segment, rate, row.weight, subject)
        if found is None:
            continue
        ctx.ran()
        if row.score <= found.most + _EPS:
            return
        ctx.flag(
            RULE,
            project=project.id,
            path=f"indicators[{index}].score",
            message=(
                f"“{row.name}”评分标准“{found.why}”，而{label}为 {fmt(rate)}%，"
                f"本项最多应得 {fmt(found.most)} 分，表中得 {fmt(row.score)} 分"
            ),
            expected=f"≤ {fmt(found.most)}",
            found=row.score,
            span=row.span or project.span,
        )
        return
