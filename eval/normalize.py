"""Normalisation and equality of field values: the comparison rules of the eval.

Text: NFKC, all whitespace removed, punctuation removed (Chinese and ASCII quotes,
brackets, commas, colons, semicolons, 、 。 ！ ？ … — ·), a few comparison signs unified
(>= → ≥, <= → ≤, ≧ → ≥, ≦ → ≤), Latin letters case-folded. Decimal points, %, /, -, +
and the comparison signs are kept: they carry meaning ("9.5", "95%", "≥95%").

Numbers: equal within the printed precision of the golden value. With d the number of
decimals the golden prints, a prediction is equal when both round (half up) to the same
d-decimal number, or when |pred - golden| ≤ 0.5 × 10^-d.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

# Removed after NFKC (so full-width forms are already folded into their ASCII forms).
# Not removed: "." (decimal point), "<" ">" (comparison signs), "%", "/", "-", "+".
_PUNCTUATION = frozenset(
    ",，、:：;；。!！?？\"'“”‘’„‟«»「」『』()（）[]【】{}｛｝《》〈〉〔〕—–―‐_~～…·•・`´"
)
_SIGNS = {">=": "≥", "<=": "≤", "≧": "≥", "≦": "≤", "⩾": "≥", "⩽": "≤"}
_WHITESPACE = re.compile(r"\s+", re.UNICODE)

# Tolerance added to "half a unit" so that binary floats (0.1 + 0.2) do not decide a tie.
_EPSILON = Decimal("1e-9")


def normalize_text(value: str | None) -> str:
    """The comparable form of a text field; None becomes ""."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", value.replace("…", ""))
    text = _WHITESPACE.sub("", text)
    for written, sign in _SIGNS.items():
        text = text.replace(written, sign)
    text = "".join(ch for ch in text if ch not in _PUNCTUATION)
    return text.casefold()


def texts_equal(golden: str, pred: str) -> bool:
    return normalize_text(golden) == normalize_text(pred)


def _decimal(value: float | int | Decimal) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


def decimals_of(value: float | int | Decimal) -> int:
    """Decimals the value prints with: 116.7 → 1, 9.42 → 2, 100 / 100.0 (a float) → 0.

    A `Decimal` read from the golden JSON text keeps its written precision
    ("116.70" → 2); a float has lost it and gives its shortest form.
    """
    if isinstance(value, float) and value.is_integer():
        return 0
    try:
        exponent = _decimal(value).as_tuple().exponent
    except InvalidOperation:
        return 0
    return max(0, -exponent) if isinstance(exponent, int) else 0


def numbers_equal(golden: float | int, pred: float | int, decimals: int | None = None) -> bool:
    """Equal at the finer of the two printed precisions: 116.7 and 116.70 are equal,
    10 and 9.62 are not (a whole-number golden must not swallow a wrong score)."""
    d = max(decimals_of(golden) if decimals is None else decimals, decimals_of(pred))
    g, p = _decimal(golden), _decimal(pred)
    if not (g.is_finite() and p.is_finite()):
        return g == p
    quantum = Decimal(1).scaleb(-d)
    try:
        if g.quantize(quantum, ROUND_HALF_UP) == p.quantize(quantum, ROUND_HALF_UP):
            return True
    except InvalidOperation:  # too many digits for the context: fall back to the distance
        pass
    return abs(g - p) <= quantum / 2 + _EPSILON
