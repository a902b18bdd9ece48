"""Printed figures: their precision, rounding/truncation, sums (for the validator's rules
and the final-accounts checks alike; no other module of the project is imported here).

The documents print figures rounded OR truncated to the precision they chose
(1085.68 / 929.84 = 116.76 % is printed 116.7 %, 125.91 / 111.57 = 112.85 % is printed
112.8 %). We only get floats, so the printed precision is read back from the float's
shortest repr: 116.7 has one decimal. A check accepts a printed value when it is the
exact value rounded or truncated to that precision, and nothing looser.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

# Floats carry binary noise (0.1 + 0.2); comparisons allow this much on top.
_EPS = 1e-9
# A repr with more decimals than this is float noise, not a printed precision.
_MAX_DECIMALS = 6


def decimals(value: float) -> int:
    """Number of decimals the value was printed with, from its shortest repr.

    100.0 → 0 (a printed "100.00" cannot be told from "100" once it is a float),
    116.7 → 1, 9.954 → 3."""
    if not math.isfinite(value) or float(value).is_integer():
        return 0
    text = repr(float(value))
    if "e" in text or "E" in text:
        # 1e-07: finer than any printed figure; treat as the finest precision we read.
        return _MAX_DECIMALS
    return min(len(text.split(".", 1)[1].rstrip("0")), _MAX_DECIMALS)


def unit_of(digits: int) -> float:
    """One unit of the last printed digit: 2 decimals → 0.01."""
    return 10.0 ** (-digits)


def agrees(printed: float, exact: float, digits: int | None = None) -> bool:
    """True when `printed` is `exact` rounded (half up) or truncated to `digits`
    decimals (default: the printed value's own decimals).

    Rounding allows |exact − printed| ≤ half a unit; truncation allows
    0 ≤ |exact| − |printed| < one unit. Together: one unit of the last printed digit,
    lopsided toward truncation, as the brief asks."""
    d = decimals(printed) if digits is None else digits
    unit = unit_of(d)
    eps = _EPS * max(1.0, abs(exact))
    if abs(exact - printed) <= unit / 2 + eps:
        return True
    # Truncation goes toward zero, so compare magnitudes of same-signed values.
    if exact * printed < 0:
        return False
    shortfall = abs(exact) - abs(printed)
    return -eps <= shortfall < unit + eps


def sum_tolerance(values: Iterable[float]) -> float:
    """How far a printed total may sit from the sum of its printed parts.

    Integers must add up exactly. With decimals, each part may have been rounded on its
    own (the tables even warn "金额单位转换时可能存在尾数误差"), so one unit of the finest
    printed digit is allowed."""
    digits = max((decimals(v) for v in values), default=0)
    if digits == 0:
        return _EPS
    return unit_of(digits) + _EPS


def sums_agree(total: float, parts: Iterable[float]) -> bool:
    """True when the printed total equals the sum of the printed parts."""
    parts = list(parts)
    return abs(total - math.fsum(parts)) <= sum_tolerance([total, *parts])


def fmt(value: float | None) -> str:
    """A number as a person would print it in a message: 15 not 15.0, 9.42 not 9.4200."""
    if value is None:
        return "空"
    if not math.isfinite(value):
        return "无法计算"
    if float(value).is_integer():
        return str(int(value))
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return text


def round_to(value: float, digits: int) -> float:
    """Round half up for `expected` values shown to people (Python's round is half-even)."""
    if not math.isfinite(value):
        return value
    factor = 10**digits
    return math.floor(abs(value) * factor + 0.5 + _EPS) / factor * (1 if value >= 0 else -1)
