"""Scoring: one golden/predicted document pair → field results, flags, mismatches;
many documents → an `EvalReport`."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from eval.accounts import ACCOUNTS_RULE, AccountsScore, accounts_report, score_accounts
from eval.align import DocumentAlignment, align_document
from eval.compare import (
    COMPARISON_RULES,
    FUNDING_FIELDS,
    INDICATOR_FIELDS,
    PROJECT_FIELDS,
    RECORD_TYPES,
    SUBTOTAL_FIELDS,
    FieldResult,
    Outcome,
    Precision,
    compare_document,
)
from eval.flags import (
    flag_counts_by_rule,
    flag_issues,
    match_flags,
    scored_flags,
    unscored_flag_count,
)
from eval.results import (
    Counts,
    DocumentReport,
    EvalReport,
    FlagCounts,
    FlagIssue,
    FlagReport,
    FormCounts,
    GroupReport,
    Mismatch,
    MismatchKind,
    RecordCounts,
)
from extractor.models import DocumentResult, GoldenDocument

FIELD_ORDER: tuple[str, ...] = (
    *(f"project.{s.name}" for s in PROJECT_FIELDS),
    *(f"project.subtotal.{s.name}" for s in SUBTOTAL_FIELDS),
    *(f"funding.{s.name}" for s in FUNDING_FIELDS),
    *(f"indicator.{s.name}" for s in INDICATOR_FIELDS),
)
_PROJECT_LEVEL = frozenset(f"project.{s.name}" for s in PROJECT_FIELDS)
_PROJECT_PATH = re.compile(r"^projects\[\d+\]")
_RECORD_PATH = re.compile(r"^projects\[\d+\]\.(?:indicators|funding|subtotals)\[\d+\]")


@dataclass
class DocumentInput:
    """A golden document and what the extractor produced for it (None: it failed)."""

    golden: GoldenDocument
    pred: DocumentResult | None
    error: str | None = None
    precision: Precision = field(default_factory=dict)


@dataclass
class DocumentScore:
    report: DocumentReport
    fields: list[FieldResult]
    mismatches: list[Mismatch]
    flags_by_rule: dict[str, FlagCounts]
    flag_issues: list[FlagIssue]
    accounts: AccountsScore | None = None


def count(results: Iterable[FieldResult]) -> Counts:
    counts = Counts()
    for result in results:
        counts.add(result.outcome.value)
    return counts


def _record_counts(
    golden: GoldenDocument, pred: DocumentResult | None, alignment: DocumentAlignment
) -> dict[str, RecordCounts]:
    pred_projects = pred.projects if pred is not None else []
    records = {
        "project": RecordCounts(
            golden=len(golden.projects),
            predicted=len(pred_projects),
            matched=len(alignment.projects.pairs),
        )
    }
    for record_type, attr in (
        ("funding", "funding"),
        ("indicator", "indicators"),
        ("subtotal", "subtotals"),
    ):
        records[record_type] = RecordCounts(
            golden=sum(len(getattr(p, attr)) for p in golden.projects),
            predicted=sum(len(getattr(p, attr)) for p in pred_projects),
            matched=sum(len(getattr(i, attr).pairs) for i in alignment.inner.values()),
        )
    return records


def _field_cost(result: FieldResult) -> float:
    if result.outcome is not Outcome.FD:
        return 1.0
    if result.relative_error is not None:
        return 2.0 + result.relative_error
    if result.similarity is not None:
        return 2.0 + (1.0 - result.similarity)
    return 3.0


def _field_mismatch(result: FieldResult) -> Mismatch:
    kinds: dict[Outcome, MismatchKind] = {
        Outcome.FD: "wrong",
        Outcome.FN: "missing",
        Outcome.FA: "extra",
    }
    return Mismatch(
        doc_id=result.doc_id,
        project=result.project,
        record_type=result.record_type,
        kind=kinds[result.outcome],
        field=result.field,
        path=result.path,
        pred_path=result.pred_path,
        expected=result.expected,
        found=result.found,
        span=result.span,
        fields=1,
        cost=_field_cost(result),
    )


def _record_key(result: FieldResult) -> str:
    """The outermost unaligned record a field belongs to."""
    pattern = _RECORD_PATH if result.project_matched else _PROJECT_PATH
    match = pattern.match(result.path) or _PROJECT_PATH.match(result.path)
    return match.group(0) if match else result.path


def mismatches(results: Sequence[FieldResult]) -> list[Mismatch]:
    """Wrong / missing / extra fields of aligned records, and one entry per unaligned record."""
    found: list[Mismatch] = []
    groups: dict[tuple[str, str], list[FieldResult]] = {}
    for result in results:
        if result.outcome is Outcome.TP:
            continue
        if result.record_status == "matched":
            found.append(_field_mismatch(result))
        else:
            groups.setdefault((result.record_status, _record_key(result)), []).append(result)
    for (status, path), members in groups.items():
        first = members[0]
        record_type = "project" if not first.project_matched else first.record_type
        label = first.record_label
        if not first.project_matched:  # the whole project: label it by name and form
            label = next(
                (m.record_label for m in members if m.field in _PROJECT_LEVEL), first.project
            )
        missing = status == "missing"
        found.append(
            Mismatch(
                doc_id=first.doc_id,
                project=first.project,
                record_type=record_type,
                kind="missing_record" if missing else "extra_record",
                field=record_type,
                path=path,
                pred_path=None if missing else path,
                expected=label if missing else None,
                found=None if missing else label,
                span=first.span,
                fields=len(members),
                cost=float(len(members)),
            )
        )
    return sorted(found, key=lambda m: (-m.cost, m.doc_id, m.path, m.field))


def form_counts(
    golden: GoldenDocument, pred: DocumentResult | None, alignment: DocumentAlignment
) -> FormCounts:
    """Form type per golden project: aligned (by name, whatever the form) and right."""
    pred_projects = pred.projects if pred is not None else []
    pairs = alignment.projects.pairs
    return FormCounts(
        golden=len(golden.projects),
        aligned=len(pairs),
        correct=sum(golden.projects[g].form == pred_projects[p].form for g, p in pairs),
    )


def _meta_text(golden: GoldenDocument, key: str) -> str | None:
    value = golden.meta.get(key)
    return str(value) if value is not None else None


def score_document(item: DocumentInput) -> DocumentScore:
    golden, pred = item.golden, item.pred
    pred_projects = pred.projects if pred is not None else []
    alignment = align_document(golden.projects, pred_projects)
    results = compare_document(
        golden.doc_id, golden.projects, pred_projects, alignment, item.precision
    )
    flag_match = match_flags(golden, pred, alignment)
    held_out = golden.meta.get("held_out")
    report = DocumentReport(
        doc_id=golden.doc_id,
        family=_meta_text(golden, "family"),
        rendering=_meta_text(golden, "rendering"),
        held_out=held_out if isinstance(held_out, bool) else None,
        forms=form_counts(golden, pred, alignment),
        counts=count(results),
        by_record_type={t: count(r for r in results if r.record_type == t) for t in RECORD_TYPES},
        records=_record_counts(golden, pred, alignment),
        flags=FlagCounts(
            expected=len(golden.expected_flags),
            predicted=len(scored_flags(pred)),
            matched=len(flag_match.matched),
            unscored=unscored_flag_count(pred),
        ),
        error=item.error,
    )
    return DocumentScore(
        report=report,
        fields=results,
        mismatches=mismatches(results),
        flags_by_rule=flag_counts_by_rule(golden, pred, flag_match),
        flag_issues=flag_issues(golden.doc_id, golden, pred, flag_match),
        accounts=score_accounts(golden.doc_id, golden.accounts, pred, item.precision),
    )


def build_report(
    scores: Sequence[DocumentScore],
    golden_dir: str | None = None,
    pred_dir: str | None = None,
    backend: str | None = None,
) -> EvalReport:
    results = [r for s in scores for r in s.fields]
    by_field: dict[str, Counts] = {}
    for name in FIELD_ORDER:
        selected = [r for r in results if r.field == name]
        if selected:
            by_field[name] = count(selected)
    flags = FlagReport()
    by_rule: dict[str, FlagCounts] = {}
    for score in scores:
        flags.overall.merge(score.report.flags)
        for rule, counts in score.flags_by_rule.items():
            by_rule.setdefault(rule, FlagCounts()).merge(counts)
        flags.issues += score.flag_issues
    flags.by_rule = dict(sorted(by_rule.items()))
    accounts = accounts_report([s.accounts for s in scores if s.accounts is not None])
    documents = [s.report for s in scores]
    forms = FormCounts()
    for doc in documents:
        forms.merge(doc.forms)
    by_family, by_rendering, by_pair = _groups(documents)
    return EvalReport(
        golden_dir=golden_dir,
        pred_dir=pred_dir,
        backend=backend,
        comparison_rules=[*COMPARISON_RULES, *([ACCOUNTS_RULE] if accounts else [])],
        overall=count(results),
        by_record_type={t: count(r for r in results if r.record_type == t) for t in RECORD_TYPES},
        by_field=by_field,
        documents=documents,
        flags=flags,
        mismatches=sorted(
            (m for s in scores for m in s.mismatches),
            key=lambda m: (-m.cost, m.doc_id, m.path, m.field),
        ),
        accounts=accounts,
        forms=forms,
        by_family=by_family,
        by_rendering=by_rendering,
        by_family_rendering=by_pair,
    )


Groups = dict[str, GroupReport]


def _groups(documents: Sequence[DocumentReport]) -> tuple[Groups, Groups, Groups]:
    """Documents grouped by family, by rendering and by both ("family/rendering"),
    sorted by name; documents without a family or rendering stay out of that grouping."""
    by_family: Groups = {}
    by_rendering: Groups = {}
    by_pair: Groups = {}
    for doc in documents:
        if doc.family is not None:
            by_family.setdefault(doc.family, GroupReport()).add(doc)
        if doc.rendering is not None:
            by_rendering.setdefault(doc.rendering, GroupReport()).add(doc)
        if doc.family is not None and doc.rendering is not None:
            by_pair.setdefault(f"{doc.family}/{doc.rendering}", GroupReport()).add(doc)
    return tuple(dict(sorted(g.items())) for g in (by_family, by_rendering, by_pair))  # type: ignore[return-value]


def score_documents(
    items: Sequence[DocumentInput],
    golden_dir: str | None = None,
    pred_dir: str | None = None,
    backend: str | None = None,
) -> EvalReport:
    """Score in-memory golden/predicted pairs (the harness's core; tests use it directly)."""
    return build_report([score_document(i) for i in items], golden_dir, pred_dir, backend)
