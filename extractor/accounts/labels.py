"""Column labels out of header cells broken over several lines.

A header cell such as 附属单位上缴收入 is printed on four lines ("附属" / "单位" / "上缴" /
"收入"), OCR repeats a line ("上级" / "上级 补助" / "收入") or garbles one ("中水组 转和结
余" for 年末结转和结余), and a group header (本年支出, 决算数, 预算数) sits above its
sub-columns. `build_label` takes one column's fragments, top to bottom, and returns the
label as the template prints it: fragments joined (overlaps merged), a leading group
header dropped, a garbled label snapped to the template label it clearly is; otherwise
the fragments joined as printed.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from extractor.accounts.text import cjk_count
from extractor.accounts.vocabulary import COLUMN_LABELS, GROUP_LABELS
from extractor.normalize import normalize_text, squash

_KEEP = re.compile(r"[\u3400-\u9fff()（）\"“”]")
_MIN_CJK_SHARE = 0.5
_MIN_OVERLAP = 2
_SNAP_RATIO = 0.8
_SNAP_PREFIX = 6
_SNAP_SUBSEQUENCE = 4


def canonical(label: str) -> str:
    """The comparable form of a label: no whitespace, ASCII parentheses."""
    return squash(normalize_text(label).text).replace("（", "(").replace("）", ")")


_LABELS = {canonical(label) for label in COLUMN_LABELS}
_GROUPS = tuple(canonical(label) for label in GROUP_LABELS)


def clean_fragment(text: str) -> str:
    """A header fragment's words; "" for OCR debris ("t:/ ₁ ,", "平位: 7170", "λ")."""
    compact = canonical(text)
    if not compact or cjk_count(compact) / len(compact) < _MIN_CJK_SHARE:
        return ""
    return "".join(_KEEP.findall(compact))


def join_fragments(fragments: list[str]) -> str:
    """Concatenate, merging an overlap of two or more characters ("年初结" + "初结转和结余"
    → "年初结转和结余"; "上级" + "上级补助" → "上级补助")."""
    joined = ""
    for fragment in fragments:
        overlap = 0
        for size in range(min(len(joined), len(fragment)), _MIN_OVERLAP - 1, -1):
            if joined.endswith(fragment[:size]):
                overlap = size
                break
        joined += fragment[overlap:]
    return joined


def _is_subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


def _groupish(fragment: str) -> bool:
    """A fragment of a group header (本年支出, 预算数, 公务用车购置及运行维护费 …)."""
    return any(_is_subsequence(fragment, group) for group in _GROUPS)


def _common_prefix(a: str, b: str) -> int:
    size = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        size += 1
    return size


def snap(label: str) -> tuple[str, float] | None:
    """The template label a garbled one stands for, with a score, or None."""
    best: tuple[str, float] | None = None
    for known in _LABELS:
        ratio = SequenceMatcher(None, label, known).ratio()
        score = ratio if ratio >= _SNAP_RATIO else 0.0
        if not score and len(label) >= _SNAP_SUBSEQUENCE and _is_subsequence(label, known):
            score = len(label) / len(known)
        prefix = _common_prefix(label, known)
        if not score and prefix >= _SNAP_PREFIX and prefix >= 0.6 * len(label):
            score = prefix / max(len(label), len(known))
        if score and (best is None or score > best[1]):
            best = (known, score)
    return best


def build_label(fragments: list[str]) -> str:
    """One column's label from its header fragments, top to bottom."""
    parts = [f for f in (clean_fragment(x) for x in fragments) if f]
    if not parts:
        return ""
    full = join_fragments(parts)
    if full in _LABELS:
        return full
    # Candidates after dropping leading group headers, longest first.
    candidates = [full]
    for i in range(1, len(parts)):
        if not all(_groupish(p) for p in parts[:i]):
            break
        candidates.append(join_fragments(parts[i:]))
    exact = [c for c in candidates if c in _LABELS]
    if exact:
        return max(exact, key=len)
    snapped = [s for s in (snap(c) for c in candidates) if s is not None]
    if snapped:
        return max(snapped, key=lambda s: s[1])[0]
    return candidates[-1] if len(candidates) > 1 else full
