"""Comparison rules: text normalisation and number tolerance."""

from __future__ import annotations

from decimal import Decimal

import pytest

from eval.normalize import decimals_of, normalize_text, numbers_equal, texts_equal


@pytest.mark.parametrize(
    ("golden", "pred"),
    [
        ("产出指标", "产出 指标"),  # a word broken by a space
        ("满意度指标", "满意 度指 标\n"),
        ("产出指标(50分)", "产出指标（50分）"),  # full-width brackets
        ("其中：本年财政拨款", "其中:本年财政拨款"),
        ("救助对象、困难群众", "救助对象,困难群众"),
        ("“一站式”结算", '"一站式"结算'),
        ("≥95%", "≥ 95 ％"),  # full-width percent
        (">=95%", "≥95%"),
        ("≧90%", "≥90%"),
        ("ABC", "abc"),
        ("1,085.68", "1085.68"),
    ],
)
def test_texts_equal_after_normalisation(golden: str, pred: str) -> None:
    assert texts_equal(golden, pred)


@pytest.mark.parametrize(
    ("golden", "pred"),
    [
        ("95%", "95"),  # the percent sign is meaning
        ("9.5", "95"),  # so is the decimal point
        ("≥95%", "≤95%"),
        ("≥95%", "95%"),
        ("城乡医疗救助", "城乡医疗救助资金"),
    ],
)
def test_texts_different(golden: str, pred: str) -> None:
    assert not texts_equal(golden, pred)


def test_normalize_text_details() -> None:
    assert normalize_text(None) == ""
    assert normalize_text(" \t\u3000") == ""
    assert normalize_text("（一）资金…") == "一资金"
    assert normalize_text("１２３") == "123"  # NFKC folds full-width digits


def test_decimals_of() -> None:
    assert decimals_of(116.7) == 1
    assert decimals_of(9.42) == 2
    assert decimals_of(100) == 0
    assert decimals_of(100.0) == 0  # a float has lost any written ".0"
    assert decimals_of(Decimal("116.70")) == 2  # read from the golden JSON text
    assert decimals_of(Decimal("100.0")) == 1


@pytest.mark.parametrize(
    ("golden", "pred", "decimals", "equal"),
    [
        (116.7, 116.70, None, True),
        (116.70, 116.7, 2, True),
        (116.7, 116.74, None, False),  # the prediction prints a finer precision
        (116.7, 116.76, None, False),  # 116.8: computed, not printed
        (116.7, 116.74, 2, False),  # golden printed 116.70
        (9.5, 9.42, None, False),  # DOMAIN: 20 × 47.12 % = 9.42 printed 9.5
        (9.42, 9.5, None, False),
        (9.5, 9.55, None, False),  # 9.55 is printed at 2 decimals: different
        (9.5, 9.5501, None, False),
        (10, 9.62, None, False),  # a whole-number golden does not swallow 9.62
        (116.7, 116.70, None, True),
        (0.1 + 0.2, 0.3, None, True),  # binary float noise
        (100, 100.0, None, True),
        (100, 101, None, False),
        (-3.5, -3.5, None, True),
        (0, 0.0, None, True),
    ],
)
def test_number_tolerance(golden: float, pred: float, decimals: int | None, equal: bool) -> None:
    assert numbers_equal(golden, pred, decimals) is equal
