"""Final-accounts rules: each check passes on consistent accounts and fails on a broken
one (synthetic accounts from tests/accounts/samples.py), and 001's figures."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from extractor.accounts import read_tables
from extractor.models import AccountTable
from extractor.pipeline import extract_document
from extractor.validate import ValidationReport, validate_result
from extractor.validate.accounts import ACCOUNT_RULES
from tests.accounts.samples import CLEAN, DOCUMENT, NARRATIVE
from tests.validate.builders import document, result

GOLDEN = Path(__file__).resolve().parents[2] / "golden"
Mutation = Callable[[list[AccountTable]], None]


def run(text: str = DOCUMENT, mutate: Mutation | None = None) -> ValidationReport:
    source = document(text)
    tables = read_tables(text, source)[0]
    if mutate is not None:
        mutate(tables)
    doc = result()
    doc.accounts = tables
    return validate_result(doc, source)


def flagged(report: ValidationReport) -> list[tuple[str, str]]:
    return [(f.rule, f.path) for f in report.flags]


def table(tables: list[AccountTable], number: int, side: str | None = None) -> AccountTable:
    return next(t for t in tables if t.number == number and t.side == side)


def index(tables: list[AccountTable], number: int, side: str | None = None) -> int:
    return tables.index(table(tables, number, side))


def test_consistent_accounts_raise_nothing() -> None:
    report = run()
    assert report.flags == []
    assert report.checks_run > 150


def test_rule_table() -> None:
    assert set(ACCOUNT_RULES) == {
        "accounts.hierarchy",
        "accounts.formula",
        "accounts.cross_table",
        "accounts.total",
        "accounts.rounding",
    }
    assert all(rule.description for rule in ACCOUNT_RULES.values())
    assert ACCOUNT_RULES["accounts.rounding"].severity == "info"
    assert {r.severity for k, r in ACCOUNT_RULES.items() if k != "accounts.rounding"} == {"error"}


# --- accounts.hierarchy -----------------------------------------------------------------


def test_parent_not_the_sum_of_its_children() -> None:
    def mutate(tables: list[AccountTable]) -> None:
        t2 = table(tables, 2)
        t2.rows[2].values = [451.0, 421.0, 30.0]  # 20502 普通教育 (children: 150 + 270)

    report = run(CLEAN, mutate)
    t = index(read_tables(CLEAN)[0], 2)
    assert ("accounts.hierarchy", f"accounts[{t}].rows[2].values[0]") in flagged(report)
    assert ("accounts.hierarchy", f"accounts[{t}].rows[1].values[1]") in flagged(report)  # 205
    flag = next(f for f in report.flags if f.path == f"accounts[{t}].rows[2].values[0]")
    assert flag.severity == "error" and flag.project is None
    assert flag.expected == 450 and flag.found == 451
    assert "20502" in flag.message and "下级科目之和" in flag.message
    assert flag.span is not None


# --- accounts.formula -------------------------------------------------------------------


def test_printed_row_formula_that_does_not_hold() -> None:
    def mutate(tables: list[AccountTable]) -> None:
        table(tables, 1, "收入").rows[0].values = [501.0]  # 一般公共预算财政拨款收入

    report = run(CLEAN, mutate)
    t = index(read_tables(CLEAN)[0], 1, "收入")
    formula = [f for f in report.flags if f.rule == "accounts.formula"]
    assert [f.path for f in formula] == [f"accounts[{t}].rows[3].values[0]"]  # 4行 only
    assert "4行=(1+2+3)行" in formula[0].message
    assert formula[0].expected == 531 and formula[0].found == 530


def test_printed_column_formula_with_a_minus_sign() -> None:
    def mutate(tables: list[AccountTable]) -> None:
        table(tables, 7).rows[0].values = [1.25, 2.5, 2.75, 0.9]  # 4 = 1 + 2 - 3 = 1.00

    report = run(CLEAN, mutate)
    assert [
        (f.rule, f.expected, f.found) for f in report.flags if f.rule == "accounts.formula"
    ] == [("accounts.formula", 1.0, 0.9)]


def test_formula_that_cannot_be_applied_is_skipped() -> None:
    def mutate(tables: list[AccountTable]) -> None:
        table(tables, 9).rows = []

    report = run(CLEAN, mutate)
    assert report.flags == []
    assert report.skipped.get("accounts.formula") == 4


# --- accounts.total ---------------------------------------------------------------------


def test_total_row_not_the_sum_of_its_classes() -> None:
    def mutate(tables: list[AccountTable]) -> None:
        table(tables, 6).rows[6].values = [331.0]  # 人员经费合计 (301 300 + 303 30)

    report = run(CLEAN, mutate)
    t = index(read_tables(CLEAN)[0], 6)
    assert ("accounts.total", f"accounts[{t}].rows[6].values[0]") in flagged(report)


def test_subtotal_column_not_the_sum_of_its_components() -> None:
    def mutate(tables: list[AccountTable]) -> None:
        table(tables, 4, "支出").rows[0].values = [421.0, 420.0, None]  # 小计 ≠ 420 + 0

    report = run(CLEAN, mutate)
    t = index(read_tables(CLEAN)[0], 4, "支出")
    totals = [f for f in report.flags if f.rule == "accounts.total"]
    assert [f.path for f in totals] == [f"accounts[{t}].rows[0].values[0]"]
    assert "一般公共预算财政拨款 + 政府性基金预算财政拨款" in totals[0].message


# --- accounts.cross_table ---------------------------------------------------------------


def test_basic_expenditure_not_personnel_plus_public() -> None:
    def mutate(tables: list[AccountTable]) -> None:
        detail = table(tables, 6)
        for row in detail.rows:
            if row.code in ("302", "30201") or row.name == "公用经费合计":
                row.values = [(row.values[0] or 0) + 1]

    report = run(CLEAN, mutate)
    t5 = index(read_tables(CLEAN)[0], 5)
    assert flagged(report) == [("accounts.cross_table", f"accounts[{t5}].rows[0].values[1]")]
    assert "人员经费合计" in report.flags[0].message and report.flags[0].expected == 361


def test_same_total_in_two_tables() -> None:
    def mutate(tables: list[AccountTable]) -> None:
        t2 = table(tables, 2)
        t2.rows[0].values = [531.0, 501.0, 30.0]
        t2.rows[1].values = [451.0, 421.0, 30.0]
        t2.rows[2].values = [451.0, 421.0, 30.0]
        t2.rows[3].values = [151.0, 151.0, None]

    report = run(CLEAN, mutate)
    rules = {rule for rule, _ in flagged(report)}
    assert rules == {"accounts.cross_table"}
    assert len(report.flags) == 2  # 表1 本年收入合计 ≠ 表2; 表2 财政拨款收入 ≠ 表1's three


def test_all_fiscal_identities_apply_only_when_all_income_is_fiscal() -> None:
    def mutate(tables: list[AccountTable]) -> None:
        table(tables, 3).rows[0].values = [530.0, 361.0, 169.0]  # 基本 ≠ 表6 360

    report = run(CLEAN, mutate)  # 事业收入 30: 表3 holds more than 表5 + 表7
    assert "accounts.cross_table" not in {rule for rule, _ in flagged(report)}


# --- the narrative against the tables ---------------------------------------------------


def _narrative(old: str, new: str) -> ValidationReport:
    assert old in NARRATIVE
    return run(CLEAN + "\n\n" + NARRATIVE.replace(old, new))


@pytest.mark.parametrize(
    ("old", "new", "rule"),
    [
        ("收、支总计 530 万元", "收、支总计 531 万元", "narrative.conflict"),
        ("占本年收入 94.3%", "占本年收入 95.3%", "narrative.rate"),
        ("完成年初预算的 125%", "完成年初预算的 130%", "narrative.rate"),
        ("支出决算为 150 万元", "支出决算为 160 万元", "narrative.conflict"),
        ("占 84%", "占 85%", "narrative.rate"),
        ("增长 4.2%", "增长 5.2%", "narrative.rate"),
        ("人员经费 330 万元", "人员经费 320 万元", "narrative.conflict"),
        ("本年收入 0 万元", "本年收入 3 万元", "narrative.conflict"),
        ("支出决算为 4.5 万元", "支出决算为 4.6 万元", "narrative.conflict"),
        ("小学教育、", "小学教育、提租补贴、", "narrative.conflict"),
        ("办公费、差旅费", "办公费、差旅费、会议费", "narrative.conflict"),
    ],
)
def test_narrative_figure_against_the_tables(old: str, new: str, rule: str) -> None:
    report = _narrative(old, new)
    assert rule in {f.rule for f in report.flags}
    assert all(f.path == "narrative" and f.project is None for f in report.flags)
    assert sum(f.rule == rule for f in report.flags) == 1  # one flag per figure in doubt
    assert all(f.span is not None for f in report.flags)


def test_narrative_accepts_rounding_and_truncation_only() -> None:
    # 30 / 530 = 5.660 %: 5.7 (rounded) and 5.6 (truncated) pass, 5.5 does not
    assert _narrative("占本年收入 5.7%", "占本年收入 5.6%").flags == []
    assert [f.rule for f in _narrative("占本年收入 5.7%", "占本年收入 5.5%").flags] == [
        "narrative.rate"
    ]


# --- 001 ----------------------------------------------------------------------------------


def test_001_golden_accounts_hold() -> None:
    data = json.loads((GOLDEN / "001_0fd55ab06607cada.json").read_text(encoding="utf-8"))
    golden = result()
    golden.accounts = [AccountTable.model_validate(t) for t in data["accounts"]]
    text = (GOLDEN / "docs" / "001_0fd55ab06607cada.txt").read_text(encoding="utf-8")
    report = validate_result(golden, document(text))
    assert not [f for f in report.flags if f.rule.startswith("accounts.")]


def test_001_extracted_raises_the_expected_narrative_conflicts() -> None:
    extracted = extract_document(GOLDEN / "docs" / "001_0fd55ab06607cada.txt")
    assert extracted.meta["accounts"]["formulas"]["parsed"] == 19
    assert extracted.meta["accounts"]["formulas"]["applied"] == 15
    assert extracted.meta["accounts"]["formulas"]["hold"] == 15
    assert not [f for f in extracted.flags if f.rule.startswith("accounts.")]
    messages = [f.message for f in extracted.flags if f.rule == "narrative.conflict"]
    assert any("提租补贴" in m and "住房公积金" in m for m in messages)
    assert any("差旅费" in m and "公用经费" in m for m in messages)


BUDGET_TABLE = "\n\n".join(
    [
        "表5 一般公共预算财政拨款支出决算表",
        "单位：万元",
        "\n".join(
            line.replace("|", "\t")
            for line in (
                "功能分类科目编码|科目名称|年初预算数|决算数",
                "|栏次|1|2",
                "|合计|120.00|150.00",
                "205|教育支出|120.00|150.00",
            )
        ),
        "第三部分 情况说明",
        "教育支出(类)。年初预算为 120 万元，支出决算为 150 万元，完成年初预算的 125%。",
    ]
)


def test_completion_against_a_printed_budget_column() -> None:
    assert run(BUDGET_TABLE).flags == []
    report = run(BUDGET_TABLE.replace("年初预算为 120 万元", "年初预算为 100 万元"))
    conflicts = [f for f in report.flags if f.rule == "narrative.conflict"]
    assert len(conflicts) == 1 and "年初预算 100" in conflicts[0].message
