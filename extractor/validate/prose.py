"""Prose units and the figures in them, for the narrative rules.

A *prose unit* is a stretch of running text: a narrative paragraph, or a long cell of a
table row that is written as sentences (评价情况 cells of an analysis table restate
figures just like paragraphs do). Its text has all whitespace removed — OCR breaks words
and numbers with spaces ("1, 085. 68", "收、支 总计") — and keeps a map back to offsets
in `Document.text`, so flags still point at the source.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from extractor.document import Chunk, Document

# Full-width digits folded one character for one character, so offsets survive.
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９％", "0123456789%")

MONEY_UNITS: dict[str, float] = {"亿元": 10000.0, "万元": 1.0, "元": 0.0001}
COUNT_UNITS = (
    *("万人次", "人次", "万人", "人", "户", "家", "件", "场次", "次", "张", "份", "个", "条"),
    *("场", "名", "项", "所", "台", "套", "辆", "批", "期", "篇", "册", "处", "座"),
    *("亩", "公里", "平方米", "吨"),
)
# Longest first, so "场次" is not read as "场" and "万人次" not as "万人".
_UNIT_ALT = "|".join(sorted(["亿元", "万元", "元", *COUNT_UNITS, "%", "分"], key=len, reverse=True))
FIGURE = re.compile(rf"(?<![\d.])(\d{{1,3}}(?:,\d{{3}})+|\d+)(?:\.(\d+))?({_UNIT_ALT})?")
# Where a figure's label (the words naming it) stops, looking back.
_LABEL_STOP = re.compile(r"[，,。；;：:、（）()\[\]【】“”\"\n]|\d")
_LIST_MARKER = re.compile(r"^(?:[①-⑳]|[一二三四五六七八九十]+是|其中|\d+[.、．]|[（(]\d+[)）])+")
_PROSE_MARK = re.compile(r"[，。；,;]")


@dataclass(frozen=True)
class Figure:
    """A number printed in prose with its unit and the words just before it."""

    value: float
    unit: str | None
    start: int  # index into the unit's clean text
    end: int
    label: str

    @property
    def kind(self) -> str:
        if self.unit in MONEY_UNITS:
            return "money"
        if self.unit == "%":
            return "percent"
        if self.unit == "分":
            return "score"
        if self.unit in COUNT_UNITS:
            return "count"
        return "bare"

    def in_wan(self) -> float:
        """Money in 万元."""
        return self.value * MONEY_UNITS.get(self.unit or "", 1.0)


@dataclass
class ProseUnit:
    text: str  # whitespace removed
    offsets: list[int]  # clean index → offset in Document.text
    kind: str = "paragraph"  # "paragraph" | "cell"
    row_cells: list[str] = field(default_factory=list)  # a cell's row, cleaned
    _figures: list[Figure] | None = None

    def doc_range(self, start: int, end: int) -> tuple[int, int]:
        if not self.offsets:
            return 0, 0
        start = min(max(start, 0), len(self.offsets) - 1)
        last = min(max(end - 1, start), len(self.offsets) - 1)
        return self.offsets[start], self.offsets[last] + 1

    @property
    def figures(self) -> list[Figure]:
        if self._figures is None:
            self._figures = list(_find_figures(self.text))
        return self._figures


def label_before(text: str, pos: int) -> str:
    """The words naming the figure at `pos`: back to the previous delimiter or number,
    without list markers (①, 一是, 其中, 1.)."""
    start = pos
    while start > 0 and not _LABEL_STOP.match(text[start - 1]):
        start -= 1
    return _LIST_MARKER.sub("", text[start:pos])


def _find_figures(text: str) -> Iterator[Figure]:
    for match in FIGURE.finditer(text):
        whole = match.group(1).replace(",", "")
        digits = whole + ("." + match.group(2) if match.group(2) else "")
        yield Figure(
            value=float(digits),
            unit=match.group(3),
            start=match.start(),
            end=match.end(),
            label=label_before(text, match.start()),
        )


_NON_SPACE = re.compile(r"\S+")


def clean(raw: str, base: int) -> tuple[str, list[int]]:
    """Remove whitespace and fold full-width digits; map each kept char to its offset."""
    folded = raw.translate(_FULLWIDTH_DIGITS)
    parts: list[str] = []
    offsets: list[int] = []
    for match in _NON_SPACE.finditer(folded):
        parts.append(match.group())
        offsets.extend(range(base + match.start(), base + match.end()))
    text = "".join(parts)
    # "99．5" between digits is a decimal point.
    text = re.sub(r"(?<=\d)．(?=\d)", ".", text)
    return text, offsets


_SENTENCE_END = "。！？!?；;：:"


def _paragraphs(text: str) -> Iterator[tuple[int, str]]:
    """(offset, paragraph) split at blank lines, and at page breaks that end a sentence:
    a sentence running over a page break ("占本年支出合计的\f100.00%。与上年相比…")
    stays one paragraph."""
    pos = 0
    start: int | None = None
    for part in re.split(r"(\n[ \t\u3000]*\n+|\f)", text):
        separator = re.fullmatch(r"\n[ \t\u3000]*\n+|\f", part) is not None
        if separator:
            continues = part == "\f" and start is not None
            if continues and not text[start:pos].rstrip().endswith(tuple(_SENTENCE_END)):
                pos += len(part)
                continue
            if start is not None and text[start:pos].strip():
                yield start, text[start:pos]
            start = None
        elif part:
            start = pos if start is None else start
        pos += len(part)
    if start is not None and text[start:pos].strip():
        yield start, text[start:pos]


def _rows(paragraph: str) -> Iterator[tuple[int, str]]:
    """A table row starts at a line holding a tab; lines without one continue it (cells
    that span lines) or, before any tab line, are prose."""
    pos = 0
    for part in re.split(r"(\n)(?=[^\n]*\t)", paragraph):
        if part == "\n":
            pos += 1
            continue
        yield pos, part
        pos += len(part)


def _cells(row: str) -> Iterator[tuple[int, str]]:
    pos = 0
    for cell in row.split("\t"):
        yield pos, cell
        pos += len(cell) + 1


def _squash(text: str) -> str:
    return _NON_SPACE_JOIN.sub("", text.translate(_FULLWIDTH_DIGITS))


_NON_SPACE_JOIN = re.compile(r"\s+")


_MIN_PROSE = 12  # characters a table cell needs to count as prose


def _is_prose_cell(text: str) -> bool:
    return (
        len(text) >= _MIN_PROSE
        and bool(_PROSE_MARK.search(text))
        and any(c.isdigit() for c in text)
    )


def units_from_text(text: str, base: int, *, narrative: bool) -> list[ProseUnit]:
    """Prose units of one chunk's text: whole paragraphs (narrative chunks only) and
    sentence-like table cells (any chunk)."""
    units: list[ProseUnit] = []
    for p_off, paragraph in _paragraphs(text):
        for r_off, row in _rows(paragraph):
            start = base + p_off + r_off
            if "\t" not in row:
                if narrative:
                    clean_text, offsets = clean(row, start)
                    if clean_text:
                        units.append(ProseUnit(clean_text, offsets))
                continue
            cells = list(_cells(row))
            # Most cells are short labels and numbers; skip rows with no long cell cheaply.
            if not any(
                len(cell) >= _MIN_PROSE and _is_prose_cell(_squash(cell)) for _o, cell in cells
            ):
                continue
            row_texts = [_squash(cell) for _c_off, cell in cells]
            for (c_off, cell), squashed in zip(cells, row_texts, strict=True):
                if _is_prose_cell(squashed):
                    cell_text, offsets = clean(cell, start + c_off)
                    units.append(ProseUnit(cell_text, offsets, "cell", row_texts))
    return units


def prose_units(chunks: list[Chunk]) -> list[ProseUnit]:
    units: list[ProseUnit] = []
    for chunk in sorted(chunks, key=lambda c: c.start):
        units.extend(units_from_text(chunk.text, chunk.start, narrative=chunk.kind == "narrative"))
    return units


def paragraph_chunks(document: Document) -> list[Chunk]:
    """The whole document as narrative chunks, one per paragraph: what the CLI and
    `validate_result` use when no chunker ran. Table rows inside them are reduced to
    their sentence-like cells by `units_from_text`."""
    text = document.text
    return [
        Chunk(
            doc_id=document.doc_id,
            kind="narrative",
            start=offset,
            end=offset + len(paragraph),
            text=paragraph,
        )
        for offset, paragraph in _paragraphs(text)
    ]
