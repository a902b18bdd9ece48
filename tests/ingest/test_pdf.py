"""PDF reader: real forms from the seeds, drawn as ruled tables with merged cells, read back
as the same row text; pages without a text layer; every kind of unreadable input."""

from __future__ import annotations

from pathlib import Path

import pymupdf
import pytest

from extractor.document import Document
from extractor.errors import InputError
from extractor.ingest import pdf as pdf_reader
from extractor.ingest.pdf import read_pdf
from extractor.layout import fix_compat_ideographs, join_cell_lines
from tests.fixtures import make_pdfs as mk

DOCS = Path(__file__).resolve().parents[2] / "golden" / "docs"

# (seed, title line, occurrence): forms cut out of the seeds by their title line.
FORMS = [
    ("000", "项目支出绩效自评表", 0),  # 9 columns, 成本指标 in the level-1 column
    ("000", "项目支出绩效自评表", 1),  # 10 columns, 本指标不适用 rows, split words
    ("002", "2022年特定目标类项目绩效目标表", 0),  # 7 columns, a target form
    ("002", "2022年特定目标类项目绩效目标表", 1),  # shifted cells, <p> remnants, long cells
]


def _seed(prefix: str) -> str:
    (path,) = DOCS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


def _form(prefix: str, title: str, occurrence: int) -> tuple[list[str], list[list[str]]]:
    header, lines = mk.cut_form(_seed(prefix), title, occurrence)
    return header, mk.split_rows(lines)


def _read(path: Path) -> Document:
    return read_pdf(path, path.stem, "0" * 64)


def _squash(text: str) -> str:
    return "".join(text.split())


def _spaced(text: str) -> str:
    return " ".join(text.split())


def _table_rows(doc: Document, header: list[str]) -> list[list[str]]:
    lines = doc.pages[0].text.split("\n")
    assert lines[: len(header)] == header  # title lines first, as plain text
    return [line.split("\t") for line in lines[len(header) :]]


def _without_empty_trailing_columns(rows: list[list[str]]) -> list[list[str]]:
    width = max(c + 1 for row in rows for c, cell in enumerate(row) if cell)
    return [row[:width] for row in rows]


@pytest.mark.parametrize(("prefix", "title", "occurrence"), FORMS)
def test_form_reads_back_as_its_source_rows(
    tmp_path: Path, prefix: str, title: str, occurrence: int
) -> None:
    header, source = _form(prefix, title, occurrence)
    layout = mk.write_form_pdf(tmp_path / "form.pdf", source, title_lines=header)
    assert any(c.rowspan > 1 for c in layout.cells) and any(c.colspan > 1 for c in layout.cells)
    # the drawn grid is the source grid (merged cells empty below / right of their
    # text), less trailing columns that no row writes in: those have no border to read
    want_rows = layout.expected_rows()
    assert want_rows == _without_empty_trailing_columns(source)
    doc = _read(tmp_path / "form.pdf")
    got = _table_rows(doc, header)
    assert len(got) == len(want_rows)
    wrapped = layout.wrapped_positions()
    for r, (got_row, want_row) in enumerate(zip(got, want_rows, strict=True)):
        assert len(got_row) == len(want_row), f"row {r}: {got_row}"
        for c, (cell, want) in enumerate(zip(got_row, want_row, strict=True)):
            if (r, c) in wrapped:  # a wrapped cell may lose a space at its line end
                assert _squash(cell) == _squash(want), (r, c)
            else:
                assert cell == _spaced(want), (r, c)


