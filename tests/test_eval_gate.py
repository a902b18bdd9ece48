"""The CI accuracy gates: the rules backend must not drop below `eval/thresholds.json`
(thresholds only go up) on the bundled golden documents and on the generated
development corpus (golden/corpus: per template family, per rendering, per family ×
rendering, form type)."""

from pathlib import Path

from eval.harness import evaluate
from eval.thresholds import check_thresholds, load_thresholds

GOLDEN = Path(__file__).resolve().parent.parent / "golden"


def test_accuracy_does_not_drop() -> None:
    report = evaluate(GOLDEN, backend="rules")
    failures = check_thresholds(report, load_thresholds())
    assert not failures, "\n".join(failures)


def test_corpus_accuracy_does_not_drop() -> None:
    """Every rendering of every development family, scans OCR'd, in two workers."""
    thresholds = load_thresholds().corpus
    assert thresholds is not None and thresholds.per_family_f1 and thresholds.per_rendering_f1
    assert thresholds.per_family_rendering_f1
    report = evaluate(GOLDEN / "corpus", backend="rules", jobs=2)
    failures = check_thresholds(report, thresholds)
    assert not failures, "\n".join(failures)
