"""The side panel's data for one field: value, status, flags, source excerpt, history.

Returned as JSON; the page inserts every string with `textContent`, never as HTML.
"""

from __future__ import annotations

import re
from typing import Any

from extractor.models import Span
from extractor.review.errors import NotFoundError
from extractor.review.fields import display, field_kind, field_label, has_field, is_field
from extractor.review.records import DocumentView
from extractor.review.sources import excerpt
from extractor.review.state import DECISION_NAMES, SEVERITY_NAMES, STATUS_NAMES, as_utc

_ITEM = re.compile(r"^(funding|indicators)\[(\d+)\]\.")


def record_span(project: dict[str, Any] | None, path: str) -> Span | None:
    """The span of the row holding the field (indicator or funding line), else the
    project's."""
    if project is None:
        return None
    match = _ITEM.match(path)
    if match:
        items = project.get(match.group(1)) or []
        index = int(match.group(2))
        if index < len(items) and items[index].get("span"):
            return Span.model_validate(items[index]["span"])
    return Span.model_validate(project["span"]) if project.get("span") else None


def _local(moment: Any) -> str:
    return as_utc(moment).astimezone().strftime("%Y-%m-%d %H:%M:%S")


def field_detail(
    view: DocumentView, pages: dict[int, str], project_id: str, target: str
) -> dict[str, Any]:
    project = view.project(project_id) if project_id else None
    flags = view.flags_on(project_id, target)
    if is_field(target):
        if project is None or not has_field(project, target):
            raise NotFoundError(f"找不到字段 {project_id} {target}")
    elif not flags:
        raise NotFoundError(f"找不到问题 {target}")
    state = view.state(project_id, target)
    kind = field_kind(target)
    extracted = view.extracted_value(project_id, target)
    value = view.current_value(project_id, target)
    span = next((f.span for f in flags if f.span is not None), None)
    span = span or record_span(view.extracted_project(project_id), target)
    source = excerpt(pages, span, context=None, needle=display(extracted))
    latest = state.latest
    return {
        "document": view.doc_id,
        "project": project_id,
        "project_name": (project or {}).get("name") or "",
        "path": target,
        "label": field_label(project, target),
        "kind": kind,
        "kind_name": {
            "number": "数字",
            "integer": "整数",
            "value": "指标值",
            "text": "文字",
            "op": "符号",
        }.get(kind, "问题"),
        "editable": kind != "none",
        "value": display(value),
        "extracted": display(extracted),
        "modified": value != extracted,
        "status": state.status,
        "status_name": STATUS_NAMES[state.status],
        "version": state.version,
        "flags": [
            {
                "rule": f.rule,
                "severity": f.severity,
                "severity_name": SEVERITY_NAMES.get(f.severity, f.severity),
                "message": f.message,
                "expected": display(f.expected),
                "found": display(f.found),
                "status": f.status,
                "status_name": STATUS_NAMES[f.status],
            }
            for f in flags
        ],
        "source": source.to_json() if source else None,
        "history": [
            {
                "id": row.id,
                "decision": row.decision,
                "decision_name": DECISION_NAMES[row.decision],
                "old": display(row.old_value),
                "new": display(row.new_value),
                "note": row.note,
                "reviewer": row.reviewer,
                "time": _local(row.created_at),
                "active": any(r.id == row.id for r in state.active),
                "undoes": row.undoes,
            }
            for row in reversed(state.rows)
        ],
        "undo": {"id": latest.id, "decision_name": DECISION_NAMES[latest.decision]}
        if latest
        else None,
    }
