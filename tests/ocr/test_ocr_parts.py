"""The OCR stage's parts without the engine: settings, layer quality, table grids from
ruling lines, placing lines into cells, coordinates, skew, annotations, side files."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pymupdf
import pytest

from extractor.document import Document
from extractor.layout import Piece, split_piece
from extractor.models import DocumentResult, Indicator, Project, Source, Span, Value
from extractor.ocr.annotate import annotate_ocr, span_box
from extractor.ocr.engines import RawLine
from extractor.ocr.grid import find_tables
from extractor.ocr.layout import page_text
from extractor.ocr.model import OcrLine, OcrPage, OcrStretch, PageOcr
from extractor.ocr.orient import estimate_skew, lies_sideways
from extractor.ocr.quality import garbage_layer
from extractor.ocr.raster import View, render, straighten, turn_view
from extractor.ocr.reader import page_ranges
from extractor.ocr.settings import (
    DISABLED,
    OcrSettings,
    parse_ocr_option,
    threads_for,
)
from extractor.ocr.sidecar import ocr_lines_tsv, write_ocr_files
from tests.fixtures import make_pdfs as mk
from tests.ocr.helpers import form

# ---------------------------------------------------------------------------------------
# Settings


def test_ocr_option_words() -> None:
    assert parse_ocr_option("auto") == OcrSettings(mode="auto", engine="rapidocr")
    assert parse_ocr_option("never").enabled is False
    assert parse_ocr_option("always", "tesseract").engine == "tesseract"
    assert parse_ocr_option("tesseract") == OcrSettings(mode="auto", engine="tesseract")
    with pytest.raises(ValueError, match="auto"):
        parse_ocr_option("sometimes")
    with pytest.raises(ValueError, match="矛盾"):
        parse_ocr_option("tesseract", "rapidocr")
    assert threads_for(1) >= 1 and threads_for(64) == 1


def test_the_library_and_the_command_line_share_one_default() -> None:
    """Settings are arguments: the pipeline's default is the CLI's `--ocr auto`; the PDF
    reader on its own reads the text layer only."""
    import inspect

    from extractor.ingest.pdf import read_pdf

    assert parse_ocr_option("auto") == OcrSettings() and OcrSettings().enabled
    assert inspect.signature(read_pdf).parameters["ocr"].default == DISABLED


# ---------------------------------------------------------------------------------------
# Text layer quality


def test_garbage_layers_are_recognised() -> None:
    assert not garbage_layer("项目支出绩效自评表（2022年度）年初预算数 176.77 万元 ≥95%")
    assert not garbage_layer("Data Center 2022: 1,085.68")
    assert garbage_layer("ÏîÄ¿Ö§³ö¼¨Ð§×ÔÆÀ±í£¨2022Äê¶È£©")  # GBK bytes read as Latin-1
    assert garbage_layer("\ufffd" * 12 + "项目")  # unmapped glyphs
    assert garbage_layer("\ue000\ue001\ue002\ue003\ue004\ue005\ue006\ue007\ue008\ue009a")
    assert not garbage_layer("ÏîÄ")  # too little to judge


# ---------------------------------------------------------------------------------------
# Table structure from ruling lines


def _drawn_page(tmp_path: Path, prefix: str, title: str) -> tuple[mk.TableLayout, np.ndarray]:
    header, rows = form(prefix, title)
    doc = pymupdf.open()
    layout = mk.add_form_page(doc, rows, title_lines=header)
    mk.save_pdf(doc, tmp_path / "form.pdf")
    doc.close()
    with pymupdf.open(tmp_path / "form.pdf") as pdf:
        view, _ = render(pdf[0], 200, 4000)
    return layout, view.image


@pytest.mark.parametrize(
    ("prefix", "title"),
    [("000", "项目支出绩效自评表"), ("002", "2022年特定目标类项目绩效目标表")],
)
def test_grid_and_merged_cells_come_from_the_ruling_lines(
    tmp_path: Path, prefix: str, title: str
) -> None:
    layout, image = _drawn_page(tmp_path, prefix, title)
    tables, _ = find_tables(image, 200)
    assert len(tables) == 1
    table = tables[0]
    starts = sorted({c.col for c in layout.cells})  # columns that have a border
    assert (table.n_rows, table.n_cols) == (layout.n_rows, len(starts))
    expected = {
        (c.row, starts.index(c.col), c.rowspan, sum(c.col <= s < c.col + c.colspan for s in starts))
        for c in layout.cells
    }
    found = {(c.row, c.col, c.rows, c.cols) for c in table.cells}
    assert found == expected
    assert any(rows > 1 for _, _, rows, _ in found)  # merged level-1 labels
    # the table's box is where it was drawn (points → 200 dpi pixels)
    x0, y0, x1, y1 = (v * 200 / 72 for v in layout.bbox)
    assert table.rect == pytest.approx((x0, y0, x1, y1), abs=4)


def test_a_frame_is_not_a_table() -> None:
    image = np.full((600, 800), 255, np.uint8)
    cv2.rectangle(image, (40, 40), (760, 560), 0, 2)
    cv2.putText(image, "note", (100, 300), cv2.FONT_HERSHEY_SIMPLEX, 1.0, 0, 2)
    assert find_tables(image, 200)[0] == []


def test_skew_of_the_rules_is_measured(tmp_path: Path) -> None:
    _, image = _drawn_page(tmp_path, "000", "项目支出绩效自评表")
    h, w = image.shape
    for angle in (0.0, 0.4, -1.5):
        matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
        turned = cv2.warpAffine(image, matrix, (w, h), borderValue=255)
        assert estimate_skew(turned) == pytest.approx(-angle, abs=0.08)


# ---------------------------------------------------------------------------------------
# Lines into cells


def _quad(x0: float, y0: float, x1: float, y1: float) -> np.ndarray:
    return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=np.float32)


def test_lines_go_into_cells_and_rows_come_out_as_row_text() -> None:
    image = np.full((400, 900), 255, np.uint8)
    # 3 rows × 3 columns; the first column's last two cells merged
    for y in (50, 150, 250, 350):
        x_from = 100 if y == 250 else 50
        cv2.line(image, (x_from, y), (850, y), 0, 2)
    for x in (50, 300, 850):
        cv2.line(image, (x, 50), (x, 350), 0, 2)
    cv2.line(image, (600, 50), (600, 350), 0, 2)
    cv2.line(image, (50, 250), (300, 250), 255, 4)  # no rule between rows 2 and 3 at left
    tables, _ = find_tables(image, 200)
    assert len(tables) == 1
    lines = [
        RawLine("项目名称", _quad(60, 80, 200, 120), 0.99),
        RawLine("医疗保障", _quad(310, 70, 500, 100), 0.98),
        RawLine("专项经费", _quad(310, 105, 500, 135), 0.97),  # wrapped: same cell
        RawLine("产出指标", _quad(60, 260, 200, 300), 0.95),
        RawLine("数量指标 10", _quad(310, 170, 700, 210), 0.9),  # across a rule: cut
        RawLine("质量指标", _quad(310, 270, 500, 310), 0.6),
        RawLine("标题", _quad(400, 10, 480, 40), 0.99),  # above the table: a line
    ]
    laid = page_text(lines, tables, View(image=image))
    assert laid.text.split("\n") == [
        "标题",
        "项目名称\t医疗保障专项经费\t",
        "产出指标\t数量指标\t10",  # a merged cell is written in the first row it covers
        "\t质量指标\t",
    ]
    # a box per cell (empty ones too) and a confidence per written stretch
    title, cell = laid.boxes[0], laid.boxes[2]
    assert laid.text[cell[0] : cell[1]] == "医疗保障专项经费"
    assert cell[2:] == pytest.approx((300, 50, 600, 150), abs=2)
    assert title[2:] == pytest.approx((400, 10, 480, 40))
    weakest = min(laid.stretches, key=lambda s: s.confidence)
    assert laid.text[weakest.start : weakest.end] == "质量指标"
    merged = next(b for b in laid.boxes if laid.text[b[0] : b[1]] == "产出指标")
    assert merged[3] == pytest.approx(150, abs=2) and merged[5] == pytest.approx(350, abs=2)


def test_split_piece_shares_characters_by_position() -> None:
    piece = Piece("数量指标10", (0, 0, 90, 20), 0.9)  # 4 wide + 2 narrow characters
    left, right = split_piece(piece, [75])
    assert (left.text, right.text) == ("数量指标", "10")
    assert left.rect[2] == 75 and right.rect[0] == 75


def test_boxes_lying_or_standing() -> None:
    lying = [_quad(0, 0, 200, 30), _quad(0, 40, 150, 70)]
    standing = [_quad(0, 0, 30, 200), _quad(40, 0, 70, 150), _quad(0, 0, 25, 25)]
    assert not lies_sideways(lying) and lies_sideways(standing)


# ---------------------------------------------------------------------------------------
# Coordinates: working image → page


def test_turned_and_straightened_views_map_back_to_the_page() -> None:
    image = np.zeros((100, 200), np.uint8)  # 200 × 100 px of a page at 144 dpi
    scale = np.array([[0.5, 0, 0], [0, 0.5, 0], [0, 0, 1]], dtype=float)
    view = View(image=image, to_page=scale)
    assert view.rect_to_page((20, 10, 60, 30)) == (10, 5, 30, 15)
    turned = turn_view(view, 90)  # the working image is now 100 wide, 200 high
    assert turned.image.shape == (200, 100)
    # the pixel rect (20,10)-(60,30) of the original lies at x 69..89, y 20..60 after a
    # clockwise quarter turn
    assert turned.rect_to_page((69, 20, 89, 60)) == pytest.approx((10, 5, 30, 15), abs=0.6)
    back = turn_view(turn_view(turned, 90), 180)
    assert back.turn == 0 and back.rect_to_page((20, 10, 60, 30)) == pytest.approx(
        (10, 5, 30, 15), abs=1
    )
    level = straighten(view, 2.0)
    centre = level.rect_to_page((99, 49, 101, 51))
    assert centre == pytest.approx((49.5, 24.5, 50.5, 25.5), abs=0.1)


# ---------------------------------------------------------------------------------------
# Annotations: boxes on spans, low-confidence flags, meta


def _ocr_document() -> tuple[Document, DocumentResult]:
    text = "一级指标\t三级指标\t分值\t得分\n产出指标\t救助人次\t10\t9.5"
    score_at = text.index("9.5")
    row = text.index("产出指标")
    page = OcrPage(
        number=1,
        text=text,
        boxes=[
            (0, 4, 10, 10, 60, 20),
            (row, row + 4, 10, 20, 60, 80),  # a merged level-1 cell, far taller
            (row + 5, row + 9, 60, 20, 120, 30),
            (score_at - 3, score_at - 1, 120, 20, 140, 30),
            (score_at, score_at + 3, 140, 20, 160, 30),
        ],
        ocr=PageOcr(
            engine="rapidocr",
            dpi=200,
            reason="no_text_layer",
            lines=[OcrLine(page=1, text="9.5", bbox=(140, 20, 160, 30), confidence=0.55)],
            stretches=[
                OcrStretch(start=row + 5, end=row + 9, bbox=(60, 20, 120, 30), confidence=0.99),
                OcrStretch(
                    start=score_at, end=score_at + 3, bbox=(140, 20, 160, 30), confidence=0.55
                ),
            ],
        ),
    )
    document = Document(doc_id="d", path="d.pdf", sha256="0" * 64, pages=[page])
    indicator = Indicator(
        level1="产出指标",
        name="救助人次",
        weight=10,
        score=9.5,
        span=Span(page=1, start=row, end=len(text)),
        target=Value(raw="≥9977人"),
    )
    project = Project(
        id="p1",
        name="城乡医疗救助",
        form="project_self_evaluation",
        indicators=[indicator],
        span=Span(page=1, start=0, end=len(text)),
    )
    result = DocumentResult(
        doc_id="d", source=Source(path="d.pdf", sha256="0" * 64, pages=1), projects=[project]
    )
    return document, result


def test_low_confidence_fields_are_flagged_with_their_box() -> None:
    document, result = _ocr_document()
    flags = annotate_ocr(result, document)
    assert [(f.rule, f.path, f.project, f.severity) for f in flags] == [
        ("ocr.low_confidence", "indicators[0].score", "p1", "warning")
    ]
    flag = flags[0]
    assert flag.found == "9.5" and "0.55" in flag.message and "第1页" in flag.message
    assert flag.span is not None and flag.span.bbox == [140, 20, 160, 30]
    assert result.flags == flags
    span = result.projects[0].indicators[0].span
    assert span is not None and span.bbox == [10, 20, 160, 30]  # the row, not the merged cell
    meta = result.meta["ocr"]
    assert meta["pages"] == [1] and meta["low_confidence_fields"] == 1
    assert annotate_ocr(result, document) == [] and len(result.flags) == 1  # idempotent


def test_span_box_is_none_without_boxes() -> None:
    document = Document(doc_id="d", path="d.txt", sha256="0", pages=[])
    assert span_box(document, Span(page=1, start=0, end=3)) is None


def test_side_files_hold_the_text_and_every_line(tmp_path: Path) -> None:
    document, _ = _ocr_document()
    paths = write_ocr_files(document, tmp_path)
    assert [p.name for p in paths] == ["d.ocr.txt", "d.ocr.tsv"]
    assert paths[0].read_text(encoding="utf-8") == document.pages[0].text + "\n"
    assert ocr_lines_tsv(document).splitlines()[1] == "1\t140.0\t20.0\t160.0\t30.0\t0.5500\t9.5"
    assert not list(tmp_path.glob(".*"))  # no temporary file left
    plain = Document(doc_id="t", path="t.txt", sha256="0", pages=[])
    assert write_ocr_files(plain, tmp_path) == []


def test_page_ranges() -> None:
    assert page_ranges([1, 2, 3, 5, 7, 8]) == "1–3、5、7–8"
    assert page_ranges([4]) == "4"
