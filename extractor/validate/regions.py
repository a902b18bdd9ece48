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


_DIGIT = re.compile(r"\d")


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
    previous project's (two forms may share a name); a region runs from its header
    (title and unit lines above the 名称 line) to the next form's header."""
    regions: dict[str, Region] = {}
    anchors: list[tuple[str, int]] = []
    claimed: set[int] = set()
    cursor = 0
    spans = {p.id: r for p in projects if (r := _span_region(document, p)) is not None}
    ends = sorted(r.end for r in spans.values())
    for project_id, region in spans.items():
        # A span covers the table; its title and unit lines sit just above it.
        floor = max((end for end in ends if end <= region.start), default=0)
        regions[project_id] = Region(_header_start(text, region.start, floor), region.end)
    for project in projects:
        if project.id in spans:
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
    # A header may not reach back past the previous form's 名称 line.
    floors = [0, *(pos for _, pos in anchors)]
    starts = [_header_start(text, pos, floors[k]) for k, (_, pos) in enumerate(anchors)]
    for k, (project_id, pos) in enumerate(anchors):
        end = starts[k + 1] if k + 1 < len(anchors) else len(text)
        regions[project_id] = Region(starts[k], max(end, pos + 1))
    return regions


def _header_start(text: str, anchor: int, floor: int) -> int:
    """Where a form's header begins: back from its 名称 line over the title and unit
    lines ("…绩效目标表", "单位：万元"), but not into the previous form's table rows
    (lines with a tab and a figure) and not further than `_LOOKBACK` characters."""
    start = text.rfind("\n", 0, anchor) + 1
    limit = max(floor, anchor - _LOOKBACK)
    while start > limit:
        previous = text.rfind("\n", 0, start - 1) + 1
        line = text[previous : start - 1]
        if "\t" in line and _DIGIT.search(line):
            break
        start = previous
    return max(start, limit)
