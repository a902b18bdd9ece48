"""The CI gate: minimum scores in `eval/thresholds.json` (they only go up)."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from eval.results import EvalReport

THRESHOLDS_FILE = Path(__file__).with_name("thresholds.json")


class Thresholds(BaseModel):
    model_config = ConfigDict(extra="forbid")

    overall_f1: float = 0.0
    per_document_f1: dict[str, float] = Field(default_factory=dict)
    flag_recall: float = 0.0
    flag_precision: float = 0.0
    accounts_f1: float = 0.0  # final-accounts row fields (code, name, 行次, amounts)


def load_thresholds(path: Path = THRESHOLDS_FILE) -> Thresholds:
    return Thresholds.model_validate_json(path.read_text(encoding="utf-8"))


def check_thresholds(report: EvalReport, thresholds: Thresholds) -> list[str]:
    """Every way the report falls short; empty when the gate passes.

    A document that failed to extract fails the gate, and so does a threshold for a
    document the report does not contain (a gate must not vanish silently).
    """
    failures: list[str] = []
    if report.overall.f1 < thresholds.overall_f1:
        failures.append(f"overall F1 {report.overall.f1:.4f} < {thresholds.overall_f1:.4f}")
    scored = {d.doc_id: d for d in report.documents}
    for doc_id, minimum in sorted(thresholds.per_document_f1.items()):
        doc = scored.get(doc_id)
        if doc is None:
            failures.append(f"{doc_id}: has a threshold but was not evaluated")
        elif doc.counts.f1 < minimum:
            failures.append(f"{doc_id}: F1 {doc.counts.f1:.4f} < {minimum:.4f}")
    failures += [f"{d.doc_id}: {d.error}" for d in report.documents if d.error]
    flags = report.flags.overall
    if flags.recall < thresholds.flag_recall:
        failures.append(f"flag recall {flags.recall:.4f} < {thresholds.flag_recall:.4f}")
    if flags.precision < thresholds.flag_precision:
        failures.append(f"flag precision {flags.precision:.4f} < {thresholds.flag_precision:.4f}")
    accounts = report.accounts.rows.f1 if report.accounts is not None else 1.0
    if accounts < thresholds.accounts_f1:
        failures.append(f"accounts F1 {accounts:.4f} < {thresholds.accounts_f1:.4f}")
    return failures
