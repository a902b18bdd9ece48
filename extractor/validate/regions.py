"""Where each project's form sits in the source text.

Rules that read the source around a form (a 偏差原因 column, a stated scoring formula,
a unit header) need the form's stretch of text. A project's `span` gives it when the
extractor set one; otherwise the form is found by its name printed after a 名称 label
(项目名称 / 部门名称 / 单位）名称), which is how every form states whose it is — the same
name printed after 主管部门 is not an anchor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractor.document import Document
from extractor.models import Project

# How far before the 名称 line a form's own header (title, 单位：万元) may start.
_LOOKBACK = 200
# How far after "名称" the name may follow (tabs, colons, "（单位）").
_LABEL_GAP = 24
# The name must follow the label directly: "项目名称\t\t…", "名称：…", "名称\n\t…".
_NAME_LABEL = re.compile(r"名\s*称[\s:：]*$")


@dataclass(frozen=True)
class Region:
    start: int
    end: int


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _name_pattern(name: str) -> re.Pattern[str] | None:
    """The name with optional whitespace between its characters (OCR breaks words)."""
    chars = [re.escape(ch) for ch in squash(name)]
    if not chars:
        return None
    return re.compile(r"\s*".join(chars))


def _anchors(text: str, name: str) -> list[int]:
    """Offsets where `name` follows a 名称 label."""
    pattern = _name_pattern(name)
    if pattern is None:
        return []
    found: list[int] = []
    for match in pattern.finditer(text):
        before = text[max(0, match.start() - _LABEL_GAP) : match.start()]
        if _NAME_LABEL.search(before):
            found.append(match.start())
    return found


def _span_region(document: Document | None, project: Project) -> Region | None:
    if document is None or project.span is None:
        return None
    starts = document.page_starts()
    for page, base in zip(document.pages, starts, strict=False):
        if page.number == project.span.page:
            return Region(base + project.span.start, base + project.span.end)
    return None


def form_regions(
    text: str, projects: list[Project], document: Document | None = None
) -> dict[str, Region]:
    """Project id → the stretch of `text` holding its form (absent when not found).

    Projects are normally in document order, so each anchor is searched after the
    previous project's (two forms may share a name); a region runs to the next found
    anchor (less the look-back)."""
    regions: dict[str, Region] = {}
    anchors: list[tuple[str, int]] = []
    claimed: set[int] = set()
    cursor = 0
    for project in projects:
        by_span = _span_region(document, project)
        if by_span is not None:
            regions[project.id] = by_span
            continue
        # An anchor already taken belongs to an earlier form of the same name.
        found = [pos for pos in _anchors(text, project.name) if pos not in claimed]
        later = [pos for pos in found if pos >= cursor] or found
        if not later:
            continue
        anchors.append((project.id, later[0]))
        claimed.add(later[0])
        cursor = later[0] + 1
    anchors.sort(key=lambda item: item[1])
    for k, (project_id, pos) in enumerate(anchors):
        start = max(0, pos - _LOOKBACK)
        if k > 0:
            start = max(start, anchors[k - 1][1])
        end = anchors[k + 1][1] - _LOOKBACK if k + 1 < len(anchors) else len(text)
        regions[project_id] = Region(start, max(end, pos + 1))
    return regions
