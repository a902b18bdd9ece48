"""Lines and cells of a document's row text, with offsets, for the final-accounts reader.

The reader works line by line (one table row per line, cells separated by tabs, as every
ingest stage writes them). Blank lines and form feeds are kept as empty lines: inside a
table they mark a page break.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractor.normalize import clean_cell, normalize_text, parse_number, squash

_CJK = re.compile(r"[\u3400-\u9fff]")
_AMOUNT = re.compile(r"\d[\d,，\s]*[.．]\s*\d+|\d+")
# Several amounts in one cell ("125. 91 244. 69 28. 35"): OCR stacked cells of several rows.
_DECIMAL = re.compile(r"\d[\d,]*\s*\.\s*\d{1,2}(?!\d)")


@dataclass(frozen=True)
class Cell:
    raw: str
    text: str  # cleaned (words broken by OCR spaces joined, LaTeX and superscripts folded)
    start: int  # offsets into Document.text
    end: int

    @property
    def key(self) -> str:
        return squash(self.text)

    @property
    def has_cjk(self) -> bool:
        return bool(_CJK.search(self.text))

    @property
    def amount(self) -> float | None:
        return parse_amount(self.raw)


@dataclass(frozen=True)
class Line:
    index: int  # line number in the document (0-based)
    start: int
    end: int
    raw: str
    cells: tuple[Cell, ...]
    new_page: bool = False  # the first line after a form feed

    @property
    def is_row(self) -> bool:
        return "\t" in self.raw

    @property
    def is_blank(self) -> bool:
        return not self.raw.strip()

    @property
    def key(self) -> str:
        return squash(normalize_text(self.raw).text)

    def cell(self, index: int) -> Cell | None:
        return self.cells[index] if 0 <= index < len(self.cells) else None


def split_lines(text: str) -> list[Line]:
    """Every line of `text` (form feeds end lines too), blank ones included."""
    lines: list[Line] = []
    pos = 0
    after_feed = False
    for index, raw in enumerate(re.split("[\n\f]", text)):
        cells: list[Cell] = []
        at = pos
        for part in raw.split("\t"):
            cells.append(Cell(part, clean_cell(part), at, at + len(part)))
            at += len(part) + 1
        lines.append(Line(index, pos, pos + len(raw), raw, tuple(cells), after_feed))
        pos += len(raw) + 1
        after_feed = text[pos - 1 : pos] == "\f"
    return lines


def cjk_count(text: str) -> int:
    return len(_CJK.findall(text))


def parse_amount(text: str | None) -> float | None:
    """An amount cell ("1, 085. 68" → 1085.68); None for an empty cell, a dash, text, or
    a truncated figure ("7." — the rest of it was printed elsewhere)."""
    if text is None:
        return None
    folded = normalize_text(text).text.strip().replace("，", ",").replace("．", ".")
    if re.search(r"\.\s*$", folded):
        return None
    return parse_number(folded)


def stacked_amounts(text: str) -> list[float]:
    """The amounts of a cell that holds several ("125. 91 244. 69" → [125.91, 244.69])."""
    found = [m.group(0) for m in _DECIMAL.finditer(normalize_text(text).text)]
    values = [parse_amount(f) for f in found]
    return [v for v in values if v is not None]


def is_int_cell(key: str) -> bool:
    return key.isdigit() and len(key) <= 3
