"""Current values and review status, derived from the decisions (never stored).

A field's decisions are numbered by `seq`; an `undo` decision cancels one earlier
decision. The field's value is the extraction overridden by the latest 修改 still in
force; its status is the kind of the latest decision still in force. A flag is answered
when that latest decision is 确认 or 原文错误 and was made with the flag open.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

Decision = Literal["confirm", "modify", "source_error", "undo"]
Status = Literal["unreviewed", "confirmed", "modified", "source_error"]
FlagStatus = Literal["open", "confirmed", "source_error", "cleared"]

DECISIONS: tuple[Decision, ...] = ("confirm", "modify", "source_error", "undo")
DECISION_NAMES: dict[str, str] = {
    "confirm": "确认",
    "modify": "修改",
    "source_error": "原文错误",
    "undo": "撤销",
}
STATUS_NAMES: dict[str, str] = {
    "unreviewed": "未审核",
    "confirmed": "已确认",
    "modified": "已修改",
    "source_error": "原文错误",
    "open": "待处理",
    "cleared": "已消除",
}
SEVERITY_NAMES: dict[str, str] = {"error": "错误", "warning": "警告", "info": "提示"}
_STATUS_OF: dict[str, Status] = {
    "confirm": "confirmed",
    "modify": "modified",
    "source_error": "source_error",
}


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def loads(text: str) -> Any:
    return json.loads(text)


def as_utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


@dataclass(frozen=True)
class AuditRow:
    id: int
    doc_id: str
    project: str  # '' for document-level
    target: str
    seq: int
    decision: Decision
    old_value: Any
    new_value: Any
    note: str
    reviewer: str
    created_at: datetime
    rules: tuple[str, ...]
    undoes: int | None
    via: str

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "document": self.doc_id,
            "project": self.project or None,
            "path": self.target,
            "seq": self.seq,
            "decision": self.decision,
            "decision_name": DECISION_NAMES[self.decision],
            "old_value": self.old_value,
            "new_value": self.new_value,
            "note": self.note,
            "reviewer": self.reviewer,
            "time": as_utc(self.created_at).isoformat(),
            "rules": list(self.rules),
            "undoes": self.undoes,
            "via": self.via,
        }


@dataclass
class FieldState:
    """Where one field (or document-level flag target) stands after its decisions."""

    project: str
    target: str
    version: int = 0  # the seq of the latest decision; 0 when none
    rows: list[AuditRow] = field(default_factory=list)
    active: list[AuditRow] = field(default_factory=list)  # decisions still in force

    @property
    def latest(self) -> AuditRow | None:
        return self.active[-1] if self.active else None

    @property
    def status(self) -> Status:
        latest = self.latest
        return "unreviewed" if latest is None else _STATUS_OF[latest.decision]

    @property
    def override(self) -> tuple[bool, Any]:
        """(True, value) when a 修改 is in force."""
        for row in reversed(self.active):
            if row.decision == "modify":
                return True, row.new_value
        return False, None

    def answers(self, rule: str) -> bool:
        """Whether the decision in force answers a flag of this rule."""
        latest = self.latest
        return (
            latest is not None
            and latest.decision in ("confirm", "source_error")
            and (rule in latest.rules)
        )

    def undoable(self) -> AuditRow | None:
        return self.latest


def changes_value(row: AuditRow) -> bool:
    """Whether the decision changed the field's value (a 修改, or 撤销 of one): only
    these need the document re-validated."""
    return row.decision in ("modify", "undo") and row.new_value != row.old_value


def fold(project: str, target: str, rows: Iterable[AuditRow]) -> FieldState:
    ordered = sorted(rows, key=lambda r: r.seq)
    undone = {r.undoes for r in ordered if r.decision == "undo" and r.undoes is not None}
    state = FieldState(project=project, target=target, rows=ordered)
    state.version = ordered[-1].seq if ordered else 0
    state.active = [r for r in ordered if r.decision != "undo" and r.id not in undone]
    return state


def fold_all(rows: Iterable[AuditRow]) -> dict[tuple[str, str], FieldState]:
    grouped: dict[tuple[str, str], list[AuditRow]] = {}
    for row in rows:
        grouped.setdefault((row.project, row.target), []).append(row)
    return {key: fold(key[0], key[1], items) for key, items in grouped.items()}


def flag_status(active: bool, rule: str, state: FieldState | None) -> FlagStatus:
    if not active:
        return "cleared"
    if state is not None and state.answers(rule):
        return "confirmed" if state.status == "confirmed" else "source_error"
    return "open"
