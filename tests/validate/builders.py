"""Small record builders for the validator tests (not a test module)."""

from __future__ import annotations

from typing import Any

from extractor.document import Chunk, Document, Page
from extractor.models import (
    DocumentResult,
    FundingLine,
    Indicator,
    Project,
    Source,
    Subtotal,
    Total,
    Value,
)
from extractor.validate import ValidationReport, validate_result


def value(
    raw: str, number: float | None = None, unit: str | None = None, op: str | None = None
) -> Value:
    return Value(raw=raw, number=number, unit=unit, op=op)  # type: ignore[arg-type]


def ind(
    name: str = "指标", weight: float | None = 10, score: float | None = 10, **kw: Any
) -> Indicator:
    kw.setdefault("level1", "产出指标")
    return Indicator(name=name, weight=weight, score=score, **kw)


def line(source: str = "total", **kw: Any) -> FundingLine:
    return FundingLine(source=source, **kw)


def project(
    pid: str = "p1",
    *,
    name: str = "测试项目",
    form: str = "project_self_evaluation",
    funding: list[FundingLine] | None = None,
    indicators: list[Indicator] | None = None,
    subtotals: list[Subtotal] | None = None,
    total: Total | None = None,
) -> Project:
    return Project(
        id=pid,
        name=name,
        form=form,  # type: ignore[arg-type]
        funding=funding or [],
        indicators=indicators or [],
        subtotals=subtotals or [],
        total=total or Total(),
    )


def result(*projects: Project) -> DocumentResult:
    return DocumentResult(
        doc_id="t", source=Source(path="t.txt", sha256="0" * 64, pages=1), projects=list(projects)
    )


def document(text: str) -> Document:
    pages = [Page(number=i + 1, text=t) for i, t in enumerate(text.split("\f"))]
    return Document(doc_id="t", path="t.txt", sha256="0" * 64, pages=pages)


def narrative(text: str, start: int = 0) -> Chunk:
    return Chunk(doc_id="t", kind="narrative", start=start, end=start + len(text), text=text)


def run(*projects: Project, text: str | None = None) -> ValidationReport:
    """Validate records, with `text` as the whole source document when given."""
    doc = document(text) if text is not None else None
    return validate_result(result(*projects), doc)


def rules(report: ValidationReport) -> list[tuple[str, str | None, str]]:
    return [(f.rule, f.project, f.path) for f in report.flags]


def rule_ids(report: ValidationReport) -> list[str]:
    return [f.rule for f in report.flags]
