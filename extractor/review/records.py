"""Read-side records of the store: a document as it stands, its flags, a field."""

from __future__ import annotations

import copy
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from extractor.models import DocumentResult, Flag, Span
from extractor.review.fields import get_field, has_field, is_field, parse_path
from extractor.review.state import (
    AuditRow,
    FieldState,
    FlagStatus,
    changes_value,
    flag_status,
)

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


@dataclass(frozen=True)
class DocumentRecord:
    id: int
    doc_id: str
    source_path: str
    sha256: str
    page_count: int
    result_json: str
    has_source: bool
    imported_at: datetime
    source_file: str | None = None
    validated_through: int = 0  # the last decision the stored flags reflect


@dataclass
class FlagRecord:
    id: int
    project: str
    target: str
    rule: str
    path: str
    severity: str
    message: str
    expected: Any
    found: Any
    span: Span | None
    position: int
    active: bool
    status: FlagStatus = "open"
    decision: AuditRow | None = None  # the decision in force on its target

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    def to_flag(self) -> Flag:
        return Flag(
            rule=self.rule,
            severity=self.severity,  # type: ignore[arg-type]
            project=self.project or None,
            path=self.path,
            message=self.message,
            expected=self.expected,
            found=self.found,
            span=self.span,
        )


@dataclass
class Counts:
    """Flag counts of one document: open and total per severity, and progress."""

    open: Counter[str] = field(default_factory=Counter)
    total: Counter[str] = field(default_factory=Counter)

    @property
    def open_all(self) -> int:
        return sum(self.open.values())

    @property
    def total_all(self) -> int:
        return sum(self.total.values())

    @property
    def done(self) -> int:
        return self.total_all - self.open_all

    @property
    def percent(self) -> int:
        return 100 if not self.total_all else round(100 * self.done / self.total_all)


@dataclass
class DocumentView:
    """One document as it stands: extraction + decisions → current values and flags."""

    record: DocumentRecord
    extracted: dict[str, Any]  # the imported DocumentResult as JSON data
    flags: list[FlagRecord]
    states: dict[tuple[str, str], FieldState]
    audit: list[AuditRow]
    current: dict[str, Any] = field(init=False)

    def __post_init__(self) -> None:
        self.current = apply_overrides(self.extracted, self.states)
        for flag in self.flags:
            state = self.states.get((flag.project, flag.target))
            flag.status = flag_status(flag.active, flag.rule, state)
            flag.decision = state.latest if state is not None else None
        self.flags.sort(key=lambda f: (self.project_order(f.project), f.position))

    @property
    def doc_id(self) -> str:
        return self.record.doc_id

    @property
    def revalidating(self) -> bool:
        """A change of value is saved but its re-validation has not finished: the flags
        are as they were before it."""
        return any(
            changes_value(row) and row.id > self.record.validated_through for row in self.audit
        )

    def project_order(self, project_id: str) -> int:
        for index, project in enumerate(self.current.get("projects", [])):
            if project["id"] == project_id:
                return index
        return len(self.current.get("projects", []))

    def project(self, project_id: str) -> dict[str, Any] | None:
        return next((p for p in self.current["projects"] if p["id"] == project_id), None)

    def extracted_project(self, project_id: str) -> dict[str, Any] | None:
        return next((p for p in self.extracted["projects"] if p["id"] == project_id), None)

    def state(self, project_id: str, target: str) -> FieldState:
        return self.states.get((project_id, target)) or FieldState(project_id, target)

    def flags_on(self, project_id: str, target: str) -> list[FlagRecord]:
        return [f for f in self.flags if f.project == project_id and f.target == target]

    def counts(self) -> Counts:
        counts = Counts()
        for flag in self.flags:
            counts.total[flag.severity] += 1
            if flag.is_open:
                counts.open[flag.severity] += 1
        return counts

    def result(self) -> DocumentResult:
        """The current values as a DocumentResult, with the active flags."""
        data = dict(self.current)
        data["flags"] = [f.to_flag().model_dump() for f in self.flags if f.active]
        return DocumentResult.model_validate(data)

    def extracted_value(self, project_id: str, target: str) -> Any:
        project = self.extracted_project(project_id)
        if project is None or not has_field(project, target):
            return None
        return get_field(project, target)

    def current_value(self, project_id: str, target: str) -> Any:
        project = self.project(project_id)
        if project is None or not has_field(project, target):
            return None
        return get_field(project, target)


def apply_overrides(
    extracted: dict[str, Any], states: dict[tuple[str, str], FieldState]
) -> dict[str, Any]:
    """The extraction with the 修改 in force applied. `extracted` is shared between
    views and never changed: only the dicts on the way to a changed field are copied,
    so unchanged projects stay the very same objects (and their parsed models can be
    reused)."""
    changes: dict[str, list[tuple[str, Any]]] = {}
    for (project_id, target), state in states.items():
        overridden, value = state.override
        if overridden and is_field(target):
            changes.setdefault(project_id, []).append((target, value))
    current = dict(extracted)
    projects = []
    for project in extracted.get("projects", []):
        edits = changes.get(project["id"])
        if edits:
            project = _with_values(project, edits)
        projects.append(project)
    current["projects"] = projects
    return current


def _with_values(project: dict[str, Any], edits: list[tuple[str, Any]]) -> dict[str, Any]:
    """A copy of `project` with the fields set, sharing every untouched part."""
    copied = dict(project)
    fresh: set[tuple[str, int | None]] = set()
    for target, value in edits:
        ref = parse_path(target)
        if ref is None or not has_field(copied, target):
            continue
        if ref.collection is None:
            copied[ref.name] = copy.deepcopy(value)
            continue
        if ref.collection == "total":
            if ("total", None) not in fresh:
                copied["total"] = dict(copied.get("total") or {"weight": None, "score": None})
                fresh.add(("total", None))
            copied["total"][ref.name] = copy.deepcopy(value)
            continue
        if (ref.collection, None) not in fresh:
            copied[ref.collection] = list(copied[ref.collection])
            fresh.add((ref.collection, None))
        if (ref.collection, ref.index) not in fresh:
            copied[ref.collection][ref.index] = dict(copied[ref.collection][ref.index])
            fresh.add((ref.collection, ref.index))
        copied[ref.collection][ref.index][ref.name] = copy.deepcopy(value)
    return copied
