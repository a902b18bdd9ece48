"""Small golden documents and predictions for the eval tests (built in memory)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from extractor.models import (
    DocumentResult,
    ExpectedFlag,
    Flag,
    FormKind,
    FundingLine,
    GoldenDocument,
    Indicator,
    Project,
    Source,
    Span,
    Subtotal,
    Total,
    Value,
)

DOC_ID = "doc_a"


def indicator(
    name: str,
    level2: str | None = "数量指标",
    level1: str = "产出指标",
    weight: float | None = 10,
    score: float | None = 10,
    target: str | None = None,
    actual: str | None = None,
    **extra: Any,
) -> Indicator:
    return Indicator(
        level1=level1,
        level2=level2,
        name=name,
        weight=weight,
        score=score,
        target=Value(raw=target) if target is not None else None,
        actual=Value(raw=actual) if actual is not None else None,
        **extra,
    )


def project(
    pid: str,
    name: str,
    indicators: list[Indicator] | None = None,
    form: FormKind = "project_self_evaluation",
    **extra: Any,
) -> Project:
    return Project(
        id=pid,
        name=name,
        form=form,
        indicators=indicators or [],
        **extra,
    )


def golden_doc(
    projects: list[Project], flags: list[ExpectedFlag] | None = None, doc_id: str = DOC_ID
) -> GoldenDocument:
    return GoldenDocument(
        doc_id=doc_id,
        source=Source(path=f"docs/{doc_id}.txt", sha256="0" * 64, pages=1),
        projects=projects,
        expected_flags=flags or [],
    )


def as_prediction(golden: GoldenDocument, flags: list[Flag] | None = None) -> DocumentResult:
    """The golden's records as an extractor output (deep copy, no expected flags)."""
    data = golden.model_dump()
    data.pop("expected_flags")
    data["flags"] = [f.model_dump() for f in flags or []]
    return DocumentResult.model_validate(data)


def sample_golden(doc_id: str = DOC_ID) -> GoldenDocument:
    """Two self-evaluation forms: funding, subtotals, total, five indicators in the first."""
    first = project(
        "p1",
        "城乡医疗救助",
        year=2022,
        department="某某县医疗保障局",
        implementer="某某县医疗保障局",
        funding=[
            FundingLine(
                source="total",
                budget=1505.48,
                executed=709.41,
                execution_rate=47.12,
                weight=20,
                score=9.5,
                span=Span(page=2, start=100, end=160),
            ),
            FundingLine(source="fiscal", budget=1505.48, executed=709.41),
        ],
        indicators=[
            indicator(
                "救助人次",
                target="≥9977人次",
                actual="10234人次",
                weight=20,
                score=20,
                span=Span(page=3, start=10, end=40),
            ),
            indicator(
                "资金发放准确率",
                level2="质量指标",
                target="100%",
                actual="100%",
                weight=20,
                score=20,
                span=Span(page=3, start=41, end=80),
            ),
            indicator(
                "资金及时发放",
                level2="时效指标",
                target="及时",
                actual="及时",
                weight=10,
                score=10,
                span=Span(page=3, start=81, end=120),
            ),
            indicator(
                "困难群众负担减轻",
                level1="效益指标",
                level2="社会效益指标",
                weight=20,
                score=18,
                deviation_reason="部分救助未及时到位",
                span=Span(page=3, start=121, end=170),
            ),
            indicator(
                "服务对象满意度",
                level1="满意度指标",
                level2="服务对象满意度指标",
                target="≥90%",
                actual="95%",
                weight=10,
                score=10,
                span=Span(page=3, start=171, end=200),
            ),
        ],
        subtotals=[Subtotal(level1="产出指标", weight=50), Subtotal(level1="效益指标", weight=20)],
        total=Total(weight=100, score=87.5),
        span=Span(page=2, start=0, end=400),
    )
    second = project(
        "p2",
        "医疗保障工作经费",
        year=2022,
        indicators=[indicator("办公设备购置数量", weight=50, score=50)],
        total=Total(weight=100, score=100),
    )
    return golden_doc([first, second], doc_id=doc_id)


def write_json(path: Path, model: GoldenDocument | DocumentResult) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(model.model_dump_json(indent=2), encoding="utf-8")
    return path


def write_raw(path: Path, data: dict[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path
