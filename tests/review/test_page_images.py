"""Page images: the source page rendered with PyMuPDF beside the record's box, for PDF
and image inputs; text inputs keep the text view; a moved or changed source is said
in Chinese, never a crash."""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image, ImageDraw

from extractor.models import DocumentResult, Project, Source, Span
from extractor.pipeline import file_sha256
from extractor.review import ReviewStore
from extractor.review.page_images import PageImageProblem, PageImages
from extractor.review.web.app import create_app
from tests.review.conftest import BASE
from tests.review.fixtures import DOC_ID, WRONG_SCORE, build_pdf

DPI = 150  # the test images say so; PyMuPDF sizes their pages by it (1 px = 72/150 pt)
BOX_PX = (300, 200, 600, 300)  # a black rectangle drawn in the image, in pixels


def _points(pixels: tuple[int, ...]) -> list[float]:
    return [round(v * 72 / DPI, 2) for v in pixels]


def _image_result(path: Path, pages: int = 1) -> DocumentResult:
    """A result for an image input, its one record boxed around the drawn rectangle."""
    project = Project(
        id="p1",
        name="扫描件中的表",
        form="project_self_evaluation",
        span=Span(page=pages, start=0, end=4, bbox=_points(BOX_PX)),
    )
    return DocumentResult(
        doc_id=path.stem,
        source=Source(path=str(path), sha256=file_sha256(path), pages=pages),
        projects=[project],
    )


def _png(path: Path) -> Path:
    image = Image.new("RGB", (1200, 800), "white")
    ImageDraw.Draw(image).rectangle(BOX_PX, fill="black")
    image.save(path, dpi=(DPI, DPI))
    return path


def _client(store: ReviewStore, cache: Path) -> TestClient:
    http = TestClient(create_app(store, page_cache=cache), base_url=BASE)
    http.get("/")
    return http


def _detail(http: TestClient, doc_id: str, path: str = "name") -> dict[str, object]:
    response = http.get(f"/api/documents/{doc_id}/field", params={"project": "p1", "path": path})
    assert response.status_code == 200, response.text
    image: dict[str, object] = response.json()["page_image"]
    return image


def test_png_input_renders_with_the_box_where_the_drawing_is(tmp_path: Path) -> None:
    png = _png(tmp_path / "scan.png")
    store = ReviewStore.open(tmp_path / "r.db")
    store.import_result(_image_result(png), ["扫描件中的表"])
    http = _client(store, tmp_path / "cache")
    info = _detail(http, "scan")
    assert info["kind"] == "image" and info["note"] == ""
    image = info["image"]
    assert isinstance(image, dict)
    assert image["bbox"] == _points(BOX_PX)
    assert (image["width"], image["height"]) == (pytest.approx(576), pytest.approx(384))
    response = http.get(str(image["url"]))
    assert response.status_code == 200 and response.headers["content-type"] == "image/png"
    rendered = Image.open(io.BytesIO(response.content)).convert("L")
    zoom = rendered.width / 576
    x0, y0, x1, y1 = (v * zoom for v in _points(BOX_PX))
    # Inside the record's box the page is the drawn black; outside it is white.
    assert rendered.getpixel((int((x0 + x1) / 2), int((y0 + y1) / 2))) < 30
    assert rendered.getpixel((int(x0) - 10, int(y0) - 10)) > 225
    assert rendered.getpixel((int(x1) + 10, int(y1) + 10)) > 225
    store.close()


def test_multi_page_tiff_renders_the_page_of_the_record(tmp_path: Path) -> None:
    first = Image.new("RGB", (600, 800), "white")
    second = Image.new("RGB", (1200, 800), "white")
    ImageDraw.Draw(second).rectangle(BOX_PX, fill="black")
    tif = tmp_path / "scan.tif"
    first.save(tif, save_all=True, append_images=[second], dpi=(DPI, DPI))
    store = ReviewStore.open(tmp_path / "r.db")
    store.import_result(_image_result(tif, pages=2), ["第一页", "第二页"])
    images = PageImages(tmp_path / "cache")
    record = store.document_view("scan").record
    assert images.geometry(record, 1).width == pytest.approx(288)
    assert images.geometry(record, 2).width == pytest.approx(576)
    page2 = Image.open(images.render(record, 2)).convert("L")
    zoom = page2.width / 576
    x0, y0, x1, y1 = (v * zoom for v in _points(BOX_PX))
    assert page2.getpixel((int((x0 + x1) / 2), int((y0 + y1) / 2))) < 30
    with pytest.raises(PageImageProblem, match="只有 2 页"):
        images.render(record, 3)
    store.close()


