"""Header cells → fields, through the vocabulary (`extractor.vocabulary`).

A form's indicator block is announced by a header row (or two, with merged cells):
一级指标 | 二级指标 | 三级指标 | 指标值 | 完成值 | 分值 | 得分 | 偏差原因 … under whatever
names its province prints. Each column's label (the header cells above it, the lowest
first) is matched against the vocabulary: exactly, then as the longest vocabulary word it
contains, then fuzzily (OCR damage). The level columns (一级/二级/三级) are also put in
order: "级指标 | 一级指标 | 三级指标", as OCR may print the header, is 一级 | 二级 | 三级.
A column whose label matches nothing is *unknown*: the reader reports it and never puts
its cells into another field.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Protocol

from rapidfuzz import fuzz

from extractor.document import Table, TableCell
from extractor.normalize import normalize_text, squash
from extractor.vocabulary import Term, vocabulary

LEVELS = ("level1", "level2", "name")
FUZZY_MIN = 72.0  # rapidfuzz ratio for an OCR-damaged header word (six characters or more)
SHORT_FUZZY_MIN = 85.0  # for shorter words
_NOTE = re.compile(r"[（(][^（）()]{0,12}[)）]")  # "(A)", "（万元）", "(20分*执行率)"
_LEVEL_LIKE = re.compile(r"[一二三四1-4]?级指标?$|^[一二三]级")


class HasText(Protocol):
    @property
    def text(self) -> str: ...


@lru_cache(maxsize=1 << 15)
def label_key(text: str) -> str:
    """A header cell as matched: no whitespace, no bracketed note, folded characters."""
    key = squash(normalize_text(text).text)
    stripped = _NOTE.sub("", key)
    return stripped or key


@dataclass(frozen=True)
class Match:
    meaning: str
    how: str  # "exact" | "contains" | "fuzzy"
    score: float
    word: str


# a column about another one: its rate, or where its value comes from
_ABOUT = re.compile(r"(率|比例|比率|占比|依据|来源|口径)$")


def match_term(text: str, terms: list[Term]) -> Match | None:
    """The vocabulary term a label stands for, or None."""
    key = label_key(text)
    if not key or (re.search(r"\d", key) and len(key) <= 3):
        return None
    for term in terms:
        if key == term.word:
            return Match(term.meaning, "exact", 100.0, term.word)
    for term in terms:  # longest first: "评分标准" before "评分"
        if len(term.word) >= 2 and term.word in key and len(key) <= len(term.word) + 8:
            if _ABOUT.search(key) and not _ABOUT.search(term.word):
                continue  # 得分率 is a rate of the 得分, 指标值设定依据 says why the 指标值
            return Match(term.meaning, "contains", 95.0, term.word)
    best: Match | None = None
    for term in terms:
        if len(term.word) < 3 or len(key) < 2:
            continue
        score = fuzz.ratio(key, term.word)
        # a short word may lose a character to OCR, not change one ("绩效指标" ≠ "绩效目标")
        floor = FUZZY_MIN if len(term.word) >= 6 else SHORT_FUZZY_MIN
        if score >= floor and (best is None or score > best.score):
            best = Match(term.meaning, "fuzzy", score, term.word)
    return best


@lru_cache(maxsize=1 << 15)
def column_meaning(text: str) -> Match | None:
    return match_term(text, vocabulary().columns)


@dataclass
class Column:
    """A grid column of the indicator block and what its header says it holds."""

    index: int
    label: str  # the header text over it, top to bottom
    field: str | None  # None: unknown
    how: str = ""


@dataclass
class IndicatorHeader:
    """Where a table's indicator header is and what each column holds."""

    first_row: int
    last_row: int  # inclusive: one or two header rows
    columns: list[Column] = field(default_factory=list)

    def groups(self, field: str) -> list[list[int]]:
        """The columns of `field`, one list per header cell (a cell merged over two grid
        columns is one group; 三级指标 and 四级指标 both naming indicators are two)."""
        out: list[list[int]] = []
        for column in self.columns:
            if column.field != field:
                continue
            if column.how == "merged" and out and out[-1][-1] == column.index - 1:
                out[-1].append(column.index)
            else:
                out.append([column.index])
        return out

    def fields(self) -> dict[str, list[int]]:

        out: dict[str, list[int]] = {}
        for column in self.columns:
            if column.field:
                out.setdefault(column.field, []).append(column.index)
        return out

    def unknown(self) -> list[Column]:
        """Columns whose header names something the vocabulary does not know (a word
        over the level columns, such as 绩效指标, names no column)."""
        return [
            c
            for c in self.columns
            if c.field is None and label_key(c.label) and not _BLOCK_WORDS.match(label_key(c.label))
        ]


