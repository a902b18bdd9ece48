"""OCR one PDF page into an `OcrPage` of row text.

render (200 dpi, grey) → straighten (skew of the rules) → find ruled tables → erase the
rules (so the detector neither reads a rule as "一" nor joins words across it) → detect
and recognise lines → if the page was not upright (90/180/270), turn it and read it
again → place lines into cells (a second look at cells read badly or not at all) →
row text with boxes and confidences in page coordinates.
"""

from __future__ import annotations

import ctypes
import functools
import time
from dataclasses import dataclass

import cv2
import numpy as np
import pymupdf

from extractor.document import Table, Word
from extractor.ocr.cells import CellRereader
from extractor.ocr.engines import RawLine, get_engine
from extractor.ocr.grid import Rules, find_tables
from extractor.ocr.layout import page_text
from extractor.ocr.model import OcrLine, OcrPage, OcrStretch, PageOcr
from extractor.ocr.orient import estimate_skew, settle_turn
from extractor.ocr.quality import MIN_CHARS, legible_chars
from extractor.ocr.raster import View, render, straighten, turn_view
from extractor.ocr.settings import OcrSettings

NOISE_CONFIDENCE = 0.5  # lines read with less are dropped (noise, speckles)


@functools.cache
def _libc() -> ctypes.CDLL | None:
    try:
        return ctypes.CDLL("libc.so.6")
    except OSError:  # not glibc
        return None


def release_memory() -> None:
    """Hand the page's freed buffers back to the system (glibc keeps them otherwise), so
    a worker's memory returns to its baseline after every page instead of staying at
    the high-water mark of the largest page it has read."""
    libc = _libc()
    if libc is not None and hasattr(libc, "malloc_trim"):
        libc.malloc_trim(0)


def _erase(image: np.ndarray, rules: Rules) -> np.ndarray:
    mask = cv2.dilate(rules.both, np.ones((3, 3), np.uint8), iterations=1)
    clean = image.copy()
    clean[mask > 0] = 255
    return clean


@dataclass
class Reading:
    """A working image read: its lines, its tables and the image with the rules erased."""

    view: View
    lines: list[RawLine]
    tables: list[Table]
    clean: np.ndarray


def read_lines(view: View, settings: OcrSettings, dpi: float) -> Reading:
    """Lines of text of a working image (specks dropped) and its ruled tables."""
    engine = get_engine(settings.engine, settings.threads)
    tables, rules = find_tables(view.image, dpi)
    clean = _erase(view.image, rules)
    lines = engine.read(clean, det_scale=min(1.0, settings.det_dpi / dpi))
    lines = [ln for ln in lines if ln.confidence >= NOISE_CONFIDENCE]
    return Reading(view, lines, tables, clean)


def read_upright(view: View, settings: OcrSettings, dpi: float) -> Reading:
    """Straighten the page, read it, and read it again turned if it was not upright."""
    view = straighten(view, estimate_skew(view.image))
    reading = read_lines(view, settings, dpi)
    engine = get_engine(settings.engine, settings.threads)
    turn = settle_turn(engine, view.image, reading.lines)
    if turn:
        reading = read_lines(turn_view(view, turn), settings, dpi)
    if legible_chars([ln.text for ln in reading.lines]) < MIN_CHARS:
        reading.lines = []  # a few specks read as letters are not text
    return reading


def ocr_page(
    page: pymupdf.Page, number: int, settings: OcrSettings, reason: str
) -> tuple[OcrPage, list[Table]]:
    """Read a page by OCR: the page and its ruled tables (cells with page boxes). Raises
    EngineUnavailable when the engine cannot run."""
    started = time.perf_counter()
    view, dpi = render(page, settings.dpi, settings.max_side)
    reading = read_upright(view, settings, dpi)
    view, tables = reading.view, reading.tables
    reread = None
    if reading.lines:
        reread = CellRereader(get_engine(settings.engine, settings.threads), reading.clean)
    laid = page_text(reading.lines, tables, view, reread, page=number)
    raw = reading.lines + (reread.reads if reread is not None else [])
    ocr = PageOcr(
        engine=settings.engine,
        dpi=round(dpi, 1),
        reason=reason,
        turn=view.turn,
        skew=round(view.skew, 2),
        tables=len(tables),
        seconds=round(time.perf_counter() - started, 2),
        lines=[
            OcrLine(
                page=number,
                text=ln.text,
                bbox=view.rect_to_page(ln.rect),
                confidence=round(ln.confidence, 4),
            )
            for ln in raw
        ],
        stretches=[
            OcrStretch(start=s.start, end=s.end, bbox=s.rect, confidence=round(s.confidence, 4))
            for s in laid.stretches
        ],
    )
    words = [Word(text=ln.text, box=ln.bbox, confidence=ln.confidence) for ln in ocr.lines]
    del reading, view, reread
    release_memory()
    read = OcrPage(number=number, text=laid.text, boxes=laid.boxes, words=words, ocr=ocr)
    return read, laid.tables
