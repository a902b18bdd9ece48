"""The side panel's data for one field: value, status, flags, source excerpt, history.

Returned as JSON; the page inserts every string with `textContent`, never as HTML.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from extractor.models import Span
from extractor.review.errors import NotFoundError
from extractor.review.fields import display, field_kind, field_label, has_field, is_field
from extractor.review.page_images import PageImageProblem, PageImages, source_kind
from extractor.review.records import DocumentView, FlagRecord
from extractor.review.sources import Box, cell_box, excerpt
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


def figures(flag: FlagRecord, shown: str) -> list[list[str]]:
    """The flag's two numbers, labelled against the cell: the one the table holds is
    表中为. Most rules put the table's value in `found`; a sum rule that trusts the
    printed 总分 (total.weight_sum) has it in `expected`, and the other is the sum; with
    no 总分 printed, the sum is what was found."""
    expected, found = display(flag.expected), display(flag.found)
    if not expected and not found:
        return []
    if shown and expected == shown and found != shown:
        return [["表中为", expected], ["计算得", found or "—"]]
    if not shown and found:  # the cell is empty, so `found` is a sum, not the table's
        return [["应为", expected or "—"], ["计算得", found]]
    return [["应为", expected or "—"], ["表中为", found or "—"]]


def _local(moment: Any) -> str:
    return as_utc(moment).astimezone().strftime("%Y-%m-%d %H:%M:%S")


def page_image(
    view: DocumentView,
    span: Span | None,
    images: PageImages | None,
    cell: list[float] | None = None,
) -> dict[str, Any]:
    """Where the page image is, the record's box and the field's cell on it, or why
    there is none."""
    record = view.record
    kind = source_kind(record.source_path)
    if kind == "text":
        return {"kind": kind, "image": None, "note": ""}
    if span is None:
        return {"kind": kind, "image": None, "note": "此处没有原文位置，无法显示页面图像"}
    if images is None:
        return {"kind": kind, "image": None, "note": "未启用页面图像"}
    try:
        geometry = images.geometry(record, span.page)
    except PageImageProblem as exc:
        return {"kind": kind, "image": None, "note": str(exc)}
    url = f"/documents/{quote(view.doc_id, safe='')}/pages/{span.page}.png?v={record.sha256[:16]}"
    return {
        "kind": kind,
        "image": {
            "url": url,
            "page": span.page,
            "width": geometry.width,
            "height": geometry.height,
            "bbox": span.bbox,
            "cell": cell,
        },
        "note": "" if span.bbox else "此记录没有框选位置，只显示所在页面",
    }


def field_detail(
    view: DocumentView,
    pages: dict[int, str],
    project_id: str,
    target: str,
    images: PageImages | None = None,
    boxes: Callable[[int], list[Box]] | None = None,
) -> dict[str, Any]:
    """Everything the side panel shows for one field; `boxes(page)` gives the page's
    text boxes, for the box of the field's own cell on the page image."""
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
    cell = None
    if span is not None and source is not None and source.focus and boxes is not None:
        start = min(span.start, len(pages.get(span.page, "")))
        cell = cell_box(boxes(span.page), start + source.focus[0], start + source.focus[1])
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
        "revalidating": view.revalidating,
        "flags": [
            {
                "rule": f.rule,
                "severity": f.severity,
                "severity_name": SEVERITY_NAMES.get(f.severity, f.severity),
                "message": f.message,
                "expected": display(f.expected),
                "found": display(f.found),
                "figures": figures(f, display(value)),
                "status": f.status,
                "status_name": STATUS_NAMES[f.status],
            }
            for f in flags
        ],
        "source": source.to_json() if source else None,
        "page_image": page_image(view, span, images, cell),
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
