"""The template parser: the offline, deterministic backend (`--backend rules`)."""

from __future__ import annotations

import re

from extractor.backends.rules.funding import (
    funding_from_narrative,
    read_funding_table,
    read_target_funding,
)
from extractor.backends.rules.grid import GridReader, stated_unit
from extractor.backends.rules.header import read_header, report_year
from extractor.backends.rules.indicators import IndicatorBlock, ScoringRows, TemplateRows
from extractor.chunk import is_indicator_header
from extractor.document import Chunk, Document
from extractor.forms import is_department
from extractor.models import Flag, Project
from extractor.normalize import normalize_text, squash
from extractor.rows import Row, read_rows

_TABLE_TITLE = re.compile(
    r"^(?:20\d\d年度?)?(.+?)(?:项目)?(?:支出)?(?:绩效)?(?:评价)?(?:指标体系|指标)?及?(?:综合)?"
    r"(?:评分|得分|打分|自评|评价)?(?:情况|明细|详情|分析|结果|汇总)*表$"
)


def scoring_name_from_title(title: str) -> str | None:
    """ "城乡医疗救助项目绩效评价评分情况表" → "城乡医疗救助"; None for a sentence or a
    title that names no project ("部门整体支出绩效评价评分表")."""
    key = _ANNEX.sub("", squash(normalize_text(title).text))
    key = re.sub(r"[·•・.．'‘’]+$", "", key)  # an OCR speck after the title (…评分表·)
    if not key.endswith("表") or re.search(r"[，,：:。]", key):
        return None
    m = _TABLE_TITLE.match(key)
    name = m.group(1) if m and m.group(1) else None
    return None if name is None or _GENERIC_NAME.match(name) else name


# "附件2：" before a table's title
_ANNEX = re.compile(r"^附件[\d一二三四五六七八九十]*[:：.．、]?")

# What a title says the evaluated thing is when it names none: 部门整体, 单位, 项目 …
_GENERIC_NAME = re.compile(r"^(部门|单位|项目)?(整体)?(支出)?$|^(部门|单位)(（单位）)?整体")


# Flat OCR text is read by its header only when this share of its rows keeps the columns
# (garbled text, shifted cells and scrambled vertical labels read better by content).
FLAT_TEXT_FIT = 0.8


def _from_text(chunk: Chunk, document: Document) -> bool:
    return any(document.tables[p.table].source == "text" for p in chunk.parts)


_KIND_NAMES = {
    "project_self_evaluation": "项目支出绩效自评表",
    "department_self_evaluation": "部门整体支出绩效自评表",
    "project_target": "项目绩效目标表",
    "department_target": "部门整体支出绩效目标表",
    "evaluation_scoring": "评价评分表",
}


def _kind_flag(chunk: Chunk) -> Flag:
    """The form printed no title and the document did not say: its columns decided."""
    name = _KIND_NAMES.get(chunk.form or "", chunk.form or "")
    return Flag(
        rule="reader.form_kind",
        severity="info",
        path="form",
        message=f"表格没有标题，按表头的列判断为{name}",
        found=chunk.form,
    )


def _header_block(rows: list[Row]) -> list[Row]:
    """The rows above the indicator header: the header block (项目名称, 主管部门 …); an
    indicator named "项目单位满意度" is no 项目单位 label."""
    for k, row in enumerate(rows):
        if is_indicator_header(row):
            return rows[:k]
    return rows


class RulesBackend:
    name = "rules"

    def extract(self, chunk: Chunk, document: Document) -> list[Project]:
        if chunk.kind != "form" or chunk.form is None:
            return []
        rows = read_rows(chunk.text, base=chunk.start)
        context_rows = read_rows(chunk.context)
        header = read_header(_header_block(rows), chunk.title, chunk.context)
        grid = GridReader(document, chunk).read() if chunk.parts else None
        if grid is not None and _from_text(chunk, document) and grid.fit < FLAT_TEXT_FIT:
            grid = None  # flat text whose rows lost their columns: read by content
        flags: list[Flag] = []
        block: IndicatorBlock
        if grid is not None and grid.block.indicators:
            block, flags = grid.block, grid.flags
        elif chunk.form == "evaluation_scoring":
            block = ScoringRows(document.locate).read(rows)
        else:
            block = TemplateRows(document.locate).read(rows)
        if grid is not None and grid.funding:
            funding = grid.funding
        elif chunk.form in ("project_target", "department_target"):
            above = [chunk.title, *chunk.context.split("\n")[-3:]]
            funding = read_target_funding(rows, document.locate, stated_unit(above))
        else:
            funding = read_funding_table(rows, document.locate)
        name = header.name
        year = header.year
        if chunk.form == "evaluation_scoring":
            around = read_header(context_rows, "", "")
            name = scoring_name_from_title(chunk.title) or name or around.name
            if is_department(chunk.title):  # a 部门整体 evaluation: about the department
                header.department = header.department or around.department or name
            header.department = header.department or around.department
            header.implementer = header.implementer or around.implementer
            year = report_year(chunk.context + chunk.text) or year
            if not funding:
                # the report's own words about its funding, before or after the table
                line = funding_from_narrative(chunk.context + document.text[chunk.end :])
                funding = [line] if line else []
        if year is None:
            year = report_year(document.text[: chunk.start])
        if chunk.form.startswith("department"):
            # a department form names its department (部门名称, or just 预算单位)
            name = name or read_header(context_rows, "", "").name or header.implementer
            header.department = header.department or name
        project = Project(
            id="",
            name=name or "",
            form=chunk.form,
            year=year,
            department=header.department,
            implementer=header.implementer,
            funding=funding,
            indicators=block.indicators,
            subtotals=block.subtotals,
            total=block.total,
            span=document.locate(chunk.start, chunk.end),
        )
        project.reader_flags.extend(flags)
        if chunk.form_by == "columns":
            project.reader_flags.append(_kind_flag(chunk))
        return [project]
