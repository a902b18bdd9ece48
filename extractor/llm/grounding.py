"""Grounding: every value the model returns is looked up in its chunk.

Both sides are normalised the way the template parser reads cells (full-width folded,
LaTeX and HTML rewritten, whitespace removed, digits split by OCR spaces joined), so
"1, 085. 68" grounds 1085.68 and "满意 度指 标" grounds "满意度指标". A value not found
is flagged `llm.ungrounded`; records get a span (their row) only when found — the
model is never asked for positions.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Iterator

from extractor.llm.flags import UNGROUNDED, PendingFlag
from extractor.models import FUNDING_NUMBER_FIELDS, Project, Span
from extractor.normalize import join_number_spaces, normalize_text
from extractor.rows import Row, read_rows

_FOLD = str.maketrans({"％": "%", "：": ":", "（": "(", "）": ")", "≧": "≥", "≦": "≤", "，": ","})
_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")
_DIGIT_COMMA = re.compile(r"(?<=\d),(?=\d)")
_SPACE = re.compile(r"\s+")
STANDARD_SOURCES = frozenset({"total", "fiscal", "carryover", "other"})
# Row labels of the standard funding sources, most specific first.
SOURCE_WORDS: dict[str, tuple[str, ...]] = {
    "total": ("年度资金总额", "年度财政资金总额", "部门整体支出总额", "资金总额", "合计"),
    "fiscal": ("本年财政拨款", "财政拨款"),
    "carryover": ("上年结转",),
    "other": ("其他资金",),
}
FIELD_NAMES: dict[str, str] = {
    "name": "项目名称",
    "year": "年度",
    "department": "主管部门",
    "implementer": "实施单位",
    "group": "指标分组",
    "level1": "一级指标",
    "level2": "二级指标",
    "target": "目标值",
    "actual": "实际完成值",
    "weight": "分值",
    "score": "得分",
    "deviation_reason": "偏差原因",
    "source": "资金来源",
    "unit": "金额单位",
    "nature": "指标性质",
    "initial_budget": "年初预算数",
    "budget": "预算数",
    "carried_in": "上年结转",
    "received": "到位数",
    "received_rate": "到位率",
    "executed": "执行数",
    "execution_rate": "执行率",
    "balance": "结余",
}


def fold(text: str) -> str:
    """The comparison form of a text: normalised, no whitespace, ≥/≤ spelled one way."""
    text = join_number_spaces(normalize_text(text).text)
    text = _SPACE.sub("", text).translate(_FOLD).replace(">=", "≥").replace("<=", "≤")
    return _DIGIT_COMMA.sub("", text)


def numbers_in(text: str) -> list[float]:
    joined = join_number_spaces(normalize_text(text).text)
    return [float(m.group(0).replace(",", "")) for m in _NUMBER.finditer(joined)]


def same_number(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


class ChunkIndex:
    """A chunk's text (with the lines above it) prepared for lookups. `base` is the
    offset of `text` in `Document.text`; `locate` turns offsets into spans."""

    def __init__(
        self, text: str, base: int, locate: Callable[[int, int], Span] | None = None
    ) -> None:
        self.text = text
        self.base = base
        self.locate = locate

    @functools.cached_property
    def folded(self) -> str:
        return fold(self.text)

    @functools.cached_property
    def numbers(self) -> list[float]:
        return numbers_in(self.text)

    @functools.cached_property
    def rows(self) -> list[Row]:
        return [r for r in read_rows(self.text, base=self.base) if r.key]

    @functools.cached_property
    def _row_keys(self) -> list[str]:
        return [fold(r.raw or "\t".join(r.texts)) for r in self.rows]

    @functools.cached_property
    def _row_numbers(self) -> list[list[float]]:
        return [numbers_in("\t".join(r.texts)) for r in self.rows]

    def has_text(self, value: str) -> bool:
        key = fold(value)
        return not key or key in self.folded

    def has_number(self, value: float) -> bool:
        return any(same_number(value, n) for n in self.numbers)

    def row_span(
        self, texts: list[str], numbers: list[float], after: int = -1
    ) -> tuple[Span | None, int]:
        """The span of the row that best holds these texts and numbers (the first text,
        when given, must be in it); rows after index `after` are preferred so records
        keep document order. Returns (span, row index)."""
        keys = [fold(t) for t in texts if t and fold(t)]
        best: tuple[int, int] | None = None  # (score, index)
        for index, (row_key, row_numbers) in enumerate(
            zip(self._row_keys, self._row_numbers, strict=True)
        ):
            if keys and keys[0] not in row_key:
                continue
            score = sum(k in row_key for k in keys) * 3
            score += sum(any(same_number(n, r) for r in row_numbers) for n in numbers)
            if score == 0:
                continue
            score = score * 2 + (1 if index > after else 0)
            if best is None or score > best[0]:
                best = (score, index)
        if best is None or self.locate is None:
            return None, after
        row = self.rows[best[1]]
        return self.locate(row.start, row.end), best[1]


def _checks(project: Project) -> Iterator[tuple[str, str | float | int]]:
    """(path, value) of every text and number the model gave for a project."""
    for field in ("name", "department", "implementer"):
        value = getattr(project, field)
        if value:
            yield field, value
    if project.year is not None:
        yield "year", project.year
    for i, line in enumerate(project.funding):
        if line.source not in STANDARD_SOURCES:
            yield f"funding[{i}].source", line.source
        for field in FUNDING_NUMBER_FIELDS:
            value = getattr(line, field)
            if value is not None:
                yield f"funding[{i}].{field}", value
    for i, ind in enumerate(project.indicators):
        for field in ("group", "level1", "level2", "name", "deviation_reason"):
            value = getattr(ind, field)
            if value:
                yield f"indicators[{i}].{field}", value
        for field in ("target", "actual"):
            cell = getattr(ind, field)
            if cell is not None and cell.raw:
                yield f"indicators[{i}].{field}", cell.raw
        for field in ("weight", "score"):
            value = getattr(ind, field)
            if value is not None:
                yield f"indicators[{i}].{field}", value
    for k, sub in enumerate(project.subtotals):
        yield f"subtotals[{k}].level1", sub.level1
        for field in ("weight", "score"):
            value = getattr(sub, field)
            if value is not None:
                yield f"subtotals[{k}].{field}", value
    for field in ("weight", "score"):
        value = getattr(project.total, field)
        if value is not None:
            yield f"total.{field}", value


def field_label(path: str) -> str:
    last = path.rsplit(".", 1)[-1]
    if path == "name" or path.endswith("].name"):
        return "项目名称" if path == "name" else "三级指标"
    if path.startswith("total."):
        return "总分" + FIELD_NAMES.get(last, last)
    return FIELD_NAMES.get(last, last)


def _shown(value: str | float | int) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def ground_project(
    project: Project, index: ChunkIndex, only: Callable[[str], bool] | None = None
) -> list[PendingFlag]:
    """Flag every ungrounded value of `project` (or those whose path `only` accepts);
    give its records spans where found."""
    flags: list[PendingFlag] = []
    for path, value in _checks(project):
        if only is not None and not only(path):
            continue
        found = index.has_text(value) if isinstance(value, str) else index.has_number(float(value))
        if found:
            continue
        flags.append(
            PendingFlag(
                rule=UNGROUNDED,
                project=project,
                path=path,
                message=f"模型给出的{field_label(path)}“{_shown(value)}”在原文中找不到，请人工核对",
                found=value,
            )
        )
    set_spans(project, index)
    return flags


def set_spans(project: Project, index: ChunkIndex) -> None:
    after = -1
    for line in project.funding:
        texts = [line.source]
        if line.source in STANDARD_SOURCES:
            labels = [w for w in SOURCE_WORDS[line.source] if w in index.folded]
            texts = labels[:1]
        numbers = [
            v
            for v in (line.budget, line.executed, line.initial_budget, line.received)
            if v is not None
        ]
        if line.span is None and (texts or numbers):
            line.span, _ = index.row_span(texts, numbers)
    for ind in project.indicators:
        if ind.span is not None:
            continue
        texts = [ind.name] + [v.raw for v in (ind.target, ind.actual) if v is not None]
        numbers = [v for v in (ind.weight, ind.score) if v is not None]
        span, row = index.row_span(texts, numbers, after)
        if span is not None:
            ind.span, after = span, row
