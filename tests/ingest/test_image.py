"""Images as inputs: a photographed or scanned page (.png, .jpg, multi-page .tif) is
read like an image-only PDF."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pymupdf
import pytest

from extractor.errors import InputError
from extractor.ingest.image import images_to_pdf, page_dpi, read_image
from extractor.ocr import engines
from extractor.ocr.settings import OcrSettings
from extractor.pipeline import extract_document
from tests.ocr.helpers import draw, form


def _picture(page: pymupdf.Page, dpi: int = 200) -> np.ndarray:
    pix = page.get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY)
    return np.frombuffer(pix.samples, dtype=np.uint8).reshape(pix.height, pix.stride)[
        :, : pix.width
    ]


def _page_picture(lines: list[str], dpi: int = 200) -> np.ndarray:
    """A white A4 landscape page with the lines printed on it, as a picture."""
    doc = pymupdf.open()
    page = doc.new_page(width=842, height=595)
    for i, line in enumerate(lines):
        page.insert_text((72, 100 + 40 * i), line, fontname="china-s", fontsize=18)
    return _picture(page, dpi)


def test_page_size_from_the_stated_resolution_or_an_a4_page() -> None:
    assert page_dpi(1755, 1240, 150) == 150.0
    # no resolution stated (72/96 are what files say by default): the long side is A4's
    assert page_dpi(2339, 1654, 96) == pytest.approx(200, abs=1)


def test_a_multi_page_tiff_becomes_one_page_per_frame(tmp_path: Path) -> None:
    frames = [_page_picture(["第一页"]), _page_picture(["第二页"])]
    path = tmp_path / "scan.tif"
    assert cv2.imwritemulti(str(path), frames)
    pdf = images_to_pdf(path)
    assert pdf.page_count == 2
    assert pdf[0].rect.width == pytest.approx(842, abs=2)  # A4 landscape at 200 dpi


@pytest.mark.skipif(engines.engine_problem("rapidocr") is not None, reason="RapidOCR missing")
def test_a_photographed_form_gives_the_records_of_its_text_version(tmp_path: Path) -> None:
    text_pdf = draw(tmp_path / "form.pdf", [form("002", "2022年特定目标类项目绩效目标表")])
    with pymupdf.open(text_pdf) as doc:
        cv2.imwrite(str(tmp_path / "form.png"), _picture(doc[0]))
    from_image = extract_document(tmp_path / "form.png", ocr=OcrSettings(mode="auto"))
    from_text = extract_document(text_pdf)
    assert from_image.source.pages == 1
    (image_form,), (text_form,) = from_image.projects, from_text.projects
    assert image_form.form == text_form.form == "project_target"
    assert len(image_form.indicators) == len(text_form.indicators)
    weights = [i.weight for i in image_form.indicators]
    assert weights == [i.weight for i in text_form.indicators]


def test_a_broken_image_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"not an image")
    with pytest.raises(InputError, match="图像文件"):
        read_image(path, "broken", "0" * 64)
