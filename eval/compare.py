"""Field comparison: every scored field of an aligned (or unaligned) record pair,
classified the way awslabs' Stickler does it.

* TP: both present and equal.
* FD: both present and different — a false positive and a miss at once.
* FN: golden only (a field, or every field of a golden record nothing was aligned with).
* FA: prediction only (a field, or every field of a predicted record with no golden).
* Both absent: not counted. Empty text (after normalisation) counts as absent.

Scored fields — project: name, form, year, department, implementer, total.weight,
total.score and each subtotal's weight and score (subtotals aligned by level1);
funding: every numeric column and unit (lines aligned by source); indicator: group,
level1, level2, name, nature, target/actual raw, op, number and unit, weight, score,
deviation_reason. Ids and spans are not scored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Literal

from eval.align import DocumentAlignment, Matching, ProjectAlignment, text_similarity
from eval.normalize import normalize_text, numbers_equal
from extractor.models import (
    FUNDING_NUMBER_FIELDS,
    FundingLine,
    Indicator,
    Project,
    Span,
    Subtotal,
)

COMPARISON_RULES: tuple[str, ...] = (
    "Each scored field is TP (both present and equal), FD (both present, different: "
    "a false positive and a miss), FN (golden only) or FA (predicted only); "
    "both absent is not counted. P = TP/(TP+FD+FA), R = TP/(TP+FD+FN), micro-averaged.",
    "Numbers: equal at the finer of the two printed precisions — with d the larger of "
    "the golden's decimals (as written in the golden JSON) and the prediction's, equal "
    "when both round half-up to the same d-decimal value (116.7 and 116.70 are equal; "
    "116.76 is not; 9.42 vs 9.5 is not; a golden 10 does not accept 9.62).",
    "Text: equal after NFKC, removing all whitespace and punctuation "
    "(，,、:：;；。!！?？ quotes “”‘’\"' brackets ()（）[]【】《》 — … ·), unifying >=/≧ → ≥ and "
    "<=/≦ → ≤ and case-folding; '.', '%', '/', '-', '<', '>' are kept. Empty text = absent.",
    "form, year, nature and op: exact.",
    "Records: projects aligned by form and name, indicators by (group, level1, level2, "
    "name), funding lines by source, subtotals by level1 — optimal one-to-one "
    "(linear_sum_assignment over rapidfuzz similarities, with minimum similarities). "
    "A missing record counts its fields as FN, an extra record as FA. Flags (warning and "
    "error only; info flags are counted, not scored): rule + aligned project + path with "
    "record indices mapped through the alignment; document.* flags, and narrative.* flags "
    "the golden puts on `narrative`, match on rule (+ project when the golden names one).",
    "Ids and spans are not scored.",
)

RecordType = Literal["project", "funding", "indicator"]
Kind = Literal["text", "number", "exact"]
RECORD_TYPES: tuple[RecordType, ...] = ("project", "funding", "indicator")

# Golden number precisions read from the golden JSON text: golden path → decimals.
Precision = Mapping[str, int]


class Outcome(StrEnum):
    TP = "TP"
    FD = "FD"
    FN = "FN"
    FA = "FA"


@dataclass(frozen=True)
class FieldSpec:
    name: str  # the attribute path inside the record, e.g. "target.raw"
    kind: Kind


@dataclass(frozen=True)
class FieldResult:
    """One scored field."""

    doc_id: str
    record_type: RecordType
    field: str  # generic field id: "indicator.target.number", "project.subtotal.weight"
    path: str  # golden path ("projects[0].indicators[3].score"); predicted path for FA
    pred_path: str | None  # the predicted record's path, when there is one
    outcome: Outcome
    expected: Any
    found: Any
    project: str  # the golden project's name, else the predicted one's
    span: Span | None  # the predicted record's span, else the golden record's
    record_status: Literal["matched", "missing", "extra"]
    record_label: str  # what the record is: "产出指标/数量指标/参保人数", "total", a project name
    project_matched: bool  # the project holding the record is aligned
    similarity: float | None = None  # for FD text: how close; for FD numbers: None
    relative_error: float | None = None  # for FD numbers


PROJECT_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("name", "text"),
    FieldSpec("form", "exact"),
    FieldSpec("year", "exact"),
    FieldSpec("department", "text"),
    FieldSpec("implementer", "text"),
    FieldSpec("total.weight", "number"),
    FieldSpec("total.score", "number"),
)
SUBTOTAL_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("weight", "number"),
    FieldSpec("score", "number"),
)
FUNDING_FIELDS: tuple[FieldSpec, ...] = (
    *(FieldSpec(name, "number") for name in FUNDING_NUMBER_FIELDS),
    FieldSpec("unit", "text"),
)
_VALUE_FIELDS: tuple[tuple[str, Kind], ...] = (
    ("raw", "text"),
    ("op", "exact"),
    ("number", "number"),
    ("unit", "text"),
)
INDICATOR_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("group", "text"),
    FieldSpec("level1", "text"),
    FieldSpec("level2", "text"),
    FieldSpec("name", "text"),
    FieldSpec("nature", "exact"),
    *(FieldSpec(f"target.{attr}", kind) for attr, kind in _VALUE_FIELDS),
    *(FieldSpec(f"actual.{attr}", kind) for attr, kind in _VALUE_FIELDS),
    FieldSpec("weight", "number"),
    FieldSpec("score", "number"),
    FieldSpec("deviation_reason", "text"),
)
# A project's child records: (attribute, record type, field prefix, scored fields).
_CHILDREN: tuple[tuple[str, RecordType, str, tuple[FieldSpec, ...]], ...] = (
    ("subtotals", "project", "project.subtotal", SUBTOTAL_FIELDS),
    ("funding", "funding", "funding", FUNDING_FIELDS),
    ("indicators", "indicator", "indicator", INDICATOR_FIELDS),
)


def get_path(record: Any, dotted: str) -> Any:
    value = record
    for part in dotted.split("."):
        if value is None:
            return None
        value = getattr(value, part)
    return value


def _present(value: Any, kind: Kind) -> bool:
    if value is None:
        return False
    if kind == "text" and isinstance(value, str):
        return normalize_text(value) != ""
    return True


def _equal(golden: Any, pred: Any, kind: Kind, decimals: int | None) -> bool:
    if kind == "number":
        try:
            return numbers_equal(float(golden), float(pred), decimals)
        except (TypeError, ValueError):
            return False
    if kind == "text":
        return normalize_text(str(golden)) == normalize_text(str(pred))
    if isinstance(golden, str) and isinstance(pred, str):
        return golden.strip() == pred.strip()
    return bool(golden == pred)


def classify(
    golden: Any, pred: Any, kind: Kind = "exact", decimals: int | None = None
) -> Outcome | None:
    """TP / FD / FN / FA for one field; None when both are absent."""
    has_g, has_p = _present(golden, kind), _present(pred, kind)
    if not has_g and not has_p:
        return None
    if not has_p:
        return Outcome.FN
    if not has_g:
        return Outcome.FA
    return Outcome.TP if _equal(golden, pred, kind, decimals) else Outcome.FD


def _relative_error(golden: Any, pred: Any) -> float | None:
    try:
        g, p = float(golden), float(pred)
    except (TypeError, ValueError):
        return None
    return min(abs(g - p) / max(abs(g), 1e-9), 1.0)


@dataclass(frozen=True)
class _Context:
    doc_id: str
    record_type: RecordType
    field_prefix: str  # "indicator", "project.subtotal" …
    golden_path: str | None  # golden record's path
    pred_path: str | None  # predicted record's path
    project: str
    span: Span | None
    precision: Precision
    record_label: str
    project_matched: bool


def compare_fields(
    specs: tuple[FieldSpec, ...], golden: Any, pred: Any, ctx: _Context
) -> list[FieldResult]:
    status: Literal["matched", "missing", "extra"] = "matched"
    if pred is None:
        status = "missing"
    elif golden is None:
        status = "extra"
    results: list[FieldResult] = []
    for spec in specs:
        g = get_path(golden, spec.name) if golden is not None else None
        p = get_path(pred, spec.name) if pred is not None else None
        golden_path = f"{ctx.golden_path}.{spec.name}" if ctx.golden_path else None
        pred_path = f"{ctx.pred_path}.{spec.name}" if ctx.pred_path else None
        decimals = ctx.precision.get(golden_path) if golden_path else None
        outcome = classify(g, p, spec.kind, decimals)
        if outcome is None:
            continue
        similarity = relative = None
        if outcome is Outcome.FD:
            if spec.kind == "text":
                similarity = text_similarity(str(g), str(p))
            elif spec.kind == "number":
                relative = _relative_error(g, p)
        results.append(
            FieldResult(
                doc_id=ctx.doc_id,
                record_type=ctx.record_type,
                field=f"{ctx.field_prefix}.{spec.name}",
                path=golden_path or pred_path or "",
                pred_path=pred_path,
                outcome=outcome,
                expected=g,
                found=p,
                project=ctx.project,
                span=ctx.span,
                record_status=status,
                record_label=ctx.record_label,
                project_matched=ctx.project_matched,
                similarity=similarity,
                relative_error=relative,
            )
        )
    return results


def record_label(record: Subtotal | FundingLine | Indicator) -> str:
    """What a record is, for a report: a subtotal's level1, a funding line's source,
    an indicator's group/level1/level2/name."""
    if isinstance(record, Subtotal):
        return record.level1
    if isinstance(record, FundingLine):
        return record.source
    parts = (record.group, record.level1, record.level2, record.name)
    return "/".join(p for p in parts if p)


