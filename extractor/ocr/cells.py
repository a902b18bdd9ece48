"""A second look at table cells the page-wide pass read badly or not at all.

The detector easily misses a lone symbol in a cell ("=", "≥" in a 指标性质 column) or
frames it so loosely that the recogniser reads "≥" as "2" or "=" as "Ⅱ". A cell that
came out empty but has ink in it, or whose short text (three characters or fewer) was
read with less than 0.95 confidence, is read again from a tight crop of its ink; the new
reading is kept if it is surer.
"""

from __future__ import annotations

import numpy as np

from extractor.layout import GridCell, Piece
from extractor.normalize import squash
from extractor.ocr.engines import Engine, RawLine

SHORT = 3  # characters
UNSURE = 0.95
MIN_INK = 12  # pixels
INK_LEVEL = 140  # grey level below which a pixel is ink (rules already erased)
MIN_CONFIDENCE = 0.5


def _suspect(pieces: list[Piece]) -> bool:
    if not pieces:
        return True
    text = squash("".join(p.text for p in pieces))
    return len(text) <= SHORT and min(p.confidence for p in pieces) < UNSURE


def ink_box(image: np.ndarray, cell: GridCell, margin: int = 4) -> tuple[int, int, int, int] | None:
    """The box of the ink inside a cell (rules left out by a margin), in image pixels."""
    x0, y0, x1, y1 = (round(v) for v in cell.rect)
    inner = image[y0 + margin : y1 - margin, x0 + margin : x1 - margin]
    if inner.size == 0:
        return None
    ink = inner < INK_LEVEL
    if int(ink.sum()) < MIN_INK:
        return None
    ys, xs = np.nonzero(ink)
    return (
        x0 + margin + int(xs.min()),
        y0 + margin + int(ys.min()),
        x0 + margin + int(xs.max()) + 1,
        y0 + margin + int(ys.max()) + 1,
    )


class CellRereader:
    """Re-reads suspect cells of `image` (rules erased); keeps what it read in `reads`
    so the page's list of OCR lines holds them too."""

    def __init__(self, engine: Engine, image: np.ndarray, pad: int = 8) -> None:
        self.engine = engine
        self.image = image
        self.pad = pad
        self.reads: list[RawLine] = []

    def __call__(self, cell: GridCell, pieces: list[Piece]) -> list[Piece]:
        if not _suspect(pieces):
            return pieces
        box = ink_box(self.image, cell)
        if box is None:
            return pieces
        x0, y0, x1, y1 = box
        h, w = self.image.shape[:2]
        pad = self.pad
        crop = self.image[max(y0 - pad, 0) : min(y1 + pad, h), max(x0 - pad, 0) : min(x1 + pad, w)]
        text, confidence = self.engine.recognize(crop)
        old = min((p.confidence for p in pieces), default=MIN_CONFIDENCE)
        if not text.strip() or confidence < MIN_CONFIDENCE or confidence <= old:
            return pieces
        quad = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=np.float32)
        self.reads.append(RawLine(text.strip(), quad, confidence))
        return [Piece(text.strip(), (float(x0), float(y0), float(x1), float(y1)), confidence)]
