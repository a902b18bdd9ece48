"""Record alignment: which predicted record stands for which golden record.

* Projects: by form and name. Name similarity is rapidfuzz's `ratio` on normalised names
  (0–1); a pair is allowed when it reaches `PROJECT_MIN_SIMILARITY`. A pair whose forms
  differ scores `FORM_MISMATCH_FACTOR` × the name similarity, so of two forms with the
  same name (a self-evaluation form and an evaluation report's scoring table) each finds
  its own kind.
* Indicators within an aligned project: by (group, level1, level2, name), weighted
  `INDICATOR_KEY_WEIGHTS`; a pair is allowed when the weighted similarity reaches
  `INDICATOR_MIN_SIMILARITY` and the name alone reaches `INDICATOR_MIN_NAME_SIMILARITY`.
* Funding lines: by `source` (normalised, equal; labels other than the four canonical
  sources may also match fuzzily at `LABEL_MIN_SIMILARITY`). Subtotals likewise by `level1`.

Every assignment is an optimal one-to-one (`scipy.optimize.linear_sum_assignment`,
maximising the summed similarity of allowed pairs). Among equally similar candidates
(a merged 三级指标 cell gives several rows the same name) small tie-breakers decide:
agreeing values and the position in the record list.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

import numpy as np
from rapidfuzz import fuzz
from scipy.optimize import linear_sum_assignment

from eval.normalize import normalize_text, numbers_equal
from extractor.models import FundingLine, Indicator, Project, Subtotal

PROJECT_MIN_SIMILARITY = 0.6
FORM_MISMATCH_FACTOR = 0.8
INDICATOR_MIN_SIMILARITY = 0.6
INDICATOR_MIN_NAME_SIMILARITY = 0.5
INDICATOR_KEY_WEIGHTS = {"name": 0.6, "level2": 0.2, "level1": 0.1, "group": 0.1}
LABEL_MIN_SIMILARITY = 0.8
CANONICAL_SOURCES = frozenset({"total", "fiscal", "carryover", "other"})

# Tie-breakers: small enough never to outweigh a real difference in the keys.
_VALUE_TIE = 0.02
_POSITION_TIE = 0.01

T = TypeVar("T")
P = TypeVar("P")


@dataclass(frozen=True)
class Matching:
    """A one-to-one alignment of golden records (by index) with predicted records."""

    pairs: tuple[tuple[int, int], ...]  # (golden index, predicted index), golden order
    missing: tuple[int, ...]  # golden indices with no prediction
    extra: tuple[int, ...]  # predicted indices with no golden record
    similarity: dict[tuple[int, int], float] = field(default_factory=dict)

    def pred_to_golden(self) -> dict[int, int]:
        return {p: g for g, p in self.pairs}

    def golden_to_pred(self) -> dict[int, int]:
        return dict(self.pairs)


@dataclass(frozen=True)
class ProjectAlignment:
    """The alignment inside one pair of aligned projects."""

    golden_index: int
    pred_index: int
    funding: Matching
    indicators: Matching
    subtotals: Matching


@dataclass(frozen=True)
class DocumentAlignment:
    projects: Matching
    inner: dict[int, ProjectAlignment]  # golden project index → its inner alignment

    def for_pred_project(self, pred_index: int) -> ProjectAlignment | None:
        for inner in self.inner.values():
            if inner.pred_index == pred_index:
                return inner
        return None


def text_similarity(a: str | None, b: str | None) -> float:
    """rapidfuzz ratio of the normalised texts, 0–1; two empty texts are identical."""
    na, nb = normalize_text(a), normalize_text(b)
    if not na and not nb:
        return 1.0
    if not na or not nb:
        return 0.0
    return fuzz.ratio(na, nb) / 100.0


def _position_closeness(i: int, n: int, j: int, m: int) -> float:
    if n <= 1 and m <= 1:
        return 1.0
    return 1.0 - abs(i / max(n - 1, 1) - j / max(m - 1, 1))


def assign(
    golden: Sequence[T],
    pred: Sequence[P],
    score: Callable[[int, T, int, P], float | None],
) -> Matching:
    """Optimal one-to-one assignment; `score` returns None for a pair that is not allowed."""
    n, m = len(golden), len(pred)
    if n == 0 or m == 0:
        return Matching(pairs=(), missing=tuple(range(n)), extra=tuple(range(m)))
    matrix = np.zeros((n, m))
    allowed = np.zeros((n, m), dtype=bool)
    for i, g in enumerate(golden):
        for j, p in enumerate(pred):
            s = score(i, g, j, p)
            if s is not None:
                # +1 so that every allowed pair beats leaving both records unmatched.
                matrix[i, j] = 1.0 + s
                allowed[i, j] = True
    rows, cols = linear_sum_assignment(matrix, maximize=True)
    pairs = sorted((int(i), int(j)) for i, j in zip(rows, cols, strict=True) if allowed[i, j])
    matched_g = {i for i, _ in pairs}
    matched_p = {j for _, j in pairs}
    return Matching(
        pairs=tuple(pairs),
        missing=tuple(i for i in range(n) if i not in matched_g),
        extra=tuple(j for j in range(m) if j not in matched_p),
        similarity={(i, j): float(matrix[i, j] - 1.0) for i, j in pairs},
    )


def _indicator_names(project: Project) -> set[str]:
    return {normalize_text(ind.name) for ind in project.indicators}


def project_similarity(golden: Project, pred: Project) -> float:
    """Name similarity, scaled down when the forms differ (before tie-breakers)."""
    similarity = text_similarity(golden.name, pred.name)
    return similarity if golden.form == pred.form else similarity * FORM_MISMATCH_FACTOR


def align_projects(golden: Sequence[Project], pred: Sequence[Project]) -> Matching:
    golden_names = [_indicator_names(p) for p in golden]
    pred_names = [_indicator_names(p) for p in pred]

    def score(i: int, g: Project, j: int, p: Project) -> float | None:
        if text_similarity(g.name, p.name) < PROJECT_MIN_SIMILARITY:
            return None
        shared = golden_names[i] & pred_names[j]
        overlap = len(shared) / max(len(golden_names[i] | pred_names[j]), 1)
        closeness = _position_closeness(i, len(golden), j, len(pred))
        return project_similarity(g, p) + _VALUE_TIE * overlap + _POSITION_TIE * closeness

    return assign(golden, pred, score)


def indicator_key_similarity(golden: Indicator, pred: Indicator) -> float:
    parts = {
        "name": text_similarity(golden.name, pred.name),
        "level2": text_similarity(golden.level2, pred.level2),
        "level1": text_similarity(golden.level1, pred.level1),
        "group": text_similarity(golden.group, pred.group),
    }
    return sum(INDICATOR_KEY_WEIGHTS[k] * v for k, v in parts.items())


def _value_agreement(golden: Indicator, pred: Indicator) -> float:
    """Share of weight / score / target / actual that agree (a tie-breaker only)."""
    checks: list[bool] = []
    for attr in ("weight", "score"):
        g, p = getattr(golden, attr), getattr(pred, attr)
        if g is not None or p is not None:
            checks.append(g is not None and p is not None and numbers_equal(g, p))
    for attr in ("target", "actual"):
        gv, pv = getattr(golden, attr), getattr(pred, attr)
        if gv is not None or pv is not None:
            checks.append(
                gv is not None
                and pv is not None
                and normalize_text(gv.raw) == normalize_text(pv.raw)
            )
    return sum(checks) / len(checks) if checks else 1.0


def align_indicators(golden: Sequence[Indicator], pred: Sequence[Indicator]) -> Matching:
    def score(i: int, g: Indicator, j: int, p: Indicator) -> float | None:
        if text_similarity(g.name, p.name) < INDICATOR_MIN_NAME_SIMILARITY:
            return None
        key = indicator_key_similarity(g, p)
        if key < INDICATOR_MIN_SIMILARITY:
            return None
        closeness = _position_closeness(i, len(golden), j, len(pred))
        return key + _VALUE_TIE * _value_agreement(g, p) + _POSITION_TIE * closeness

    return assign(golden, pred, score)


def label_similarity(golden: str, pred: str) -> float | None:
    """Equal normalised labels → 1; a canonical source only matches itself."""
    g, p = normalize_text(golden), normalize_text(pred)
    if g == p:
        return 1.0
    if g in CANONICAL_SOURCES or p in CANONICAL_SOURCES:
        return None
    similarity = text_similarity(golden, pred)
    return similarity if similarity >= LABEL_MIN_SIMILARITY else None


def _align_labels(golden: Sequence[str], pred: Sequence[str]) -> Matching:
    def score(i: int, g: str, j: int, p: str) -> float | None:
        similarity = label_similarity(g, p)
        if similarity is None:
            return None
        return similarity + _POSITION_TIE * _position_closeness(i, len(golden), j, len(pred))

    return assign(golden, pred, score)


def align_funding(golden: Sequence[FundingLine], pred: Sequence[FundingLine]) -> Matching:
    return _align_labels([f.source for f in golden], [f.source for f in pred])


def align_subtotals(golden: Sequence[Subtotal], pred: Sequence[Subtotal]) -> Matching:
    return _align_labels([s.level1 for s in golden], [s.level1 for s in pred])


def align_document(golden: Sequence[Project], pred: Sequence[Project]) -> DocumentAlignment:
    projects = align_projects(golden, pred)
    inner: dict[int, ProjectAlignment] = {}
    for gi, pi in projects.pairs:
        g, p = golden[gi], pred[pi]
        inner[gi] = ProjectAlignment(
            golden_index=gi,
            pred_index=pi,
            funding=align_funding(g.funding, p.funding),
            indicators=align_indicators(g.indicators, p.indicators),
            subtotals=align_subtotals(g.subtotals, p.subtotals),
        )
    return DocumentAlignment(projects=projects, inner=inner)