def test_merged_cells_are_written_once_in_their_first_row(tmp_path: Path) -> None:
    header, source = _form("000", "项目支出绩效自评表", 0)
    mk.write_form_pdf(tmp_path / "form.pdf", source, title_lines=header)
    page = _read(tmp_path / "form.pdf").pages[0]
    title, *lines = page.text.split("\n")
    assert title == header[0]
    rows = [line.split("\t") for line in lines]
    # 绩效指标 (column 0) spans the whole indicator block; 产出指标(50分) seven rows
    start = next(i for i, row in enumerate(rows) if row[0] == "绩效指标")
    assert [row[0] for row in rows[start + 1 :]] == [""] * (len(rows) - start - 1)
    first = next(i for i, row in enumerate(rows) if row[1] == "产出指标(50分)")
    assert [row[1] for row in rows[first + 1 : first + 7]] == [""] * 6
    assert rows[first + 7][1] == "成本指标"
    # the 项目名称 value spans to the right edge: written once, covered cells empty
    assert rows[0] == ["项目名称", "", "医疗保障专项经费", "", "", "", "", "", ""]
    # the merged cell's box is the whole merged area, taller than a row
    box = _box_of(page.text, page.boxes, "绩效指标")
    row_box = _box_of(page.text, page.boxes, "一级指标")
    assert box[5] - box[3] > 10 * (row_box[5] - row_box[3])
    # the PDF's own plain text loses the table: one cell per line, empty cells gone
    raw = pymupdf.open(tmp_path / "form.pdf")[0].get_text()
    assert "\t" not in raw and "项目名称\n医疗保障专项经费" in raw


def _box_of(
    text: str, boxes: list[tuple[int, int, float, float, float, float]], cell: str
) -> tuple[int, int, float, float, float, float]:
    return next(b for b in boxes if text[b[0] : b[1]] == cell)


def test_boxes_point_at_the_drawn_cells(tmp_path: Path) -> None:
    header, source = _form("002", "2022年特定目标类项目绩效目标表", 0)
    layout = mk.write_form_pdf(
        tmp_path / "form.pdf", source, title_lines=header, after_lines=["填报人：张三"]
    )
    page = _read(tmp_path / "form.pdf").pages[0]
    assert page.number == 1 and not page.needs_ocr
    by_rect = {tuple(round(v) for v in b[2:]): b for b in page.boxes}
    for cell in layout.cells:
        assert cell.rect is not None
        box = by_rect[tuple(round(v) for v in cell.rect)]  # one box per drawn cell
        assert _squash(page.text[box[0] : box[1]]) == _squash(cell.text)
    assert len(page.boxes) == len(layout.cells) + len(header) + 1
    # the lines outside the table have boxes too, and keep their place around it
    lines = page.text.split("\n")
    assert lines[0] == header[0] and lines[-1] == "填报人：张三"
    title_box, footer_box = page.boxes[0], page.boxes[-1]
    assert page.text[title_box[0] : title_box[1]] == header[0]
    assert page.text[footer_box[0] : footer_box[1]] == "填报人：张三"
    assert title_box[5] <= layout.bbox[1] + 1 and footer_box[3] >= layout.bbox[3] - 1


def test_pages_are_numbered_and_located(tmp_path: Path) -> None:
    doc = pymupdf.open()
    for prefix, title, occurrence in FORMS[:2]:
        header, source = _form(prefix, title, occurrence)
        mk.add_form_page(doc, source, title_lines=header)
    mk.save_pdf(doc, tmp_path / "two.pdf")
    result = _read(tmp_path / "two.pdf")
    assert [p.number for p in result.pages] == [1, 2]
    assert all(p.boxes for p in result.pages)
    offset = result.text.index("人员经费")
    span = result.locate(offset, offset + 4)
    assert span.page == 2
    assert result.pages[1].text[span.start : span.end] == "人员经费"


@pytest.mark.parametrize("how", ["rotate-90", "rotate-180", "rotate-270", "stored-sideways"])
def test_rotated_pages_read_like_upright_ones(tmp_path: Path, how: str) -> None:
    header, source = _form("002", "2022年特定目标类项目绩效目标表", 0)
    mk.write_form_pdf(tmp_path / "upright.pdf", source, title_lines=header)
    if how == "stored-sideways":
        mk.write_sideways_stored_pdf(tmp_path / "turned.pdf", tmp_path / "upright.pdf")
    else:
        rotation = int(how.split("-")[1])
        mk.write_rotated_pdf(tmp_path / "turned.pdf", tmp_path / "upright.pdf", rotation)
    upright = _read(tmp_path / "upright.pdf").pages[0]
    turned = _read(tmp_path / "turned.pdf").pages[0]
    assert turned.text == upright.text
    # boxes are in the page as displayed: inside page.rect, turned with the page
    shown = pymupdf.open(tmp_path / "turned.pdf")[0].rect
    for _, _, x0, y0, x1, y1 in turned.boxes:
        assert shown.x0 - 1 <= x0 <= x1 <= shown.x1 + 1 and shown.y0 - 1 <= y0 <= y1 <= shown.y1 + 1
    _, _, x0, y0, x1, y1 = turned.boxes[0]  # the title line
    sideways = how in ("rotate-90", "rotate-270")
    assert (y1 - y0 > x1 - x0) == sideways


