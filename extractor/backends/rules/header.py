"""The form's header block: project name, 主管部门, 实施单位, year."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from extractor.backends.rules.labels import (
    DEPARTMENT_LABEL,
    IMPLEMENTER_LABEL,
    LABEL_FRAGMENT,
    NAME_LABEL,
    YEAR,
)
from extractor.normalize import normalize_text, squash
from extractor.rows import Row

_QUOTED_NAME = re.compile(r"[\"“”「]([^\"“”」]{2,60})[\"“”」]\s*(项目|部门)")
_STAMP = re.compile(r"[（(]?盖章[）)]?|填报日期.*$")
# a report's sentence naming the project's organisations
_SAID = re.compile(r"(主管部门|实施单位)(?:为|是)([^，,。；;：:（(]{2,30})")
_RUN_BY = re.compile(
    r"由([^，,。；;：:（(]{2,30}?)(?:负责)?主管[，,、]\s*(?:由)?([^，,。；;：:（(]{2,30}?)(?:具体|负责)*实施"
)
_KEY_VALUE = re.compile(
    r"^(项目名称|实施单位|主管部门|项目主管部门|项目实施单位|部门名称|预算[（(]单位[）)]名称)\s*[:：]\s*(.+)$"
)


@dataclass
class Header:
    name: str | None = None
    department: str | None = None
    implementer: str | None = None
    year: int | None = None


def _value_after(row: Row, index: int, label_pattern: re.Pattern[str]) -> str | None:
    """The first real value after the label cell at `index` (label fragments skipped).
    A label glued to its value ("主管部门区医保局") gives the rest of that cell."""
    cell = _despeck(row.cells[index].key)
    glued = _STAMP.sub("", label_pattern.sub("", cell, count=1)).lstrip(":：")
    if glued and not LABEL_FRAGMENT.match(glued) and _WORDY.search(glued):
        return _clean_value(glued)
    for cell in row.cells[index + 1 :]:
        key = _despeck(cell.key)
        if not key or LABEL_FRAGMENT.match(key) or not _WORDY.search(key):
            continue
        if NAME_LABEL.match(key) or DEPARTMENT_LABEL.match(key) or IMPLEMENTER_LABEL.match(key):
            return None
        if re.fullmatch(r"\d{1,2}", key):  # OCR debris such as a stray column number
            continue
        return _clean_value(key + _continuation(row, row.cells.index(cell) + 1))
    return None


_ORG_SUFFIX = re.compile(r"(办公室|局|处|科|中心|站|所|院|会|室)$")


def _continuation(row: Row, start: int) -> str:
    """The rest of a value OCR split into the next cell: "区信访局 | 、区医保局",
    "区医疗保健 | 办公室"."""
    if start >= len(row.cells):
        return ""
    key = row.cells[start].key
    if key.startswith(("、", "，", ",")):
        return key
    if (
        0 < len(key) <= 4
        and _ORG_SUFFIX.search(key)
        and not _ORG_SUFFIX.search(row.cells[start - 1].key)
    ):
        return key
    return ""


def _clean_value(text: str) -> str | None:
    text = _STAMP.sub("", squash(text)).strip(":：")
    return text or None


# OCR specks at a label's ends (".归口部门", "项目名称 #"): no word character.
_SPECKS = re.compile(r"^[^\w（(]+|[^\w）)]+$")
_WORDY = re.compile(r"[\w\u4e00-\u9fff]")


def _despeck(key: str) -> str:
    return _SPECKS.sub("", key)


def _scan_rows(rows: list[Row], header: Header) -> None:
    for row in rows:
        for i, cell in enumerate(row.cells):
            key = _despeck(cell.key)
            if not key:
                continue
            m = _KEY_VALUE.match(key)
            if m and not row.is_table:
                _assign(header, m.group(1), _clean_value(m.group(2)))
                continue
            if not row.is_table:
                for said in _SAID.finditer(key):  # "项目主管部门为X，实施单位为Y"
                    _assign(header, said.group(1), _clean_value(said.group(2)))
                run_by = _RUN_BY.search(key)  # "该项目由X主管，Y具体实施"
                if run_by:
                    _assign(header, "主管部门", _clean_value(run_by.group(1)))
                    _assign(header, "实施单位", _clean_value(run_by.group(2)))
            if header.name is None and NAME_LABEL.match(key):
                header.name = _value_after(row, i, NAME_LABEL)
            elif header.department is None and DEPARTMENT_LABEL.match(key):
                header.department = _value_after(row, i, DEPARTMENT_LABEL)
            elif header.implementer is None and IMPLEMENTER_LABEL.match(key):
                header.implementer = _value_after(row, i, IMPLEMENTER_LABEL)


def _assign(header: Header, label: str, value: str | None) -> None:
    if value is None:
        return
    if "实施单位" in label:
        header.implementer = header.implementer or value
    elif "主管部门" in label:
        header.department = header.department or value
    else:
        header.name = header.name or re.split(r"填报日期", value)[0] or None


def read_header(rows: list[Row], title: str, context: str) -> Header:
    """Header fields from the form's rows, its title and the lines printed above it."""
    header = Header()
    quoted = _QUOTED_NAME.search(squash(normalize_text(title).text))
    if quoted:
        header.name = quoted.group(1)
    _scan_rows(rows, header)
    header.year = _year(title, context)
    return header


def _year(title: str, context: str) -> int | None:
    for text in (title, context[-400:]):
        m = YEAR.search(squash(normalize_text(text).text))
        if m:
            return int(m.group(1))
    m = re.search(r"预算年度[:：]?(20\d\d)", squash(context))
    if m:
        return int(m.group(1))
    return None


def report_year(text: str) -> int | None:
    """The year a report is about: the year in its title lines, else the year it names
    most often."""
    for line in [ln for ln in text.split("\n") if ln.strip()][:3]:
        m = YEAR.search(squash(normalize_text(line).text))
        if m:
            return int(m.group(1))
    years = Counter(int(y) for y in YEAR.findall(squash(text)))
    return years.most_common(1)[0][0] if years else None
