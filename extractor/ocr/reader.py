"""The PDF reader's OCR branch: which pages to OCR, reading them, and what to say.

- `ocr_reason`: under `auto` a page is OCR'd when it has no usable text layer (the
  reader's own needs-OCR test) or when its layer is clearly garbage; under `always`
  every page with content; under `never` none.
- `read_page_by_ocr`: the page as an `OcrPage`, or — when the engine is missing or
  fails — the page kept empty and marked as needing OCR, with a note that says why.
- `finish_document`: one note listing the pages read by OCR, and a clear error for an
  image PDF in which nothing legible was found (rather than an empty success).
"""

from __future__ import annotations

from extractor.document import Page, Table
from extractor.errors import InputError
from extractor.ocr.engines import EngineUnavailable
from extractor.ocr.model import OcrPage
from extractor.ocr.quality import garbage_layer
from extractor.ocr.settings import OcrSettings

REASON_WORDS = {
    "no_text_layer": "无文字层",
    "garbage_text_layer": "文字层是乱码",
    "always": "按 --ocr always",
    "unparsable": "内容无法解析",
}


def ocr_reason(settings: OcrSettings, needs_ocr: bool, blank: bool, layer_text: str) -> str | None:
    """Why this page is to be OCR'd under `settings`, or None to read its text layer."""
    if settings.mode == "never" or blank:
        return None
    if settings.mode == "always":
        return "always"
    if needs_ocr:
        return "no_text_layer"
    if garbage_layer(layer_text):
        return "garbage_text_layer"
    return None


def read_page_by_ocr(
    page: object, number: int, settings: OcrSettings, reason: str
) -> tuple[Page, list[str], list[Table]]:
    """OCR a PyMuPDF page: the page, notes and its tables; on failure an empty page that
    still needs OCR, with a note."""
    from extractor.ocr.page import ocr_page

    why = REASON_WORDS.get(reason, reason)
    try:
        read, tables = ocr_page(page, number, settings, reason)  # type: ignore[arg-type]
    except EngineUnavailable as exc:
        return (
            Page(number=number, text="", needs_ocr=True),
            [f"第{number}页{why}，需要OCR，但 OCR 引擎不可用：{exc}"],
            [],
        )
    except Exception as exc:  # one page the engine chokes on must not lose the document
        return (
            Page(number=number, text="", needs_ocr=True),
            [f"第{number}页{why}，OCR 失败（{type(exc).__name__}: {exc}）"],
            [],
        )
    notes: list[str] = []
    if read.ocr.turn:
        notes.append(f"第{number}页图像方向不正，已顺时针旋转{read.ocr.turn}°后识别")
    if reason == "garbage_text_layer":
        notes.append(f"第{number}页文字层是乱码，已改用OCR识别")
    if not read.ocr.legible:
        notes.append(
            f"第{number}页已OCR（{settings.engine}），但没有识别出可读文字"
            "（图像可能空白、过于模糊或分辨率过低）"
        )
    return read, notes, tables


def page_ranges(numbers: list[int]) -> str:
    """[1, 2, 3, 5] → "1–3、5"."""
    parts: list[str] = []
    start = prev = None
    for n in sorted(numbers):
        if start is None:
            start = prev = n
        elif n == prev + 1:  # type: ignore[operator]
            prev = n
        else:
            parts.append(f"{start}" if start == prev else f"{start}–{prev}")
            start = prev = n
    if start is not None:
        parts.append(f"{start}" if start == prev else f"{start}–{prev}")
    return "、".join(parts)


def finish_document(pages: list[Page], notes: list[str], settings: OcrSettings) -> None:
    """Add the summary note; raise InputError when OCR ran and found nothing to read."""
    read = [p for p in pages if isinstance(p, OcrPage)]
    if not read:
        return
    legible = [p for p in read if p.ocr.legible]
    if legible:
        lines = [line for p in legible for line in p.ocr.lines]
        mean = sum(line.confidence for line in lines) / len(lines)
        notes.insert(
            0,
            f"第{page_ranges([p.number for p in legible])}页由OCR识别"
            f"（{settings.engine}，{legible[0].ocr.dpi:g} dpi，平均置信度 {mean:.2f}）",
        )
    if not any(p.text.strip() for p in pages):
        raise InputError(
            f"扫描件中没有识别出可读文字：OCR 读取了 {len(read)} 页图像，均未识别出文字"
            "（图像可能空白、过于模糊或分辨率过低）"
        )
