"""The thresholds file and the gate check (the gate itself: test_eval_gate.py)."""

from __future__ import annotations

from eval.scoring import DocumentInput, score_documents
from eval.thresholds import Thresholds, check_thresholds, load_thresholds
from tests.eval.eval_builders import as_prediction, sample_golden


def test_thresholds_file_loads() -> None:
    thresholds = load_thresholds()
    assert 0.0 <= thresholds.overall_f1 <= 1.0
    assert all(0.0 <= v <= 1.0 for v in thresholds.per_document_f1.values())
    assert 0.0 <= thresholds.flag_recall <= 1.0 and 0.0 <= thresholds.flag_precision <= 1.0


def test_check_thresholds() -> None:
    golden = sample_golden("a")
    pred = as_prediction(golden)
    pred.projects[0].indicators[0].score = 15
    report = score_documents(
        [
            DocumentInput(golden=golden, pred=pred),
            DocumentInput(golden=sample_golden("b"), pred=None, error="崩溃"),
        ]
    )
    assert check_thresholds(report, Thresholds()) == ["b: 崩溃"]  # a crash always fails
    failures = check_thresholds(
        report,
        Thresholds(overall_f1=0.9, per_document_f1={"a": 0.99, "c": 0.5}, flag_recall=0.5),
    )
    assert [f.split(":")[0].split(" ")[0] for f in failures] == ["overall", "a", "c", "b"]
    assert "has a threshold but was not evaluated" in failures[2]
