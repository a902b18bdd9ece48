"""Checks across the blocks of one form: the funding block against what the indicator
rows say about the same money.

`funding.unpaid_but_executed`: the funding block reports the money spent (执行率 100 %,
执行数 = 预算数) while a row of the same form says it has not been paid yet ("待支付",
"尚未拨付", a 偏差原因 "年底追加未来得及支付"). Either the 执行数 counts money not yet
paid out, or the row is wrong. Path: the total line's printed ``execution_rate`` (its
``executed`` when no rate is printed).
"""

from __future__ import annotations

import re

from extractor.figures import fmt
from extractor.models import FundingLine, Indicator, Project
from extractor.validate.report import Context

RULE = "funding.unpaid_but_executed"
_PAY = r"(?:支付|拨付|付款|兑付|发放|拨款)"
# "待支付", "尚未拨付", "未能支付", "未来得及支付", "未完成支付"
UNPAID = re.compile(rf"待{_PAY}|(?:尚未|暂未|还未|未能|未来得及|没有|未)(?:完成|全部)?{_PAY}")
# "不存在未支付", "无未拨付资金", "未发现…未支付": a denial, not a report of unpaid money.
_DENIAL = re.compile(r"(?:不存在|无|没有|未发现|杜绝)[^，,。；;]{0,8}$")
_EPS = 1e-9


def unpaid_phrase(text: str | None) -> str | None:
    """The phrase saying the money is not paid yet, or None."""
    if not text:
        return None
    squashed = re.sub(r"\s+", "", text)
    for match in UNPAID.finditer(squashed):
        if _DENIAL.search(squashed[: match.start()]):
            continue
        return match.group()
    return None


def _block_line(project: Project) -> tuple[int, FundingLine] | None:
    """The line that speaks for the funding block: 年度资金总额, or the only line."""
    for index, line in enumerate(project.funding):
        if line.source == "total":
            return index, line
    if len(project.funding) == 1:
        return 0, project.funding[0]
    return None


def _fully_executed(line: FundingLine) -> bool:
    if line.execution_rate is not None:
        return line.execution_rate >= 100 - _EPS
    if line.executed is not None and line.budget:
        return line.executed >= line.budget - _EPS
    return False


def _unpaid_row(indicators: list[Indicator]) -> tuple[Indicator, str] | None:
    for indicator in indicators:
        texts = [indicator.actual.raw if indicator.actual else None, indicator.deviation_reason]
        for text in texts:
            phrase = unpaid_phrase(text)
            if phrase is not None:
                return indicator, phrase
    return None


def check_unpaid_but_executed(ctx: Context, project: Project) -> None:
    block = _block_line(project)
    if block is None or not project.indicators:
        return
    index, line = block
    if line.execution_rate is None and line.executed is None:
        return
    ctx.ran()
    if not _fully_executed(line):
        return
    found = _unpaid_row(project.indicators)
    if found is None:
        return
    indicator, phrase = found
    field = "execution_rate" if line.execution_rate is not None else "executed"
    claimed = (
        f"执行率 {fmt(line.execution_rate)}%"
        if line.execution_rate is not None
        else f"执行数 {fmt(line.executed)}（预算数 {fmt(line.budget)}）"
    )
    actual = indicator.actual.raw if indicator.actual else ""
    reason = f"，偏差原因：{indicator.deviation_reason}" if indicator.deviation_reason else ""
    ctx.flag(
        RULE,
        project=project.id,
        path=f"funding[{index}].{field}",
        message=(
            f"资金{claimed}，已全部执行，但指标“{indicator.name}”称“{phrase}”"
            f"（实际完成值：{actual or '空'}{reason}）"
        ),
        expected=phrase,
        found=getattr(line, field),
        span=line.span or project.span,
    )
