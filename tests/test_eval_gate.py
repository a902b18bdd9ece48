"""The CI accuracy gate: the rules backend on the golden documents must not drop below
`eval/thresholds.json` (thresholds only go up)."""

from pathlib import Path

from eval.harness import evaluate
from eval.thresholds import check_thresholds, load_thresholds

GOLDEN = Path(__file__).resolve().parent.parent / "golden"


def test_accuracy_does_not_drop() -> None:
    report = evaluate(GOLDEN, backend="rules")
    failures = check_thresholds(report, load_thresholds())
    assert not failures, "\n".join(failures)
