"""What OCR does while a document is read: mode, engine, resolution, thresholds.

Settings are passed, never kept in the process: the pipeline takes them as an argument
and hands them to the PDF reader.

    result = extract_document(path, ocr=OcrSettings(mode="always", engine="tesseract"))
    document = load_document(path, ocr=OcrSettings(mode="never"))   # text layer only

`OcrSettings()` (auto: OCR pages with no usable text layer) is the default of the
library and of the command line alike.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Literal, get_args

from extractor.errors import ConfigError

OcrMode = Literal["auto", "always", "never"]
EngineName = Literal["rapidocr", "tesseract"]
MODES: tuple[str, ...] = get_args(OcrMode)
ENGINES: tuple[str, ...] = get_args(EngineName)


@dataclass(frozen=True)
class OcrSettings:
    """`mode`: auto = OCR pages with no (or a garbage) text layer; always = every page
    with content; never = text layer only, image pages reported as needing OCR."""

    mode: OcrMode = "auto"
    engine: EngineName = "rapidocr"
    dpi: int = 200  # pages are rendered at this resolution
    det_dpi: int = 120  # resolution the text detector works at (speed vs small print)
    max_side: int = 4000  # longest rendered side in pixels: huge pages get a lower dpi
    low_confidence: float = 0.8  # a field read with less than this is flagged
    threads: int = 0  # inference threads per process; 0 = the engine's default (all cores)

    @property
    def enabled(self) -> bool:
        return self.mode != "never"


DISABLED = OcrSettings(mode="never")

PageCallback = Callable[[int, int, bool], None]  # (page number, page count, OCR'd)


def parse_ocr_option(value: str, engine: str | None = None) -> OcrSettings:
    """`--ocr auto|always|never|rapidocr|tesseract` (an engine name means auto with that
    engine), optionally `--ocr-engine`. Raises ConfigError (a ValueError) with the
    accepted words."""
    word = value.strip().lower()
    chosen = (engine or "").strip().lower() or None
    if word in ENGINES:
        if chosen and chosen != word:
            raise ConfigError(f"--ocr {word} 与 --ocr-engine {chosen} 矛盾")
        return OcrSettings(mode="auto", engine=word)  # type: ignore[arg-type]
    if word not in MODES:
        raise ConfigError(f"--ocr 只接受 {'|'.join(MODES + ENGINES)}，收到 {value!r}")
    if chosen is not None and chosen not in ENGINES:
        raise ConfigError(f"--ocr-engine 只接受 {'|'.join(ENGINES)}，收到 {engine!r}")
    return OcrSettings(mode=word, engine=chosen or "rapidocr")  # type: ignore[arg-type]


def threads_for(jobs: int) -> int:
    """Inference threads per worker when `jobs` workers share the machine's cores."""
    cores = os.cpu_count() or 1
    return max(1, cores // max(1, jobs))


def with_threads(settings: OcrSettings, jobs: int) -> OcrSettings:
    return replace(settings, threads=threads_for(jobs))
