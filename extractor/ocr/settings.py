"""What OCR does while a document is read: mode, engine, resolution, thresholds.

The PDF reader asks `current_session()` for the settings in force. Nothing is OCR'd
unless a caller turns it on, so reading a PDF as a library call stays what it was:

    with ocr_session(OcrSettings(mode="auto")) as session:
        result = extract_document(path)
    document = session.last_document      # the Document read, OCR lines and all

A worker process that reads many documents can set a process default once with
`set_default_settings`. A session also carries a page callback (progress bars) and
collects the documents read inside it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Literal, get_args

if TYPE_CHECKING:
    from extractor.document import Document

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


@dataclass
class OcrSession:
    settings: OcrSettings
    on_page: PageCallback | None = None
    documents: list[Document] = field(default_factory=list)

    @property
    def last_document(self) -> Document | None:
        return self.documents[-1] if self.documents else None

    def page_done(self, number: int, count: int, ocr: bool) -> None:
        if self.on_page is not None:
            self.on_page(number, count, ocr)


_session: ContextVar[OcrSession | None] = ContextVar("extractor_ocr_session", default=None)
_default = OcrSession(DISABLED)


def current_session() -> OcrSession:
    """The innermost `ocr_session`, else the process default (OCR off unless set)."""
    return _session.get() or _default


def current_settings() -> OcrSettings:
    return current_session().settings


def set_default_settings(settings: OcrSettings) -> None:
    """Process-wide settings, for worker processes and command-line runs."""
    global _default
    _default = OcrSession(settings)


@contextmanager
def ocr_session(
    settings: OcrSettings | None = None, on_page: PageCallback | None = None
) -> Iterator[OcrSession]:
    """Read documents inside this block with `settings` (default: auto)."""
    session = OcrSession(settings or OcrSettings(), on_page=on_page)
    token = _session.set(session)
    try:
        yield session
    finally:
        _session.reset(token)


def parse_ocr_option(value: str, engine: str | None = None) -> OcrSettings:
    """`--ocr auto|always|never|rapidocr|tesseract` (an engine name means auto with that
    engine), optionally `--ocr-engine`. Raises ValueError with the accepted words."""
    word = value.strip().lower()
    chosen = (engine or "").strip().lower() or None
    if word in ENGINES:
        if chosen and chosen != word:
            raise ValueError(f"--ocr {word} 与 --ocr-engine {chosen} 矛盾")
        return OcrSettings(mode="auto", engine=word)  # type: ignore[arg-type]
    if word not in MODES:
        raise ValueError(f"--ocr 只接受 {'|'.join(MODES + ENGINES)}，收到 {value!r}")
    if chosen is not None and chosen not in ENGINES:
        raise ValueError(f"--ocr-engine 只接受 {'|'.join(ENGINES)}，收到 {engine!r}")
    return OcrSettings(mode=word, engine=chosen or "rapidocr")  # type: ignore[arg-type]


def threads_for(jobs: int) -> int:
    """Inference threads per worker when `jobs` workers share the machine's cores."""
    cores = os.cpu_count() or 1
    return max(1, cores // max(1, jobs))


def with_threads(settings: OcrSettings, jobs: int) -> OcrSettings:
    return replace(settings, threads=threads_for(jobs))
