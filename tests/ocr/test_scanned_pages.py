"""Scanned pages read by OCR (RapidOCR, bundled models), end to end.

The scans are made honestly: forms from the golden documents drawn as ruled tables with
merged cells (tests/fixtures/make_pdfs.py), rendered to pictures with a little skew,
blur and noise, and put on image-only pages (eval/scanned.py). A handful of pages are
OCR'd in all, most of them small.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

import numpy as np
import pymupdf
import pytest

from extractor.document import Document
from extractor.errors import InputError
from extractor.ingest.pdf import read_pdf
from extractor.models import DocumentResult
from extractor.normalize import squash
from extractor.ocr import engines
from extractor.ocr.annotate import annotate_ocr
from extractor.ocr.model import OcrPage
from extractor.ocr.settings import OcrSettings
from extractor.ocr.sidecar import write_ocr_files
from extractor.pipeline import extract_document, extract_with_document
from tests.fixtures import make_pdfs as mk
from tests.ocr.helpers import draw, form, scan, small_form_pdf

pytestmark = pytest.mark.skipif(
    engines.engine_problem("rapidocr") is not None, reason="RapidOCR is not installed"
)

AUTO = OcrSettings(mode="auto")


def _read(path: Path, settings: OcrSettings = AUTO) -> Document:
    return read_pdf(path, path.stem, "0" * 64, ocr=settings)


def _extract(path: Path, settings: OcrSettings = AUTO) -> tuple[DocumentResult, Document]:
    extracted = extract_with_document(path, ocr=settings)
    assert annotate_ocr(extracted.result, extracted.document) == []  # done once, by the pipeline
    return extracted.result, extracted.document


def _nfkc(value: Any) -> Any:
    """Full-width and half-width forms as one (OCR reads "，" where a layer has ",")."""
    if isinstance(value, str):
        return unicodedata.normalize("NFKC", value)
    if isinstance(value, dict):
        return {k: _nfkc(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_nfkc(v) for v in value]
    return value


def _records(result: DocumentResult) -> list[dict[str, Any]]:
    """What a reader of the output sees, without the spans (offsets differ)."""
    out = []
    for project in result.projects:
        data = project.model_dump(exclude={"id", "span"})
        for key in ("funding", "indicators"):
            for record in data[key]:
                record.pop("span")
        out.append(_nfkc(data))
    return out


def _cells(text: str) -> list[list[str]]:
    return [[squash(c) for c in line.split("\t")] for line in text.split("\n") if line.strip()]


@pytest.fixture(scope="module")
def first_form(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """000's first self-evaluation form: the text-layer PDF and its scan (one page)."""
    folder = tmp_path_factory.mktemp("first_form")
    text_pdf = draw(folder / "form.pdf", [form("000", "项目支出绩效自评表")])
    return text_pdf, scan(text_pdf, folder / "form_scan.pdf")


@pytest.fixture(scope="module")
def scanned_first_form(first_form: tuple[Path, Path]) -> tuple[DocumentResult, Document]:
    return _extract(first_form[1])


