"""Rendering an `EvalReport`: a rich terminal view, Markdown for a PR comment, JSON."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.table import Table

from eval.results import Counts, EvalReport, FlagCounts, FormCounts, GroupReport, Mismatch
from eval.thresholds import accounts_by_document, false_alarms
from extractor.models import Span

COUNT_HEADERS: tuple[str, ...] = ("P", "R", "F1", "TP", "FD", "FN", "FA")
FLAG_HEADERS: tuple[str, ...] = ("P", "R", "F1", "matched", "predicted", "expected", "not scored")
MISMATCH_HEADERS: tuple[str, ...] = (
    "document",
    "project",
    "field",
    "path",
    "kind",
    "expected",
    "found",
    "source",
)
FORM_HEADERS: tuple[str, ...] = ("form type", "projects", "aligned", "right")
GROUP_HEADERS: tuple[str, ...] = ("docs", "failed", *COUNT_HEADERS, *FORM_HEADERS)
_NUMERIC = frozenset((*COUNT_HEADERS, *FLAG_HEADERS, *GROUP_HEADERS))
_MAX_VALUE = 60
FOLD_DOCUMENTS = 20  # a longer per-document table is folded in Markdown


def _pct(value: float) -> str:
    """Three decimals, rounded down: 0.9997 shows as 0.999, never as a perfect 1.000."""
    return f"{math.floor(value * 1000 + 1e-9) / 1000:.3f}"


def count_cells(counts: Counts) -> list[str]:
    return [
        _pct(counts.precision),
        _pct(counts.recall),
        _pct(counts.f1),
        str(counts.tp),
        str(counts.fd),
        str(counts.fn),
        str(counts.fa),
    ]


def flag_cells(counts: FlagCounts) -> list[str]:
    return [
        _pct(counts.precision),
        _pct(counts.recall),
        _pct(counts.f1),
        str(counts.matched),
        str(counts.predicted),
        str(counts.expected),
        str(counts.unscored),
    ]


def format_value(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    else:
        text = str(value)
    return text if len(text) <= _MAX_VALUE else text[: _MAX_VALUE - 1] + "…"


def format_span(span: Span | None) -> str:
    return "—" if span is None else f"p{span.page}:{span.start}-{span.end}"


def mismatch_cells(m: Mismatch) -> list[str]:
    field = m.field if m.fields == 1 else f"{m.field} ({m.fields} fields)"
    return [
        m.doc_id,
        format_value(m.project),
        field,
        m.path,
        m.kind,
        format_value(m.expected),
        format_value(m.found),
        format_span(m.span),
    ]


def form_cells(forms: FormCounts) -> list[str]:
    return [_pct(forms.accuracy), str(forms.golden), str(forms.aligned), str(forms.correct)]


def group_cells(group: GroupReport) -> list[str]:
    return [
        str(group.documents),
        str(group.failed),
        *count_cells(group.counts),
        *form_cells(group.forms),
    ]


def family_matrix(report: EvalReport) -> tuple[list[str], list[list[str]]]:
    """Field F1 of every family (rows) in every rendering (columns); "—" where a family
    has no document in that rendering."""
    renderings = list(report.by_rendering)
    rows = []
    for family, group in report.by_family.items():
        cells = []
        for rendering in renderings:
            pair = report.by_family_rendering.get(f"{family}/{rendering}")
            cells.append(_pct(pair.counts.f1) if pair is not None else "—")
        rows.append([family, *cells, _pct(group.counts.f1)])
    if rows:
        rows.append(["(all)", *(_pct(g.counts.f1) for g in report.by_rendering.values()),
                     _pct(report.overall.f1)])  # fmt: skip
    return ["family", *renderings, "all"], rows


def _group_sections(report: EvalReport) -> list[tuple[str, Sequence[str], list[list[str]]]]:
    if not report.by_family and not report.by_rendering:
        return []
    headers, matrix = family_matrix(report)
    return [
        ("Field F1 per family × rendering", headers, matrix),
        (
            "Per family",
            ("family", *GROUP_HEADERS),
            [[name, *group_cells(g)] for name, g in report.by_family.items()],
        ),
        (
            "Per rendering",
            ("rendering", *GROUP_HEADERS),
            [[name, *group_cells(g)] for name, g in report.by_rendering.items()],
        ),
    ]


def _sections(report: EvalReport) -> list[tuple[str, Sequence[str], list[list[str]]]]:
    """(title, headers, rows) of every counts table, shared by the terminal and Markdown."""
    docs = [[d.doc_id, *count_cells(d.counts), d.error or ""] for d in report.documents]
    return [
        ("Overall (field level, micro-averaged)", COUNT_HEADERS, [count_cells(report.overall)]),
        (
            "Form type (projects aligned by name, whatever their form)",
            FORM_HEADERS,
            [form_cells(report.forms)],
        ),
        *_group_sections(report),
        ("Per document", ("document", *COUNT_HEADERS, "error"), docs),
        (
            "Per record type",
            ("record", *COUNT_HEADERS),
            [[name, *count_cells(c)] for name, c in report.by_record_type.items()],
        ),
        (
            "Per field",
            ("field", *COUNT_HEADERS),
            [[name, *count_cells(c)] for name, c in report.by_field.items()],
        ),
        (
            "Validator flags (warning/error; info counted apart)",
            ("document", *FLAG_HEADERS),
            [
                ["(all)", *flag_cells(report.flags.overall)],
                *([d.doc_id, *flag_cells(d.flags)] for d in report.documents),
                *_on_golden_rows(report),
            ],
        ),
        (
            "Validator flags per rule",
            ("rule", *FLAG_HEADERS),
            [[rule, *flag_cells(c)] for rule, c in report.flags.by_rule.items()],
        ),
        *_account_sections(report),
    ]


def _on_golden_rows(report: EvalReport) -> list[list[str]]:
    """The validator alone on the golden records, below the pipeline's figures."""
    if report.flags.on_golden is None:
        return []
    return [
        ["validator on golden records", *flag_cells(report.flags.on_golden)],
        *(
            [f"  {d.doc_id}", *flag_cells(d.flags_on_golden)]
            for d in report.documents
            if d.flags_on_golden is not None
        ),
    ]


