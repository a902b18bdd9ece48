"""Validator quality: predicted `flags` against the golden `expected_flags`.

A predicted flag is carried into the golden's terms through the record alignment: its
project id becomes the aligned golden project's id, and an index in its path becomes
the aligned golden record's index (predicted `indicators[5]` aligned to golden
`indicators[4]` → "indicators[4].score"; likewise `funding[i]` and `subtotals[k]`).
A flag on a record or project that has no golden counterpart cannot match. A
final-accounts flag (`accounts[i].rows[j].values[k]`, no project) is carried through
the accounts alignment (tables by number and side, rows by code and name).

Only the validator's warning and error flags are scored: an info flag is a note for the
reviewer, not a claim that the document is wrong, and flags of other stages (OCR
confidence, LLM grounding) are about the extraction (`is_scored`); they are counted apart.

An expected flag matches a predicted one (one-to-one, in golden order) when rule, project
and path are equal. For `narrative.*` and `document.*` rules only the rule counts, plus the
project when the golden flag names one — except a narrative flag the golden puts on a
table field (a sentence contradicting `indicators[0].weight`): that one must name the
same field. A narrative flag on `narrative` must also be about the golden's figures: one
of its `expected`/`found` values (a number, or a word such as a 科目 name) appears in the
golden note, when it carries any.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eval.accounts import AccountsAlignment, align_accounts
from eval.align import DocumentAlignment
from eval.results import FlagCounts, FlagIssue
from extractor.models import DocumentResult, ExpectedFlag, Flag, GoldenDocument
from extractor.validate.rules import RULES

LOOSE_RULE_PREFIXES: tuple[str, ...] = ("narrative.", "document.")
SCORED_SEVERITIES: frozenset[str] = frozenset({"warning", "error"})
# Golden paths that name no field: a loose flag on them matches on rule (and project).
_UNPLACED_PATHS = frozenset({"narrative", "projects"})
_INDEXED = re.compile(r"^(indicators|funding|subtotals)\[(\d+)\](.*)$")
_SPACE = re.compile(r"\s+")


def canonical_path(path: str) -> str:
    return _SPACE.sub("", path)


def is_loose(rule: str) -> bool:
    return rule.startswith(LOOSE_RULE_PREFIXES)


def is_loose_expectation(expected: ExpectedFlag) -> bool:
    """Matched on rule (and project) only: a narrative/document flag the golden places
    nowhere in particular. A narrative flag on a table field is matched strictly."""
    if not is_loose(expected.rule):
        return False
    return expected.rule.startswith("document.") or (
        canonical_path(expected.path) in _UNPLACED_PATHS
    )


def is_scored(flag: Flag) -> bool:
    """A validator warning or error: a claim that the document is wrong. Info flags are
    notes, and flags of other stages (ocr.low_confidence, llm.ungrounded …) are about
    the extraction, not the document."""
    return flag.severity in SCORED_SEVERITIES and flag.rule in RULES


def scored_flags(pred: DocumentResult | None) -> list[Flag]:
    """The flags the eval scores (`is_scored`)."""
    return [] if pred is None else [flag for flag in pred.flags if is_scored(flag)]


def unscored_flag_count(pred: DocumentResult | None) -> int:
    return 0 if pred is None else sum(not is_scored(flag) for flag in pred.flags)


@dataclass(frozen=True)
class MappedFlag:
    """A predicted flag in the golden's terms."""

    flag: Flag
    project: str | None  # the aligned golden project id (None: the flag names no project)
    aligned: bool  # False when the flag names a project or record with no golden counterpart
    path: str  # mapped path ("indicators[4].score"); the predicted path when not mappable


@dataclass(frozen=True)
class FlagMatch:
    matched: list[tuple[ExpectedFlag, Flag]]
    missed: list[ExpectedFlag]
    unexpected: list[MappedFlag]


def map_flag(
    flag: Flag,
    golden: GoldenDocument,
    pred: DocumentResult,
    alignment: DocumentAlignment,
    accounts: AccountsAlignment | None = None,
) -> MappedFlag:
    path = canonical_path(flag.path)
    if flag.project is None and path.startswith("accounts["):
        # a final-accounts flag: its table and row indices through the accounts alignment
        if accounts is None:
            accounts = align_accounts(golden.accounts, pred.accounts)
        mapped = accounts.pred_path_to_golden(path)
        return MappedFlag(flag, None, mapped is not None, mapped or path)
    if flag.project is None:
        return MappedFlag(flag, None, True, path)
    pred_index = next((i for i, p in enumerate(pred.projects) if p.id == flag.project), None)
    inner = alignment.for_pred_project(pred_index) if pred_index is not None else None
    if inner is None:
        return MappedFlag(flag, None, False, path)
    golden_id = golden.projects[inner.golden_index].id
    match = _INDEXED.match(path)
    if match is None:
        return MappedFlag(flag, golden_id, True, path)
    collection, index, rest = match.group(1), int(match.group(2)), match.group(3)
    golden_index = getattr(inner, collection).pred_to_golden().get(index)
    if golden_index is None:
        return MappedFlag(flag, golden_id, False, path)
    return MappedFlag(flag, golden_id, True, f"{collection}[{golden_index}]{rest}")


def _strict_match(expected: ExpectedFlag, mapped: MappedFlag) -> bool:
    return (
        mapped.aligned
        and expected.rule == mapped.flag.rule
        and expected.project == mapped.project
        and canonical_path(expected.path) == mapped.path
    )


