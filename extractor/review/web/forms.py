"""What the document page draws: each form laid out like the printed one (header,
funding block, 一级/二级/三级指标 rows with merged cells, 总分), every cell tied to its
field path and coloured by the severity of its open flags.

Only plain data goes to the template; Jinja escapes every string it prints.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from extractor.models import FUNDING_NUMBER_FIELDS
from extractor.review.export import FORM_NAMES
from extractor.review.fields import FUNDING_SOURCES, display, field_kind, field_label
from extractor.review.records import SEVERITY_ORDER, DocumentView, FlagRecord

FUNDING_HEADERS: dict[str, str] = {
    "initial_budget": "年初预算数",
    "budget": "全年预算数",
    "carried_in": "上年结转",
    "received": "实际到位",
    "received_rate": "到位率",
    "executed": "全年执行数",
    "execution_rate": "执行率",
    "balance": "结余结转",
    "weight": "分值",
    "score": "得分",
}
RATE_FIELDS = {"received_rate", "execution_rate"}


@dataclass
class Cell:
    project: str
    path: str
    text: str
    label: str
    severity: str | None = None  # worst open flag on the field
    flags: int = 0  # active flags
    status: str = "unreviewed"  # the field's review status
    rowspan: int = 1
    numeric: bool = False
    suffix: str = ""

    @property
    def css(self) -> str:
        classes = ["cell"]
        if self.numeric:
            classes.append("num")
        if self.severity:
            classes.append(f"sev-{self.severity}")
        elif self.flags:
            classes.append("answered")
        if self.status != "unreviewed":
            classes.append(f"st-{self.status}")
        return " ".join(classes)


@dataclass
class IndicatorRow:
    cells: list[Cell | None]  # None where a merged cell above covers the column
    chips: dict[str, list[Cell]] = field(default_factory=dict)  # cell path → subtotal chips


@dataclass
class TotalRow:
    cells: list[Cell | None]  # under the columns after the first (None: empty cell)
    chips: list[Cell]  # totals with no column of their own, shown beside 总分


@dataclass
class FormView:
    project: str
    title: str
    name: str
    header: list[tuple[str, Cell]]
    funding_columns: list[tuple[str, str]]
    funding_rows: list[tuple[Cell, list[Cell]]]
    funding_unit: str
    show_unit: bool
    indicator_columns: list[tuple[str, str]]
    indicator_rows: list[IndicatorRow]
    extra_subtotals: list[tuple[str, Cell, Cell]]
    total: TotalRow | None
    open_flags: int
    flags: int


def _merge_key(name: str) -> Callable[[dict[str, Any]], tuple[Any, ...]]:
    """Rows whose cell of this column is merged: same value here and to the left."""
    columns = ("group", "level1", "level2")[: ("group", "level1", "level2").index(name) + 1]
    return lambda indicator: tuple(indicator.get(c) for c in columns)


def _worst(flags: list[FlagRecord]) -> str | None:
    open_flags = [f.severity for f in flags if f.is_open]
    return min(open_flags, key=lambda s: SEVERITY_ORDER.get(s, 9)) if open_flags else None


class _Builder:
    def __init__(self, view: DocumentView, project: dict[str, Any]) -> None:
        self.view = view
        self.project = project
        self.pid: str = project["id"]
        self.flags = [f for f in view.flags if f.project == self.pid]
        self.flagged_paths = {f.target for f in self.flags if f.active}

    def cell(self, path: str, text: str | None = None, numeric: bool = False) -> Cell:
        flags = [f for f in self.flags if f.target == path]
        value = self.view.current_value(self.pid, path)
        return Cell(
            project=self.pid,
            path=path,
            text=display(value) if text is None else text,
            label=field_label(self.project, path),
            severity=_worst(flags),
            flags=sum(f.active for f in flags),
            status=self.view.state(self.pid, path).status,
            numeric=numeric or field_kind(path) == "number",
        )

    def flagged(self, prefix: str, name: str) -> bool:
        return any(p.startswith(prefix) and p.endswith(f".{name}") for p in self.flagged_paths)

    def header(self) -> list[tuple[str, Cell]]:
        fields = [
            ("项目名称", "name"),
            ("主管部门", "department"),
            ("实施单位", "implementer"),
            ("年度", "year"),
        ]
        return [(label, self.cell(path)) for label, path in fields]

    def funding(self) -> tuple[list[tuple[str, str]], list[tuple[Cell, list[Cell]]], str, bool]:
        lines = self.project.get("funding") or []
        names = [
            name
            for name in FUNDING_NUMBER_FIELDS
            if any(line.get(name) is not None for line in lines) or self.flagged("funding[", name)
        ]
        units = {line.get("unit") or "万元" for line in lines}
        show_unit = len(units) > 1 or self.flagged("funding[", "unit")
        unit = next(iter(units)) if len(units) == 1 else "万元"
        rows = []
        for index, line in enumerate(lines):
            source = str(line.get("source") or "")
            label = self.cell(f"funding[{index}].source", FUNDING_SOURCES.get(source, source))
            cells = [self.cell(f"funding[{index}].{name}") for name in names]
            for cell, name in zip(cells, names, strict=True):
                if name in RATE_FIELDS and cell.text:
                    cell.suffix = "%"
            if show_unit:
                cells.insert(0, self.cell(f"funding[{index}].unit"))
            rows.append((label, cells))
        columns = [(name, FUNDING_HEADERS[name]) for name in names]
        if show_unit:
            columns.insert(0, ("unit", "单位"))
        return columns, rows, unit, show_unit

    def indicator_columns(self) -> list[tuple[str, str]]:
        indicators = self.project.get("indicators") or []
        form = self.project.get("form")
        target_form = form in ("project_target", "department_target")
        self_form = form in ("project_self_evaluation", "department_self_evaluation")

        def present(name: str) -> bool:
            return any(i.get(name) not in (None, "") for i in indicators) or self.flagged(
                "indicators[", name
            )

        columns: list[tuple[str, str]] = []
        if present("group"):
            columns.append(("group", "年度目标"))
        columns += [("level1", "一级指标"), ("level2", "二级指标"), ("name", "三级指标")]
        if present("nature"):
            columns.append(("nature", "指标性质"))
        if present("target") or self_form or target_form:
            columns.append(("target", "指标值" if target_form else "年度指标值"))
        if present("actual") or self_form:
            columns.append(("actual", "实际完成值"))
        if present("weight") or not target_form:
            columns.append(("weight", "权重" if target_form else "分值"))
        if present("score") or self_form or form == "evaluation_scoring":
            columns.append(("score", "得分"))
        if present("deviation_reason") or form == "project_self_evaluation":
            columns.append(("deviation_reason", "偏差原因分析及改进措施"))
        return columns

    def indicator_rows(
        self, columns: list[tuple[str, str]]
    ) -> tuple[list[IndicatorRow], list[tuple[str, Cell, Cell]]]:
        indicators = self.project.get("indicators") or []
        merged = ("group", "level1", "level2")
        subtotals = list(enumerate(self.project.get("subtotals") or []))
        used: set[int] = set()
        rows: list[IndicatorRow] = []
        for index, indicator in enumerate(indicators):
            cells: list[Cell | None] = []
            chips: dict[str, list[Cell]] = {}
            for name, _label in columns:
                path = f"indicators[{index}].{name}"
                if name in merged:
                    key = _merge_key(name)
                    if (
                        index > 0
                        and key(indicators[index - 1]) == key(indicator)
                        and not self._flagged_row(index, name)
                    ):
                        cells.append(None)
                        continue
                    span = 1
                    while (
                        index + span < len(indicators)
                        and key(indicators[index + span]) == key(indicator)
                        and not self._flagged_row(index + span, name)
                    ):
                        span += 1
                    cell = self.cell(path)
                    cell.rowspan = span
                    cells.append(cell)
                    if name in ("group", "level1"):
                        found = self._chips(indicator.get(name), subtotals, used)
                        if found:
                            chips[path] = found
                    continue
                cells.append(self.cell(path))
            rows.append(IndicatorRow(cells=cells, chips=chips))
        extra = [
            (
                str(sub.get("level1") or ""),
                self.cell(f"subtotals[{k}].weight"),
                self.cell(f"subtotals[{k}].score"),
            )
            for k, sub in subtotals
            if k not in used
        ]
        return rows, extra

    def _flagged_row(self, index: int, name: str) -> bool:
        return f"indicators[{index}].{name}" in self.flagged_paths

    def _chips(
        self, level1: Any, subtotals: list[tuple[int, dict[str, Any]]], used: set[int]
    ) -> list[Cell]:
        for k, sub in subtotals:
            if k in used or not level1 or sub.get("level1") != level1:
                continue
            used.add(k)
            chips = []
            weight = self.cell(f"subtotals[{k}].weight")
            weight.text = f"（{weight.text}分）" if weight.text else "（分值）"
            chips.append(weight)
            score = self.cell(f"subtotals[{k}].score")
            if score.text or score.flags:
                score.text = f"小计 {score.text}"
                chips.append(score)
            return chips
        return []

    def total(self, columns: list[tuple[str, str]]) -> TotalRow | None:
        """The 总分 row, one cell per column: 总分 under the first, the weight and score
        under their columns; a total with no column of its own (a target form's score)
        is shown as a chip beside 总分, so the row never outgrows the header."""
        total = self.project.get("total") or {}
        flagged = {"total.weight", "total.score"} & self.flagged_paths
        if total.get("weight") is None and total.get("score") is None and not flagged:
            return None
        names = [name for name, _ in columns]
        cells: list[Cell | None] = []
        for name in names[1:]:
            if name == "weight":
                cells.append(self.cell("total.weight"))
            elif name == "score":
                cells.append(self.cell("total.score"))
            else:
                cells.append(None)
        chips = []
        for name, word in (("weight", "分值"), ("score", "得分")):
            path = f"total.{name}"
            if name in names or (total.get(name) is None and path not in flagged):
                continue
            chip = self.cell(path)
            chip.text = f"{word} {chip.text}" if chip.text else word
            chips.append(chip)
        return TotalRow(cells=cells, chips=chips)


def build_forms(view: DocumentView) -> list[FormView]:
    forms = []
    for project in view.current.get("projects", []):
        builder = _Builder(view, project)
        columns, funding_rows, unit, show_unit = builder.funding()
        indicator_columns = builder.indicator_columns()
        rows, extra = builder.indicator_rows(indicator_columns)
        forms.append(
            FormView(
                project=project["id"],
                title=FORM_NAMES.get(project.get("form", ""), project.get("form", "")),
                name=project.get("name") or "",
                header=builder.header(),
                funding_columns=columns,
                funding_rows=funding_rows,
                funding_unit=unit,
                show_unit=show_unit,
                indicator_columns=indicator_columns,
                indicator_rows=rows,
                extra_subtotals=extra,
                total=builder.total(indicator_columns),
                open_flags=sum(f.is_open for f in builder.flags),
                flags=len(builder.flags),
            )
        )
    return forms
