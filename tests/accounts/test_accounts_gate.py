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
