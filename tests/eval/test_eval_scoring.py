"""Whole-document scores: a perfect prediction, a perturbed one with exact counts."""

from __future__ import annotations

from eval.results import Counts
from eval.scoring import DocumentInput, score_documents
from extractor.models import Value
from tests.eval.eval_builders import as_prediction, indicator, project, sample_golden

# Fields the sample golden scores: project 14 (p1: 7 + 2 subtotal weights; p2: 5 — no
# department/implementer), funding 9 (total line: 5 numbers + unit; fiscal: 2 + unit),
# indicator 39 (p1: level1, level2, name, weight, score + target.raw + actual.raw = 7 for
# four of them, 5 + deviation_reason = 6 for 困难群众负担减轻; p2: 5).
GOLDEN_FIELDS = {"project": 14, "funding": 9, "indicator": 39}


def _counts(c: Counts) -> tuple[int, int, int, int]:
    return (c.tp, c.fd, c.fn, c.fa)


def test_perfect_prediction_scores_one() -> None:
    golden = sample_golden()
    report = score_documents([DocumentInput(golden=golden, pred=as_prediction(golden))])
    assert report.overall.f1 == 1.0
    assert report.overall.tp == sum(GOLDEN_FIELDS.values())
    assert {k: c.tp for k, c in report.by_record_type.items()} == GOLDEN_FIELDS
    assert report.mismatches == []
    doc = report.document(golden.doc_id)
    assert doc.records["indicator"].matched == 6
    assert doc.records["project"].model_dump() == {"golden": 2, "predicted": 2, "matched": 2}


def test_perturbed_prediction_exact_counts() -> None:
    golden = sample_golden()
    pred = as_prediction(golden)
    p1 = pred.projects[0]
    p1.indicators[0].score = 15  # FD
    p1.indicators[0].nature = "≥"  # FA: golden has no 指标性质
    p1.indicators[4].target = Value(raw="≥ 90 ％")  # TP after normalisation
    del p1.indicators[2]  # 资金及时发放 missing: 7 FN
    p1.indicators.append(indicator("新增XYZ", level2="成本指标", weight=5, score=5))  # 5 FA
    p1.indicators.reverse()  # order does not matter
    p1.department = None  # FN
    p1.funding[0].execution_rate = 47.1  # golden 47.12: FD
    p1.funding[0].score = 9.50  # golden 9.5: same value at the printed precision, TP
    pred.projects[1] = project(  # p2 missing (10 FN), an unrelated extra project (8 FA)
        "p3",
        "完全不同的项目名称",
        form="project_target",
        year=2022,
        indicators=[indicator("车辆购置", weight=5, score=5)],
    )
    report = score_documents([DocumentInput(golden=golden, pred=pred)])

    assert _counts(report.overall) == (42, 2, 18, 14)
    assert _counts(report.by_record_type["project"]) == (8, 0, 6, 3)
    assert _counts(report.by_record_type["funding"]) == (8, 1, 0, 0)
    assert _counts(report.by_record_type["indicator"]) == (26, 1, 12, 11)
    assert report.overall.precision == 42 / 58
    assert report.overall.recall == 42 / 62
    assert _counts(report.by_field["indicator.score"]) == (3, 1, 2, 2)
    assert _counts(report.by_field["funding.score"]) == (1, 0, 0, 0)
    assert _counts(report.by_field["indicator.nature"]) == (0, 0, 0, 1)

    worst = [(m.kind, m.path, m.fields) for m in report.mismatches]
    assert worst[:4] == [
        ("missing_record", "projects[1]", 10),
        ("extra_record", "projects[1]", 8),
        ("missing_record", "projects[0].indicators[2]", 7),
        ("extra_record", "projects[0].indicators[0]", 5),  # the predicted path
    ]
    assert len(worst) == 8
    wrong_score = next(m for m in report.mismatches if m.field == "indicator.score")
    assert wrong_score.kind == "wrong"
    assert wrong_score.path == "projects[0].indicators[0].score"
    assert wrong_score.pred_path == "projects[0].indicators[4].score"
    assert (wrong_score.expected, wrong_score.found) == (20, 15)
    assert wrong_score.project == "城乡医疗救助"
    assert wrong_score.span is not None and wrong_score.span.page == 3
    missing_project = report.mismatches[0]
    assert missing_project.expected == "医疗保障工作经费（project_self_evaluation）"


def test_failed_document_counts_as_all_missing() -> None:
    golden = sample_golden()
    report = score_documents([DocumentInput(golden=golden, pred=None, error="boom")])
    assert _counts(report.overall) == (0, 0, sum(GOLDEN_FIELDS.values()), 0)
    assert report.documents[0].error == "boom"
    assert report.overall.f1 == 0.0
    assert [m.kind for m in report.mismatches] == ["missing_record", "missing_record"]


def test_micro_average_over_documents() -> None:
    a, b = sample_golden("a"), sample_golden("b")
    pred_b = as_prediction(b)
    pred_b.projects[1].total.score = 90  # one FD in b
    report = score_documents(
        [
            DocumentInput(golden=a, pred=as_prediction(a)),
            DocumentInput(golden=b, pred=pred_b),
        ]
    )
    assert report.document("a").counts.f1 == 1.0
    assert _counts(report.document("b").counts) == (61, 1, 0, 0)
    assert _counts(report.overall) == (123, 1, 0, 0)