@pytest.fixture(scope="module")
def small_form(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return small_form_pdf(tmp_path_factory.mktemp("small") / "small.pdf")


# ---------------------------------------------------------------------------------------


def test_a_scanned_page_gives_the_records_of_its_text_version(
    first_form: tuple[Path, Path], scanned_first_form: tuple[DocumentResult, Document]
) -> None:
    text_pdf, _ = first_form
    from_text = extract_document(text_pdf)
    from_scan, document = scanned_first_form
    (page,) = document.pages
    assert isinstance(page, OcrPage) and page.ocr.tables == 1
    assert _records(from_scan) == _records(from_text)
    assert len(from_scan.projects[0].indicators) >= 10


def test_ocr_records_point_at_their_page_and_box(
    scanned_first_form: tuple[DocumentResult, Document],
) -> None:
    result, document = scanned_first_form
    rect = pymupdf.Rect(0, 0, mk.PAGE_WIDTH, 10_000)
    for indicator in result.projects[0].indicators:
        span = indicator.span
        assert span is not None and span.page == 1 and span.bbox is not None
        x0, y0, x1, y1 = span.bbox
        assert rect.contains(pymupdf.Rect(x0, y0, x1, y1)) and y1 - y0 < 60  # one row
    # the box of an indicator row holds the row's text: the page shows its name there
    first = result.projects[0].indicators[0]
    assert first.span is not None and first.span.bbox is not None
    with pymupdf.open(document.path) as pdf:
        page_rect = pdf[0].rect
    assert first.span.bbox[2] <= page_rect.x1 + 1 and first.span.bbox[3] <= page_rect.y1 + 1
    (page,) = document.pages
    assert isinstance(page, OcrPage)
    for line in page.ocr.lines:  # every OCR line keeps page, box and confidence
        assert line.page == 1 and 0.5 <= line.confidence <= 1.0
        assert page_rect.contains(pymupdf.Rect(line.bbox) * 0.999)
    meta = result.meta["ocr"]
    assert meta["pages"] == [1] and meta["engine"] == "rapidocr"
    assert meta["mean_confidence"] > 0.9
    assert any("由OCR识别" in note for note in result.meta["notes"])


def test_saved_ocr_text_reads_back_to_the_same_records(
    scanned_first_form: tuple[DocumentResult, Document], tmp_path: Path
) -> None:
    result, document = scanned_first_form
    text_file, tsv = write_ocr_files(document, tmp_path, doc_id="form_scan")
    assert tsv.read_text(encoding="utf-8").startswith("page\tx0\ty0\tx1\ty1\tconfidence\ttext")
    assert _records(extract_document(text_file)) == _records(result)


def test_a_mixed_pdf_is_read_page_by_page(tmp_path: Path, small_form: Path) -> None:
    second = form("000", "项目支出绩效自评表", 1)
    source = draw(tmp_path / "mixed_src.pdf", [second])
    doc = pymupdf.open(source)
    doc.insert_pdf(pymupdf.open(small_form))
    mk.add_text_page(doc, ["三、绩效评价结论", "项目总体完成情况良好。"])
    mk.save_pdf(doc, tmp_path / "three.pdf")
    doc.close()
    mixed = scan(tmp_path / "three.pdf", tmp_path / "mixed.pdf", keep_text=(1, 3))
    result, document = _extract(mixed)
    kinds = [isinstance(p, OcrPage) for p in document.pages]
    assert kinds == [False, True, False]
    assert "绩效评价结论" in document.pages[2].text
    assert [p.span.page for p in result.projects if p.span] == [1, 2]
    # the scanned page gives what the small form gives from its text layer (the year
    # printed on page 1 carries over to the untitled form on page 2)
    (scanned,) = _records(result)[1:]
    (alone,) = _records(extract_document(small_form))
    assert scanned | {"year": None} == alone | {"year": None}
    target = result.projects[1].indicators[0].target
    assert target is not None and target.number == 9977
    assert result.meta["ocr"]["pages"] == [2]
    assert any(n.startswith("第2页由OCR识别") for n in result.meta["notes"])


@pytest.mark.parametrize("turn", [90, 180])
def test_a_turned_page_is_detected_and_read(tmp_path: Path, small_form: Path, turn: int) -> None:
    upright = _cells(read_pdf(small_form, "s", "0").pages[0].text)
    turned = scan(small_form, tmp_path / f"turned{turn}.pdf", turns={1: turn})
    document = _read(turned)
    (page,) = document.pages
    assert isinstance(page, OcrPage)
    assert (page.ocr.turn + turn) % 360 == 0  # turned back by the rest of a full turn
    assert _cells(page.text) == upright
    assert any("旋转" in n for n in document.notes)
    # boxes are on the page as it is stored (sideways for 90°)
    with pymupdf.open(turned) as pdf:
        shown = pdf[0].rect
    for _, _, x0, y0, x1, y1 in page.boxes:
        assert shown.x0 - 1 <= x0 <= x1 <= shown.x1 + 1 and shown.y0 - 1 <= y0 <= y1 <= shown.y1 + 1
    title = next(b for b in page.boxes if page.text[b[0] : b[1]] == "项目支出绩效自评表")
    assert (title[5] - title[3] > title[4] - title[2]) == (turn == 90)


def _noise_pdf(path: Path, pages: int = 1, text_page: bool = False) -> Path:
    rng = np.random.default_rng(1)
    doc = pymupdf.open()
    if text_page:
        mk.add_text_page(doc, ["项目支出绩效自评表", "项目名称：城乡医疗救助"])
    for _ in range(pages):
        image = rng.normal(200, 40, (300, 420)).clip(0, 255).astype(np.uint8)
        pix = pymupdf.Pixmap(pymupdf.csGRAY, 420, 300, image.tobytes(), False)
        page = doc.new_page(width=420, height=300)
        page.insert_image(page.rect, pixmap=pix)
    doc.save(path)
    doc.close()
    return path


def test_an_image_pdf_with_nothing_legible_says_so(tmp_path: Path) -> None:
    path = _noise_pdf(tmp_path / "noise.pdf")
    with pytest.raises(InputError, match="没有识别出可读文字"):
        _extract(path)
    mixed = _read(_noise_pdf(tmp_path / "mixed_noise.pdf", text_page=True))
    assert not isinstance(mixed.pages[0], OcrPage) and mixed.pages[0].text
    assert any(n.startswith("第2页已OCR") and "没有识别出可读文字" in n for n in mixed.notes)


def test_a_garbage_text_layer_is_replaced_by_ocr(tmp_path: Path, small_form: Path) -> None:
    scanned = scan(small_form, tmp_path / "scan.pdf")
    doc = pymupdf.open(scanned)
    page = doc[0]
    page.insert_text((20, 20), "ÏîÄ¿Ö§³ö¼¨Ð§×ÔÆÀ±í£¨2022Äê¶È£©", fontsize=6, render_mode=3)
    doc.save(tmp_path / "garbage.pdf")
    doc.close()
    never = _read(tmp_path / "garbage.pdf", OcrSettings(mode="never"))
    assert "Ï" in never.pages[0].text  # the layer as it is
    auto = _read(tmp_path / "garbage.pdf")
    (page_read,) = auto.pages
    assert isinstance(page_read, OcrPage) and page_read.ocr.reason == "garbage_text_layer"
    assert "城乡医疗救助" in page_read.text and "Ï" not in page_read.text
    assert any("乱码" in n for n in auto.notes)


def test_modes_never_and_always(tmp_path: Path, small_form: Path) -> None:
    scanned = scan(small_form, tmp_path / "scan.pdf")
    never = _read(scanned, OcrSettings(mode="never"))
    assert never.pages[0].needs_ocr and never.pages[0].text == ""
    assert "第1页无文字层，需要OCR（OCR 尚未启用）" in never.notes  # as without OCR
    always = _read(small_form, OcrSettings(mode="always"))
    (page,) = always.pages
    assert isinstance(page, OcrPage) and page.ocr.reason == "always"
    assert "城乡医疗救助" in page.text


def test_models_are_loaded_once_per_process() -> None:
    first = engines.get_engine("rapidocr", 0)
    assert engines.get_engine("rapidocr", 0) is first


def test_a_missing_engine_leaves_the_page_for_later_with_a_note(
    tmp_path: Path, small_form: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unavailable(name: str, threads: int = 0) -> engines.Engine:
        raise engines.EngineUnavailable("未安装 tesseract")

    monkeypatch.setattr("extractor.ocr.page.get_engine", unavailable)
    scanned = scan(small_form, tmp_path / "scan.pdf")
    document = _read(scanned, OcrSettings(engine="tesseract"))
    assert document.pages[0].needs_ocr and document.pages[0].text == ""
    assert any("OCR 引擎不可用：未安装 tesseract" in n for n in document.notes)


@pytest.mark.skipif(
    engines.engine_problem("tesseract") is not None, reason="tesseract (chi_sim) not installed"
)
def test_tesseract_reads_the_small_form(tmp_path: Path, small_form: Path) -> None:
    scanned = scan(small_form, tmp_path / "scan.pdf")
    (page,) = _read(scanned, OcrSettings(engine="tesseract")).pages
    assert isinstance(page, OcrPage) and page.ocr.engine == "tesseract"
    assert "指标" in page.text
