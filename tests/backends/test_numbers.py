"""Numbers in number columns: OCR specks cleaned, and the printed text kept."""

from __future__ import annotations

import pytest

from extractor.backends.rules.numbers import read_number


@pytest.mark.parametrize(
    ("printed", "column", "value", "cleaned"),
    [
        ("10", [], 10.0, False),
        ("9.5分", [], 9.5, False),
        ("1, 085. 68", [], 1085.68, False),
        ("4..", [], 4.0, True),
        ("1O", [], 10.0, True),  # a letter O read for a zero
        ("-2", ["5", "10"], 2.0, True),  # a weight is never negative
        (".3", ["5", "10", "20"], 3.0, True),  # among whole numbers, a speck before 3
        (".3", ["0.5", "0.2"], 0.3, False),  # among fractions, 0.3 as printed
        ("", [], None, False),
        ("—", [], None, False),
        ("达标", [], None, False),
    ],
)
def test_read_number(printed: str, column: list[str], value: float | None, cleaned: bool) -> None:
    reading = read_number(printed, column)
    assert reading.value == value
    assert reading.cleaned is cleaned
    assert reading.printed == (printed if cleaned else None)


def test_amounts_may_be_negative() -> None:
    assert read_number("-12.5", signed=True).value == -12.5
