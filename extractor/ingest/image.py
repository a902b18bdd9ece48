"""Read page images (.png, .jpg, .tif with one page per frame, .bmp) like an image-only PDF.

Each image becomes a page of a PDF made in memory, sized as the paper it was scanned
from: the image's own resolution when it states one, else the resolution at which its
long side is an A4 page's (a scan without resolution metadata is almost always a page).
The pages then go through the PDF reader, whose OCR reads them (no text layer).
"""

from __future__ import annotations

from pathlib import Path

import pymupdf

from extractor.document import Document
from extractor.errors import InputError
from extractor.ingest.pdf import MUPDF_ERRORS, read_opened
from extractor.ocr.settings import OcrSettings, PageCallback

DEFAULT_OCR = OcrSettings()  # an image has no text layer: read it by OCR unless told not to

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp"}
A4_LONG_INCHES = 297 / 25.4
DEFAULT_RESOLUTIONS = {0, 1, 72, 96}  # what files say when nobody set a resolution
MIN_DPI, MAX_DPI = 60.0, 1200.0


def page_dpi(width: int, height: int, xres: int) -> float:
    """The resolution an image was scanned at (see the module docstring)."""
    if xres not in DEFAULT_RESOLUTIONS and MIN_DPI <= xres <= MAX_DPI:
        return float(xres)
    return min(max(max(width, height) / A4_LONG_INCHES, MIN_DPI), MAX_DPI)


def images_to_pdf(path: Path) -> pymupdf.Document:
    """The image file's frames as the pages of an in-memory PDF."""
    try:
        images = pymupdf.open(path)
    except MUPDF_ERRORS as exc:
        raise InputError(f"图像文件已损坏或格式不受支持，无法打开（{exc}）") from exc
    if images.page_count == 0:
        raise InputError("图像文件中没有任何图像")
    pdf = pymupdf.open()
    with images:
        try:
            converted = pymupdf.open("pdf", images.convert_to_pdf())
        except MUPDF_ERRORS as exc:
            raise InputError(f"图像文件已损坏，无法读取（{exc}）") from exc

    for index, frame in enumerate(converted):
        info = frame.get_images(full=True)
        if not info:
            raise InputError(f"图像文件第{index + 1}帧无法读取")
        width, height = info[0][2], info[0][3]
        stated = round(width / frame.rect.width * 72)  # the resolution the file states
        dpi = page_dpi(width, height, stated)
        page = pdf.new_page(width=width / dpi * 72, height=height / dpi * 72)
        page.show_pdf_page(page.rect, converted, index)
    return pdf


def read_image(
    path: Path,
    doc_id: str,
    sha256: str,
    ocr: OcrSettings = DEFAULT_OCR,
    on_page: PageCallback | None = None,
) -> Document:
    """An image file as a document of OCR'd pages (`ocr`: how; default auto)."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"文件不存在：{path}")
    return read_opened(images_to_pdf(path), path, doc_id, sha256, ocr=ocr, on_page=on_page)
