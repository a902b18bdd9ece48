"""The 汇总 sheet of the Excel export: the dashboard's figures as tables, each with a
native Excel chart drawn from its cells (openpyxl charts, so they stay live if a
reader edits the table): execution-rate and score distributions, flags by rule and
severity, review progress, and the documents with the most open errors."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from openpyxl.cell.cell import Cell
from openpyxl.chart import BarChart, PieChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from extractor.review.dashboard import SEVERITIES, Distribution, RunFigures
from extractor.review.fields import display
from extractor.review.state import SEVERITY_NAMES
from extractor.review.workbook import as_text

TITLE = "汇总"
BOLD = Font(bold=True)
HEADING = Font(bold=True, size=13)
CHART_COLUMN = "H"
SEVERITY_COLOURS = {"error": "C62828", "warning": "B7791F", "info": "1E6FD9"}


def add_summary_sheet(sheet: Worksheet, figures: RunFigures) -> None:
    sheet.title = TITLE
    sheet["A1"] = "审核汇总"
    sheet["A1"].font = Font(bold=True, size=15)
    sheet["A2"] = f"导出时间 {datetime.now().strftime('%Y-%m-%d %H:%M')}"
    row = 4
    row = _kpis(sheet, figures, row)
    row = _distribution(sheet, row, "资金执行率分布", "执行率区间", figures.execution, "执行率")
    row = _distribution(sheet, row, "总得分分布", "得分区间", figures.scores, "总得分")
    row = _rules(sheet, row, figures)
    row = _progress(sheet, row, figures)
    _documents(sheet, row, figures)
    sheet.column_dimensions["A"].width = 34
    for letter in "BCDEF":
        sheet.column_dimensions[letter].width = 11


def _put(sheet: Worksheet, *, row: int, column: int, value: Any) -> Cell:
    """Write one cell; text that looks like a formula stays text (a reviewer's name, a
    document title)."""
    cell = sheet.cell(row=row, column=column, value=value)
    as_text(cell)
    return cell


def _heading(sheet: Worksheet, row: int, text: str) -> int:
    _put(sheet, row=row, column=1, value=text).font = HEADING
    return row + 1


def _header(sheet: Worksheet, row: int, names: list[str]) -> None:
    for column, name in enumerate(names, start=1):
        _put(sheet, row=row, column=column, value=name).font = BOLD


def _kpis(sheet: Worksheet, figures: RunFigures, row: int) -> int:
    row = _heading(sheet, row, "概况")
    items: list[tuple[str, Any]] = [
        ("文档", figures.documents),
        ("表单", figures.forms),
        ("问题总数", figures.flags),
        ("待处理问题", figures.open),
        *[(f"待处理{SEVERITY_NAMES[s]}", figures.open_by_severity.get(s, 0)) for s in SEVERITIES],
        ("已审完的文档（无待处理问题）", figures.documents_done),
        ("审核记录", figures.decisions),
        ("审核人", "、".join(figures.reviewers) or "—"),
    ]
    for name, value in items:
        _put(sheet, row=row, column=1, value=name)
        _put(sheet, row=row, column=2, value=value)
        row += 1
    return row + 1


def _anchor(row: int) -> str:
    return f"{CHART_COLUMN}{row}"


def _distribution(
    sheet: Worksheet, row: int, title: str, band: str, dist: Distribution, what: str
) -> int:
    top = _heading(sheet, row, title)
    note = f"{dist.count} 张表"
    if dist.median is not None:
        note += f"，中位数 {display(dist.median)}"
    if dist.missing:
        note += f"，{dist.missing} 张无{what}"
    _put(sheet, row=top - 1, column=2, value=note)
    _header(sheet, top, [band, "表单数"])
    for offset, item in enumerate(dist.bins, start=1):
        _put(sheet, row=top + offset, column=1, value=item.label)
        _put(sheet, row=top + offset, column=2, value=item.count)
    last = top + len(dist.bins)
    chart = BarChart()
    chart.type = "col"
    chart.title = title
    chart.y_axis.title = "表单数"
    chart.legend = None
    chart.add_data(Reference(sheet, min_col=2, min_row=top, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=top + 1, max_row=last))
    chart.dataLabels = DataLabelList()
    chart.dataLabels.showVal = True
    chart.height, chart.width = 7, 16
    sheet.add_chart(chart, _anchor(row))
    return max(last + 2, row + 16)


def _rules(sheet: Worksheet, row: int, figures: RunFigures) -> int:
    top = _heading(sheet, row, "问题（按规则与严重度）")
    names = [SEVERITY_NAMES[s] for s in SEVERITIES]
    _header(sheet, top, ["规则", *names, "待处理", "规则编号"])
    for offset, rule in enumerate(figures.rules, start=1):
        values = [rule.name, *[rule.by_severity[s] for s in SEVERITIES], rule.open, rule.rule]
        for column, value in enumerate(values, start=1):
            _put(sheet, row=top + offset, column=column, value=value)
    last = top + len(figures.rules)
    if figures.rules:
        chart = BarChart()
        chart.type = "bar"
        chart.grouping = "stacked"
        chart.overlap = 100
        chart.title = "问题（按规则与严重度）"
        data = Reference(sheet, min_col=2, max_col=1 + len(SEVERITIES), min_row=top, max_row=last)
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(Reference(sheet, min_col=1, min_row=top + 1, max_row=last))
        for series, severity in zip(chart.series, SEVERITIES, strict=True):
            series.graphicalProperties.solidFill = SEVERITY_COLOURS[severity]
        chart.y_axis.title = "问题数"
        chart.height, chart.width = max(7.0, 0.8 * len(figures.rules) + 2), 16
        sheet.add_chart(chart, _anchor(row))
    return max(last + 2, row + 4 + int(0.8 * len(figures.rules) + 2) * 2)


def _progress(sheet: Worksheet, row: int, figures: RunFigures) -> int:
    top = _heading(sheet, row, "审核进度（问题状态）")
    _header(sheet, top, ["状态", "问题数"])
    for offset, (_status, name, count) in enumerate(figures.progress, start=1):
        _put(sheet, row=top + offset, column=1, value=name)
        _put(sheet, row=top + offset, column=2, value=count)
    last = top + len(figures.progress)
    if figures.flags:
        chart = PieChart()
        chart.title = "审核进度"
        chart.add_data(
            Reference(sheet, min_col=2, min_row=top, max_row=last), titles_from_data=True
        )
        chart.set_categories(Reference(sheet, min_col=1, min_row=top + 1, max_row=last))
        chart.dataLabels = DataLabelList()
        chart.dataLabels.showPercent = True
        chart.height, chart.width = 7, 12
        sheet.add_chart(chart, _anchor(row))
    return max(last + 2, row + 16)


def _documents(sheet: Worksheet, row: int, figures: RunFigures) -> int:
    top = _heading(sheet, row, "待处理错误最多的文档")
    _header(sheet, top, ["文档", "待处理错误", "待处理警告", "问题总数", "文档编号"])
    for offset, doc in enumerate(figures.worst, start=1):
        values = [doc.label, doc.open_errors, doc.open_warnings, doc.flags, doc.doc_id]
        for column, value in enumerate(values, start=1):
            _put(sheet, row=top + offset, column=column, value=value)
    last = top + len(figures.worst)
    if figures.worst:
        chart = BarChart()
        chart.type = "bar"
        chart.grouping = "stacked"
        chart.overlap = 100
        chart.title = "待处理错误最多的文档"
        chart.add_data(
            Reference(sheet, min_col=2, max_col=3, min_row=top, max_row=last),
            titles_from_data=True,
        )
        chart.set_categories(Reference(sheet, min_col=1, min_row=top + 1, max_row=last))
        for series, severity in zip(chart.series, ("error", "warning"), strict=True):
            series.graphicalProperties.solidFill = SEVERITY_COLOURS[severity]
        chart.height, chart.width = max(7.0, 0.8 * len(figures.worst) + 2), 16
        sheet.add_chart(chart, _anchor(row))
    return last + 2
