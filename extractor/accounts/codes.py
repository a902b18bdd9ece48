"""科目编码 read back from what OCR left of them.

Codes are hierarchical and printed in order: function classification (支出功能分类)
类 3 digits, 款 5, 项 7, all starting with 2 (201 ⊃ 20131 ⊃ 2013102); economic
classification (支出经济分类, 表6) 类 3 and 款 5 digits starting with 3 (301 ⊃ 30101).
OCR splits a code over cells or lines ("201⇥31", "2296⇥013", "01310⇥.02"), glues it to
the name ("2296013 用于…"), drops its leading "2" ("0131" for 20131) or garbles it.

`CodeReader` reads the codes of one list top to bottom, keeping the current 类 and 款:
a candidate must fit under them and come after the previous code. Candidates, in order:
the digits joined; one fragment alone; the leading 2 restored (function classification);
for a code split into parts, the current 款 (or 类) plus the last two digits printed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_DIGITS = re.compile(r"\d+")
FUNCTION = "function"
ECONOMIC = "economic"


def fragments_of(texts: list[str]) -> list[str]:
    """Digit runs of the code cells, in order ("01310", ".02" → ["01310", "02"])."""
    found: list[str] = []
    for text in texts:
        found += _DIGITS.findall(text)
    return found


def family_of(code: str) -> str | None:
    if code.startswith("2") and len(code) in (3, 5, 7):
        return FUNCTION
    if code[:1] in ("3", "5") and len(code) in (3, 5):
        return ECONOMIC
    return None


def level_of(code: str) -> int:
    return {3: 1, 5: 2, 7: 3}.get(len(code), 0)


@dataclass(frozen=True)
class ReadCode:
    code: str | None
    status: str  # "clean" (as printed), "repaired", "invalid" (printed but does not fit)
    parent: str | None  # the 类 it was read under (for reconciling across tables)


class CodeReader:
    """Reads the codes of one list of rows in order."""

    def __init__(self, family: str | None) -> None:
        self.family = family
        self.lei: str | None = None  # current 类
        self.kuan: str | None = None  # current 款
        self.last: str | None = None

    def _fits(self, code: str) -> bool:
        fam = family_of(code)
        if fam is None or (self.family is not None and fam != self.family):
            return False
        level = level_of(code)
        if self.last is not None and code <= self.last and code[:3] == self.last[:3]:
            return False
        if level == 1:
            return self.lei is None or code > self.lei
        if self.lei is not None and not code.startswith(self.lei):
            return False
        if level == 3 and self.kuan is not None and self.kuan.startswith(self.lei or ""):
            return code.startswith(self.kuan)
        return True

    def _candidates(self, parts: list[str]) -> list[tuple[str, str]]:
        joined = "".join(parts)
        found: list[tuple[str, str]] = [(joined, "clean")]
        found += [(p, "repaired") for p in sorted(parts, key=len, reverse=True)]
        if len(parts) >= 2 and len(parts[-1]) >= 2:
            tail = parts[-1][-2:]
            found += [(parent + tail, "repaired") for parent in (self.kuan, self.lei) if parent]
        if self.family in (FUNCTION, None):
            found += [("2" + joined, "repaired")]
            found += [("2" + p, "repaired") for p in parts]
        return found

    def read(self, parts: list[str]) -> ReadCode:
        if not parts:
            return ReadCode(None, "clean", self.lei)
        for code, status in self._candidates(parts):
            if self._fits(code):
                if len(parts) > 1 and status == "clean":
                    status = "repaired" if len(code) not in (3, 5, 7) else "clean"
                self._advance(code)
                return ReadCode(code, status, self.lei)
        return ReadCode("".join(parts), "invalid", self.lei)

    def _advance(self, code: str) -> None:
        level = level_of(code)
        if level == 1:
            self.lei, self.kuan = code, None
        elif level == 2:
            self.kuan = code
            self.lei = self.lei if self.lei and code.startswith(self.lei) else code[:3]
        self.last = code


def list_family(codes: list[str]) -> str | None:
    """The classification a list uses: the family most of its printed codes (each row's
    digits joined) belong to."""
    counts = {FUNCTION: 0, ECONOMIC: 0}
    for code in codes:
        fam = family_of(code)
        if fam is not None:
            counts[fam] += 1
    if not any(counts.values()):
        return None
    return max(counts, key=lambda k: counts[k])
