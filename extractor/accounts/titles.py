"""Final-accounts tables found by their printed titles, anywhere in a document.

A title is a short line without tabs naming a 决算 table and its number:
"2022 年度收入支出决算总表 (表 1)", "表2 收入决算表", "一般公共预算财政拨款支出决算表
(表5续)". A table's region runs from its title to the next title or the next section
heading ("第三部分…", "一、…"); it holds the unit line, the rows, the notes with their
formulas and the 备注. A title with no rows after it (a table of contents entry) is not a
table; a title repeating an earlier number (续表, a page-break repeat) continues that table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractor.accounts.text import Line
from extractor.normalize import normalize_text, squash

_PREFIX = r"(?:[-•·*]+)?(?:[一二三四五六七八九十]+[、.])?(?:\d{4}年度?)?"
_NUMBER = r"(?P<num>\d{1,2}|[一二三四五六七八九十])"
_TITLE_AFTER = re.compile(
    rf"^{_PREFIX}(?P<title>.{{2,40}}?表)[（(](?:附|公开)?(?P<cont>续)?"
    rf"(?:表{_NUMBER}|(?P<num2>\d{{1,2}})表)(?P<cont2>续)?[）)](?P<cont3>续表?)?$"
)
_TITLE_BEFORE = re.compile(
    rf"^(?P<cont>续)?(?:附|公开)?表{_NUMBER}(?P<cont2>续)?[：:、.]?{_PREFIX}"
    r"(?P<title>.{2,40}?表)(?P<cont3>[（(]?续[）)]?)?$"
)
_NUMERALS = "一二三四五六七八九十"
_MAX_TITLE = 60
SECTION = re.compile(
    r"^(第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)])"
)
UNIT = re.compile(r"单位\s*[:：]\s*(万元|千元|亿元|元)")
REMARK = re.compile(r"^备\s*注\s*[:：]?\s*")


@dataclass(frozen=True)
class Title:
    number: int
    title: str  # as printed, without the year and the (表N) marker
    continued: bool
    line: Line


def match_title(line: Line) -> Title | None:
    if line.is_row or line.is_blank:
        return None
    key = squash(normalize_text(line.raw).text)
    if len(key) > _MAX_TITLE or "决算" not in key:
        return None
    numbered = _numbered(key)
    if numbered is not None:
        title, number, continued = numbered
        return Title(number, title, continued, line)
    bare = _bare(key)
    if bare is not None:  # numbered later, by its place among the tables (`find_regions`)
        return Title(0, bare.title, bare.continued, line)
    return None


def _numbered(key: str) -> tuple[str, int, bool] | None:
    """(title as printed, N, continued) of a "(表N)" title, or None."""
    for pattern in (_TITLE_AFTER, _TITLE_BEFORE):
        m = pattern.match(key)
        if m:
            continued = any(m.group(g) for g in ("cont", "cont2", "cont3"))
            raw = m.groupdict().get("num") or m.group("num2")
            number = int(raw) if raw.isdigit() else _NUMERALS.index(raw) + 1
            return m.group("title"), number, continued
    return None


@dataclass
class Region:
    """The lines of one printed table (or one part of it, after a repeated title)."""

    title: Title
    lines: list[Line] = field(default_factory=list)

    @property
    def rows(self) -> list[Line]:
        return [line for line in self.lines if line.is_row]

    @property
    def unit(self) -> str | None:
        for line in self.lines:
            if not line.is_row:
                m = UNIT.search(normalize_text(line.raw).text)
                if m:
                    return m.group(1)
        return None

    @property
    def notes(self) -> list[Line]:
        return [line for line in self.lines if not line.is_row and not line.is_blank]

    @property
    def remark(self) -> str | None:
        for line in self.notes:
            text = squash(normalize_text(line.raw).text)
            if REMARK.match(text):
                return REMARK.sub("", text) or None
        return None


def _ends_region(line: Line) -> bool:
    if line.is_row or line.is_blank:
        return False
    key = squash(normalize_text(line.raw).text)
    return bool(SECTION.match(key))


def find_regions(lines: list[Line]) -> list[Region]:
    """Every titled table region that holds at least one table row."""
    regions: list[Region] = []
    current: Region | None = None
    for line in lines:
        title = match_title(line)
        if title is not None:
            current = Region(title)
            regions.append(current)
            continue
        if current is None:
            continue
        if _ends_region(line):
            current = None
            continue
        current.lines.append(line)
    return _number_bare([r for r in regions if r.rows])


def _number_bare(regions: list[Region]) -> list[Region]:
    """A title printed without 表N takes its place among the tables; a repeated or
    continued title keeps the number of the table it continues."""
    numbers: dict[str, int] = {}
    used = {r.title.number for r in regions if r.title.number}
    ordinal = 0
    out: list[Region] = []
    for region in regions:
        title = region.title
        if title.number:
            numbers.setdefault(title.title, title.number)
            ordinal = max(ordinal, title.number)
            out.append(region)
            continue
        number = numbers.get(title.title)
        if number is None:
            ordinal += 1
            while ordinal in used:
                ordinal += 1
            number = numbers[title.title] = ordinal
        region.title = Title(number, title.title, title.continued, title.line)
        out.append(region)
    return out


@dataclass(frozen=True)
class TitleText:
    """A final-accounts table title read from one line of text, numbered or not."""

    title: str  # as printed, without year/department prefix and the (表N) marker
    number: int | None  # the printed 表N, None when the title prints none
    continued: bool


_BARE = re.compile(r"^(?P<title>.{2,40}?决算(?:明细)?(?:总)?表)(?P<cont>[（(]?续表?[）)]?)?$")
_PREFIX_UP_TO_YEAR = re.compile(r"^.*?\d{4}年度?")
_LEADING_NUMBERING = re.compile(r"^(?:[-•·*]+)?(?:[一二三四五六七八九十]+[、.．]|\d{1,2}[、.．])")


def read_title(text: str) -> TitleText | None:
    """A final-accounts table title: "(表N)" forms as `match_title` reads them, and bare
    titles ("收入支出决算总表", "2024年度财政拨款“三公”经费支出决算表（续）") whose words name
    one of the template's tables (`lookup.table_kind`). A department's heading over all
    the tables ("XX局2024年度部门决算表") names none of them and is not a title."""
    key = squash(normalize_text(text).text)
    if not key or len(key) > _MAX_TITLE or "决算" not in key:
        return None
    numbered = _numbered(key)
    if numbered is not None:
        title, number, continued = numbered
        return TitleText(_PREFIX_UP_TO_YEAR.sub("", title), number, continued)
    return _bare(key)


def _bare(key: str) -> TitleText | None:
    """A title without 表N whose words name one of the template's tables."""
    from extractor.accounts.lookup import table_kind

    m = _BARE.match(_LEADING_NUMBERING.sub("", key))
    if m is None:
        return None
    title = _PREFIX_UP_TO_YEAR.sub("", m.group("title"))
    if table_kind(title) == "other":
        return None
    return TitleText(title, None, bool(m.group("cont")))