def _row_matches(row: Sequence[HasText]) -> dict[str, int]:
    found: dict[str, int] = {}
    for cell in row:
        m = column_meaning(cell.text)
        if m is not None:
            found[m.meaning] = found.get(m.meaning, 0) + 1
        elif _LEVEL_LIKE.search(label_key(cell.text)):
            found["level?"] = found.get("level?", 0) + 1
    return found


def is_indicator_header_row(row: Sequence[HasText]) -> bool:
    """A row that announces indicator columns: two level columns, or a level-3/name
    column with value columns after it."""
    if any(re.fullmatch(r"[\d.%]+", squash(c.text)) for c in row if c.text.strip()):
        return False
    found = _row_matches(row)
    levels = sum(found.get(k, 0) for k in (*LEVELS, "level?"))
    values = sum(found.get(k, 0) for k in ("target", "actual", "weight", "score"))
    return levels >= 2 or (levels >= 1 and values >= 2)


_BLOCK_WORDS = re.compile(r"^(年度)?绩效指标$|^指标$|^评价指标$")


def _spans_or_labels_above(row: list[TableCell]) -> bool:
    """An upper header row: it merges cells over the row below, or (a table printed
    without rules, which shows no merges) names a column of its own (评分情况 | 扣分说明)."""
    if any(c.row_span > 1 for c in row):
        return True
    return any(column_meaning(c.text) is not None for c in row if c.text.strip())


def _is_sub_header(row: list[TableCell]) -> bool:
    """Another header row: labels only (no numbers), each a known column, a level or a
    word over the level columns (绩效指标)."""
    filled = [c for c in row if c.text.strip()]
    if not filled or any(re.search(r"\d", c.text) for c in filled):
        return False
    if any(len(label_key(c.text)) > 14 or re.search(r"[，。；]", c.text) for c in filled):
        return False  # a sentence (年度总体目标 …) is no header label
    known = sum(
        column_meaning(c.text) is not None
        or bool(_LEVEL_LIKE.search(label_key(c.text)))
        or bool(_BLOCK_WORDS.match(label_key(c.text)))
        for c in filled
    )
    return known >= max(len(filled) - 1, 1)


def find_indicator_header(table: Table, start: int = 0) -> IndicatorHeader | None:
    """The first indicator header of `table` at or after row `start`."""
    rows = table.rows()
    for r in range(start, table.n_rows):
        if not is_indicator_header_row(rows[r]):
            continue
        first, last = r, r
        if r > start and _is_sub_header(rows[r - 1]) and _spans_or_labels_above(rows[r - 1]):
            first = r - 1  # the upper row of a two-level header ("绩效指标" over the levels)
        elif r + 1 < table.n_rows and _is_sub_header(rows[r + 1]):
            if any(c.row_span == 1 for c in rows[r]):
                last = r + 1
        header = IndicatorHeader(first, last)
        header.columns = _columns(table, first, last)
        return header
    return None


