"""Checking a decision before it is written: the one validated path shared by the web
page, the API and the spreadsheet import.

- 确认 (confirm): the extraction is right; answers the field's active flags.
- 修改 (modify): a new value, checked against the field's kind (a number field takes a
  number) and different from the current one.
- 原文错误 (source_error): the document itself is wrong; value kept, note required.
- 撤销 (undo): cancels the latest decision in force (or the one named).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from extractor.review.bounds import check_value, score_above_weight
from extractor.review.errors import ConflictError, DecisionError, NotFoundError
from extractor.review.fields import (
    FieldInputError,
    check_required,
    coerce,
    display,
    field_kind,
    field_label,
    has_field,
    is_field,
)
from extractor.review.records import DocumentView
from extractor.review.state import DECISION_NAMES, DECISIONS, Decision, FieldState, as_utc

MAX_NOTE = 2000
MAX_REVIEWER = 100
ECHO = 60  # at most this much of a name from the request goes back in a message


def short(text: str) -> str:
    """A name from the request, cut short before it is repeated in a message."""
    return text if len(text) <= ECHO else text[:ECHO] + "…"


@dataclass(frozen=True)
class Request:
    project: str  # '' for a document-level flag
    target: str
    action: str
    value: str | None
    note: str
    reviewer: str
    version: int
    decision_id: int | None = None


@dataclass(frozen=True)
class Planned:
    decision: Decision
    seq: int
    old_value: Any
    new_value: Any
    note: str
    reviewer: str
    rules: tuple[str, ...]
    undoes: int | None


def conflict_message(state: FieldState, label: str) -> str:
    latest = state.rows[-1] if state.rows else None
    if latest is None:
        return f"保存冲突：{label} 的审核记录已变化，请刷新页面查看最新内容后再决定"
    when = as_utc(latest.created_at).astimezone().strftime("%Y-%m-%d %H:%M:%S")
    what = DECISION_NAMES[latest.decision]
    value = display(latest.new_value)
    shown = f"，当前值为「{value}」" if value else ""
    return (
        f"保存冲突：{label} 已被 {latest.reviewer} 于 {when} {what}{shown}。"
        "您的这次保存未生效，请查看最新内容后再决定。"
    )


def plan_decision(view: DocumentView, request: Request) -> Planned:
    """The decision row to write, or DecisionError / NotFoundError / ConflictError."""
    if request.action not in DECISIONS:
        raise DecisionError("未知的操作：应为 确认、修改、原文错误 或 撤销")
    decision: Decision = request.action
    reviewer = " ".join(request.reviewer.split())
    if not reviewer:
        raise DecisionError("请先填写审核人姓名")
    if len(reviewer) > MAX_REVIEWER:
        raise DecisionError(f"审核人姓名过长（最多 {MAX_REVIEWER} 字）")
    note = request.note.strip()
    if len(note) > MAX_NOTE:
        raise DecisionError(f"说明过长（最多 {MAX_NOTE} 字）")

    project = view.project(request.project) if request.project else None
    if request.project and project is None:
        raise NotFoundError(f"文档 {view.doc_id} 中没有项目 {short(request.project)}")
    label = field_label(project, request.target)
    if is_field(request.target):
        if project is None or not has_field(project, request.target):
            raise NotFoundError(
                f"项目 {short(request.project) or '（无）'} 中没有字段 {short(request.target)}"
            )
    elif not view.flags_on(request.project, request.target):
        raise NotFoundError(f"没有针对「{short(request.target)}」的问题")

    state = view.state(request.project, request.target)
    if request.version != state.version:
        raise ConflictError(
            conflict_message(state, label),
            current={"version": state.version, "status": state.status},
        )
    current = view.current_value(request.project, request.target)
    rules = tuple(f.rule for f in view.flags_on(request.project, request.target) if f.active)
    seq = state.version + 1

    if decision == "confirm":
        return Planned(decision, seq, current, current, note, reviewer, rules, None)
    if decision == "source_error":
        if not note:
            raise DecisionError("标记「原文错误」需要填写说明（原文哪里错了）")
        return Planned(decision, seq, current, current, note, reviewer, rules, None)
    if decision == "modify":
        kind = field_kind(request.target)
        op_hint = _op_hint(project, request.target)
        try:
            new_value = coerce(kind, request.value, label=label, op_hint=op_hint)
            check_required(request.target, new_value, label)
            check_value(request.target, new_value, label)
        except FieldInputError as exc:
            raise DecisionError(str(exc)) from None
        if new_value == current:
            raise DecisionError(
                f"新值与当前值「{display(current)}」相同；如当前值正确，请选择「确认」"
            )
        above = score_above_weight(project or {}, request.target, new_value)
        if above is not None and not note:
            score, weight = above
            raise DecisionError(
                f"{label}：改后得分 {display(score)} 高于分值 {display(weight)}；"
                "如原表确实如此，请在「说明」中写明理由后再保存"
            )
        return Planned(decision, seq, current, new_value, note, reviewer, rules, None)
    return _plan_undo(view, request, state, current, note, reviewer, seq)


def _plan_undo(
    view: DocumentView,
    request: Request,
    state: FieldState,
    current: Any,
    note: str,
    reviewer: str,
    seq: int,
) -> Planned:
    if not state.active:
        raise DecisionError("此字段没有可撤销的决定")
    if request.decision_id is None:
        undone = state.active[-1]
    else:
        found = [r for r in state.active if r.id == request.decision_id]
        if not found:
            raise DecisionError("要撤销的决定不存在、已被撤销或不属于此字段")
        undone = found[0]
    remaining = [r for r in state.active if r.id != undone.id]
    override = next((r.new_value for r in reversed(remaining) if r.decision == "modify"), None)
    has_override = any(r.decision == "modify" for r in remaining)
    extracted = view.extracted_value(request.project, request.target)
    new_value = override if has_override else (extracted if is_field(request.target) else None)
    return Planned("undo", seq, current, new_value, note, reviewer, (), undone.id)


def _op_hint(project: dict[str, Any] | None, target: str) -> str | None:
    """A target form's 指标性质 is the comparison sign of its 指标值."""
    match = re.fullmatch(r"indicators\[(\d+)\]\.target", target)
    if project is None or match is None:
        return None
    indicators = project.get("indicators") or []
    index = int(match.group(1))
    return indicators[index].get("nature") if index < len(indicators) else None
