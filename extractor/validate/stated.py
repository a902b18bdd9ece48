"""Narrative figures a model read (`result.meta["narrative_figures"]`, from the LLM
backends): their "共计 X，其中 A、B、C" breakdowns are checked where the sentence patterns of
`narrative.py` found nothing. Only figures printed in their chunk (grounded) count: the
model's reading is a pointer into the text, never evidence by itself."""

from __future__ import annotations

from typing import Any

from extractor.figures import fmt, sums_agree
from extractor.models import Span
from extractor.validate.report import Context


def _overlaps(a: Span | None, b: Span | None) -> bool:
    return (
        a is not None and b is not None and a.page == b.page and a.start < b.end and b.start < a.end
    )


def _usable(figure: dict[str, Any]) -> bool:
    parts = figure.get("parts") or []
    units = {figure.get("unit")} | {p.get("unit") or figure.get("unit") for p in parts}
    return (
        bool(figure.get("grounded"))
        and len(parts) >= 2
        and len(units) == 1
        and all(p.get("grounded") for p in parts)
    )


def check_stated_figures(ctx: Context) -> None:
    for figure in ctx.result.meta.get("narrative_figures") or []:
        if not _usable(figure):
            continue
        span = Span.model_validate(figure["span"]) if figure.get("span") else None
        already = any(f.rule == "narrative.sum" and _overlaps(f.span, span) for f in ctx.flags)
        if already:
            continue
        ctx.ran()
        total = float(figure["amount"])
        parts = [float(p["amount"]) for p in figure["parts"]]
        if sums_agree(total, parts):
            continue
        unit = figure.get("unit") or ""
        ctx.flag(
            "narrative.sum",
            project=None,
            path="narrative",
            message=(
                f"正文“{figure.get('quantity', '')}”共计 {fmt(total)}{unit}，"
                f"其中各项之和为 {fmt(sum(parts))}{unit}"
            ),
            expected=sum(parts),
            found=total,
            span=span,
        )
