"""Rounding told apart from error, for figures the final-accounts tables print.

Every amount is printed rounded to its last digit (0.01 万元 in most tables), so:

- a figure printed in two places (表1's 卫生健康支出 and 表3's 210 row) must be printed
  the same: any difference is a discrepancy (`same_figure`);
- a printed total is the rounded true total, each printed part a rounded true part, so
  the sum of the printed parts may miss the printed total by up to half a unit of the
  last digit per part (`judge_sum`): within that the difference is rounding (舍入差异,
  reported with both figures), beyond it an error. An empty cell is an exact 0 and adds
  nothing to the tolerance; a printed 0.00 is a rounded figure like any other.

Figures arrive as floats: the printed precision is read back from each float's shortest
repr (`decimals`), the finest of the figures involved deciding the unit.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from extractor.validate.numbers import decimals

# Floats carry binary noise (0.1 + 0.2); comparisons allow this much on top.
_EPS = 1e-9

Verdict = Literal["equal", "rounding", "error"]


def unit_of(values: Sequence[float | None], digits: int = 0) -> float:
    """One unit of the last printed digit of a set of figures: the finest precision any
    of them shows, or `digits` decimals when that is finer (floats lose trailing zeros:
    a table printing 45.00 and 2.50 prints to 0.01)."""
    shown = max((decimals(v) for v in values if v is not None), default=0)
    return 10.0 ** -max(shown, digits)


@dataclass(frozen=True)
class SumCheck:
    """A printed total against its printed parts (signed)."""

    printed: float | None
    parts: tuple[float | None, ...]
    signs: tuple[int, ...]
    decimals_default: int = 2

    @property
    def computed(self) -> float:
        return math.fsum(s * (v or 0.0) for s, v in zip(self.signs, self.parts, strict=True))

    @property
    def difference(self) -> float:
        return (self.printed or 0.0) - self.computed

    @property
    def printed_terms(self) -> int:
        return sum(v is not None for v in self.parts)

    @property
    def unit(self) -> float:
        return unit_of([self.printed, *self.parts], self.decimals_default)

    @property
    def tolerance(self) -> float:
        """Half a unit of the last digit per printed part."""
        return 0.5 * self.unit * self.printed_terms

    def verdict(self) -> Verdict:
        return judge_sum(self.printed, self.parts, self.signs, self.decimals_default)


def judge_sum(
    printed: float | None,
    parts: Sequence[float | None],
    signs: Sequence[int] | None = None,
    decimals_default: int = 2,
) -> Verdict:
    """equal / rounding (within half a unit per printed part) / error."""
    signs = tuple(signs) if signs is not None else (1,) * len(parts)
    computed = math.fsum(s * (v or 0.0) for s, v in zip(signs, parts, strict=True))
    total = printed or 0.0
    difference = abs(total - computed)
    eps = _EPS * max(1.0, abs(total), abs(computed))
    if difference <= eps:
        return "equal"
    unit = unit_of([printed, *parts], decimals_default)
    terms = sum(v is not None for v in parts)
    if difference <= 0.5 * unit * terms + eps:
        return "rounding"
    return "error"


def same_figure(a: float | None, b: float | None) -> bool:
    """Two printings of one figure: equal to the float noise (an empty cell is 0)."""
    x, y = a or 0.0, b or 0.0
    return abs(x - y) <= _EPS * max(1.0, abs(x), abs(y))


def digits_of(text: str) -> int:
    """Decimals of a number as printed ("100.00" → 2, "9.5" → 1, "307" → 0)."""
    return len(text.split(".", 1)[1]) if "." in text else 0
