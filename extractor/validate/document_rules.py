"""Document-level rules: a project listed in a 项目清单 without a form, the same
indicator twice in one form, and a unit header that contradicts the form's unit."""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractor.models import Project
from extractor.validate.regions import Region, squash
from extractor.validate.report import Context

_LIST_TITLE = re.compile(r"项\s*目\s*清\s*单")
# "1\t医疗保障专项经费", "2. 人员经费", "3、租赁费"
_LIST_ITEM = re.compile(r"^\s*(\d{1,3})\s*(?:\t+|[.．、]\s*|\s+)(\S.*?)\s*$")
_LIST_HEADER = re.compile(r"序\s*号|项\s*目\s*名\s*称")
# Punctuation that OCR and typists vary freely inside names.
_NAME_NOISE = re.compile(r"[\s,，、.。:：;；“”\"'‘’（）()\[\]【】《》<>·\-—_]")
# Unit headers: "（元）", "单位：元" vs "（万元）", "单位：万元".
_INDICATOR_BLOCK = re.compile(r"一\s*级\s*指\s*标|三\s*级\s*指\s*标")
_YUAN_HEADER = re.compile(r"[（(]\s*元\s*[)）]|单\s*位\s*[：:]\s*元(?![/／])")
_WAN_HEADER = re.compile(
    r"[（(]\s*(?:单\s*位\s*[：:]\s*)?万\s*元\s*[)）]|单\s*位\s*[：:]\s*万\s*元"
)


@dataclass(frozen=True)
class ListedProject:
    number: int
    name: str
    start: int
    end: int


def name_key(name: str) -> str:
    return _NAME_NOISE.sub("", name)


def check_document(ctx: Context, regions: dict[str, Region]) -> None:
    check_missing_forms(ctx)
    for project in ctx.result.projects:
        check_duplicates(ctx, project)
        check_unit_conflict(ctx, project, regions.get(project.id))


# --- 项目清单 -----------------------------------------------------------------------


def _lines_after(text: str, pos: int) -> list[tuple[int, str]]:
    """(offset, line) for each line after the one holding `pos`."""
    first = text.find("\n", pos)
    if first < 0:
        return []
    lines: list[tuple[int, str]] = []
    offset = first + 1
    for line in text[offset:].split("\n"):
        lines.append((offset, line))
        offset += len(line) + 1
    return lines


def listed_projects(text: str) -> list[ListedProject]:
    """Items of every numbered 项目清单 list in the text.

    A list starts at a line naming 项目清单 and runs over numbered lines; a header line
    (序号 / 项目名称) and blank lines are passed over, the first other line ends it."""
    items: list[ListedProject] = []
    for title in _LIST_TITLE.finditer(text):
        line_start = text.rfind("\n", 0, title.start()) + 1
        line_end = text.find("\n", title.end())
        if "\t" in text[line_start : line_end if line_end >= 0 else len(text)]:
            # "项目清单" inside a table row is a cell, not a list title.
            continue
        started = False
        for offset, line in _lines_after(text, title.end()):
            if not line.strip() or (not started and _LIST_HEADER.search(line)):
                continue
            match = _LIST_ITEM.match(line)
            if match is None:
                break
            started = True
            name = match.group(2).split("\t")[0].strip()
            items.append(
                ListedProject(int(match.group(1)), squash(name), offset, offset + len(line))
            )
    return items


def _has_form(listed: ListedProject, projects: list[Project]) -> bool:
    key = name_key(listed.name)
    for project in projects:
        other = name_key(project.name)
        if key and other and (key == other or key in other or other in key):
            return True
    return False


def check_missing_forms(ctx: Context) -> None:
    rule = "document.missing_form"
    if not ctx.text:
        return
    for listed in listed_projects(ctx.text):
        ctx.ran()
        if _has_form(listed, ctx.result.projects):
            continue
        ctx.flag(
            rule,
            project=None,
            path="projects",
            message=f"项目清单第 {listed.number} 项“{listed.name}”没有对应的绩效表",
            expected=listed.name,
            found=None,
            span=ctx.locate(listed.start, listed.end),
        )


# --- duplicates ---------------------------------------------------------------------


def check_duplicates(ctx: Context, project: Project) -> None:
    """The same indicator twice in one form (same 年度目标 group, same name).

    Rows without a target or an actual are left out: in scoring tables a merged 三级指标
    cell legitimately gives several rows the same name."""
    rule = "indicator.duplicate"
    seen: dict[tuple[str, str], int] = {}
    for index, indicator in enumerate(project.indicators):
        if indicator.target is None and indicator.actual is None:
            continue
        key = (indicator.group or "", name_key(indicator.name))
        if not key[1]:
            continue
        ctx.ran()
        first = seen.get(key)
        if first is None:
            seen[key] = index
            continue
        ctx.flag(
            rule,
            project=project.id,
            path=f"indicators[{index}].name",
            message=(
                f"指标“{indicator.name}”在本表中重复出现（第 {first + 1} 行与第 {index + 1} 行）"
            ),
            expected=None,
            found=indicator.name,
            span=indicator.span or project.span,
        )


# --- units --------------------------------------------------------------------------


def _unit_path(project: Project) -> str:
    for index, line in enumerate(project.funding):
        if line.source == "total":
            return f"funding[{index}].unit"
    return "funding[0].unit" if project.funding else "projects"


def _odd_unit_path(project: Project) -> str:
    """The line whose unit differs from the total line's (or from the first line's)."""
    reference = next((ln.unit for ln in project.funding if ln.source == "total"), None)
    reference = reference or project.funding[0].unit
    for index, line in enumerate(project.funding):
        if line.unit != reference:
            return f"funding[{index}].unit"
    return _unit_path(project)


def check_unit_conflict(ctx: Context, project: Project, region: Region | None) -> None:
    """A header that says 元 where the form says 万元 (or the lines disagree)."""
    rule = "document.unit_conflict"
    units = {line.unit for line in project.funding}
    if len(units) > 1:
        ctx.ran()
        ctx.flag(
            rule,
            project=project.id,
            path=_odd_unit_path(project),
            message=f"同一资金表的单位不一致：{'、'.join(sorted(units))}",
            expected=None,
            found=sorted(units),
            span=project.span,
        )
        return
    if region is None or not ctx.text:
        return
    form_text = ctx.text[region.start : region.end]
    indicators = _INDICATOR_BLOCK.search(form_text)
    if indicators is not None:  # units inside indicator values ("≤811.00(万元)") state no header
        form_text = form_text[: indicators.start()]
    yuan = _YUAN_HEADER.search(form_text)
    ctx.ran()
    if yuan is None or _WAN_HEADER.search(form_text) is None:
        return
    start = region.start + yuan.start()
    header = squash(form_text[max(0, yuan.start() - 8) : yuan.end()])
    ctx.flag(
        rule,
        project=project.id,
        path=_unit_path(project),
        message=f"表头“{header}”写元，而本表单位为万元",
        expected="万元",
        found="元",
        span=ctx.locate(start, region.start + yuan.end()),
    )
