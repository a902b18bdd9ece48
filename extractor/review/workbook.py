"""The Excel export (openpyxl): one sheet per record kind, Chinese headers, numbers as
numbers, and a 审核状态 column saying which fields of the row were reviewed."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from extractor.models import FUNDING_NUMBER_FIELDS, INDICATOR_FIELDS
from extractor.review.export import (
    FORM_NAMES,
    field_rows,
    formula_like,
    local_time,
    severity_name,
)
from extractor.review.fields import FIELD_NAMES, FUNDING_SOURCES, display, field_label
from extractor.review.records import DocumentView

if TYPE_CHECKING:
    from extractor.review.overview import DocumentFacts
from extractor.review.state import DECISION_NAMES, STATUS_NAMES

HEADER_FILL = PatternFill("solid", fgColor="DDE6F3")
HEADER_FONT = Font(bold=True)
CJK_FONT = "等线"


def write_sheet(
    sheet: Worksheet,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    widths: dict[str, int] | None = None,
) -> None:
    """Headers in bold on a frozen first row, an auto-filter, and sensible widths."""
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    for row in rows:
        sheet.append([_cell(v) for v in row])
        for cell in sheet[sheet.max_row]:
            as_text(cell)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    for index, header in enumerate(headers, start=1):
        width = (widths or {}).get(header, max(8, min(40, len(header) * 2 + 4)))
        sheet.column_dimensions[get_column_letter(index)].width = width


def as_text(cell: Cell | MergedCell) -> None:
    """Keep formula-like text a string: openpyxl stores a str starting with "=" as a
    formula; the quote-prefix style keeps any such text text even when edited."""
    if isinstance(cell, Cell) and isinstance(cell.value, str) and formula_like(cell.value):
        cell.data_type = "s"
        cell.quotePrefix = True


def _cell(value: Any) -> Any:
    """Numbers stay numbers; anything else becomes text."""
    if value is None or isinstance(value, (int, float, str)):
        return value
    return display(value)


def _number(value: Any) -> Any:
    return value.get("number") if isinstance(value, dict) else value


def row_status(view: DocumentView, project: str, paths: Iterable[str]) -> str:
    """ "得分：已修改（15→10）；分值：已确认", or 未审核."""
    parts = []
    for path in paths:
        state = view.states.get((project, path))
        if state is None or state.status == "unreviewed":
            continue
        name = FIELD_NAMES.get(path.rsplit(".", 1)[-1], path)
        text = f"{name}：{STATUS_NAMES[state.status]}"
        if state.status == "modified":
            before = display(view.extracted_value(project, path))
            after = display(view.current_value(project, path))
            text += f"（{before}→{after}）"
        parts.append(text)
    return "；".join(parts) or "未审核"


def _projects_rows(views: list[DocumentView]) -> Iterable[list[Any]]:
    for view in views:
        for project in view.current["projects"]:
            pid = project["id"]
            flags = [f for f in view.flags if f.project == pid]
            total = project.get("total") or {}
            yield [
                view.doc_id,
                pid,
                project.get("name"),
                FORM_NAMES.get(project.get("form", ""), project.get("form")),
                project.get("year"),
                project.get("department"),
                project.get("implementer"),
                total.get("weight"),
                total.get("score"),
                len(flags),
                sum(f.is_open for f in flags),
                row_status(
                    view,
                    pid,
                    ["name", "year", "department", "implementer", "total.weight", "total.score"],
                ),
            ]


def _funding_rows(views: list[DocumentView]) -> Iterable[list[Any]]:
    for view in views:
        for project in view.current["projects"]:
            pid = project["id"]
            for index, line in enumerate(project.get("funding") or []):
                paths = [
                    f"funding[{index}].{name}"
                    for name in ("source", "unit", *FUNDING_NUMBER_FIELDS)
                ]
                yield [
                    view.doc_id,
                    pid,
                    project.get("name"),
                    index + 1,
                    FUNDING_SOURCES.get(line.get("source"), line.get("source")),
                    line.get("unit"),
                    *[line.get(name) for name in FUNDING_NUMBER_FIELDS],
                    row_status(view, pid, paths),
                ]


def _indicator_rows(views: list[DocumentView]) -> Iterable[list[Any]]:
    for view in views:
        for project in view.current["projects"]:
            pid = project["id"]
            for index, ind in enumerate(project.get("indicators") or []):
                paths = [f"indicators[{index}].{name}" for name in INDICATOR_FIELDS]
                yield [
                    view.doc_id,
                    pid,
                    project.get("name"),
                    index + 1,
                    ind.get("group"),
                    ind.get("level1"),
                    ind.get("level2"),
                    ind.get("name"),
                    ind.get("nature"),
                    display(ind.get("target")) or None,
                    _number(ind.get("target")),
                    display(ind.get("actual")) or None,
                    _number(ind.get("actual")),
                    ind.get("weight"),
                    ind.get("score"),
                    ind.get("deviation_reason"),
                    row_status(view, pid, paths),
                ]


def _flag_rows(views: list[DocumentView]) -> Iterable[list[Any]]:
    for view in views:
        for flag in view.flags:
            project = view.project(flag.project) or {}
            decision = flag.decision
            yield [
                view.doc_id,
                flag.project or None,
                project.get("name"),
                field_label(project, flag.target),
                flag.target,
                flag.rule,
                severity_name(flag.severity),
                flag.message,
                _cell(flag.expected),
                _cell(flag.found),
                STATUS_NAMES[flag.status],
                DECISION_NAMES[decision.decision] if decision else None,
                _cell(decision.old_value) if decision else None,
                _cell(decision.new_value) if decision else None,
                decision.reviewer if decision else None,
                decision.note if decision else None,
                local_time(decision.created_at) if decision else None,
            ]


def _reviewed_field_rows(views: list[DocumentView]) -> Iterable[list[Any]]:
    for view in views:
        for row in field_rows(view):
            if row.status == "unreviewed":
                continue
            latest = row.latest
            yield [
                row.doc_id,
                row.project or None,
                row.project_name,
                row.path,
                row.label,
                _cell(row.extracted),
                _cell(row.value),
                STATUS_NAMES[row.status],
                latest.reviewer if latest else None,
                latest.note if latest else None,
                local_time(latest.created_at) if latest else None,
            ]


def _audit_rows(views: list[DocumentView]) -> Iterable[list[Any]]:
    for view in views:
        for row in view.audit:
            yield [
                row.id,
                local_time(row.created_at),
                row.doc_id,
                row.project or None,
                row.target,
                field_label(view.project(row.project), row.target),
                DECISION_NAMES[row.decision],
                _cell(row.old_value),
                _cell(row.new_value),
                row.note,
                row.reviewer,
                row.undoes,
                row.via,
            ]


FUNDING_HEADERS = [FIELD_NAMES[name] for name in FUNDING_NUMBER_FIELDS]
SHEETS: tuple[tuple[str, list[str]], ...] = (
    (
        "项目",
        [
            "文档",
            "项目编号",
            "项目名称",
            "表单",
            "年度",
            "主管部门",
            "实施单位",
            "总分分值",
            "总得分",
            "问题数",
            "待处理问题",
            "审核状态",
        ],
    ),
    (
        "资金",
        ["文档", "项目编号", "项目名称", "行", "资金来源", "单位", *FUNDING_HEADERS, "审核状态"],
    ),
    (
        "指标",
        [
            "文档",
            "项目编号",
            "项目名称",
            "行",
            "分组",
            "一级指标",
            "二级指标",
            "三级指标",
            "指标性质",
            "目标值",
            "目标数值",
            "实际值",
            "实际数值",
            "分值",
            "得分",
            "偏差原因",
            "审核状态",
        ],
    ),
    (
        "问题",
        [
            "文档",
            "项目编号",
            "项目名称",
            "字段",
            "字段路径",
            "规则",
            "严重度",
            "说明",
            "期望值",
            "发现值",
            "状态",
            "处理",
            "原值",
            "新值",
            "审核人",
            "备注",
            "时间",
        ],
    ),
    (
        "字段审核",
        [
            "文档",
            "项目编号",
            "项目名称",
            "字段路径",
            "字段",
            "提取值",
            "审核值",
            "审核状态",
            "审核人",
            "备注",
            "时间",
        ],
    ),
    (
        "审核记录",
        [
            "编号",
            "时间",
            "文档",
            "项目编号",
            "字段路径",
            "字段",
            "操作",
            "原值",
            "新值",
            "备注",
            "审核人",
            "撤销的记录",
            "来源",
        ],
    ),
)
WIDTHS = {
    "文档": 24,
    "项目名称": 28,
    "说明": 60,
    "三级指标": 30,
    "字段": 30,
    "偏差原因": 30,
    "审核状态": 30,
    "备注": 30,
    "时间": 20,
}


def export_xlsx(views: list[DocumentView], facts: dict[str, DocumentFacts] | None = None) -> bytes:
    """The workbook: the 汇总 sheet with charts first, then one sheet per record kind.
    `facts` name the documents on the summary (their doc_id otherwise)."""
    from extractor.review.dashboard import run_figures
    from extractor.review.summary_sheet import add_summary_sheet

    workbook = Workbook()
    summary = workbook.active
    assert summary is not None
    add_summary_sheet(summary, run_figures(views, facts or {}))
    producers = (
        _projects_rows,
        _funding_rows,
        _indicator_rows,
        _flag_rows,
        _reviewed_field_rows,
        _audit_rows,
    )
    for (title, headers), producer in zip(SHEETS, producers, strict=True):
        sheet = workbook.create_sheet(title)
        write_sheet(sheet, headers, producer(views), WIDTHS)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