def _columns(table: Table, first: int, last: int) -> list[Column]:
    grid = table.grid()
    columns: list[Column] = []
    for c in range(table.n_cols):
        lowest = grid[last][c]
        if c and lowest is not None and lowest is grid[last][c - 1] and lowest.text.strip():
            # one header cell over two grid columns (指标名称 merged across): one column
            previous = columns[-1]
            columns.append(Column(c, previous.label, None, "merged"))
            continue
        stack: list[TableCell] = []
        for r in range(first, last + 1):
            cell = grid[r][c]
            if cell is not None and all(c is not cell for c in stack) and cell.text.strip():
                stack.append(cell)
        label = "".join(cell.text for cell in stack)
        meaning: Match | None = None
        for cell in reversed(stack):  # the lowest (most specific) label first
            if _BLOCK_WORDS.match(label_key(cell.text)):
                continue  # 绩效指标 over the level columns names no column
            meaning = column_meaning(cell.text)
            if meaning is not None:
                break
        if meaning is None and len(stack) > 1:
            # one label wrapped over the header's rows in a table without rules: 实际完|成值
            meaning = column_meaning(label)
        columns.append(
            Column(c, label, meaning.meaning if meaning else None, meaning.how if meaning else "")
        )
    _name_under_block_word(columns, grid, last)
    _order_levels([c for c in columns if c.how != "merged"])
    _spread_merged(columns, grid, first)
    _weight_after_the_name(columns)
    for k, column in enumerate(columns):
        if column.how == "merged" and k:
            column.field = columns[k - 1].field
    _level_weights(columns)
    return columns


def _weight_after_the_name(columns: list[Column]) -> None:
    """一级指标 | 权重 | 二级指标 | 权重 | 三级指标 | 校重 (OCR): where a weight column
    follows each level, the short unreadable label after the name is its weight too."""
    real = [c for c in columns if c.how != "merged"]
    for k, column in enumerate(real[:-1]):
        after = real[k + 1]
        if column.field != "name" or after.field is not None:
            continue
        levels = [c.field for c in real[:k]]
        if levels.count("weight") >= 2 and len(label_key(after.label)) <= 4:
            after.field, after.how = "weight", "order"  # its merged columns follow it
        return


def _name_under_block_word(
    columns: list[Column], grid: list[list[TableCell | None]], last: int
) -> None:
    """绩效指标 in the lowest header row, right of the 一级 and 二级 columns and over no
    level of its own, is the 三级 column: it names the indicators."""
    if any(c.field == "name" for c in columns):
        return
    for k, column in enumerate(columns):
        cell = grid[last][column.index]
        if column.field is not None or cell is None or column.how == "merged":
            continue
        if not _BLOCK_WORDS.match(label_key(cell.text)) or cell.row != last:
            continue
        before = [c.field for c in columns[:k] if c.field in LEVELS]
        if before and before[-1] == "level2":
            column.field, column.how = "name", "order"
        return


def _level_weights(columns: list[Column]) -> None:
    """A 权重 column right after a level column (一级指标 | 权重 | 二级指标 | 权重 |
    三级指标 | 权重) is that level's weight, not the indicator's: `level1_weight` …; the
    last one, after the indicator's name, stays the indicator's `weight`."""
    weights = [c for c in columns if c.field == "weight" and c.how != "merged"]
    if len(weights) < 2:
        return
    for column in weights[:-1]:
        before = next(
            (c for c in reversed(columns[: column.index]) if c.how != "merged" and c.field),
            None,
        )
        if before is not None and before.field in ("group", "level1", "level2"):
            column.field = f"{before.field}_weight"
            for follower in columns[column.index + 1 :]:
                if follower.how != "merged":
                    break
                follower.field = column.field


