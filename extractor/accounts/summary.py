"""The counts that go into `result.meta["accounts"]`: tables, rows, formulas parsed,
applied and holding, and the reader's notes on what it repaired or left out."""

from __future__ import annotations

from extractor.accounts.formulas import apply_formula, check_holds, parse_formula
from extractor.models import AccountTable


def formula_counts(tables: list[AccountTable]) -> dict[str, int]:
    """parsed: printed formulas read; applied: those with a row/column to apply to;
    hold: applied formulas that hold in every cell; cells / failing_cells: the checks."""
    parsed = applied = hold = cells = failing = 0
    for table in tables:
        for text in table.formulas:
            formula = parse_formula(text)
            if formula is None:
                continue
            parsed += 1
            checks = apply_formula(table, formula)
            if checks is None:
                continue
            applied += 1
            bad = sum(not check_holds(c) for c in checks)
            cells += len(checks)
            failing += bad
            hold += bad == 0
    return {
        "parsed": parsed,
        "applied": applied,
        "hold": hold,
        "cells": cells,
        "failing_cells": failing,
    }


def summarize(tables: list[AccountTable], notes: list[str]) -> dict[str, object]:
    return {
        "tables": len(tables),
        "rows": sum(len(t.rows) for t in tables),
        "formulas": formula_counts(tables),
        "notes": notes,
    }