ACCOUNT_HEADERS: tuple[str, ...] = (
    "document",
    "table",
    *COUNT_HEADERS,
    "header F1",
    "rows (golden/pred/matched)",
)
FORMULA_HEADERS: tuple[str, ...] = ("printed", "read", "matched", "parsed", "applied", "hold")


def _account_sections(report: EvalReport) -> list[tuple[str, Sequence[str], list[list[str]]]]:
    """Final-accounts tables: row-field scores per table and overall, and the formulas."""
    accounts = report.accounts
    if accounts is None:
        return []
    rows = [
        [
            t.doc_id,
            t.table,
            *count_cells(t.rows),
            _pct(t.header.f1),
            f"{t.records.golden}/{t.records.predicted}/{t.records.matched}",
        ]
        for t in accounts.tables
    ]
    alarms = false_alarms(report)
    for doc_id, counts in accounts_by_document(report).items():
        note = f"false alarms: {alarms.get(doc_id, 0)}"
        rows.append([doc_id, "(document)", *count_cells(counts), "", note])
    rows.append(["(all)", "", *count_cells(accounts.rows), _pct(accounts.header.f1), ""])
    f = accounts.formulas
    counts = [str(v) for v in (f.printed, f.predicted, f.matched, f.parsed, f.applied, f.hold)]
    return [
        ("Final accounts (row fields: code, name, 行次, amounts)", ACCOUNT_HEADERS, rows),
        ("Final-accounts formulas", FORMULA_HEADERS, [counts]),
    ]


def _flag_issue_rows(report: EvalReport) -> list[list[str]]:
    return [
        [i.doc_id, i.kind, i.rule, format_value(i.project), i.path, format_value(i.text)]
        for i in report.flags.issues
    ]


