"""Printed formulas: parsing every way they are printed, applying them to a table."""

from __future__ import annotations

import pytest

from extractor.accounts.formulas import (
    apply_formula,
    belongs_to,
    check_holds,
    expected,
    parse_formula,
    parse_formulas,
)
from extractor.models import AccountColumn, AccountRow, AccountTable


@pytest.mark.parametrize(
    ("printed", "text", "axis", "target", "terms"),
    [
        ("²⁷ 行= (1+2+3+4+5+6+7+8) 行;", "27行=(1+2+3+4+5+6+7+8)行", "row", 27, list(range(1, 9))),
        ("⁵⁸ 行= $(32+33+\\cdots+57)$ 行", "58行=(32+33+…+57)行", "row", 58, list(range(32, 58))),
        ("59 行= (33+34+…+58) 行。", "59行=(33+34+…+58)行", "row", 59, list(range(33, 59))),
        (
            "¹ 栏各行= (2+3+4+5+6+7) 栏各行。",
            "1栏各行=(2+3+4+5+6+7)栏各行",
            "column",
            1,
            [2, 3, 4, 5, 6, 7],
        ),
        ("1栏=(2+3+6)栏", "1栏=(2+3+6)栏", "column", 1, [2, 3, 6]),
        ("9 栏＝（10＋11）栏", "9栏=（10+11）栏", "column", 9, [10, 11]),  # brackets as printed
    ],
)
def test_parse(printed: str, text: str, axis: str, target: int, terms: list[int]) -> None:
    formula = parse_formula(printed)
    assert formula is not None
    assert (formula.text, formula.axis, formula.target) == (text, axis, target)
    assert [n for _, n in formula.terms] == terms
    assert all(sign == 1 for sign, _ in formula.terms)


def test_parse_signs_and_several_per_line() -> None:
    found = parse_formulas("⁶ 栏各行= (1+2-3) 栏各行; 3 栏各行= (4+5) 栏各行。")
    assert [f.text for f in found] == ["6栏各行=(1+2-3)栏各行", "3栏各行=(4+5)栏各行"]
    assert found[0].terms == ((1, 1), (1, 2), (-1, 3))


def test_not_formulas() -> None:
    assert parse_formulas("注: 1. 本表反映部门本年度的总收支和年末结转结余情况。") == []
    assert parse_formulas("^{2.} 本套报表金额单位转换时可能存在尾数误差。") == []


def _table() -> AccountTable:
    return AccountTable(
        number=1,
        title="收入支出决算总表",
        side="收入",
        columns=[AccountColumn(label="决算数", number=1), AccountColumn(label="小计", number=2)],
        rows=[
            AccountRow(name="甲", line=1, values=[10.0, 10.0]),
            AccountRow(name="乙", line=2, values=[None, 5.0]),
            AccountRow(name="丙", line=3, values=[2.25, None]),
            AccountRow(name="合计", line=4, values=[12.25, 15.0]),
        ],
    )


def test_apply_row_formula_in_every_column() -> None:
    table = _table()
    formula = parse_formula("4行=(1+2+3)行")
    assert formula is not None and belongs_to(table, formula)
    checks = apply_formula(table, formula)
    assert checks is not None and [(c.row, c.column) for c in checks] == [(3, 0), (3, 1)]
    assert [expected(c) for c in checks] == [12.25, 15.0]
    assert all(check_holds(c) for c in checks)
    table.rows[3].values[1] = 16.0
    assert [check_holds(c) for c in apply_formula(table, formula) or []] == [True, False]


def test_apply_column_formula_in_every_row() -> None:
    table = _table()
    formula = parse_formula("2栏各行=(1)栏各行")
    assert formula is not None
    checks = apply_formula(table, formula) or []
    assert [check_holds(c) for c in checks] == [True, False, False, False]


def test_rounding_in_the_last_digit_holds_but_no_more() -> None:
    table = _table()
    table.rows[3].values[0] = 12.26  # 尾数误差: one unit of the last digit
    checks = apply_formula(table, parse_formula("4行=(1+2+3)行")) or []  # type: ignore[arg-type]
    assert check_holds(checks[0])
    table.rows[3].values[0] = 12.28
    checks = apply_formula(table, parse_formula("4行=(1+2+3)行")) or []  # type: ignore[arg-type]
    assert not check_holds(checks[0])


def test_cannot_apply_without_target_or_rows() -> None:
    table = _table()
    assert apply_formula(table, parse_formula("9行=(1+2)行")) is None  # type: ignore[arg-type]
    assert apply_formula(table, parse_formula("3栏=(1+2)栏")) is None  # type: ignore[arg-type]
    table.rows = []
    assert apply_formula(table, parse_formula("2栏=(1)栏")) is None  # type: ignore[arg-type]
