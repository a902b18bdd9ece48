"""Excel round trip for reviewers who work in a spreadsheet.

`export_sheet` writes one row per field with open flags (document, project, field,
extracted value, expected, source snippet) and empty 修正值 / 处理 / 备注 columns;
`import_sheet` applies the filled rows through `ReviewStore.decide` — the same checks
as the web page — and reports each rejected row with its reason.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from extractor.review.errors import ReviewError
from extractor.review.export import severity_name
from extractor.review.fields import display, field_kind, field_label
from extractor.review.records import DocumentView, FlagRecord
from extractor.review.sources import excerpt
from extractor.review.store import ReviewStore
from extractor.review.workbook import write_sheet

SHEET_NAME = "待处理"
COLUMNS: tuple[str, ...] = (
    "文档",
    "项目编号",
    "项目名称",
    "字段路径",
    "字段",
    "严重度",
    "规则",
    "问题说明",
    "提取值",
    "期望值",
    "原文摘录",
    "修正值",
    "处理",
    "备注",
    "版本",
)
INPUT_COLUMNS = ("修正值", "处理", "备注")
ACTIONS: dict[str, str] = {
    "确认": "confirm",
    "修改": "modify",
    "原文错误": "source_error",
    "撤销": "undo",
}
INPUT_FILL = PatternFill("solid", fgColor="FFF4C2")
WIDTHS = {
    "文档": 24,
    "项目名称": 24,
    "字段": 30,
    "问题说明": 50,
    "原文摘录": 60,
    "修正值": 14,
    "处理": 12,
    "备注": 30,
}
INSTRUCTIONS = (
    "如何填写「待处理」表：",
    "1. 每行是一个有待处理问题的字段。只填黄色的三列：修正值、处理、备注。",
    "2. 处理填「确认」（抽取正确）、「修改」（在修正值中填正确的值）"
    "或「原文错误」（原文本身有误，须在备注中说明）。",
    "3. 只填修正值、不填处理，视为「修改」。数字字段的修正值必须是数字。",
    "4. 不要改动其他列，尤其是「版本」：导出后字段若已被他人处理，该行会被拒绝并说明原因。",
    "5. 填好后运行：extractor review import-sheet 本文件 --db 审核库",
)


def _rows_of(view: DocumentView, pages: dict[int, str]) -> list[list[Any]]:
    grouped: dict[tuple[str, str], list[FlagRecord]] = {}
    for flag in view.flags:
        if flag.is_open:
            grouped.setdefault((flag.project, flag.target), []).append(flag)
    rows = []
    for (project_id, target), flags in grouped.items():
        project = view.project(project_id) or {}
        value = view.current_value(project_id, target)
        shown = value if isinstance(value, (int, float)) else (display(value) or None)
        span = next((f.span for f in flags if f.span is not None), None)
        found = excerpt(pages, span, context=60)
        severities = sorted({f.severity for f in flags}, key=["error", "warning", "info"].index)
        rows.append(
            [
                view.doc_id,
                project_id or None,
                project.get("name"),
                target,
                field_label(project, target),
                "、".join(severity_name(s) for s in severities),
                "、".join(f.rule for f in flags),
                "；".join(f.message for f in flags),
                shown if field_kind(target) != "none" else None,
                "；".join(display(f.expected) for f in flags if f.expected is not None) or None,
                found.snippet() if found else None,
                None,
                None,
                None,
                view.state(project_id, target).version,
            ]
        )
    return rows


def export_sheet(store: ReviewStore) -> tuple[bytes, int]:
    """The workbook and how many rows it has."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = SHEET_NAME
    rows: list[list[Any]] = []
    for view in store.views():
        rows.extend(_rows_of(view, store.pages(view.doc_id)))
    write_sheet(sheet, COLUMNS, rows, WIDTHS)
    for name in INPUT_COLUMNS:
        column = COLUMNS.index(name) + 1
        for row in range(1, len(rows) + 2):
            if row > 1:
                sheet.cell(row=row, column=column).fill = INPUT_FILL
    letter = sheet.cell(row=1, column=COLUMNS.index("处理") + 1).column_letter
    choice = DataValidation(type="list", formula1='"确认,修改,原文错误"', allow_blank=True)
    choice.error = "请选择 确认、修改 或 原文错误"
    sheet.add_data_validation(choice)
    if rows:
        choice.add(f"{letter}2:{letter}{len(rows) + 1}")
    help_sheet = workbook.create_sheet("说明")
    for line in INSTRUCTIONS:
        help_sheet.append([line])
    help_sheet.column_dimensions["A"].width = 110
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), len(rows)