def _order_levels(columns: list[Column]) -> None:
    """Level columns sit left to right as 一级, 二级, 三级: where OCR damaged or swapped
    their labels, their order decides."""
    level_cols = [
        c
        for c in columns
        if c.field in LEVELS or (c.field is None and _LEVEL_LIKE.search(label_key(c.label)))
    ]
    fields = [c.field for c in level_cols]
    in_order = (
        all(f is not None for f in fields)
        and fields == sorted(fields, key=lambda f: LEVELS.index(f or "name"))
        and len(set(fields)) == len(fields)
    )
    if in_order or not level_cols:
        return
    names = {3: LEVELS, 2: ("level1", "level2"), 1: ("level1",)}.get(len(level_cols), ())
    if len(level_cols) == 2 and any(c.field == "name" for c in level_cols):
        names = ("level2", "name")
    for column, name in zip(level_cols, names, strict=False):
        column.field, column.how = name, "order"


def _spread_merged(columns: list[Column], grid: list[list[TableCell | None]], first: int) -> None:
    """A header cell over several columns announces one field for all of them (a value
    and its sign or unit printed in two cells under one 指标值)."""
    for column in columns:
        if column.field is not None or column.index == 0:
            continue
        cell = grid[first][column.index]
        left = columns[column.index - 1]
        if cell is not None and cell is grid[first][column.index - 1] and left.field:
            column.field, column.how = left.field, "merged"


# --- funding headers ----------------------------------------------------------------


@lru_cache(maxsize=1 << 14)
def funding_meaning(text: str) -> Match | None:
    return match_term(text, vocabulary().funding_columns)


@lru_cache(maxsize=1 << 14)
def funding_source(label: str, *, ocr: bool = False) -> str:
    """Row label → FundingLine.source ("total", "fiscal", "carryover", "other", or the
    label as printed). An OCR'd label may be a misread vocabulary word (`ocr`)."""
    key = re.sub(r"^其中[:：]?", "", label_key(label)).rstrip(":：")
    m = match_term(key, vocabulary().funding_rows)
    if m is None and ocr:
        return _misread_source(key) or key
    if m is None or m.meaning == "as_printed" or (m.how == "fuzzy" and m.score < 85):
        return key
    return m.meaning


def is_funding_row_word(key: str) -> bool:
    """Whether a label is a funding row word of the vocabulary (exactly or within it)."""
    m = match_term(re.sub(r"^其中[:：]?", "", key), vocabulary().funding_rows)
    return m is not None and m.how in ("exact", "contains")


def _misread_source(key: str) -> str | None:
    """The source of the vocabulary label an OCR'd label is a misreading of: as long, a
    third of its characters or fewer read wrong ("年濱资金总隸" → 年度资金总额)."""
    for term in vocabulary().funding_rows:
        if len(term.word) == len(key) >= 4 and term.meaning != "as_printed":
            wrong = sum(a != b for a, b in zip(term.word, key, strict=True))
            if wrong <= len(key) // 3:
                return term.meaning
    return None


# --- the header block -------------------------------------------------------------------


def header_label_pattern(field: str, extra: tuple[str, ...] = ()) -> re.Pattern[str]:
    """A header-block label (项目名称, 主管部门 …) at the start of a cell, from the
    vocabulary, longest first; `extra` adds the short forms OCR leaves of a label split
    over two cells ("项目/" + "名称")."""
    words = [t.word for t in vocabulary().header if t.meaning == field] + list(extra)
    words.sort(key=len, reverse=True)
    return re.compile("^(" + "|".join(_with_notes(w) for w in words) + ")")


# a short bracketed note a label may carry inside (转移支付（项目）名称, 部门（单位）名称),
# and an OCR speck between two of its characters (转移支付.（项目）名称)
_INNER_NOTE = r"[.．·・,，、]?(?:[（(][^（()）]{1,6}[)）])?"


def _with_notes(word: str) -> str:
    """The label as a pattern that also matches it with a bracketed note between two of
    its words (the vocabulary lists 转移支付名称; a form prints 转移支付（项目）名称)."""
    if re.search(r"[（()）]", word):
        return re.escape(word)
    return re.escape(word[0]) + "".join(_INNER_NOTE + re.escape(ch) for ch in word[1:])


# The first cell of a row that opens a form's header block: its name label.
FORM_START = header_label_pattern("name", ("项目/",))
