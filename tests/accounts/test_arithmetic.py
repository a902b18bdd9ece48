"""Rounding told apart from error: sums of printed parts, figures printed twice, and
restated figures (rounded or truncated, nothing looser)."""

from __future__ import annotations

import pytest

from extractor.accounts.arithmetic import (
    SumCheck,
    decimals,
    digits_of,
    judge_sum,
    same_figure,
    unit_of,
)
from extractor.validate.numbers import agrees as restates


def test_printed_precision() -> None:
    assert (decimals(9.42), decimals(100.0), decimals(116.7)) == (2, 0, 1)
    assert unit_of([2.5, 3.0]) == pytest.approx(0.1)
    assert unit_of([2.5, 3.0], digits=2) == pytest.approx(0.01)  # a 万元 table prints 2.50
    assert unit_of([100.0, 50.0]) == 1.0  # whole 元
    assert (digits_of("100.00"), digits_of("9.5"), digits_of("307")) == (2, 1, 0)


@pytest.mark.parametrize(
    ("printed", "parts", "verdict"),
    [
        (1092.79, [1084.02, 8.77], "equal"),
        (1092.80, [1084.02, 8.77], "rounding"),  # 0.01 ≤ 2 × 0.005
        (1092.81, [1084.02, 8.77], "error"),
        (105.59, [95.36, 10.23], "equal"),
        (5.01, [5.00, None], "error"),  # one printed part: 0.01 > 0.005
        (
            440.90,
            [84.62, 0.08, 0.92, 18.86, 8.05, 82.20, 1.50, 29.65, 1.21, 0.39, 2.40]
            + [19.16, 56.29, 73.19, 33.50, 28.86]
            + [0.0] * 11,
            "rounding",
        ),  # 0.02 of 27 parts
    ],
)
def test_judge_sum(printed: float, parts: list[float | None], verdict: str) -> None:
    assert judge_sum(printed, parts, decimals_default=2) == verdict


def test_signed_sums_and_the_check_record() -> None:
    # 年末 = 年初 + 本年收入 − 本年支出
    check = SumCheck(1.0, (1.25, 2.5, 2.75), (1, 1, -1), 2)
    assert check.verdict() == "equal" and check.computed == pytest.approx(1.0)
    check = SumCheck(0.9, (1.25, 2.5, 2.75), (1, 1, -1), 2)
    assert check.verdict() == "error" and check.difference == pytest.approx(-0.1)
    assert check.printed_terms == 3 and check.tolerance == pytest.approx(0.015)
    assert judge_sum(None, [None, None]) == "equal"  # an empty total of empty parts


def test_a_figure_printed_twice() -> None:
    assert same_figure(236.64, 236.64) and same_figure(None, 0.0)
    assert not same_figure(236.63, 236.64)


def test_restated_figures_round_or_truncate_only() -> None:
    # 9746.50 / 9759.38 = 99.868 %: 99.87 (rounded) and 99.86 (truncated) restate it
    exact = 9746.50 / 9759.38 * 100
    assert restates(99.87, exact, 2) and restates(99.86, exact, 2)
    assert not restates(99.85, exact, 2) and not restates(99.88, exact, 2)
    assert restates(0.3, 0.296168, 1) and not restates(3.0, 0.296168, 0)
