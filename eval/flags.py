"""Validator quality: predicted `flags` against the golden `expected_flags`.

A predicted flag is carried into the golden's terms through the record alignment: its
project id becomes the aligned golden project's id, and an index in its path becomes
the aligned golden record's index (predicted `indicators[5]` aligned to golden
`indicators[4]` → "indicators[4].score"; likewise `funding[i]` and `subtotals[k]`).
A flag on a record or project that has no golden counterpart cannot match. A
final-accounts flag (`accounts[i].rows[j].values[k]`, no project) is carried through
the accounts alignment (tables by number and side, rows by code and name).

An expected flag matches a predicted one (one-to-one, in golden order) when rule, project
and path are equal. For `narrative.*` and `document.*` rules only the rule counts, plus the
project when the golden flag names one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from eval.accounts import AccountsAlignment, align_accounts
from eval.align import DocumentAlignment
from eval.results import FlagCounts, FlagIssue
from extractor.models import DocumentResult, ExpectedFlag, Flag, GoldenDocument

LOOSE_RULE_PREFIXES: tuple[str, ...] = ("narrative.", "document.")
_INDEXED = re.compile(r"^(indicators|funding|subtotals)\[(\d+)\](.*)$")
_SPACE = re.compile(r"\s+")


def canonical_path(path: str) -> str:
    return _SPACE.sub("", path)


def is_loose(rule: str) -> bool:
    return rule.startswith(LOOSE_RULE_PREFIXES)


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


def _loose_match(expected: ExpectedFlag, mapped: MappedFlag) -> bool:
    if expected.rule != mapped.flag.rule:
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
        mapped = [map_flag(f, golden, pred, alignment, accounts) for f in pred.flags]
    used: set[int] = set()
    matched: dict[int, tuple[ExpectedFlag, Flag]] = {}
    # Strict flags first, then loose ones naming a project, then loose ones naming none,
    # so a vaguer expectation does not take the flag a precise one needs.
    order = sorted(
        range(len(golden.expected_flags)),
        key=lambda i: (
            is_loose(golden.expected_flags[i].rule),
            golden.expected_flags[i].project is None,
            i,
        ),
    )
    for gi in order:
        expected = golden.expected_flags[gi]
        test = _loose_match if is_loose(expected.rule) else _strict_match
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
    for flag in pred.flags if pred is not None else []:
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
