"""The formulas printed under a table, parsed and applied.

    27 行= (1+2+3+4+5+6+7+8) 行        row 27 = rows 1 … 8, in every column
    58 行= (32+33+…+57) 行             "…" fills the range
    1 栏各行= (2+3+4+5+6+7) 栏各行     column 1 = columns 2 … 7, in every row
    6 栏各行= (1+2-3) 栏各行           signs as printed
    1栏=(2+3+6)栏                      as 栏各行

Rows are found by 行次, columns by 栏次 (`AccountColumn.number`). A formula is *applied*
when its target exists and the table has a row to apply it to; an empty cell counts
as 0 (a printed 0 and an empty cell say the same in these tables).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from extractor.models import AccountTable
from extractor.normalize import normalize_text, squash

Axis = Literal["row", "column"]

_FORMULA = re.compile(
    r"(?P<target>\d{1,3})(?P<unit>行|栏各行|栏)=(?P<open>[（(]?)(?P<expr>[\d+\-－…⋯.]+?)"
    r"(?P<close>[）)]?)(?P<unit2>行|栏各行|栏)"
)
_TERM = re.compile(r"([+\-－]?)(\d{1,3}|…|⋯|\.{2,})")


@dataclass(frozen=True)
class Formula:
    text: str  # as printed, whitespace removed: "27行=(1+2+3+4+5+6+7+8)行"
    axis: Axis
    target: int  # 行次 or 栏次
    terms: tuple[tuple[int, int], ...]  # (sign, 行次/栏次)


def _terms(expr: str) -> tuple[tuple[int, int], ...] | None:
    terms: list[tuple[int, int]] = []
    gap = False
    for sign, token in _TERM.findall(expr.replace("－", "-")):
        if not token.isdigit():
            gap = True
            continue
        number = int(token)
        if gap:
            if not terms or number <= terms[-1][1]:
                return None
            step_sign = terms[-1][0]
            terms += [(step_sign, n) for n in range(terms[-1][1] + 1, number)]
            gap = False
        terms.append((-1 if sign == "-" else 1, number))
    return tuple(terms) if terms and not gap else None


def parse_formulas(text: str) -> list[Formula]:
    """Every formula in a note line (superscripts, LaTeX and spaces already allowed for)."""
    compact = squash(normalize_text(text).text)
    compact = compact.replace("...", "…").replace("⋯", "…")
    found: list[Formula] = []
    for m in _FORMULA.finditer(compact):
        terms = _terms(m.group("expr"))
        if terms is None:
            continue
        axis: Axis = "row" if m.group("unit") == "行" else "column"
        found.append(Formula(m.group(0), axis, int(m.group("target")), terms))
    return found


def parse_formula(text: str) -> Formula | None:
    found = parse_formulas(text)
    return found[0] if found else None


@dataclass(frozen=True)
class FormulaCheck:
    """One application of a formula: the target cell and the cells it should sum."""

    formula: Formula
    row: int  # index into table.rows of the target cell
    column: int  # index into table.columns / values
    printed: float | None
    parts: tuple[tuple[int, float | None], ...]  # (sign, value) of each term cell


def _value(table: AccountTable, row: int, column: int) -> float | None:
    values = table.rows[row].values
    return values[column] if column < len(values) else None


def apply_formula(table: AccountTable, formula: Formula) -> list[FormulaCheck] | None:
    """The checks a formula makes on a table; None when it cannot be applied (no such
    row or column, or no rows at all)."""
    if formula.axis == "row":
        lines = {row.line: i for i, row in enumerate(table.rows) if row.line is not None}
        target = lines.get(formula.target)
        if target is None:
            return None
        checks = []
        for column in range(len(table.columns)):
            parts = tuple(
                (sign, _value(table, lines[n], column) if n in lines else None)
                for sign, n in formula.terms
            )
            checks.append(
                FormulaCheck(formula, target, column, _value(table, target, column), parts)
            )
        return checks
    numbers = {col.number: i for i, col in enumerate(table.columns) if col.number is not None}
    if formula.target not in numbers or any(n not in numbers for _, n in formula.terms):
        return None
    if not table.rows:
        return None
    column = numbers[formula.target]
    return [
        FormulaCheck(
            formula,
            row,
            column,
            _value(table, row, column),
            tuple((sign, _value(table, row, numbers[n])) for sign, n in formula.terms),
        )
        for row in range(len(table.rows))
    ]


def expected(check: FormulaCheck) -> float:
    return sum(sign * (value or 0.0) for sign, value in check.parts)


def check_holds(check: FormulaCheck) -> bool:
    """The printed target equals its terms, up to the rounding of the printed terms."""
    from extractor.accounts.arithmetic import judge_sum

    verdict = judge_sum(
        check.printed, [v for _, v in check.parts], [sign for sign, _ in check.parts]
    )
    return verdict != "error"


def belongs_to(table: AccountTable, formula: Formula) -> bool:
    """Whether a formula speaks about this table (or this side of a two-sided table)."""
    if formula.axis == "row":
        lines = {row.line for row in table.rows}
        return formula.target in lines
    numbers = {col.number for col in table.columns}
    return formula.target in numbers and all(n in numbers for _, n in formula.terms)
