"""Accounts scoring: alignment per table/side by code and name, each value a field,
per-table and overall accounts F1, formula stats, accounts flags, the gate."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console

from eval.accounts import align_rows, score_accounts
from eval.harness import evaluate, load_golden
from eval.report import render, to_markdown
from eval.results import Counts
from eval.scoring import DocumentInput, score_documents
from eval.thresholds import Thresholds, check_thresholds
from extractor.models import AccountColumn, AccountRow, AccountTable, ExpectedFlag, Flag
from tests.eval.eval_builders import as_prediction, golden_doc, write_json


def _c(counts: Counts) -> tuple[int, int, int, int]:
    return (counts.tp, counts.fd, counts.fn, counts.fa)


def _tables() -> list[AccountTable]:
    return [
        AccountTable(
            number=1,
            title="收入支出决算总表",
            side="收入",
            columns=[AccountColumn(label="决算数", number=1)],
            rows=[
                AccountRow(name="一、一般公共预算财政拨款收入", line=1, values=[500.0]),
                AccountRow(name="", line=2, values=[None]),
                AccountRow(name="总计", line=3, values=[500.0]),
            ],
            formulas=["3行=(1+2)行"],
        ),
        AccountTable(
            number=2,
            title="收入决算表",
            columns=[
                AccountColumn(label="本年收入合计", number=1),
                AccountColumn(label="财政拨款收入", number=2),
            ],
            rows=[
                AccountRow(name="合计", values=[500.0, 500.0]),
                AccountRow(code="205", name="教育支出", values=[500.0, 500.0]),
                AccountRow(code="20502", name="普通教育", values=[500.0, 500.0]),
            ],
            formulas=["1栏各行=(2)栏各行"],
        ),
    ]


def _golden() -> tuple[object, object]:
    golden = golden_doc([])
    golden.accounts = _tables()
    return golden, as_prediction(golden)


# Row fields: 表1 收入 name 2 + line 3 + values 2 = 7; 表2 code 2 + name 3 + values 6 = 11.
# Header fields: title 2 + unit 2 + columns (1 + 2) × 2 = 6 + formulas 2 = 12.
ROW_FIELDS, HEADER_FIELDS = 18, 12


def test_perfect_prediction() -> None:
    golden, pred = _golden()
    report = score_documents([DocumentInput(golden=golden, pred=pred)])  # type: ignore[arg-type]
    accounts = report.accounts
    assert accounts is not None
    assert _c(accounts.rows) == (ROW_FIELDS, 0, 0, 0) and accounts.rows.f1 == 1.0
    assert _c(accounts.header) == (HEADER_FIELDS, 0, 0, 0)
    assert [(t.table, t.records.matched) for t in accounts.tables] == [("表1 收入", 3), ("表2", 3)]
    assert accounts.formulas.printed == accounts.formulas.matched == 2
    assert report.overall.f1 == 1.0  # project fields untouched: nothing to score


def test_perturbed_prediction_exact_counts() -> None:
    golden, pred = _golden()
    t1, t2 = pred.accounts  # type: ignore[attr-defined]
    t1.rows[0].values = [501.0]  # FD
    t1.rows.reverse()  # order does not matter
    t2.rows[2].code = "20503"  # same name: aligned, code FD
    del t2.rows[1]  # 205 missing: code, name, 2 values FN
    t2.rows.append(AccountRow(code="208", name="社会保障和就业支出", values=[1.0, None]))  # 3 FA
    t2.columns[1].label = "财政拨款"  # header FD
    t2.formulas = []  # header FN
    pred.meta["accounts"] = {"formulas": {"parsed": 1, "applied": 1, "hold": 0}}  # type: ignore[attr-defined]
    report = score_documents([DocumentInput(golden=golden, pred=pred)])  # type: ignore[arg-type]
    accounts = report.accounts
    assert accounts is not None
    assert _c(accounts.rows) == (ROW_FIELDS - 6, 2, 4, 3)
    assert _c(accounts.header) == (HEADER_FIELDS - 2, 1, 1, 0)
    assert _c(accounts.by_field["account.row.values"]) == (5, 1, 2, 1)
    per_table = {t.table: _c(t.rows) for t in accounts.tables}
    assert per_table == {"表1 收入": (6, 1, 0, 0), "表2": (6, 1, 4, 3)}
    assert (accounts.formulas.parsed, accounts.formulas.applied, accounts.formulas.hold) == (
        1,
        1,
        0,
    )
    kinds = {(m.kind, m.path) for m in accounts.mismatches}
    assert ("wrong", "accounts[0].rows[0].values[0]") in kinds
    assert ("missing", "accounts[1].rows[1].code") in kinds
    assert ("wrong", "accounts[1].rows[2].code") in kinds


def test_missing_table_counts_all_its_fields() -> None:
    golden, pred = _golden()
    pred.accounts = pred.accounts[:1]  # type: ignore[attr-defined]
    report = score_documents([DocumentInput(golden=golden, pred=pred)])  # type: ignore[arg-type]
    assert report.accounts is not None
    assert _c(report.accounts.rows) == (7, 0, 11, 0)


def test_rows_align_by_code_then_name_then_line() -> None:
    golden = _tables()[0].rows + _tables()[1].rows[1:]
    pred = [
        AccountRow(code="20502", name="普通教肓", values=[]),  # OCR typo, same code
        AccountRow(name="", line=2, values=[]),
        AccountRow(name="一、一般公共预算财政拨款收入", line=9, values=[]),
    ]
    matching = align_rows(golden, pred)
    assert dict(matching.pairs) == {0: 2, 1: 1, 4: 0}


def test_accounts_flag_maps_through_the_alignment() -> None:
    golden, pred = _golden()
    golden.expected_flags = [  # type: ignore[attr-defined]
        ExpectedFlag(rule="accounts.hierarchy", path="accounts[1].rows[1].values[0]")
    ]
    pred.accounts.reverse()  # type: ignore[attr-defined]
    pred.accounts[0].rows.reverse()  # type: ignore[attr-defined]
    pred.flags = [  # type: ignore[attr-defined]
        Flag(
            rule="accounts.hierarchy",
            severity="error",
            path="accounts[0].rows[1].values[0]",
            message="205",
        ),
        Flag(
            rule="accounts.total",
            severity="error",
            path="accounts[5].rows[0].values[0]",
            message="x",
        ),
    ]
    report = score_documents([DocumentInput(golden=golden, pred=pred)])  # type: ignore[arg-type]
    assert (report.flags.overall.matched, report.flags.overall.predicted) == (1, 2)


def test_report_sections_and_gate() -> None:
    golden, pred = _golden()
    pred.accounts[1].rows[2].values = [1.0, 1.0]  # type: ignore[attr-defined]
    report = score_documents([DocumentInput(golden=golden, pred=pred)])  # type: ignore[arg-type]
    assert report.accounts is not None
    buffer = io.StringIO()
    render(report, Console(file=buffer, width=200))
    assert "Final accounts" in buffer.getvalue() and "表2" in buffer.getvalue()
    assert "Final-accounts formulas" in buffer.getvalue()
    assert "accounts F1" in to_markdown(report)
    assert check_thresholds(report, Thresholds(accounts_f1=0.5)) == []
    failures = check_thresholds(report, Thresholds(accounts_f1=0.99))
    assert len(failures) == 1 and failures[0].startswith("accounts F1")


def test_no_accounts_no_section() -> None:
    golden = golden_doc([])
    report = score_documents([DocumentInput(golden=golden, pred=as_prediction(golden))])
    assert report.accounts is None
    assert "Final accounts" not in to_markdown(report)


def test_golden_precision_of_account_amounts(tmp_path: Path) -> None:
    golden, pred = _golden()
    golden.accounts[1].rows[2].values = [500.0, 499.99]  # type: ignore[attr-defined]
    path = write_json(tmp_path / "doc_a.json", golden)  # type: ignore[arg-type]
    _, precision = load_golden(path)
    assert precision["accounts[1].rows[2].values[1]"] == 2
    pred.accounts[1].rows[2].values = [500.0, 500.0]  # type: ignore[attr-defined]
    score = score_accounts("doc_a", golden.accounts, pred, precision)  # type: ignore[arg-type]
    assert sum(f.outcome.value == "FD" for f in score.fields) == 1


def test_001_accounts_score() -> None:
    report = evaluate(Path(__file__).resolve().parents[2] / "golden")
    assert report.accounts is not None
    assert report.accounts.rows.f1 >= 0.97
    assert report.accounts.formulas.printed == 19
    assert report.accounts.formulas.parsed == 19
    assert report.accounts.formulas.applied == 15
