"""Flags a backend raises before project ids exist; resolved when the result is built."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from extractor.models import Flag, Project, Severity, Span

UNGROUNDED = "llm.ungrounded"
DISAGREEMENT = "hybrid.disagreement"
# Rule ids of this package, with severities and descriptions, like extractor.validate.rules.
LLM_RULES: dict[str, tuple[Severity, str]] = {
    UNGROUNDED: ("warning", "模型给出的数字或文字在原文中找不到"),
    DISAGREEMENT: ("warning", "模板解析与模型的结果不一致"),
}


@dataclass
class PendingFlag:
    rule: str
    path: str
    message: str
    project: Project | None = None  # the record object; its id is read at the end
    severity: Severity = "warning"
    expected: Any = None
    found: Any = None
    span: Span | None = None

    def resolve(self, projects: list[Project]) -> Flag | None:
        """The flag with the project's final id; None when the project was merged away."""
        project_id: str | None = None
        if self.project is not None:
            match = next((p for p in projects if p is self.project), None)
            if match is None:
                return None
            project_id = match.id
        return Flag(
            rule=self.rule,
            severity=self.severity,
            project=project_id,
            path=self.path,
            message=self.message,
            expected=self.expected,
            found=self.found,
            span=self.span,
        )