def test_pdf_input_from_the_pipeline_outlines_the_indicator_row(tmp_path: Path) -> None:
    result = build_pdf(tmp_path / "reports")
    store = ReviewStore.open(tmp_path / "r.db")
    outcome = store.import_result(result)
    assert outcome.has_source
    http = _client(store, tmp_path / "cache")
    info = _detail(http, result.doc_id, WRONG_SCORE)
    image = info["image"]
    assert isinstance(image, dict) and image["page"] == 1
    row = result.projects[0].indicators[4]
    assert row.span is not None and row.span.bbox is not None
    assert image["bbox"] == row.span.bbox  # the 群众出行便利 row
    # and the 得分 cell inside it: a narrow box at the row's height, right of its start
    rx0, ry0, rx1, ry1 = row.span.bbox
    cx0, cy0, cx1, cy1 = image["cell"]
    assert rx0 < cx0 < cx1 <= rx1 + 0.01 and cx1 - cx0 < (rx1 - rx0) / 3
    assert ry0 - 0.01 <= cy0 < cy1 <= ry1 + 0.01
    assert (image["width"], image["height"]) == (pytest.approx(842), pytest.approx(595))
    png = http.get(str(image["url"]))
    assert png.status_code == 200
    assert Image.open(io.BytesIO(png.content)).size == (1684, 1190)  # 2× A4 landscape
    assert list((tmp_path / "cache" / result.source.sha256).glob("p1.*")) != []
    store.close()


def test_text_input_keeps_the_text_view(store: ReviewStore, tmp_path: Path) -> None:
    http = _client(store, tmp_path / "cache")
    info = _detail(http, DOC_ID, WRONG_SCORE)
    assert info == {"kind": "text", "image": None, "note": ""}
    assert http.get(f"/documents/{DOC_ID}/pages/1.png").status_code == 404


def test_moved_source_is_said_in_chinese(tmp_path: Path) -> None:
    png = _png(tmp_path / "scan.png")
    store = ReviewStore.open(tmp_path / "r.db")
    store.import_result(_image_result(png), ["扫描件中的表"])
    shutil.move(png, tmp_path / "elsewhere.png")
    http = _client(store, tmp_path / "cache")
    info = _detail(http, "scan")
    assert info["image"] is None
    assert "找不到原文件" in str(info["note"]) and "scan.png" in str(info["note"])
    missing = http.get("/documents/scan/pages/1.png")
    assert missing.status_code == 404 and "找不到原文件" in missing.text
    page = http.get("/documents/scan")
    assert page.status_code == 200  # the document page itself is unaffected
    store.close()


def test_changed_source_is_not_shown_as_the_imported_one(tmp_path: Path) -> None:
    png = _png(tmp_path / "scan.png")
    store = ReviewStore.open(tmp_path / "r.db")
    store.import_result(_image_result(png), ["扫描件中的表"])
    Image.new("RGB", (1200, 800), "gray").save(png, dpi=(DPI, DPI))
    info = _detail(_client(store, tmp_path / "cache"), "scan")
    assert info["image"] is None and "内容与导入时不同" in str(info["note"])
    store.close()


def test_a_rendered_page_stays_available_after_the_source_moves(tmp_path: Path) -> None:
    png = _png(tmp_path / "scan.png")
    store = ReviewStore.open(tmp_path / "r.db")
    store.import_result(_image_result(png), ["扫描件中的表"])
    http = _client(store, tmp_path / "cache")
    first = http.get("/documents/scan/pages/1.png")
    assert first.status_code == 200
    os.remove(png)
    again = http.get("/documents/scan/pages/1.png")
    assert again.status_code == 200 and again.content == first.content
    store.close()


def test_default_cache_is_beside_the_store(tmp_path: Path) -> None:
    png = _png(tmp_path / "scan.png")
    store = ReviewStore.open(tmp_path / "review.db")
    store.import_result(_image_result(png), ["扫描件中的表"])
    http = TestClient(create_app(store), base_url=BASE)
    assert http.get("/documents/scan/pages/1.png").status_code == 200
    cached = list((tmp_path / "review.db-pages").rglob("p1.png"))
    assert len(cached) == 1
    store.close()


def test_an_unreadable_source_is_said_not_raised(tmp_path: Path) -> None:
    broken = tmp_path / "scan.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n" + b"not really an image" * 10)
    store = ReviewStore.open(tmp_path / "r.db")
    store.import_result(_image_result(broken), ["扫描件中的表"])
    http = _client(store, tmp_path / "cache")
    info = _detail(http, "scan")
    assert info["image"] is None and "文件已损坏" in str(info["note"])
    assert http.get("/documents/scan/pages/1.png").status_code == 404
    store.close()


def test_an_image_without_a_resolution_is_drawn_as_the_reader_sized_it(tmp_path: Path) -> None:
    """No stated resolution: the image reader takes the scan for an A4 page (long side
    297 mm); the page image is that same page, so OCR boxes fall where they belong."""
    import pymupdf

    from extractor.ingest.image import images_to_pdf

    png = tmp_path / "scan.png"
    Image.new("RGB", (1200, 800), "white").save(png)  # no dpi
    store = ReviewStore.open(tmp_path / "r.db")
    store.import_result(_image_result(png), ["扫描件中的表"])
    record = store.document_view("scan").record
    geometry = PageImages(tmp_path / "cache").geometry(record, 1)
    with images_to_pdf(png) as read:
        rect: pymupdf.Rect = read[0].rect
    assert (geometry.width, geometry.height) == (
        pytest.approx(rect.width),
        pytest.approx(rect.height),
    )
    assert geometry.width == pytest.approx(297 / 25.4 * 72, abs=0.5)  # A4's long side
    store.close()
