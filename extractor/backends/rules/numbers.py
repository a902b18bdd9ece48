"""Numbers in number columns (分值, 得分, amounts), cleaned of OCR specks.

A scan puts specks beside digits: "4..", ".3", "-2", "1O" in a 分值 column whose other
cells are plain numbers. Such a cell is read as the number it was printed as, and the
reader says so (the printed text goes into the record and an info flag): never a silent
change. A cell that is no number even after cleaning is not a number.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from extractor.normalize import normalize_text, parse_number, squash

_LOOKALIKES = str.maketrans({"O": "0", "o": "0", "〇": "0", "l": "1", "I": "1", "|": "1"})
_EDGE_SPECKS = re.compile(r"^[.,·'`‘’:;，。、_~\-—–]+|[.,·'`‘’:;，。、_~]+$")
_DIGITS = re.compile(r"\d")


@dataclass(frozen=True)
class Reading:
    """A number column's cell: its value, and the printed text when it was cleaned."""

    value: float | None
    printed: str | None = None  # set when the value needed cleaning

    @property
    def cleaned(self) -> bool:
        return self.printed is not None


def _plain(values: Sequence[str]) -> bool:
    """Whether the column's other cells are plain whole numbers (weights, scores)."""
    numbers = [parse_number(v) for v in values if v.strip()]
    known = [n for n in numbers if n is not None]
    return bool(known) and all(float(n).is_integer() for n in known)


def read_number(text: str, column: Sequence[str] = (), *, signed: bool = False) -> Reading:
    """The number a cell of a number column holds (see the module docstring). `column`
    holds the column's other cells; `signed` allows a leading minus (amounts that may
    be negative)."""
    printed = text.strip()
    if not printed or printed in ("—", "-", "/", "——", "－", "\\"):
        return Reading(None)
    compact = squash(normalize_text(printed).text)
    if not signed and re.match(r"^[-－—–]\d", compact):
        value = parse_number(compact[1:])  # a weight or score is never negative
        return Reading(value, printed) if value is not None else Reading(None)
    if re.match(r"^\.\d", compact) and _plain(column):
        value = parse_number(compact[1:])  # ".3" among 5, 10, 20 is 3
        return Reading(value, printed) if value is not None else Reading(None)
    value = parse_number(printed)
    if value is not None:
        return Reading(value)
    candidate = compact.translate(_LOOKALIKES)
    if not _DIGITS.search(candidate) or len(compact) > 14:
        return Reading(None)
    sign = "-" if signed and candidate.startswith(("-", "－")) else ""
    stripped = re.sub(r"\.{2,}", ".", _EDGE_SPECKS.sub("", candidate))
    if not re.fullmatch(r"[\d.,]+%?", stripped):
        return Reading(None)
    value = parse_number(sign + stripped)
    return Reading(value, printed) if value is not None else Reading(None)
