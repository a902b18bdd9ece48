"""Is a text layer usable, and did OCR read anything?

A PDF may carry a text layer that is clearly garbage: glyphs without a Unicode mapping
(U+FFFD, private-use code points, control characters) or GBK bytes shown as Latin-1
("ÏîÄ¿Ö§³ö" for 项目支出). Chinese reports are written in CJK ideographs, CJK and
full-width punctuation, ASCII digits, Latin letters and a few symbols; a layer in
which fewer than half of the characters are of those kinds is garbage, and so is one
in which more than a fifth of the characters are unmapped glyphs.
"""

from __future__ import annotations

import unicodedata

MIN_CHARS = 10  # too little text to judge (and to call legible)
MIN_PLAUSIBLE = 0.5
MAX_UNMAPPED = 0.2


def _plausible(ch: str) -> bool:
    code = ord(ch)
    if ch.isascii():
        return ch.isprintable()
    if 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF:  # CJK ideographs
        return True
    if 0x3000 <= code <= 0x303F or 0xFF00 <= code <= 0xFFEF:  # CJK punctuation, full width
        return True
    if 0x2000 <= code <= 0x22FF or 0x2460 <= code <= 0x24FF:  # punctuation, ≥ ≤ ①
        return True
    return ch in "·×÷°±√℃"


def _unmapped(ch: str) -> bool:
    code = ord(ch)
    if ch == "\ufffd" or 0xE000 <= code <= 0xF8FF:
        return True
    return unicodedata.category(ch) in ("Cc", "Co", "Cn") and not ch.isspace()


def garbage_layer(text: str) -> bool:
    """True for a text layer that is clearly not readable text (see the module doc)."""
    chars = [ch for ch in text if not ch.isspace()]
    if len(chars) < MIN_CHARS:
        return False
    unmapped = sum(_unmapped(ch) for ch in chars) / len(chars)
    plausible = sum(_plausible(ch) for ch in chars) / len(chars)
    return unmapped > MAX_UNMAPPED or plausible < MIN_PLAUSIBLE


def legible_chars(texts: list[str]) -> int:
    """Letters, digits and ideographs among the texts: what counts as something read."""
    return sum(1 for text in texts for ch in text if ch.isalnum())
