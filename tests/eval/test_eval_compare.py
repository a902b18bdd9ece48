"""Field classification: TP / FD / FN / FA, and what is scored."""

from __future__ import annotations

from typing import Any

import pytest

from eval.align import align_document
from eval.compare import Outcome, classify, compare_document
from extractor.models import FundingLine, Subtotal, Total, Value
from tests.eval.eval_builders import indicator, project


@pytest.mark.parametrize(
    ("golden", "pred", "kind", "outcome"),
    [
        (10.0, 10.0, "number", Outcome.TP),
        (9.5, 9.42, "number", Outcome.FD),
        (10.0, None, "number", Outcome.FN),
        (None, 10.0, "number", Outcome.FA),
        (None, None, "number", None),
        (0.0, 0.0, "number", Outcome.TP),  # a printed 0 is present
        (0.0, None, "number", Outcome.FN),
        ("产出指标", "产出 指标", "text", Outcome.TP),
        ("产出指标", "效益指标", "text", Outcome.FD),
        ("", None, "text", None),  # empty text is absent
        (" ", "部分未到位", "text", Outcome.FA),
        ("部分未到位", "——", "text", Outcome.FN),  # punctuation only: absent
        ("project_target", "project_target", "exact", Outcome.TP),
        ("project_target", "department_target", "exact", Outcome.FD),
        ("≥", "≤", "exact", Outcome.FD),
        (2022, 2022, "exact", Outcome.TP),
        (2022, 2021, "exact", Outcome.FD),
    ],
)
def test_classify(golden: Any, pred: Any, kind: Any, outcome: Outcome | None) -> None:
    assert classify(golden, pred, kind) is outcome


def _outcomes(golden: Any, pred: Any) -> dict[str, Outcome]:
    golden_projects, pred_projects = [golden], [pred]
    alignment = align_document(golden_projects, pred_projects)
    results = compare_document("d", golden_projects, pred_projects, alignment)
    return {r.path: r.outcome for r in results}


def test_indicator_fields_classified() -> None:
    g = project(
        "p1",
        "项目",
        [indicator("参保人数", target="≥9977人", actual="10234人", weight=10, score=10)],
    )
    p = project(
        "x",
        "项目",
        [
            indicator(
                "参保人数",
                target="≥ 9977 人",
                actual=None,
                weight=10,
                score=9,
                deviation_reason="未完成",
            )
        ],
    )
    g.indicators[0].target = Value(raw="≥9977人", op="≥", number=9977, unit="人")
    p.indicators[0].target = Value(raw="≥ 9977 人", op="≥", number=9977.0, unit="万人")
    outcomes = _outcomes(g, p)
    ind = "projects[0].indicators[0]"
    assert outcomes[f"{ind}.target.raw"] is Outcome.TP
    assert outcomes[f"{ind}.target.op"] is Outcome.TP
    assert outcomes[f"{ind}.target.number"] is Outcome.TP
    assert outcomes[f"{ind}.target.unit"] is Outcome.FD
    assert outcomes[f"{ind}.actual.raw"] is Outcome.FN
    assert outcomes[f"{ind}.weight"] is Outcome.TP
    assert outcomes[f"{ind}.score"] is Outcome.FD
    assert outcomes[f"{ind}.deviation_reason"] is Outcome.FA
    assert f"{ind}.actual.number" not in outcomes  # both null: not counted
    assert f"{ind}.group" not in outcomes
    assert f"{ind}.span" not in outcomes  # spans are never scored
    assert "projects[0].id" not in outcomes  # nor ids


def test_project_funding_and_subtotal_fields() -> None:
    g = project(
        "p1",
        "项目",
        year=2022,
        department="局",
        funding=[FundingLine(source="total", budget=100, executed=90, execution_rate=90)],
        subtotals=[Subtotal(level1="产出指标", weight=50), Subtotal(level1="效益指标", weight=30)],
        total=Total(weight=100, score=95),
    )
    p = project(
        "x",
        "项目",
        year=2021,
        implementer="局",
        funding=[FundingLine(source="total", unit="元", budget=100, executed=90)],
        subtotals=[Subtotal(level1="效益指标", weight=30, score=28)],
        total=Total(weight=100, score=95.0),
    )
    outcomes = _outcomes(g, p)
    assert outcomes["projects[0].year"] is Outcome.FD
    assert outcomes["projects[0].department"] is Outcome.FN
    assert outcomes["projects[0].implementer"] is Outcome.FA
    assert outcomes["projects[0].total.score"] is Outcome.TP
    assert outcomes["projects[0].funding[0].unit"] is Outcome.FD
    assert outcomes["projects[0].funding[0].execution_rate"] is Outcome.FN
    # subtotals aligned by level1: golden [1] is predicted [0]
    assert outcomes["projects[0].subtotals[1].weight"] is Outcome.TP
    assert outcomes["projects[0].subtotals[1].score"] is Outcome.FA
    assert outcomes["projects[0].subtotals[0].weight"] is Outcome.FN