def test_page_without_text_layer_needs_ocr_and_says_so(tmp_path: Path) -> None:
    mk.write_scanned_pdf(tmp_path / "scan.pdf", ["项目支出绩效自评表", "项目名称：城乡医疗救助"])
    doc = _read(tmp_path / "scan.pdf")
    text_page, image_page, numbered_page, blank_page = doc.pages
    assert not text_page.needs_ocr and "城乡医疗救助" in text_page.text
    assert image_page.needs_ocr and image_page.text == ""
    assert numbered_page.needs_ocr and numbered_page.text == ""
    assert not blank_page.needs_ocr and blank_page.text == ""
    assert "第2页无文字层，需要OCR（OCR 尚未启用）" in doc.notes
    assert any(n.startswith("第3页几乎没有文字层") and "需要OCR" in n for n in doc.notes)
    assert any(n.startswith("第4页是空白页") for n in doc.notes)
    assert not any(n.startswith("第1页") for n in doc.notes)


def test_framed_page_and_fake_bold_text_stay_plain_lines(tmp_path: Path) -> None:
    lines = [
        "一、项目基本情况",
        "\u3000\u3000城乡医疗救助资金 3113 万元，用于资助参保。",
        "二、绩效目标",
    ]
    doc = pymupdf.open()
    mk.add_text_page(doc, lines, frame=True)  # a box round the page is no table
    mk.add_text_page(doc, lines, fake_bold=True)  # every glyph printed twice
    mk.save_pdf(doc, tmp_path / "narrative.pdf")
    pages = _read(tmp_path / "narrative.pdf").pages
    assert [p.text.split("\n") for p in pages] == [lines, lines]  # U+3000 indent kept


def test_page_mupdf_cannot_parse_is_kept_for_ocr(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mk.write_scanned_pdf(tmp_path / "doc.pdf", ["项目名称：城乡医疗救助"])
    real = pdf_reader._read_page

    def broken_first_page(page: pymupdf.Page, number: int, *settings: object) -> object:
        if number == 1:
            raise RuntimeError("syntax error in content stream")
        return real(page, number, *settings)

    monkeypatch.setattr(pdf_reader, "_read_page", broken_first_page)
    doc = _read(tmp_path / "doc.pdf")
    assert len(doc.pages) == 4 and doc.pages[0].needs_ocr and doc.pages[0].text == ""
    assert doc.notes[0].startswith("第1页内容无法解析（syntax error in content stream）")


def test_compatibility_ideographs_are_unified(tmp_path: Path) -> None:
    lines = ["项目支出绩效自评表（2022 年度）", "年初预算数：24.32，施工单位"]
    mk.write_compat_ideograph_pdf(tmp_path / "compat.pdf", lines, {"年": "\uf98e", "工": "\u2f2f"})
    raw = pymupdf.open(tmp_path / "compat.pdf")[0].get_text()
    assert "\uf98e" in raw and "\u2f2f" in raw  # the text layer really has them
    text = _read(tmp_path / "compat.pdf").pages[0].text
    assert text.split("\n") == lines  # unified forms; full-width punctuation untouched


def test_text_helpers() -> None:
    assert fix_compat_ideographs("\uf98e度\u2f2f作，（１）") == "年度工作，（１）"
    assert join_cell_lines(["年初预", "算数"]) == "年初预算数"
    assert join_cell_lines(["186.816 万", "元"]) == "186.816 万元"
    assert join_cell_lines(["Data", "Center", ""]) == "Data Center"


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (None, "文件不存在"),
        (mk.write_empty_file, "为空"),
        (mk.write_not_a_pdf, "不是 PDF"),
        (mk.write_corrupt_pdf, "已损坏"),
        (mk.write_encrypted_pdf, "已加密，需要密码"),
        (mk.write_zero_page_pdf, "没有任何页面"),
    ],
)
def test_bad_input_raises_input_error(tmp_path: Path, make: object, reason: str) -> None:
    path = tmp_path / "bad.pdf"
    if callable(make):
        make(path)
    with pytest.raises(InputError, match=reason):
        _read(path)