def render(report: EvalReport, console: Console | None = None, worst: int = 15) -> None:
    """Print the report as rich tables."""
    console = console or Console()
    for title, headers, rows in _sections(report):
        table = Table(title=title, title_justify="left")
        for header in headers:
            table.add_column(header, justify="right" if header in _NUMERIC else "left")
        for row in rows:
            table.add_row(*row)
        console.print(table)
    issues = _flag_issue_rows(report)
    if issues:
        title = f"Flags missed / unexpected ({min(len(issues), worst)} of {len(issues)})"
        table = Table(title=title, title_justify="left")
        for header in ("document", "kind", "rule", "project", "path", "note / message"):
            table.add_column(header)
        for row in issues[:worst]:
            table.add_row(*row)
        console.print(table)
    shown = report.mismatches[:worst]
    table = Table(
        title=f"Worst mismatches ({len(shown)} of {len(report.mismatches)})",
        title_justify="left",
    )
    for header in MISMATCH_HEADERS:
        table.add_column(header, overflow="fold")
    for m in shown:
        table.add_row(*mismatch_cells(m))
    console.print(table)
    console.print("Comparison rules:", style="bold")
    for rule in report.comparison_rules:
        console.print(f"  • {rule}", markup=False, highlight=False)


def _md_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _md_table(
    headers: Sequence[str], rows: list[list[str]], numeric: frozenset[str] = frozenset()
) -> list[str]:
    align = ("---:" if h in numeric else "---" for h in headers)
    lines = [
        "| " + " | ".join(_md_escape(h) for h in headers) + " |",
        "|" + "|".join(align) + "|",
    ]
    lines += ["| " + " | ".join(_md_escape(c) for c in row) + " |" for row in rows]
    return lines


def to_markdown(report: EvalReport, worst: int = 15) -> str:
    """A PR comment: headline figures, then the tables (long ones folded)."""
    o = report.overall
    source = f"backend `{report.backend}`" if report.backend else f"predictions `{report.pred_dir}`"
    lines = [
        "## Extraction eval",
        "",
        f"**Overall field F1 {_pct(o.f1)}** (P {_pct(o.precision)}, R {_pct(o.recall)}) on "
        f"{len(report.documents)} document(s), {source}; "
        f"warning/error flags P {_pct(report.flags.overall.precision)} / "
        f"R {_pct(report.flags.overall.recall)}"
        + (f"; accounts F1 {_pct(report.accounts.rows.f1)}" if report.accounts else "")
        + f"; form type {_pct(report.forms.accuracy)} right "
        f"({report.forms.correct} of {report.forms.golden} projects).",
    ]
    errors = [d for d in report.documents if d.error]
    if errors:
        lines += ["", "**Documents that failed** (scored as all-missing):", ""]
        lines += [f"- `{d.doc_id}`: {_md_escape(d.error or '')}" for d in errors]
    for title, headers, rows in _sections(report):
        folded = title in ("Per field", "Validator flags per rule") or (
            title == "Per document" and len(report.documents) > FOLD_DOCUMENTS
        )
        lines += [""]
        if folded:
            lines += [f"<details><summary>{title}</summary>", ""]
        else:
            lines += [f"### {title}", ""]
        lines += _md_table(headers, rows, _NUMERIC)
        if folded:
            lines += ["", "</details>"]
    issues = _flag_issue_rows(report)
    if issues:
        lines += ["", "<details><summary>Flags missed / unexpected</summary>", ""]
        lines += _md_table(
            ("document", "kind", "rule", "project", "path", "note / message"), issues
        )
        lines += ["", "</details>"]
    shown = report.mismatches[:worst]
    lines += ["", f"### Worst mismatches ({len(shown)} of {len(report.mismatches)})", ""]
    lines += _md_table(MISMATCH_HEADERS, [mismatch_cells(m) for m in shown])
    lines += ["", "<details><summary>Comparison rules</summary>", ""]
    lines += [f"- {_md_escape(rule)}" for rule in report.comparison_rules]
    lines += ["", "</details>", ""]
    return "\n".join(lines)


def to_json(report: EvalReport) -> str:
    """The full report for machines (every mismatch, not only the worst)."""
    return json.dumps(report.model_dump(mode="json"), ensure_ascii=False, indent=2)
