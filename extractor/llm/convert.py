"""Model answers → the pipeline's records (`Project`, `FundingLine`, `Indicator`) and
stated figures. Labels are cleaned the way the template parser cleans them; values are
parsed from the raw cell text with `extractor.normalize`."""

from __future__ import annotations

import re

from extractor.document import Chunk, Document
from extractor.llm.grounding import ChunkIndex, fold, numbers_in, same_number
from extractor.llm.records import StatedFigureRecord, StatedPart
from extractor.llm.schema import (
    FormAnswer,
    FundingAnswer,
    IndicatorAnswer,
    NarrativeAnswer,
    SubtotalAnswer,
)
from extractor.models import FUNDING_NUMBER_FIELDS, FundingLine, Indicator, Project, Subtotal, Total
from extractor.normalize import (
    normalize_text,
    parse_value,
    split_weight,
    squash,
    strip_indicator_prefix,
)

SOURCE_LABELS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^(年度资金总额|年度财政资金总额|部门整体支出总额|资金总额|合计|总计)"), "total"),
    (re.compile(r"^(其中:?)?(本年)?财政拨款"), "fiscal"),
    (re.compile(r"^(其中:?)?上年结转"), "carryover"),
    (re.compile(r"^(其中:?)?其他资金"), "other"),
)
NOT_APPLICABLE = "本指标不适用"


def clean_text(text: str | None) -> str | None:
    if text is None:
        return None
    cleaned = squash(normalize_text(text).text)
    return cleaned or None


def source_of(label: str) -> str:
    text = squash(normalize_text(label).text).replace("：", ":")
    lowered = text.lower()
    if lowered in ("total", "fiscal", "carryover", "other"):
        return lowered
    for pattern, source in SOURCE_LABELS:
        if pattern.match(text):
            return source
    return text


def merge_parts(answers: list[FormAnswer]) -> FormAnswer:
    """One answer from the answers for the parts of a long form."""
    if len(answers) == 1:
        return answers[0]
    first = answers[0].model_copy(deep=True)
    for answer in answers[1:]:
        for field in ("name", "year", "department", "implementer", "total_weight", "total_score"):
            if getattr(answer, field) not in (None, "") and getattr(first, field) in (None, ""):
                setattr(first, field, getattr(answer, field))
            elif field.startswith("total_") and getattr(answer, field) is not None:
                setattr(first, field, getattr(answer, field))  # the 总分 row is in the last part
        first.funding = _merge_funding(first.funding, answer.funding)
        _carry_level2(first.indicators, answer.indicators)
        first.indicators.extend(answer.indicators)
        first.subtotals = _merge_subtotals(first.subtotals, answer.subtotals)
    return first


def _merge_funding(ours: list[FundingAnswer], theirs: list[FundingAnswer]) -> list[FundingAnswer]:
    merged = list(ours)
    for line in theirs:
        same = next((m for m in merged if source_of(m.source) == source_of(line.source)), None)
        if same is None:
            merged.append(line)
            continue
        for field in FUNDING_NUMBER_FIELDS:
            if getattr(same, field) is None and getattr(line, field) is not None:
                setattr(same, field, getattr(line, field))
    return merged


def _merge_subtotals(
    ours: list[SubtotalAnswer], theirs: list[SubtotalAnswer]
) -> list[SubtotalAnswer]:
    merged = list(ours)
    for sub in theirs:
        same = next(
            (m for m in merged if split_weight(m.level1)[0] == split_weight(sub.level1)[0]), None
        )
        if same is None:
            merged.append(sub)
            continue
        same.weight = same.weight if same.weight is not None else sub.weight
        same.score = same.score if same.score is not None else sub.score
    return merged


def _carry_level2(before: list[IndicatorAnswer], after: list[IndicatorAnswer]) -> None:
    """A continuation part's first rows whose merged 二级指标 cell was printed above."""
    if not before:
        return
    last = before[-1]
    for ind in after:
        if ind.level2 or (ind.level1 and ind.level1 != last.level1):
            break
        ind.level2 = last.level2
        ind.level1 = ind.level1 or last.level1


