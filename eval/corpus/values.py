"""Numbers and values of the generated forms: how a figure is printed, how a printed
cell becomes its label (`Value`), and the outcome of each indicator (target, actual,
weight, score, deviation reason) drawn so that the arithmetic holds."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from eval.corpus.content import COMMON_REASONS, Spec
from extractor.models import Value

OPS = "≥≤=><"
_NUMBER = re.compile(r"[-+]?\d+(?:,\d{3})*(?:\.\d+)?")
_BRACKETS = str.maketrans("", "", "()（）")


def rnd(x: float, dec: int) -> float:
    """Round half up (as forms do), as a float."""
    q = Decimal(1).scaleb(-dec)
    return float(Decimal(repr(x)).quantize(q, rounding=ROUND_HALF_UP))


def fmt(x: float, dec: int, thousands: bool = False) -> str:
    """A figure as printed: fixed decimals, optional thousands separators."""
    text = f"{rnd(x, dec):,.{dec}f}" if thousands else f"{rnd(x, dec):.{dec}f}"
    return text


def fmt_short(x: float, max_dec: int = 2) -> str:
    """A weight or score as forms print it: no trailing zeros ("10", "9.5", "8.25")."""
    text = fmt(x, max_dec)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def pct(x: float, dec: int = 2) -> str:
    return f"{fmt(x, dec)}%"


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def value_of(raw: str, op: str | None = None) -> Value:
    """The label of a printed value cell (golden/README.md): raw with whitespace removed,
    op its leading sign (or the 指标性质 given), number its number, unit the rest
    (brackets dropped). A cell with no number, or with a range of two ("90%-95%"), has
    number and unit null."""
    raw = squeeze(raw)
    body = raw
    sign = None
    if body and body[0] in OPS:
        sign, body = body[0], body[1:]
    match = _NUMBER.search(body)
    if match is None or match.start() != 0 or _NUMBER.search(body, match.end()):
        # no leading number, or a range ("90%-95%") that states two: no single number
        return Value(raw=raw, op=op or sign, number=None, unit=None)
    number = float(match.group(0).replace(",", ""))
    unit = body[match.end() :].translate(_BRACKETS) or None
    return Value(raw=raw, op=op or sign, number=number, unit=unit)


# ---------------------------------------------------------------------------------------
# Weights


def partition(rng: random.Random, total: float, n: int, step: float = 1.0) -> list[float]:
    """`total` split into `n` positive multiples of `step`, roughly even."""
    units = round(total / step)
    if n <= 0:
        return []
    base, extra = divmod(units, n)
    parts = [base] * n
    for i in rng.sample(range(n), extra):
        parts[i] += 1
    for _ in range(n // 2):  # move a little weight around so the rows differ
        a, b = rng.sample(range(n), 2)
        if parts[a] > 2:
            parts[a] -= 1
            parts[b] += 1
    return [p * step for p in parts]


# ---------------------------------------------------------------------------------------
# Indicator outcomes


@dataclass
class Outcome:
    """One indicator as evaluated: numbers for quantitative indicators, texts for
    qualitative ones, the weight, the score and the deviation reason."""

    spec: Spec
    target: float | None
    actual: float | None
    target_text: str  # qualitative only
    actual_text: str
    met: bool
    weight: float
    score: float | None
    reason: str | None

    @property
    def dec(self) -> int:
        return self.spec.dec


def _draw_target(rng: random.Random, spec: Spec) -> float:
    if spec.lo == spec.hi:
        return spec.lo
    if spec.dec == 0:
        return float(rng.randint(int(spec.lo), int(spec.hi)))
    return rnd(rng.uniform(spec.lo, spec.hi), spec.dec)


def _draw_actual(rng: random.Random, spec: Spec, target: float, met: bool) -> float:
    if spec.better == "eq":
        if met or target == 0:
            return target
        return rnd(target * rng.uniform(0.9, 0.98), spec.dec)
    if spec.better == "up":
        factor = rng.uniform(1.0, 1.12) if met else rng.uniform(0.82, 0.97)
    else:
        factor = rng.uniform(0.86, 1.0) if met else rng.uniform(1.04, 1.2)
    actual = rnd(target * factor, spec.dec)
    if spec.bounded or spec.unit == "%":
        actual = min(actual, 100.0)
    if not met and actual == target:  # rounding ate the miss
        actual = rnd(target * (0.9 if spec.better == "up" else 1.1), spec.dec)
    if met and spec.better == "up" and actual < target:
        actual = target
    if met and spec.better == "down" and actual > target:
        actual = target
    return actual


def outcome(
    rng: random.Random,
    spec: Spec,
    weight: float,
    *,
    miss: bool = False,
    score_dec: int = 2,
    scored: bool = True,
) -> Outcome:
    """Draw an indicator's outcome. `miss`: the target is missed and the score is reduced
    in proportion (正向 B/A, 反向 A/B; qualitative: 80 %), with a deviation reason."""
    if spec.quantitative:
        target = _draw_target(rng, spec)
        if miss and spec.better == "eq" and target == 0:
            miss = False  # "0 起 accidents" is not missed in our corpus
        actual = _draw_actual(rng, spec, target, not miss)
        if not miss:
            score = weight
        else:
            ratio = actual / target if spec.better != "down" else target / actual
            score = rnd(weight * min(ratio, 1.0), score_dec)
            if score >= weight:
                score = rnd(weight - 10**-score_dec, score_dec)
        return Outcome(
            spec,
            target,
            actual,
            "",
            "",
            not miss,
            weight,
            score if scored else None,
            rng.choice(COMMON_REASONS) if miss else None,
        )
    actual_text = spec.actual if not miss else rng.choice(("基本达到", "部分完成", "有所改善"))
    score = weight if not miss else rnd(weight * 0.8, score_dec)
    return Outcome(
        spec,
        None,
        None,
        spec.target,
        actual_text,
        not miss,
        weight,
        score if scored else None,
        rng.choice(COMMON_REASONS) if miss else None,
    )


def target_cell(o: Outcome, *, sign: bool = True, paren_unit: bool = False) -> str:
    """The 指标值 cell with sign and unit inside ("≥95%", "≤3.5万元/公里",
    "≥13459.00(平方米)"), or the qualitative text."""
    if not o.spec.quantitative:
        return o.target_text
    assert o.target is not None
    number = fmt(o.target, o.dec)
    unit = f"({o.spec.unit})" if paren_unit and o.spec.unit not in ("%", "‰") else o.spec.unit
    op = o.spec.op if sign and o.spec.op else ""
    return f"{op}{number}{unit}"


def actual_cell(o: Outcome, *, unit: bool = True, paren_unit: bool = False) -> str:
    if not o.spec.quantitative:
        return o.actual_text
    assert o.actual is not None
    number = fmt(o.actual, o.dec)
    if not unit:
        return number
    u = f"({o.spec.unit})" if paren_unit and o.spec.unit not in ("%", "‰") else o.spec.unit
    return f"{number}{u}"


def split_amounts(
    rng: random.Random, total: float, shares: list[float], dec: int = 2
) -> list[float]:
    """`total` split by `shares` (fractions), rounded, the last part taking the rest."""
    parts = [rnd(total * s, dec) for s in shares[:-1]]
    parts.append(rnd(total - sum(parts), dec))
    return parts
