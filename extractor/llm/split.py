"""Split a form too long for one call into parts by rows, the header repeated in each.

The header is everything up to the indicator column-heading row (一级指标 二级指标 三级指标 …)
when it is short, else just that heading row; rows are never cut, so a block-layout cell
that spans lines stays whole.
"""

from __future__ import annotations

from dataclasses import dataclass

from extractor.chunk import is_indicator_header
from extractor.llm.tokens import estimate_tokens
from extractor.rows import Row, read_rows


@dataclass(frozen=True)
class Part:
    text: str
    index: int  # 1-based
    count: int
    repeated: int  # length of the repeated header at the start of `text` (0: none)


def split_form(text: str, budget: int) -> list[Part]:
    """The form text as one part when it fits `budget` (estimated tokens), else parts."""
    if estimate_tokens(text) <= budget:
        return [Part(text=text, index=1, count=1, repeated=0)]
    rows = read_rows(text)
    if len(rows) < 2:
        return [Part(text=text, index=1, count=1, repeated=0)]
    h = next((i for i, row in enumerate(rows) if is_indicator_header(row)), 0)
    heading = rows[h]
    body = rows[h + 1 :]
    sep = text[heading.end : body[0].start] if body else "\n"
    whole_header = text[: heading.end]
    pieces: list[tuple[str, int]] = []  # (text, repeated header length)
    if estimate_tokens(whole_header) <= budget // 2:
        repeat = whole_header
    else:
        repeat = text[heading.start : heading.end]
        for first, last in _groups(rows[:h], text, budget, ""):
            pieces.append((text[rows[first].start : rows[last].end], 0))
    prefix = repeat + sep
    for first, last in _groups(body, text, budget, prefix):
        pieces.append((prefix + text[body[first].start : body[last].end], len(prefix)))
    if not pieces:
        return [Part(text=text, index=1, count=1, repeated=0)]
    count = len(pieces)
    return [
        Part(text=body_text, index=i, count=count, repeated=size if i > 1 else 0)
        for i, (body_text, size) in enumerate(pieces, start=1)
    ]


def _groups(rows: list[Row], text: str, budget: int, prefix: str) -> list[tuple[int, int]]:
    """Consecutive row ranges (first, last) whose text plus `prefix` fits the budget; a
    single row over the budget is a group of its own."""
    groups: list[tuple[int, int]] = []
    start = 0
    base = estimate_tokens(prefix)
    while start < len(rows):
        end = start
        while end + 1 < len(rows):
            candidate = text[rows[start].start : rows[end + 1].end]
            if base + estimate_tokens(candidate) > budget:
                break
            end += 1
        groups.append((start, end))
        start = end + 1
    return groups