_NOTE_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def _anchors(value: Any) -> list[Any]:
    """The numbers and words a flag's `expected`/`found` carry."""
    if isinstance(value, list | tuple):
        return [a for item in value for a in _anchors(item)]
    if isinstance(value, bool) or value is None:
        return []
    if isinstance(value, int | float):
        return [float(value)]
    if isinstance(value, str) and len(value.strip()) >= 2:
        return [value.strip()]
    return []


def about_the_note(expected: ExpectedFlag, flag: Flag) -> bool:
    """Whether a narrative flag speaks of the figures the golden note gives (True when
    the flag carries no figures to tell)."""
    anchors = _anchors([flag.expected, flag.found])
    if not anchors:
        return True
    note = _SPACE.sub("", expected.note).replace(",", "")
    numbers = {float(n) for n in _NOTE_NUMBER.findall(note)}
    for anchor in anchors:
        if isinstance(anchor, float) and any(abs(anchor - n) < 1e-6 for n in numbers):
            return True
        if isinstance(anchor, str) and _SPACE.sub("", anchor) in note:
            return True
    return False


def _loose_match(expected: ExpectedFlag, mapped: MappedFlag) -> bool:
    if expected.rule != mapped.flag.rule:
        return False
    if expected.rule.startswith("narrative.") and not about_the_note(expected, mapped.flag):
        return False
    if expected.project is None:
        return True
    return mapped.aligned and expected.project == mapped.project


def match_flags(
    golden: GoldenDocument, pred: DocumentResult | None, alignment: DocumentAlignment
) -> FlagMatch:
    mapped: list[MappedFlag] = []
    if pred is not None:
        accounts = align_accounts(golden.accounts, pred.accounts)
        mapped = [map_flag(f, golden, pred, alignment, accounts) for f in scored_flags(pred)]
    used: set[int] = set()
    matched: dict[int, tuple[ExpectedFlag, Flag]] = {}
    # Strict flags first, then loose ones naming a project, then loose ones naming none,
    # so a vaguer expectation does not take the flag a precise one needs.
    order = sorted(
        range(len(golden.expected_flags)),
        key=lambda i: (
            is_loose_expectation(golden.expected_flags[i]),
            golden.expected_flags[i].project is None,
            i,
        ),
    )
    for gi in order:
        expected = golden.expected_flags[gi]
        test = _loose_match if is_loose_expectation(expected) else _strict_match
        for pj, candidate in enumerate(mapped):
            if pj not in used and test(expected, candidate):
                used.add(pj)
                matched[gi] = (expected, candidate.flag)
                break
    return FlagMatch(
        matched=[matched[i] for i in sorted(matched)],
        missed=[f for i, f in enumerate(golden.expected_flags) if i not in matched],
        unexpected=[m for j, m in enumerate(mapped) if j not in used],
    )


def flag_counts_by_rule(
    golden: GoldenDocument, pred: DocumentResult | None, result: FlagMatch
) -> dict[str, FlagCounts]:
    counts: dict[str, FlagCounts] = {}
    for flag in golden.expected_flags:
        counts.setdefault(flag.rule, FlagCounts()).expected += 1
    for flag in scored_flags(pred):
        counts.setdefault(flag.rule, FlagCounts()).predicted += 1
    for expected, _ in result.matched:
        counts[expected.rule].matched += 1
    return counts


def flag_issues(
    doc_id: str, golden: GoldenDocument, pred: DocumentResult | None, result: FlagMatch
) -> list[FlagIssue]:
    golden_names = {p.id: p.name for p in golden.projects}
    pred_names = {p.id: p.name for p in pred.projects} if pred is not None else {}
    issues = [
        FlagIssue(
            doc_id=doc_id,
            kind="missed",
            rule=f.rule,
            project=golden_names.get(f.project, f.project) if f.project else None,
            path=f.path,
            text=f.note,
        )
        for f in result.missed
    ]
    issues += [
        FlagIssue(
            doc_id=doc_id,
            kind="unexpected",
            rule=m.flag.rule,
            project=pred_names.get(m.flag.project, m.flag.project) if m.flag.project else None,
            path=m.path,
            text=m.flag.message,
            severity=m.flag.severity,
        )
        for m in result.unexpected
    ]
    return issues


def validate_golden_records(
    golden: GoldenDocument, document_path: Path, load_document: Callable[[Path], Any]
) -> FlagCounts:
    """The validator alone: its warning/error flags on the golden's own records (the
    document read by `load_document` for its text and prose), against the golden's
    expected flags. This separates what the validator misses from what the reader got
    wrong; a document that cannot be read scores as no flags."""
    from eval.align import align_document
    from extractor.chunk import chunk_document
    from extractor.validate import validate_result

    records = DocumentResult.model_validate(golden.model_dump(exclude={"expected_flags"}))
    records.flags = []
    try:
        document = load_document(document_path)
    except Exception:  # an unreadable document: nothing to validate against
        document = None
    if document is not None:
        records.flags = validate_result(records, document, chunk_document(document)).flags
    result = match_flags(golden, records, align_document(golden.projects, records.projects))
    return FlagCounts(
        expected=len(golden.expected_flags),
        predicted=len(scored_flags(records)),
        matched=len(result.matched),
        unscored=unscored_flag_count(records),
    )
