"""Scoring the final-accounts tables (`DocumentResult.accounts`).

* Tables are aligned by number and side (表1 收入 with 表1 收入).
* Rows within an aligned table by 科目编码 and name: equal codes, or similar names
  (rapidfuzz ratio ≥ `ROW_MIN_NAME_SIMILARITY`, ≥ `ROW_MIN_NAME_WITH_OTHER_CODE` when
  both print a different code), 行次 as a tie-breaker and, for rows with no name, the key.
  Optimal one-to-one (`eval.align.assign`).
* Row fields: code (exact), name (text), line (exact) and each amount `values[k]`
  (number, at the printed precision) — the accounts F1. Header fields: title, unit,
  remark (text), each column's label (text) and 栏次 (exact), and the printed formulas
  (a set: each golden formula present in the prediction is a TP).
* The same TP/FD/FN/FA rules as the project fields; a missing or extra table or row
  counts all its fields.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from eval.align import Matching, assign, text_similarity
from eval.compare import Outcome, Precision, classify
from eval.normalize import normalize_text
from eval.results import (
    AccountMismatch,
    AccountsReport,
    AccountTableReport,
    Counts,
    FormulaStats,
    RecordCounts,
)
from extractor.models import AccountRow, AccountTable, DocumentResult

ACCOUNTS_RULE = (
    "Final accounts (scored apart from the project fields): tables aligned by number and "
    "side, rows by 科目编码 and name (行次 for rows without a name); row fields code and "
    "line exact, name text, each amount values[k] a number as above — the accounts F1; "
    "header fields title, unit, remark, each column's label and 栏次, and each printed "
    "formula (as a set)."
)
ROW_MIN_NAME_SIMILARITY = 0.6
ROW_MIN_NAME_WITH_OTHER_CODE = 0.8
_TIE = 0.01

Part = Literal["row", "header"]


@dataclass(frozen=True)
class AccountField:
    table: str  # "表1 收入"
    part: Part
    field: str  # "account.row.values", "account.column.label", "account.formula" …
    path: str  # golden path, else the predicted one
    outcome: Outcome
    expected: Any
    found: Any
    record_status: Literal["matched", "missing", "extra"]


@dataclass(frozen=True)
class AccountsAlignment:
    tables: Matching
    rows: dict[int, Matching]  # golden table index → its rows' matching

    def pred_path_to_golden(self, path: str) -> str | None:
        """ "accounts[i].rows[j]…" of the prediction in golden indices (None: unaligned)."""
        import re

        m = re.match(r"^accounts\[(\d+)\](?:\.rows\[(\d+)\])?(.*)$", path)
        if m is None:
            return None
        table = self.tables.pred_to_golden().get(int(m.group(1)))
        if table is None:
            return None
        if m.group(2) is None:
            return f"accounts[{table}]{m.group(3)}"
        row = self.rows[table].pred_to_golden().get(int(m.group(2)))
        if row is None:
            return None
        return f"accounts[{table}].rows[{row}]{m.group(3)}"


def table_label(table: AccountTable) -> str:
    return f"表{table.number}" + (f" {table.side}" if table.side else "")


def align_tables(golden: Sequence[AccountTable], pred: Sequence[AccountTable]) -> Matching:
    def score(i: int, g: AccountTable, j: int, p: AccountTable) -> float | None:
        if g.number != p.number or normalize_text(g.side) != normalize_text(p.side):
            return None
        return 1.0 + _TIE * text_similarity(g.title, p.title)

    return assign(golden, pred, score)


def _row_similarity(g: AccountRow, p: AccountRow) -> float | None:
    names = text_similarity(g.name, p.name) if (g.name or p.name) else 0.0
    same_line = g.line is not None and g.line == p.line
    if g.code and p.code:
        if g.code == p.code:
            return 1.0 + 0.2 * names
        return 0.5 * names if names >= ROW_MIN_NAME_WITH_OTHER_CODE else None
    if not g.name and not p.name:
        if g.line is None and p.line is None:
            return 0.3  # rows printed without a name or 行次 (三公's data row): by position
        return 0.5 if same_line else None
    if names < ROW_MIN_NAME_SIMILARITY:
        return None
    return 0.6 * names + (0.3 if same_line else 0.0)


def align_rows(golden: Sequence[AccountRow], pred: Sequence[AccountRow]) -> Matching:
    def score(i: int, g: AccountRow, j: int, p: AccountRow) -> float | None:
        similarity = _row_similarity(g, p)
        if similarity is None:
            return None
        closeness = 1.0 - abs(i / max(len(golden) - 1, 1) - j / max(len(pred) - 1, 1))
        return similarity + _TIE * closeness

    return assign(golden, pred, score)


def align_accounts(
    golden: Sequence[AccountTable], pred: Sequence[AccountTable]
) -> AccountsAlignment:
    tables = align_tables(golden, pred)
    rows = {gi: align_rows(golden[gi].rows, pred[pi].rows) for gi, pi in tables.pairs}
    return AccountsAlignment(tables=tables, rows=rows)


def _pairs(matching: Matching) -> list[tuple[int | None, int | None]]:
    return [
        *((g, p) for g, p in matching.pairs),
        *((g, None) for g in matching.missing),
        *((None, p) for p in matching.extra),
    ]


class _Collector:
    def __init__(self, precision: Precision) -> None:
        self.precision = precision
        self.fields: list[AccountField] = []

    def add(
        self,
        table: str,
        part: Part,
        field: str,
        kind: Literal["text", "number", "exact"],
        golden: Any,
        pred: Any,
        g_path: str | None,
        p_path: str | None,
        status: Literal["matched", "missing", "extra"],
    ) -> None:
        decimals = self.precision.get(g_path) if g_path else None
        outcome = classify(golden, pred, kind, decimals)
        if outcome is not None:
            path = g_path or p_path or ""
            self.fields.append(
                AccountField(table, part, field, path, outcome, golden, pred, status)
            )


def _status(g: Any, p: Any) -> Literal["matched", "missing", "extra"]:
    return "matched" if g is not None and p is not None else "missing" if p is None else "extra"


def _compare_row(
    out: _Collector,
    label: str,
    g: AccountRow | None,
    p: AccountRow | None,
    gp: str | None,
    pp: str | None,
) -> None:
    status = _status(g, p)
    fields = (("code", "exact"), ("name", "text"), ("line", "exact"))
    _add_attributes(out, label, "row", "account.row", fields, g, p, gp, pp, status)
    g_values = g.values if g else []
    p_values = p.values if p else []
    for k in range(max(len(g_values), len(p_values))):
        out.add(
            label,
            "row",
            "account.row.values",
            "number",
            g_values[k] if k < len(g_values) else None,
            p_values[k] if k < len(p_values) else None,
            f"{gp}.values[{k}]" if gp else None,
            f"{pp}.values[{k}]" if pp else None,
            status,
        )


def _formula_key(text: str) -> str:
    return normalize_text(text.replace("...", "…").replace("⋯", "…"))


def _compare_header(
    out: _Collector,
    label: str,
    g: AccountTable | None,
    p: AccountTable | None,
    gp: str | None,
    pp: str | None,
) -> None:
    status = _status(g, p)
    for name in ("title", "unit", "remark"):
        out.add(
            label,
            "header",
            f"account.{name}",
            "text",
            getattr(g, name) if g else None,
            getattr(p, name) if p else None,
            f"{gp}.{name}" if gp else None,
            f"{pp}.{name}" if pp else None,
            status,
        )
    g_cols = g.columns if g else []
    p_cols = p.columns if p else []
    for k in range(max(len(g_cols), len(p_cols))):
        gc = g_cols[k] if k < len(g_cols) else None
        pc = p_cols[k] if k < len(p_cols) else None
        fields = (("label", "text"), ("number", "exact"))
        g_path = f"{gp}.columns[{k}]" if gp else None
        p_path = f"{pp}.columns[{k}]" if pp else None
        _add_attributes(
            out, label, "header", "account.column", fields, gc, pc, g_path, p_path, status
        )
    g_formulas = [_formula_key(f) for f in (g.formulas if g else [])]
    p_formulas = [_formula_key(f) for f in (p.formulas if p else [])]
    remaining = list(p_formulas)
    for k, formula in enumerate(g_formulas):
        found = formula if formula in remaining else None
        if found is not None:
            remaining.remove(found)
        out.add(
            label,
            "header",
            "account.formula",
            "text",
            formula,
            found,
            f"{gp}.formulas[{k}]" if gp else None,
            pp,
            status,
        )
    for formula in remaining:
        out.add(label, "header", "account.formula", "text", None, formula, None, pp, status)


def compare_accounts(
    golden: Sequence[AccountTable],
    pred: Sequence[AccountTable],
    alignment: AccountsAlignment,
    precision: Precision | None = None,
) -> list[AccountField]:
    out = _Collector(precision or {})
    for gi, pi in _pairs(alignment.tables):
        g = golden[gi] if gi is not None else None
        p = pred[pi] if pi is not None else None
        label = table_label(g if g is not None else p)  # type: ignore[arg-type]
        gp = f"accounts[{gi}]" if gi is not None else None
        pp = f"accounts[{pi}]" if pi is not None else None
        _compare_header(out, label, g, p, gp, pp)
        if gi is not None and pi is not None:
            rows = alignment.rows[gi]
        else:
            rows = Matching(
                pairs=(),
                missing=tuple(range(len(g.rows) if g else 0)),
                extra=tuple(range(len(p.rows) if p else 0)),
            )
        for ri, rj in _pairs(rows):
            _compare_row(
                out,
                label,
                g.rows[ri] if g is not None and ri is not None else None,
                p.rows[rj] if p is not None and rj is not None else None,
                f"{gp}.rows[{ri}]" if ri is not None else None,
                f"{pp}.rows[{rj}]" if rj is not None else None,
            )
    return out.fields


@dataclass
class AccountsScore:
    """One document's accounts fields and table reports."""

    doc_id: str
    fields: list[AccountField]
    tables: list[AccountTableReport]
    formulas: FormulaStats