@dataclass(frozen=True)
class SheetRow:
    number: int  # row number in the sheet, as Excel shows it
    doc_id: str
    project: str
    path: str


@dataclass
class SheetReport:
    applied: list[tuple[SheetRow, str]] = field(default_factory=list)  # row, action name
    rejected: list[tuple[SheetRow, str]] = field(default_factory=list)  # row, reason
    blank: int = 0


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def import_sheet(store: ReviewStore, path: Path, reviewer: str) -> SheetReport:
    """Apply the filled rows; never stops at a bad row."""
    try:
        workbook = load_workbook(path, data_only=True, read_only=True)
    except (OSError, ValueError, KeyError) as exc:
        raise ReviewError(f"无法读取表格 {path}：{exc}") from exc
    sheet = workbook[SHEET_NAME] if SHEET_NAME in workbook.sheetnames else workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = [_text(h) for h in next(rows, ())]
    missing = [
        name
        for name in ("文档", "项目编号", "字段路径", "修正值", "处理", "版本")
        if name not in header
    ]
    if missing:
        raise ReviewError(
            f"表格缺少列：{'、'.join(missing)}（请使用 review export-sheet 导出的表格）"
        )
    index = {name: header.index(name) for name in header if name}
    report = SheetReport()
    latest: dict[str, int] = {}  # the last decision applied per document
    for number, values in enumerate(rows, start=2):
        cells = {name: _text(values[i]) if i < len(values) else "" for name, i in index.items()}
        row = SheetRow(number, cells["文档"], cells["项目编号"], cells["字段路径"])
        if not cells["修正值"] and not cells["处理"] and not cells.get("备注"):
            report.blank += 1
            continue
        problem = _row_problem(cells)
        if problem:
            report.rejected.append((row, problem))
            continue
        action = ACTIONS[cells["处理"]] if cells["处理"] else "modify"
        try:
            outcome = store.decide(
                row.doc_id,
                row.project,
                row.path,
                action,
                reviewer=reviewer,
                version=int(cells["版本"]),
                value=cells["修正值"] or None,
                note=cells.get("备注", ""),
                via="sheet",
                wait=False,  # re-checked below, once per document
            )
        except ReviewError as exc:
            report.rejected.append((row, str(exc)))
            continue
        latest[row.doc_id] = outcome.row.id
        report.applied.append((row, cells["处理"] or "修改"))
    workbook.close()
    for doc_id, decision in latest.items():
        store.wait_validated(doc_id, decision)
    return report


def _row_problem(cells: dict[str, str]) -> str | None:
    """Why a filled row cannot be applied as written, before asking the store."""
    if not cells["文档"] or not cells["字段路径"]:
        return "缺少文档或字段路径（请勿改动导出的列）"
    if not cells["版本"].isdigit():
        return "版本列不是数字（请勿改动导出的列）"
    action = cells["处理"]
    if action and action not in ACTIONS:
        return f"处理「{action}」无法识别：应为 确认、修改 或 原文错误"
    if action == "修改" and not cells["修正值"]:
        return "处理为「修改」，但未填写修正值"
    if action in ("确认", "原文错误") and cells["修正值"]:
        return f"处理为「{action}」时不应填写修正值（要改值请把处理写成「修改」）"
    if action == "撤销" and cells["修正值"]:
        return "处理为「撤销」时不应填写修正值"
    if not action and not cells["修正值"]:
        return "只填了备注：请在「处理」中选择 确认、修改 或 原文错误"
    return None
