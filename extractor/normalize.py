"""Normalise messy OCR text deterministically.

Two levels:
- `normalize_text` rewrites a whole page (full-width digits, compatibility ideographs,
  LaTeX fragments, HTML tags) and returns an offset map back to the original, so spans
  computed on the clean text still point at the source.
- cell helpers (`clean_cell`, `parse_number`, `parse_value`, …) read one table cell.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from extractor.models import Value

# --- page level ---------------------------------------------------------------------

_LATEX_OPS = {
    r"\geq": "≥",
    r"\geqslant": "≥",
    r"\ge": "≥",
    r"\leq": "≤",
    r"\leqslant": "≤",
    r"\le": "≤",
    r"\%": "%",
    r"\cdots": "…",
    r"\ldots": "…",
    r"\times": "×",
}
_LATEX_CMD = re.compile(r"\\[a-zA-Z]+|\\%")
_INLINE_MATH = re.compile(r"\$([^$\n]{1,80})\$")
_HTML_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>\n]*)?/?>")
_SUPERSCRIPT = re.compile(r"\^\{([^{}\n]{0,10})\}")


def _char_fold(ch: str) -> str:
    """Fold one character: full-width ASCII digits/signs to half width, CJK
    compatibility ideographs to unified ones. Chinese punctuation stays as printed."""
    code = ord(ch)
    if 0xF900 <= code <= 0xFAFF or 0x2F800 <= code <= 0x2FA1F:
        return unicodedata.normalize("NFKC", ch)
    if 0xFF10 <= code <= 0xFF19 or ch in "．％＋－＜＞＝":
        return unicodedata.normalize("NFKC", ch)
    if 0xFF21 <= code <= 0xFF3A or 0xFF41 <= code <= 0xFF5A:
        return unicodedata.normalize("NFKC", ch)
    if ch in "\u3000\u00a0":
        return " "
    if ch in "⁰¹²³⁴⁵⁶⁷⁸⁹":
        return unicodedata.normalize("NFKC", ch)
    return ch


@dataclass
class NormalizedText:
    """Clean text plus, for each clean character, its offset in the original."""

    text: str
    origin: list[int]

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        if not self.origin:
            return start, end
        s = self.origin[min(start, len(self.origin) - 1)]
        e = self.origin[min(max(end - 1, 0), len(self.origin) - 1)] + 1
        return s, max(e, s)


class _Builder:
    def __init__(self) -> None:
        self.chars: list[str] = []
        self.origin: list[int] = []

    def add(self, text: str, at: int) -> None:
        for ch in text:
            self.chars.append(ch)
            self.origin.append(at)


def _latex_to_text(body: str) -> str:
    out = _LATEX_CMD.sub(lambda m: _LATEX_OPS.get(m.group(0), ""), body)
    out = out.replace("{", "").replace("}", "")
    return re.sub(r"\s+", "", out) if re.search(r"[≥≤%]", out) else out.strip()


def _fold_table() -> dict[int, str]:
    """Every character `_char_fold` changes (each folds to one character)."""
    ranges = [(0xF900, 0xFAFF), (0x2F800, 0x2FA1F), (0xFF10, 0xFF19), (0xFF21, 0xFF3A)]
    ranges.append((0xFF41, 0xFF5A))
    codes = [c for low, high in ranges for c in range(low, high + 1)]
    codes += [ord(ch) for ch in "．％＋－＜＞＝\u3000\u00a0⁰¹²³⁴⁵⁶⁷⁸⁹"]
    table = {}
    for code in codes:
        folded = _char_fold(chr(code))
        if folded != chr(code) and len(folded) == 1:
            table[code] = folded
    return table


_FOLD = _fold_table()
_REWRITES = re.compile(f"{_INLINE_MATH.pattern}|{_HTML_TAG.pattern}|{_SUPERSCRIPT.pattern}")


def normalize_text(raw: str) -> NormalizedText:
    """Rewrite LaTeX fragments and HTML tags, fold characters, keep an offset map (empty
    when every character kept its place: folding never changes the length)."""
    if not _REWRITES.search(raw):
        return NormalizedText(text=raw.translate(_FOLD), origin=[])
    out = _Builder()
    pos = 0
    pattern = _REWRITES
    for m in pattern.finditer(raw):
        for i in range(pos, m.start()):
            out.add(_char_fold(raw[i]), i)
        if m.group(1) is not None:  # $...$
            out.add(_latex_to_text(m.group(1)), m.start())
        elif m.group(2) is not None:  # ^{...}
            out.add(m.group(2), m.start())
        else:  # an HTML tag: a block tag becomes a space so words do not glue
            out.add(" ", m.start())
        pos = m.end()
    for i in range(pos, len(raw)):
        out.add(_char_fold(raw[i]), i)
    text = "".join(out.chars)
    return NormalizedText(text=text, origin=out.origin)


# --- cell level ---------------------------------------------------------------------

# Whitespace between two non-ASCII characters is an OCR break inside a word; next to
# Latin letters or digits it may be meant ("DRG 试点", "12 次").
_SPACE_BETWEEN_CJK = re.compile(r"(?<=[^\x00-\x7f])\s+(?=[^\x00-\x7f])")


def squash(text: str) -> str:
    """Remove all whitespace: the form of names and labels in the output."""
    return "".join(text.split())


@lru_cache(maxsize=1 << 16)
def clean_cell(text: str) -> str:
    """A cell's text with words broken by OCR spaces joined ("年初预 算数" → "年初预算数");
    spaces between Latin words kept single."""
    text = normalize_text(text).text
    text = _SPACE_BETWEEN_CJK.sub("", text.strip())
    return re.sub(r"\s+", " ", text)


# A number possibly broken by OCR spaces: "1, 085. 68", "8 0", "100. 00 %".
_SPLIT_NUMBER = re.compile(r"(?<![\d.])(\d{1,3}(?: *, *\d{3})+|\d+(?: +\d+)*)(?: *\. *(\d+))?")


def _join_digits(text: str) -> str:
    return re.sub(r"[ ,]", "", text)


@lru_cache(maxsize=1 << 16)
def parse_number(text: str | None) -> float | None:
    """A cell that is a number ("1, 085. 68" → 1085.68, "105.68%" → 105.68, "—" → None).

    Returns None unless the whole cell is one number (with an optional % or 分)."""
    if text is None:
        return None
    t = normalize_text(text).text.strip()
    t = re.sub(r"\s*(%|％|分|万元|元)$", "", t)
    t = t.strip()
    if not t or not re.fullmatch(r"[+-]?[\d\s,]*\.?[\d\s]*", t) or not re.search(r"\d", t):
        return None
    digits = re.sub(r"\s", "", t)
    if digits.count(",") and not re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?", digits):
        # A comma that is not a thousands separator: not a plain number.
        return None
    try:
        return float(digits.replace(",", ""))
    except ValueError:
        return None


_OPS = {"≥": "≥", ">=": "≥", "≧": "≥", "≤": "≤", "<=": "≤", "≦": "≤", "=": "=", ">": ">", "<": "<"}
_VALUE_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def join_number_spaces(text: str) -> str:
    """Join digits split by OCR spaces inside a value: "8 0%" → "80%", "1, 114. 03" → "1114.03"."""

    def fix(m: re.Match[str]) -> str:
        whole = _join_digits(m.group(1))
        return whole + ("." + _join_digits(m.group(2)) if m.group(2) else "")

    return _SPLIT_NUMBER.sub(fix, text)


def parse_value(text: str | None, op_hint: str | None = None) -> Value | None:
    """A target or actual cell as a `Value`: raw text, comparison sign, number, unit.

    The number is read when the cell states one quantity ("≥9977人", "支付24.32万元",
    "2家县级医院" → 2 家); a cell with several numbers or a date has none."""
    if text is None:
        return None
    raw = squash(join_number_spaces(normalize_text(text).text))
    if not raw:
        return None
    compact = raw
    op: str | None = None
    for sign in (">=", "<=", "≥", "≤", "≧", "≦", "=", ">", "<"):
        if compact.startswith(sign):
            op = _OPS[sign]
            compact = compact[len(sign) :]
            break
    if op is None and op_hint in _OPS.values():
        op = op_hint
    number, unit = _quantity(compact)
    return Value(raw=raw, op=op, number=number, unit=unit)  # type: ignore[arg-type]


def _quantity(text: str) -> tuple[float | None, str | None]:
    numbers = list(_VALUE_NUMBER.finditer(text))
    if len(numbers) != 1:
        return None, None
    m = numbers[0]
    rest = text[m.end() :]
    if re.match(r"^\d{4}$", m.group(0)) and rest.startswith("年"):
        return None, None  # a year, not a quantity
    if m.start() > 0 and not rest:
        return None, None  # "第3" style ordinals and labels ending in a digit
    rest = _BRACKETED_UNIT.sub(r"\1", rest)  # "34987.00(平方米)"
    rest = _INNER_BRACKETS.sub(r"\1", rest)  # "60台(套)": one unit, 台套
    return float(m.group(0)), _unit_prefix(rest)


_BRACKETED_UNIT = re.compile(r"^[（(]([^（）()]{1,10})[）)]$")
_INNER_BRACKETS = re.compile(r"(?<=[^\d\s（(])[（(]([^（）()\d]{1,3})[）)]$")


def _unit_prefix(rest: str) -> str | None:
    for size in range(min(len(rest), 8), 0, -1):
        if _UNIT.match(rest[:size]):
            return rest[:size]
    return None


# Measure words and units after a quantity; 万/亿/千/百 may precede any of them.
_MEASURES = (
    "元人次户家条份套种项个台件所座辆名批场篇期册本间天时日月年分秒"
    "处块起宗例床张株棵头只艘架栋幢课节轮届"
)
_UNIT_WORDS = (
    "平方米|平方公里|立方米|公里|千米|公顷|千瓦时|千瓦|米|吨|亩|人次|户次"
    "|小时|分钟|工作日|学时|课时|台套|标准箱|公斤|千克"
)

_UNIT = re.compile(
    rf"^(%|‰|[万亿千百]?(?:{_UNIT_WORDS}|[{_MEASURES}]{{1,4}})|人/年|元/人/年"
    r"|[^\d\s]{1,6}/[^\d\s]{1,6}(?:/[^\d\s]{1,6})?)$"
)


_WEIGHT_SUFFIX = re.compile(r"[（(]\s*(\d+(?:\.\d+)?)\s*分?\s*[)）]?\s*$")


def split_weight(label: str) -> tuple[str, float | None]:
    """ "产出指标(50分)" → ("产出指标", 50.0); "决策（15分）" → ("决策", 15.0)."""
    text = squash(normalize_text(label).text)
    m = re.search(r"[（(](\d+(?:\.\d+)?)分?[)）]?$", text)
    if not m:
        m2 = re.search(r"[（(](\d+(?:\.\d+)?)分", text)
        if m2:
            return text[: m2.start()], float(m2.group(1))
        return text, None
    return text[: m.start()], float(m.group(1))


_INDICATOR_PREFIX = re.compile(r"^指标\s*\d+\s*[:：]\s*")


def strip_indicator_prefix(name: str) -> str:
    """ "指标 1: 慢性病鉴定" → "慢性病鉴定"."""
    return _INDICATOR_PREFIX.sub("", name.strip())


# A code before a level label or a scoring table's indicator: "A", "A1", "B12" (lettered
# evaluation frameworks), "一、", "（二）", "3." (numbered levels).
_LETTER_CODE = re.compile(r"^[A-Z]\d{0,3}(?=[\u4e00-\u9fff])")
_NUMBER_CODE = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|\d+[、.．])"
)
_BARE_WEIGHT = re.compile(r"(\d+(?:\.\d+)?)分$")


def split_label(text: str, *, numbered: bool = True) -> tuple[str, float | None]:
    """A level label or indicator as printed, without its code and weight, and the
    weight: "A决策20分" → ("决策", 20.0), "产出指标(50分)" → ("产出指标", 50.0),
    "一、决策（15分）" → ("决策", 15.0). `numbered=False` keeps a leading number ("3.")."""
    key = squash(normalize_text(text).text)
    key = _LETTER_CODE.sub("", key)
    if numbered:
        key = _NUMBER_CODE.sub("", key)
    label, weight = split_weight(key)
    if weight is None:
        m = _BARE_WEIGHT.search(label)
        if m and m.start() > 0 and not label[m.start() - 1].isdigit():
            label, weight = label[: m.start()], float(m.group(1))
    return label, weight
