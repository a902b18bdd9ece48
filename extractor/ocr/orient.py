"""Which way up a page picture is, and how far it is skewed.

- Quarter turns, judged from a first reading of the page as it is: lines of text are
  long boxes; if most of them stand upright the page lies sideways (90° or 270°),
  otherwise it is upright or upside down (0° or 180°). An upright page read with high
  confidence is left alone (no extra cost). Otherwise the longest lines are read again
  under the likelier turn (0° or 90°) and, unless the recogniser is clearly sure of
  them, under the other one too; the turn it is surer under wins.
- Skew: the printed ruling lines of a form are long, nearly horizontal segments;
  their length-weighted median angle is the skew (line fits through the long runs of
  ink of a binarised half-size copy). A page without ruling lines is not straightened.
"""

from __future__ import annotations

import cv2
import numpy as np

from extractor.ocr.engines import Engine, Quad, RawLine

SAMPLE_LINES = 6  # longest detected lines read to choose between two turns
SIDEWAYS = 1.2  # upright boxes must outweigh lying ones by this much
MIN_SKEW = 0.1  # degrees: straighter than this is left alone
MAX_SKEW = 5.0


def _sides(quad: Quad) -> tuple[float, float]:
    """(width, height) of a detected box: its extent along x and along y."""
    xs, ys = quad[:, 0], quad[:, 1]
    return float(xs.max() - xs.min()), float(ys.max() - ys.min())


def lies_sideways(quads: list[Quad]) -> bool:
    lying = upright = 0.0
    for quad in quads:
        w, h = _sides(quad)
        if w > 1.5 * h:
            lying += w
        elif h > 1.5 * w:
            upright += h
    return upright > SIDEWAYS * lying and upright > 0


def _crop(image: np.ndarray, quad: Quad, pad: int = 3) -> np.ndarray:
    h, w = image.shape[:2]
    xs, ys = quad[:, 0], quad[:, 1]
    x0, x1 = max(int(xs.min()) - pad, 0), min(int(xs.max()) + pad, w)
    y0, y1 = max(int(ys.min()) - pad, 0), min(int(ys.max()) + pad, h)
    return image[y0:y1, x0:x1]


_ROTATE = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}


def _turned(crop: np.ndarray, turn: int) -> np.ndarray:
    return crop if turn == 0 else cv2.rotate(crop, _ROTATE[turn])


def _read_score(engine: Engine, crops: list[np.ndarray], turn: int) -> tuple[float, bool]:
    """How sure the recogniser is under `turn`: the mean confidence (characters
    weighted), and whether that is sure enough to look no further (at least three
    lines of four characters or more, read with 0.9 on average, Chinese among them)."""
    total = weight = 0.0
    long_lines = 0
    chinese = False
    for crop in crops:
        text, confidence = engine.recognize(_turned(crop, turn))
        n = min(len(text.strip()), 12)
        total += confidence * n
        weight += n
        long_lines += n >= 4
        chinese = chinese or any("\u4e00" <= ch <= "\u9fff" for ch in text)
    mean = total / weight if weight else 0.0
    return mean, mean >= 0.9 and long_lines >= 3 and chinese


def _sure(lines: list[RawLine]) -> bool:
    """Lines read well enough that the page must be upright: 0.9 on average, Chinese
    among them, and at least three lines of four characters or more."""
    if not lines:
        return False
    mean = sum(ln.confidence for ln in lines) / len(lines)
    long_lines = sum(len(ln.text.strip()) >= 4 for ln in lines)
    chinese = any("\u4e00" <= ch <= "\u9fff" for ln in lines for ch in ln.text)
    return mean >= 0.9 and long_lines >= 3 and chinese


def settle_turn(engine: Engine, image: np.ndarray, lines: list[RawLine]) -> int:
    """The clockwise quarter turn (0/90/180/270) that makes the page upright, judged
    from the lines read on it as it is: upright and read well → 0; otherwise the longest
    lines are read again under the candidate turns."""
    if not lines:
        return 0
    quads = [ln.quad for ln in lines]
    sideways = lies_sideways(quads)
    if not sideways and _sure(lines):
        return 0
    first, second = (90, 270) if sideways else (0, 180)
    longest = sorted(quads, key=lambda q: max(_sides(q)), reverse=True)[:SAMPLE_LINES]
    crops = [c for c in (_crop(image, q) for q in longest) if c.size]
    score, sure = _read_score(engine, crops, first)
    if sure:
        return first
    other, _ = _read_score(engine, crops, second)
    return second if other > score + 0.05 else first


def binarize(image: np.ndarray) -> np.ndarray:
    """Ink as 255 on 0: adaptive threshold, so uneven scans and grey lines survive."""
    return cv2.adaptiveThreshold(
        image, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 12
    )


def estimate_skew(image: np.ndarray) -> float:
    """Skew of the page's long horizontal rules in degrees (positive: the rules run
    down to the right; `straighten` by the same angle levels them); 0 if none.

    Works on a half-size copy in which only horizontal runs of ink survive (an opening
    with a short horizontal kernel removes most of the characters); every long piece
    left (a rule) gets a least-squares line through its pixels."""
    small = cv2.resize(image, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    runs = cv2.morphologyEx(
        binarize(small), cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (9, 1))
    )
    width = small.shape[1]
    count, labels, stats, _ = cv2.connectedComponentsWithStats(runs, connectivity=8)
    angles: list[tuple[float, float]] = []
    for i in range(1, count):
        x, y, w, h, _ = stats[i]
        if w < width // 5 or h > 0.1 * w:
            continue
        ys, xs = np.nonzero(labels[y : y + h, x : x + w] == i)
        slope = float(np.polyfit(xs.astype(float), ys.astype(float), 1)[0])
        angle = float(np.degrees(np.arctan(slope)))
        if abs(angle) <= MAX_SKEW:
            angles.append((angle, float(w)))
    if not angles:
        return 0.0
    angles.sort()
    half = sum(weight for _, weight in angles) / 2
    acc = 0.0
    median = 0.0
    for angle, weight in angles:
        acc += weight
        if acc >= half:
            median = angle
            break
    return round(median, 2) if abs(median) >= MIN_SKEW else 0.0
