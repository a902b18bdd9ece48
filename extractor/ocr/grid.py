"""Table structure from the printed ruling lines of a page picture.

Morphology finds the rules: an opening with a long thin horizontal kernel keeps only
horizontal strokes longer than any character stroke (and a vertical kernel the
vertical ones); a short closing along the rule joins pieces broken by a faint scan.
Rules that touch form a table. Its row boundaries are the heights of its horizontal
rules, its column boundaries the positions of its vertical rules, which gives a grid of
elementary cells. Two neighbouring elementary cells belong to one (merged) cell when
the rule between them is not printed — measured as the share of the boundary covered
by ink in the rule mask. A lone frame (one cell) is not a table.

Everything here is in pixels of the working image.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from extractor.layout import GridCell
from extractor.ocr.orient import binarize

Rect = tuple[float, float, float, float]

RULE_INCHES = 0.2  # shortest rule: longer than any character stroke, shorter than a row
COVERED = 0.6  # share of a boundary that must be inked for it to count as printed


@dataclass
class Table:
    rect: Rect
    ys: list[float]  # row boundaries, top to bottom
    xs: list[float]  # column boundaries, left to right
    cells: list[GridCell] = field(default_factory=list)

    @property
    def n_rows(self) -> int:
        return len(self.ys) - 1

    @property
    def n_cols(self) -> int:
        return len(self.xs) - 1

    def cell_at(self, x: float, y: float) -> GridCell | None:
        for cell in self.cells:
            x0, y0, x1, y1 = cell.rect
            if x0 <= x <= x1 and y0 <= y <= y1:
                return cell
        return None


@dataclass
class Rules:
    horizontal: np.ndarray  # masks, 255 where a rule is
    vertical: np.ndarray

    @property
    def both(self) -> np.ndarray:
        return cv2.bitwise_or(self.horizontal, self.vertical)


def find_rules(image: np.ndarray, dpi: float) -> Rules:
    ink = binarize(image)
    length = max(int(dpi * RULE_INCHES), 12)
    bridge = max(int(dpi * 0.02), 2)
    h_open = cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1))
    v_open = cv2.getStructuringElement(cv2.MORPH_RECT, (1, length))
    horizontal = cv2.morphologyEx(ink, cv2.MORPH_OPEN, h_open)
    vertical = cv2.morphologyEx(ink, cv2.MORPH_OPEN, v_open)
    h_close = cv2.getStructuringElement(cv2.MORPH_RECT, (bridge * 3, 1))
    v_close = cv2.getStructuringElement(cv2.MORPH_RECT, (1, bridge * 3))
    horizontal = cv2.morphologyEx(horizontal, cv2.MORPH_CLOSE, h_close)
    vertical = cv2.morphologyEx(vertical, cv2.MORPH_CLOSE, v_close)
    return Rules(horizontal=horizontal, vertical=vertical)


def _segments(mask: np.ndarray, axis: int) -> list[tuple[float, float, float]]:
    """Connected rule pieces as (position across, start along, end along); axis 0 for
    horizontal rules (position = y), 1 for vertical (position = x)."""
    count, _, stats, centroids = cv2.connectedComponentsWithStats(mask, connectivity=8)
    out = []
    for i in range(1, count):
        x, y, w, h, _ = stats[i]
        if axis == 0:
            out.append((float(centroids[i][1]), float(x), float(x + w)))
        else:
            out.append((float(centroids[i][0]), float(y), float(y + h)))
    return out


def _cluster(values: list[float], tolerance: float) -> list[float]:
    groups: list[list[float]] = []
    for value in sorted(values):
        if groups and value - groups[-1][-1] <= tolerance:
            groups[-1].append(value)
        else:
            groups.append([value])
    return [sum(g) / len(g) for g in groups]


def _coverage(
    mask: np.ndarray, fixed: float, start: float, end: float, axis: int, band: int
) -> float:
    """Share of the boundary [start, end] at `fixed` (a y for axis 0, an x for axis 1)
    that has rule ink within `band` pixels."""
    lo, hi = int(start), int(end)
    if hi - lo < 3:
        return 1.0
    margin = max((hi - lo) // 10, 1)
    lo, hi = lo + margin, hi - margin
    f0, f1 = max(int(fixed) - band, 0), int(fixed) + band + 1
    strip = mask[f0:f1, lo:hi] if axis == 0 else mask[lo:hi, f0:f1]
    if strip.size == 0:
        return 0.0
    inked = strip.any(axis=0) if axis == 0 else strip.any(axis=1)
    return float(inked.mean())


class _Union:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def join(self, a: int, b: int) -> None:
        self.parent[self.find(a)] = self.find(b)


def _cells(rules: Rules, ys: list[float], xs: list[float], band: int) -> list[GridCell]:
    n_rows, n_cols = len(ys) - 1, len(xs) - 1
    union = _Union(n_rows * n_cols)
    for r in range(n_rows):
        for c in range(n_cols):
            here = r * n_cols + c
            if c + 1 < n_cols and (
                _coverage(rules.vertical, xs[c + 1], ys[r], ys[r + 1], 1, band) < COVERED
            ):
                union.join(here, here + 1)
            if r + 1 < n_rows and (
                _coverage(rules.horizontal, ys[r + 1], xs[c], xs[c + 1], 0, band) < COVERED
            ):
                union.join(here, here + n_cols)
    groups: dict[int, list[tuple[int, int]]] = {}
    for r in range(n_rows):
        for c in range(n_cols):
            groups.setdefault(union.find(r * n_cols + c), []).append((r, c))
    cells = []
    taken: set[tuple[int, int]] = set()
    for members in sorted(groups.values()):
        r0 = min(r for r, _ in members)
        r1 = max(r for r, _ in members) + 1
        c0 = min(c for _, c in members)
        c1 = max(c for _, c in members) + 1
        covered = {(r, c) for r in range(r0, r1) for c in range(c0, c1)}
        if covered & taken:  # a ragged merge: fall back to its first free position
            free = sorted(set(members) - taken)
            if not free:
                continue
            r0, c0 = free[0]
            r1, c1 = r0 + 1, c0 + 1
            covered = {(r0, c0)}
        taken |= covered
        rect = (xs[c0], ys[r0], xs[c1], ys[r1])
        cells.append(GridCell(row=r0, col=c0, rows=r1 - r0, cols=c1 - c0, rect=rect))
    return cells


def find_tables(image: np.ndarray, dpi: float) -> tuple[list[Table], Rules]:
    """Ruled tables of a page picture, top to bottom, and the rule masks."""
    rules = find_rules(image, dpi)
    band = max(int(dpi * 0.015), 2)
    tolerance = max(dpi * 0.03, 4.0)
    joined = cv2.dilate(rules.both, np.ones((3, 3), np.uint8), iterations=2)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    tables: list[Table] = []
    for i in range(1, count):
        x, y, w, h, _ = stats[i]
        if w < dpi * 0.5 or h < dpi * 0.2:
            continue
        region = labels[y : y + h, x : x + w] == i
        h_mask = np.where(region, rules.horizontal[y : y + h, x : x + w], 0).astype(np.uint8)
        v_mask = np.where(region, rules.vertical[y : y + h, x : x + w], 0).astype(np.uint8)
        hs = [(p + y, a + x, b + x) for p, a, b in _segments(h_mask, 0)]
        vs = [(p + x, a + y, b + y) for p, a, b in _segments(v_mask, 1)]
        ys = _cluster([p for p, _, _ in hs], tolerance)
        xs = _cluster([p for p, _, _ in vs], tolerance)
        if len(ys) < 2 or len(xs) < 2:
            continue
        cells = _cells(rules, ys, xs, band)
        if len(cells) < 2:  # a frame round a page or a note is not a table
            continue
        tables.append(Table(rect=(xs[0], ys[0], xs[-1], ys[-1]), ys=ys, xs=xs, cells=cells))
    tables.sort(key=lambda t: (t.rect[1], t.rect[0]))
    return tables, rules
