"""Export the reviewed values with each field's review status: JSON, CSV or Excel.

- json: per document the current DocumentResult, its flags with their decisions, and
  one entry per field (extracted value, reviewed value, status, who, when, note).
- csv: the per-field rows (UTF-8 with BOM so Excel opens it as Chinese).
- xlsx: a 汇总 sheet with charts, then 项目 / 资金 / 指标 / 问题 / 字段审核 / 审核记录,
  Chinese headers, numbers stored as numbers.

Text that a spreadsheet would run as a formula (a project name "=HYPERLINK(…)" from a
document, a reviewer called "=1+1") is written as text in both: a leading apostrophe
in CSV, a string cell with the quote-prefix style in xlsx.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from extractor.review.fields import display, field_label, is_field, iter_fields
from extractor.review.records import DocumentView, FlagRecord
from extractor.review.state import (
    DECISION_NAMES,
    SEVERITY_NAMES,
    STATUS_NAMES,
    AuditRow,
    FieldState,
    as_utc,
)

if TYPE_CHECKING:
    from extractor.review.overview import DocumentFacts

ExportFormat = Literal["json", "csv", "xlsx"]
FORMATS: tuple[ExportFormat, ...] = ("json", "csv", "xlsx")
MEDIA_TYPES: dict[str, str] = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FORM_NAMES: dict[str, str] = {
    "project_self_evaluation": "项目支出绩效自评表",
    "department_self_evaluation": "部门整体绩效自评表",
    "project_target": "项目绩效目标表",
    "department_target": "部门整体支出绩效目标申报表",
    "evaluation_scoring": "绩效评价评分表",
}
FIELD_COLUMNS: tuple[str, ...] = (
    "文档",
    "项目编号",
    "项目名称",
    "表单",
    "字段路径",
    "字段",
    "提取值",
    "审核值",
    "审核状态",
    "问题",
    "处理",
    "审核人",
    "备注",
    "时间",
)


@dataclass(frozen=True)
class FieldRow:
    doc_id: str
    project: str
    project_name: str
    form: str
    path: str
    label: str
    extracted: Any
    value: Any
    state: FieldState | None
    flags: list[FlagRecord]

    @property
    def status(self) -> str:
        return self.state.status if self.state is not None else "unreviewed"

    @property
    def latest(self) -> AuditRow | None:
        return self.state.latest if self.state is not None else None

    def to_json(self) -> dict[str, Any]:
        latest = self.latest
        return {
            "project": self.project or None,
            "path": self.path,
            "label": self.label,
            "extracted": self.extracted,
            "value": self.value,
            "status": self.status,
            "status_name": STATUS_NAMES[self.status],
            "flags": [f.rule for f in self.flags],
            "reviewer": latest.reviewer if latest else None,
            "note": latest.note if latest else None,
            "time": as_utc(latest.created_at).isoformat() if latest else None,
        }

    def to_csv(self) -> list[str]:
        latest = self.latest
        return [
            self.doc_id,
            self.project,
            self.project_name,
            FORM_NAMES.get(self.form, self.form),
            self.path,
            self.label,
            display(self.extracted),
            display(self.value),
            STATUS_NAMES[self.status],
            "；".join(f"{f.rule}（{STATUS_NAMES[f.status]}）" for f in self.flags),
            DECISION_NAMES[latest.decision] if latest else "",
            latest.reviewer if latest else "",
            latest.note if latest else "",
            local_time(latest.created_at) if latest else "",
        ]


# A cell whose text starts like this is taken as a formula by spreadsheet programs
# (=HYPERLINK(…), +cmd|…, @SUM(…)); text from a document or a reviewer must stay text.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?%?$")


def formula_like(text: str) -> bool:
    """Whether a spreadsheet would read `text` as a formula (a plain signed number,
    such as -5, is read as the number it is)."""
    return text.startswith(FORMULA_START) and not _PLAIN_NUMBER.match(text)


def csv_cell(value: str) -> str:
    """CSV has no types: a formula-like text is written with a leading apostrophe,
    which Excel and LibreOffice take as "this is text" (OWASP's advice)."""
    return "'" + value if formula_like(value) else value


def local_time(moment: datetime) -> str:
    return as_utc(moment).astimezone().strftime("%Y-%m-%d %H:%M:%S")


def field_rows(view: DocumentView) -> Iterator[FieldRow]:
    """Every field of every project, then the document-level flag targets."""
    for project in view.current.get("projects", []):
        pid = project["id"]
        for path in iter_fields(project):
            yield FieldRow(
                doc_id=view.doc_id,
                project=pid,
                project_name=project.get("name") or "",
                form=project.get("form") or "",
                path=path,
                label=field_label(project, path),
                extracted=view.extracted_value(pid, path),
                value=view.current_value(pid, path),
                state=view.states.get((pid, path)),
                flags=view.flags_on(pid, path),
            )
    seen: set[tuple[str, str]] = set()
    for flag in view.flags:
        key = (flag.project, flag.target)
        if key in seen or (is_field(flag.target) and view.project(flag.project) is not None):
            continue
        seen.add(key)
        project = view.project(flag.project) or {}
        yield FieldRow(
            doc_id=view.doc_id,
            project=flag.project,
            project_name=project.get("name") or "",
            form=project.get("form") or "",
            path=flag.target,
            label=field_label(project, flag.target),
            extracted=None,
            value=None,
            state=view.states.get(key),
            flags=view.flags_on(*key),
        )


def flag_json(view: DocumentView, flag: FlagRecord) -> dict[str, Any]:
    decision = flag.decision
    return {
        **flag.to_flag().model_dump(mode="json"),
        "target": flag.target,
        "active": flag.active,
        "status": flag.status,
        "status_name": STATUS_NAMES[flag.status],
        "decision": decision.to_json() if decision else None,
    }


def export_json(views: list[DocumentView]) -> bytes:
    documents = []
    for view in views:
        documents.append(
            {
                "doc_id": view.doc_id,
                "result": view.result().model_dump(mode="json"),
                "flags": [flag_json(view, f) for f in view.flags],
                "fields": [row.to_json() for row in field_rows(view)],
                "audit": [row.to_json() for row in view.audit],
            }
        )
    data = {
        "format": "budget-review-export",
        "version": 1,
        "exported_at": datetime.now(UTC).isoformat(),
        "documents": documents,
    }
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


def export_csv(views: list[DocumentView]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(FIELD_COLUMNS)
    for view in views:
        for row in field_rows(view):
            writer.writerow([csv_cell(cell) for cell in row.to_csv()])
    return buffer.getvalue().encode("utf-8-sig")


def export_bytes(
    views: list[DocumentView], fmt: str, facts: dict[str, DocumentFacts] | None = None
) -> bytes:
    """The export; `facts` (document titles, departments) label the xlsx summary."""
    if fmt == "json":
        return export_json(views)
    if fmt == "csv":
        return export_csv(views)
    if fmt == "xlsx":
        from extractor.review.workbook import export_xlsx

        return export_xlsx(views, facts)
    raise ValueError(f"不支持的导出格式 {fmt}（可选 json、csv、xlsx）")


def write_atomic(target: Path, data: bytes) -> None:
    """Write a file so that a reader never sees half of it."""
    handle, temp = tempfile.mkstemp(dir=target.parent or Path("."), prefix=f".{target.name}.")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def severity_name(severity: str) -> str:
    return SEVERITY_NAMES.get(severity, severity)
