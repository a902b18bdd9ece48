from __future__ import annotations

import pytest

from extractor.figures import agrees, decimals, fmt, round_to, sums_agree


@pytest.mark.parametrize(
    ("value", "expected"),
    [(100.0, 0), (116.7, 1), (9.954, 3), (47.12, 2), (0.1 + 0.2, 6), (1e-7, 6), (-3.25, 2)],
)
def test_decimals_reads_the_printed_precision(value: float, expected: int) -> None:
    assert decimals(value) == expected


@pytest.mark.parametrize(
    ("printed", "exact"),
    [
        (116.7, 1085.68 / 929.84 * 100),  # 116.76 truncated
        (112.8, 125.91 / 111.57 * 100),  # 112.85 truncated
        (116.8, 1085.68 / 929.84 * 100),  # 116.76 rounded
        (47.12, 709.41 / 1505.48 * 100),
        (47.1, 709.41 / 1505.48 * 100),
        (99.85, 219.66 / 220 * 100),  # 99.845 rounded half up
        (99.8, 219.66 / 220 * 100),  # truncated
        (10.57, 10 * 1.0568),
        (100.0, 100.0),
    ],
)
def test_agrees_accepts_rounding_and_truncation(printed: float, exact: float) -> None:
    assert agrees(printed, exact)


@pytest.mark.parametrize(
    ("printed", "exact"),
    [
        (9.5, 20 * 0.4712),  # 001: 9.42 printed 9.5
        (116.9, 1085.68 / 929.84 * 100),
        (112.7, 125.91 / 111.57 * 100),  # below truncation
        (47.2, 709.41 / 1505.48 * 100),  # rounding up from 47.12 is not allowed
        (58.3, 58.41),
    ],
)
def test_agrees_rejects_anything_looser(printed: float, exact: float) -> None:
    assert not agrees(printed, exact)


def test_agrees_with_explicit_digits() -> None:
    assert agrees(9.4, 9.424, digits=1)
    assert not agrees(9.4, 9.424, digits=2)


def test_sums_agree_exact_for_integers_and_one_unit_for_decimals() -> None:
    assert sums_agree(5197, [3113, 122, 1794, 168])
    assert not sums_agree(5198, [3113, 122, 1794, 168])
    assert sums_agree(1114.03, [1085.68, 28.35])
    assert sums_agree(1114.04, [1085.68, 28.35])  # 尾数误差 of one unit
    assert not sums_agree(1114.05, [1085.68, 28.35])


def test_fmt_and_round_to() -> None:
    assert fmt(15.0) == "15"
    assert fmt(9.4240001) == "9.424"
    assert fmt(None) == "空"
    assert round_to(99.845, 2) == 99.85
    assert round_to(-1.005, 2) == -1.01


def test_non_finite_values_are_passed_through() -> None:
    nan = float("nan")
    assert round_to(nan, 2) != round_to(nan, 2)  # still NaN
    assert fmt(nan) == "无法计算"
