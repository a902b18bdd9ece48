"""The CI gate on the final-accounts development set (`golden/accounts/`): two real
部门决算 read from their PDFs must keep their accounts F1 and flag every inconsistency
listed in their goldens, with no warning or error the goldens do not expect
(`eval/thresholds_accounts.json`; thresholds only go up)."""

from pathlib import Path

from eval.harness import evaluate
from eval.thresholds import (
    THRESHOLDS_FILE,
    accounts_by_document,
    check_thresholds,
    false_alarms,
    load_thresholds,
)

GOLDEN = Path(__file__).resolve().parents[2] / "golden" / "accounts"
THRESHOLDS = THRESHOLDS_FILE.with_name("thresholds_accounts.json")


def test_accounts_development_set_does_not_drop() -> None:
    report = evaluate(GOLDEN, backend="rules")
    thresholds = load_thresholds(THRESHOLDS)
    failures = check_thresholds(report, thresholds)
    assert not failures, "\n".join(failures)
    # every golden document is held by a per-document threshold
    assert set(accounts_by_document(report)) == set(thresholds.per_document_accounts_f1)
    assert set(false_alarms(report)) == set(thresholds.per_document_accounts_f1)


def test_rounding_differences_are_reported_as_info() -> None:
    """The 舍入差异 each golden lists under meta.expected_info come out as info flags on
    exactly those cells, and no other cell."""
    from extractor.models import GoldenDocument
    from extractor.pipeline import extract_document

    for path in sorted(GOLDEN.glob("*.json")):
        golden = GoldenDocument.model_validate_json(path.read_text(encoding="utf-8"))
        expected = {(f["rule"], f["path"]) for f in golden.meta["expected_info"]}
        result = extract_document(GOLDEN / "docs" / f"{golden.doc_id}.pdf")
        found = {(f.rule, f.path) for f in result.flags if f.rule == "accounts.rounding"}
        assert found == expected, golden.doc_id
        assert all(f.severity == "info" for f in result.flags if f.rule == "accounts.rounding")
