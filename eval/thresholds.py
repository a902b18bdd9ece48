"""The CI gate: minimum scores in `eval/thresholds.json` (they only go up).

The top level holds the gate of the bundled golden documents (`golden/`); the `corpus`
entry holds the gate of the generated development corpus (`golden/corpus/`): overall
field F1, F1 per template family, per rendering and per family × rendering, and
form-type accuracy; `held_out` the text renderings of the held-out sets used since.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from eval.results import Counts, EvalReport, GroupReport

THRESHOLDS_FILE = Path(__file__).with_name("thresholds.json")


class Thresholds(BaseModel):
    model_config = ConfigDict(extra="forbid")

    overall_f1: float = 0.0
    per_document_f1: dict[str, float] = Field(default_factory=dict)
    flag_recall: float = 0.0
    flag_precision: float = 0.0
    accounts_f1: float = 0.0  # final-accounts row fields (code, name, 行次, amounts)
    per_document_accounts_f1: dict[str, float] = Field(default_factory=dict)
    # warnings and errors per document that no golden flag expects (info flags, e.g. a
    # 舍入差异, are no alarm); None: not checked
    max_false_alarms: int | None = None
    # Generated corpus: F1 per template family / per rendering (golden meta), and the
    # share of projects whose form type is right.
    per_family_f1: dict[str, float] = Field(default_factory=dict)
    per_rendering_f1: dict[str, float] = Field(default_factory=dict)
    # F1 of one family in one rendering ("national_self_eval/text_pdf"): a family that
    # gains a harder rendering keeps the gate of the renderings it had.
    per_family_rendering_f1: dict[str, float] = Field(default_factory=dict)
    form_accuracy: float = 0.0
    # Documents that fail to extract today (e.g. an input type the reader does not take
    # yet): listed one by one, so any other failure still fails the gate. Remove an
    # entry when the document passes.
    known_failures: list[str] = Field(default_factory=list)
    corpus: Thresholds | None = None  # the gate of golden/corpus
    # Held-out sets that were measured once and then used for development: the gate of
    # their text renderings (ruled PDF, Markdown, flat text; no OCR, so it runs fast),
    # so that what was learned from them is not lost. The newest set stays unseen.
    held_out: dict[str, Thresholds] = Field(default_factory=dict)


def load_thresholds(path: Path = THRESHOLDS_FILE) -> Thresholds:
    return Thresholds.model_validate_json(path.read_text(encoding="utf-8"))


def _group_failures(
    kind: str, minimums: dict[str, float], groups: dict[str, GroupReport]
) -> list[str]:
    failures = []
    for name, minimum in sorted(minimums.items()):
        group = groups.get(name)
        if group is None:
            failures.append(f"{kind} {name}: has a threshold but was not evaluated")
        elif group.counts.f1 < minimum:
            failures.append(f"{kind} {name}: F1 {group.counts.f1:.4f} < {minimum:.4f}")
    return failures


def check_thresholds(report: EvalReport, thresholds: Thresholds) -> list[str]:
    """Every way the report falls short; empty when the gate passes.

    A document that failed to extract fails the gate (unless listed in
    `known_failures`), and so does a threshold for a document, family or rendering the
    report does not contain (a gate must not vanish silently).
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
    failures += _group_failures("family", thresholds.per_family_f1, report.by_family)
    failures += _group_failures("rendering", thresholds.per_rendering_f1, report.by_rendering)
    failures += _group_failures(
        "family × rendering", thresholds.per_family_rendering_f1, report.by_family_rendering
    )
    if report.forms.accuracy < thresholds.form_accuracy:
        failures.append(
            f"form type right {report.forms.accuracy:.4f} < {thresholds.form_accuracy:.4f}"
        )
    known = set(thresholds.known_failures)
    failures += [
        f"{d.doc_id}: {d.error}" for d in report.documents if d.error and d.doc_id not in known
    ]
    flags = report.flags.overall
    if flags.recall < thresholds.flag_recall:
        failures.append(f"flag recall {flags.recall:.4f} < {thresholds.flag_recall:.4f}")
    if flags.precision < thresholds.flag_precision:
        failures.append(f"flag precision {flags.precision:.4f} < {thresholds.flag_precision:.4f}")
    accounts = report.accounts.rows.f1 if report.accounts is not None else 1.0
    if accounts < thresholds.accounts_f1:
        failures.append(f"accounts F1 {accounts:.4f} < {thresholds.accounts_f1:.4f}")
    by_document = accounts_by_document(report)
    for doc_id, minimum in sorted(thresholds.per_document_accounts_f1.items()):
        counts = by_document.get(doc_id)
        if counts is None:
            failures.append(f"{doc_id}: has an accounts threshold but no accounts were scored")
        elif counts.f1 < minimum:
            failures.append(f"{doc_id}: accounts F1 {counts.f1:.4f} < {minimum:.4f}")
    if thresholds.max_false_alarms is not None:
        for doc_id, alarms in sorted(false_alarms(report).items()):
            if alarms > thresholds.max_false_alarms:
                failures.append(
                    f"{doc_id}: {alarms} unexpected warnings/errors > {thresholds.max_false_alarms}"
                )
    return failures


def accounts_by_document(report: EvalReport) -> dict[str, Counts]:
    """Each document's accounts row counts (the per-document accounts F1)."""
    found: dict[str, Counts] = {}
    for table in report.accounts.tables if report.accounts is not None else []:
        counts = found.setdefault(table.doc_id, Counts())
        for name in ("tp", "fd", "fn", "fa"):
            setattr(counts, name, getattr(counts, name) + getattr(table.rows, name))
    return found


def false_alarms(report: EvalReport) -> dict[str, int]:
    """Unexpected flags that are warnings or errors, per document."""
    found: dict[str, int] = {d.doc_id: 0 for d in report.documents}
    for issue in report.flags.issues:
        if issue.kind == "unexpected" and issue.severity in ("warning", "error"):
            found[issue.doc_id] = found.get(issue.doc_id, 0) + 1
    return found