def _counts(fields: list[AccountField]) -> Counts:
    counts = Counts()
    for item in fields:
        counts.add(item.outcome.value)
    return counts


def _meta_formulas(pred: DocumentResult | None) -> dict[str, int]:
    meta = (pred.meta if pred is not None else {}).get("accounts") or {}
    formulas = meta.get("formulas") if isinstance(meta, dict) else None
    return formulas if isinstance(formulas, dict) else {}


def score_accounts(
    doc_id: str,
    golden: Sequence[AccountTable],
    pred: DocumentResult | None,
    precision: Precision | None = None,
) -> AccountsScore:
    pred_tables = pred.accounts if pred is not None else []
    alignment = align_accounts(golden, pred_tables)
    fields = compare_accounts(golden, pred_tables, alignment, precision)
    reports: list[AccountTableReport] = []
    for gi, pi in _pairs(alignment.tables):
        g = golden[gi] if gi is not None else None
        p = pred_tables[pi] if pi is not None else None
        table = g if g is not None else p
        assert table is not None
        prefix = f"accounts[{gi}]" if gi is not None else f"accounts[{pi}]"
        mine = [f for f in fields if f.path == prefix or f.path.startswith(prefix + ".")]
        matched = len(alignment.rows[gi].pairs) if gi is not None and pi is not None else 0
        reports.append(
            AccountTableReport(
                doc_id=doc_id,
                table=table_label(table),
                title=table.title,
                rows=_counts([f for f in mine if f.part == "row"]),
                header=_counts([f for f in mine if f.part == "header"]),
                records=RecordCounts(
                    golden=len(g.rows) if g else 0,
                    predicted=len(p.rows) if p else 0,
                    matched=matched,
                ),
            )
        )
    formula_fields = [f for f in fields if f.field == "account.formula"]
    meta = _meta_formulas(pred)
    stats = FormulaStats(
        printed=sum(len(t.formulas) for t in golden),
        predicted=sum(len(t.formulas) for t in pred_tables),
        matched=sum(f.outcome is Outcome.TP for f in formula_fields),
        parsed=int(meta.get("parsed", 0)),
        applied=int(meta.get("applied", 0)),
        hold=int(meta.get("hold", 0)),
    )
    return AccountsScore(doc_id, fields, reports, stats)


