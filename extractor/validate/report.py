"""The validation report and the context every rule writes into."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, Field

from extractor.document import Chunk, Document
from extractor.models import DocumentResult, Flag, Severity, Span
from extractor.validate.rules import severity_of

SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")


class ValidationReport(BaseModel):
    """What one validation run found: the flags, how many checks ran, and how many
    checks could not run because their inputs were missing (rule id → count)."""

    flags: list[Flag] = Field(default_factory=list)
    checks_run: int = 0
    skipped: dict[str, int] = Field(default_factory=dict)

    def by_severity(self) -> dict[str, int]:
        """Flag counts per severity, every severity present (0 when none)."""
        counts = Counter(flag.severity for flag in self.flags)
        return {severity: counts.get(severity, 0) for severity in SEVERITIES}

    def flags_of(self, severity: Severity) -> list[Flag]:
        return [flag for flag in self.flags if flag.severity == severity]


def _finite(value: Any) -> Any:
    """NaN/inf (a ratio over a zero amount) is not a value a reviewer can use: None."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


@dataclass
class Context:
    """Inputs of one run plus the accumulators the rules write into.

    `text` is the whole document text (offsets as in `Document.text`) when a document
    was given, else the chunks' texts joined; rules that need the source (项目清单,
    stated formulas, unit headers) read it and do nothing when it is empty."""

    result: DocumentResult
    document: Document | None = None
    chunks: list[Chunk] = field(default_factory=list)
    text: str = ""
    flags: list[Flag] = field(default_factory=list)
    checks_run: int = 0
    skipped: Counter[str] = field(default_factory=Counter)

    def ran(self, count: int = 1) -> None:
        self.checks_run += count

    def skip(self, rule: str, count: int = 1) -> None:
        self.skipped[rule] += count

    def locate(self, start: int, end: int) -> Span | None:
        """A span for offsets into the document text, when we have the document."""
        if self.document is None or not self.document.pages:
            return None
        return self.document.locate(start, end)

    def flag(
        self,
        rule: str,
        *,
        project: str | None,
        path: str,
        message: str,
        expected: Any = None,
        found: Any = None,
        span: Span | None = None,
    ) -> None:
        self.flags.append(
            Flag(
                rule=rule,
                severity=severity_of(rule),
                project=project,
                path=path,
                message=message,
                expected=_finite(expected),
                found=_finite(found),
                span=span,
            )
        )

    def report(self) -> ValidationReport:
        return ValidationReport(
            flags=list(self.flags), checks_run=self.checks_run, skipped=dict(self.skipped)
        )