def _span(pred: Any, golden: Any) -> Span | None:
    if pred is not None and pred.span is not None:
        return pred.span
    return golden.span if golden is not None else None


def _pairs(matching: Matching) -> list[tuple[int | None, int | None]]:
    """Aligned pairs, then golden-only, then predicted-only."""
    return [
        *((g, p) for g, p in matching.pairs),
        *((g, None) for g in matching.missing),
        *((None, p) for p in matching.extra),
    ]


def _item(items: list[Any], index: int | None) -> Any:
    return items[index] if index is not None else None


def compare_project(
    doc_id: str,
    golden: Project | None,
    pred: Project | None,
    golden_index: int | None,
    pred_index: int | None,
    inner: ProjectAlignment | None,
    precision: Precision,
) -> list[FieldResult]:
    """All scored fields of a project pair (either side may be absent)."""
    g_root = f"projects[{golden_index}]" if golden_index is not None else None
    p_root = f"projects[{pred_index}]" if pred_index is not None else None
    name = golden.name if golden is not None else pred.name if pred is not None else ""

    project_matched = inner is not None

    def ctx(
        record_type: RecordType,
        prefix: str,
        g_path: str | None,
        p_path: str | None,
        span: Span | None,
        label: str,
    ) -> _Context:
        return _Context(
            doc_id=doc_id,
            record_type=record_type,
            field_prefix=prefix,
            golden_path=g_path,
            pred_path=p_path,
            project=name,
            span=span,
            precision=precision,
            record_label=label,
            project_matched=project_matched,
        )

    form = golden.form if golden is not None else pred.form if pred is not None else ""
    c = ctx("project", "project", g_root, p_root, _span(pred, golden), f"{name}（{form}）")
    results = compare_fields(PROJECT_FIELDS, golden, pred, c)

    def matching(attr: str) -> Matching:
        """The inner alignment; for an unaligned project every record is unmatched."""
        if inner is not None:
            return getattr(inner, attr)
        n = len(getattr(golden, attr)) if golden is not None else 0
        m = len(getattr(pred, attr)) if pred is not None else 0
        return Matching(pairs=(), missing=tuple(range(n)), extra=tuple(range(m)))

    for attr, record_type, prefix, specs in _CHILDREN:
        golden_items: list[Any] = getattr(golden, attr) if golden is not None else []
        pred_items: list[Any] = getattr(pred, attr) if pred is not None else []
        for gi, pi in _pairs(matching(attr)):
            g_rec, p_rec = _item(golden_items, gi), _item(pred_items, pi)
            # subtotals have no span of their own: point at the project
            span = _span(p_rec, g_rec) if attr != "subtotals" else _span(pred, golden)
            c = ctx(
                record_type,
                prefix,
                f"{g_root}.{attr}[{gi}]" if gi is not None else None,
                f"{p_root}.{attr}[{pi}]" if pi is not None else None,
                span,
                record_label(g_rec if g_rec is not None else p_rec),
            )
            results += compare_fields(specs, g_rec, p_rec, c)
    return results


def compare_document(
    doc_id: str,
    golden: list[Project],
    pred: list[Project],
    alignment: DocumentAlignment,
    precision: Precision | None = None,
) -> list[FieldResult]:
    """Every scored field of a document, given the alignment of its records."""
    prec: Precision = precision or {}
    results: list[FieldResult] = []
    for gi, pi in _pairs(alignment.projects):
        results += compare_project(
            doc_id,
            _item(golden, gi),
            _item(pred, pi),
            gi,
            pi,
            alignment.inner.get(gi) if gi is not None else None,
            prec,
        )
    return results