_KINDS = {Outcome.FD: "wrong", Outcome.FN: "missing", Outcome.FA: "extra"}


def accounts_report(scores: Sequence[AccountsScore]) -> AccountsReport | None:
    """All documents' accounts scores; None when no document has any accounts."""
    if not any(s.fields for s in scores):
        return None
    fields = [f for s in scores for f in s.fields]
    by_field: dict[str, Counts] = {}
    for item in fields:
        by_field.setdefault(item.field, Counts()).add(item.outcome.value)
    formulas = FormulaStats()
    for score in scores:
        for name in FormulaStats.model_fields:
            setattr(formulas, name, getattr(formulas, name) + getattr(score.formulas, name))
    mismatches = [
        AccountMismatch(
            doc_id=s.doc_id,
            table=f.table,
            kind=_KINDS[f.outcome],  # type: ignore[arg-type]
            field=f.field,
            path=f.path,
            expected=f.expected,
            found=f.found,
        )
        for s in scores
        for f in s.fields
        if f.outcome is not Outcome.TP
    ]
    return AccountsReport(
        rows=_counts([f for f in fields if f.part == "row"]),
        header=_counts([f for f in fields if f.part == "header"]),
        by_field=by_field,
        tables=[t for s in scores for t in s.tables],
        formulas=formulas,
        mismatches=mismatches,
    )


def _add_attributes(
    out: Any,
    label: str,
    group: str,
    field_prefix: str,
    fields: tuple[tuple[str, str], ...],
    g: Any,
    p: Any,
    gp: str | None,
    pp: str | None,
    status: Any,
) -> None:
    """Score the named attributes of a golden and a predicted record (either may be
    missing) as fields `<field_prefix>.<name>` at paths `<gp>.<name>` / `<pp>.<name>`."""
    for name, kind in fields:
        out.add(
            label,
            group,
            f"{field_prefix}.{name}",
            kind,
            getattr(g, name) if g else None,
            getattr(p, name) if p else None,
            f"{gp}.{name}" if gp else None,
            f"{pp}.{name}" if pp else None,
            status,
        )