def test_directory_is_not_a_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="不是文件"):
        _read(tmp_path)


def test_truncated_pdf_is_repaired_with_a_note(tmp_path: Path) -> None:
    header, source = _form("000", "项目支出绩效自评表", 0)
    mk.write_form_pdf(tmp_path / "form.pdf", source, title_lines=header)
    data = (tmp_path / "form.pdf").read_bytes()
    (tmp_path / "cut.pdf").write_bytes(data[: len(data) - 200])  # xref and trailer gone
    doc = _read(tmp_path / "cut.pdf")
    assert any("已自动修复" in n for n in doc.notes)
    assert "医疗保障专项经费" in doc.pages[0].text


@pytest.mark.parametrize(("prefix", "title", "occurrence"), FORMS[:3])
def test_ruled_form_is_kept_as_a_grid(
    tmp_path: Path, prefix: str, title: str, occurrence: int
) -> None:
    header, source = _form(prefix, title, occurrence)
    layout = mk.write_form_pdf(tmp_path / "form.pdf", source, title_lines=header)
    doc = _read(tmp_path / "form.pdf")
    (table,) = doc.tables
    assert table.title == header[-5:] and table.pages == [1] and table.source == "pdf"
    starts = sorted({cell.col for cell in layout.cells})  # columns with a rule of their own
    got = {(c.row, c.col): c for c in table.cells}
    assert len(got) == len(layout.cells)
    for cell in layout.cells:
        read = got[(cell.row, starts.index(cell.col))]
        assert read.row_span == cell.rowspan
        covered = [c for c in starts if cell.col <= c < cell.col + cell.colspan]
        assert read.col_span == len(covered)
        assert _squash(read.text) == _squash(cell.text)
        # the cell points at where its text was written and at the drawn box
        assert doc.pages[0].text[read.start : read.end] == read.text
        assert read.box == pytest.approx(cell.rect, abs=0.5)


def test_a_form_over_two_pages_is_one_table(tmp_path: Path) -> None:
    header, source = _form("000", "项目支出绩效自评表", 1)
    doc_pdf = pymupdf.open()
    cut = len(source) // 2
    widths = mk.column_widths(mk.plan_cells(source), len(source[0]))  # one table, two pages
    mk.add_form_page(doc_pdf, source[:cut], title_lines=header, widths=widths)
    mk.add_form_page(doc_pdf, source[cut:], title_lines=["- 2 -"], widths=widths)
    mk.save_pdf(doc_pdf, tmp_path / "two.pdf")
    doc = _read(tmp_path / "two.pdf")
    (table,) = doc.tables
    assert table.pages == [1, 2] and table.title == header[-5:]
    assert "续接" in table.notes[0]
    texts = ["".join(c.text.split()) for c in table.cells]
    assert _squash(source[-1][-1] or next(c for c in reversed(source[-1]) if c)) in texts
    assert {c.page for c in table.cells} == {1, 2}


def test_a_title_at_the_foot_of_a_page_belongs_to_the_next_table(tmp_path: Path) -> None:
    header, source = _form("002", "2022年特定目标类项目绩效目标表", 0)
    doc_pdf = pymupdf.open()
    mk.add_form_page(
        doc_pdf, source, title_lines=header, after_lines=["下一张表的标题：项目支出绩效目标表"]
    )
    mk.add_form_page(doc_pdf, source, title_lines=[])
    mk.save_pdf(doc_pdf, tmp_path / "two.pdf")
    doc = _read(tmp_path / "two.pdf")
    first, second = doc.tables
    assert (
        first.pages == [1]
        and second.pages == [2]
        and second.title == ["下一张表的标题：项目支出绩效目标表"]
    )
