"""What OCR keeps about a page: every line read (page, box, confidence) and, for every
stretch of the page text it wrote, the confidence of the lines behind it.

`OcrPage` is a `Page` (the parser reads its `text` and `boxes` like any other page)
with an `ocr` record on top. Boxes are in PDF points in the page's displayed space
(`page.rect`, as `get_pixmap` renders it), like the text-layer reader's boxes.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from extractor.document import Document, Page

Rect = tuple[float, float, float, float]


class OcrLine(BaseModel):
    """One line as the engine read it."""

    model_config = ConfigDict(extra="forbid")

    page: int
    text: str
    bbox: Rect  # page coordinates (points)
    confidence: float


class OcrStretch(BaseModel):
    """A stretch of the page text written from OCR lines (a cell or a line of text)."""

    model_config = ConfigDict(extra="forbid")

    start: int
    end: int
    bbox: Rect
    confidence: float  # the lowest confidence among the lines in it


class PageOcr(BaseModel):
    model_config = ConfigDict(extra="forbid")

    engine: str
    dpi: float  # resolution the page was read at
    reason: str  # "no_text_layer" | "garbage_text_layer" | "always" | "unparsable"
    turn: int = 0  # clockwise quarter turn that made the page upright (0/90/180/270)
    skew: float = 0.0  # degrees of skew corrected
    tables: int = 0  # ruled tables found
    seconds: float = 0.0
    lines: list[OcrLine] = Field(default_factory=list)
    stretches: list[OcrStretch] = Field(default_factory=list)

    @property
    def mean_confidence(self) -> float | None:
        if not self.lines:
            return None
        return sum(line.confidence for line in self.lines) / len(self.lines)

    @property
    def legible(self) -> bool:
        return bool(self.lines)


class OcrPage(Page):
    """A page whose text was read by OCR."""

    ocr: PageOcr


def ocr_pages(document: Document) -> list[OcrPage]:
    return [page for page in document.pages if isinstance(page, OcrPage)]