def _funding(answer: FundingAnswer) -> FundingLine | None:
    values = {field: getattr(answer, field) for field in FUNDING_NUMBER_FIELDS}
    if all(v is None for v in values.values()):
        return None  # a row whose cells are all empty is left out
    return FundingLine(source=source_of(answer.source), unit=answer.unit, **values)


def _indicators(answers: list[IndicatorAnswer]) -> list[Indicator]:
    indicators: list[Indicator] = []
    level1: str | None = None
    level2: str | None = None
    for answer in answers:
        name, _weight = split_weight(strip_indicator_prefix(clean_text(answer.name) or ""))
        target_raw = clean_text(answer.target)
        if NOT_APPLICABLE in name or (target_raw and NOT_APPLICABLE in target_raw):
            continue
        this1 = split_weight(answer.level1)[0] if answer.level1 else None
        this2 = split_weight(answer.level2)[0] if answer.level2 else None
        if this1:
            if this1 != level1:
                level2 = None
            level1 = this1
        if this2:
            level2 = this2
        elif this1 is None:
            this2 = level2  # a merged 二级 cell printed once above
        indicators.append(
            Indicator(
                group=clean_text(answer.group),
                level1=this1 or level1 or "",
                level2=this2,
                name=name,
                nature=answer.nature,
                target=parse_value(answer.target, op_hint=answer.nature),
                actual=parse_value(answer.actual),
                weight=answer.weight,
                score=answer.score,
                deviation_reason=clean_text(answer.deviation_reason),
            )
        )
    return indicators


def to_project(answer: FormAnswer, chunk: Chunk, document: Document) -> Project:
    """The record of one form chunk. Id and form kind come from the pipeline; the
    project's span is the chunk's."""
    name = clean_text(answer.name) or ""
    department = clean_text(answer.department)
    if chunk.form and chunk.form.startswith("department"):
        department = department or name or None
    funding = [line for line in (_funding(a) for a in answer.funding) if line is not None]
    subtotals = [
        Subtotal(level1=split_weight(s.level1)[0], weight=s.weight, score=s.score)
        for s in answer.subtotals
    ]
    return Project(
        id="",
        name=name,
        form=chunk.form or "project_self_evaluation",
        year=answer.year,
        department=department,
        implementer=clean_text(answer.implementer),
        funding=funding,
        indicators=_indicators(answer.indicators),
        subtotals=subtotals,
        total=Total(weight=answer.total_weight, score=answer.total_score),
        span=document.locate(chunk.start, chunk.end),
    )


def _quote_span(index: ChunkIndex, quote: str) -> tuple[int, int] | None:
    """Offsets of the quote in the chunk text, whitespace between characters allowed."""
    chars = [c for c in squash(quote) if c][:80]
    if not chars:
        return None
    pattern = r"\s*".join(re.escape(c) for c in chars)
    match = re.search(pattern, index.text)
    return (index.base + match.start(), index.base + match.end()) if match else None


def to_figures(
    answer: NarrativeAnswer, chunk: Chunk, index: ChunkIndex
) -> list[StatedFigureRecord]:
    numbers = numbers_in(chunk.text)
    records = []
    for figure in answer.figures:
        found = _quote_span(index, figure.quote)
        parts = [
            StatedPart(
                label=clean_text(p.label) or p.label,
                amount=p.amount,
                unit=p.unit,
                grounded=any(same_number(p.amount, n) for n in numbers),
            )
            for p in figure.parts
        ]
        records.append(
            StatedFigureRecord(
                quantity=clean_text(figure.quantity) or figure.quantity,
                amount=figure.amount,
                unit=figure.unit,
                percent=figure.percent,
                percent_of=clean_text(figure.percent_of),
                parts=parts,
                quote=figure.quote,
                grounded=any(same_number(figure.amount, n) for n in numbers),
                percent_grounded=(
                    None
                    if figure.percent is None
                    else any(same_number(figure.percent, n) for n in numbers)
                ),
                chunk_start=chunk.start,
                chunk_end=chunk.end,
                span=index.locate(*found) if found and index.locate else None,
            )
        )
    return records


__all__ = ["fold", "merge_parts", "to_figures", "to_project"]
