"""Read a text-layer PDF into a `Document` of pages with row text.

Forms in these reports are ruled tables. Their plain text comes out one cell per line,
with empty cells dropped and a merged cell's label printed in the middle of its rows, so
the reader rebuilds the table instead: `page.find_tables()` gives the grid (cells, merged
cells, boxes); the text layer's lines go into the cells that hold them, cut at column
rules by their characters' positions (`extractor.layout`, shared with OCR); each table
row becomes one line of cells joined by tabs. A merged cell's text is written once, in the
first row and column it covers; the positions it covers are empty strings. A cell's own
line breaks are joined (no newline inside a cell). Text outside the tables is kept as
lines, and tables and lines are ordered top to bottom. Every table is also kept as a
`Table` (cells with spans, text, box, offsets) in `Document.tables`, joined over pages
(`extractor.tables`); `Page.words` holds the text layer's lines with their boxes.

`Page.boxes` holds (start, end, x0, y0, x1, y1) for every cell and line written: offsets
into the page text and the box on the page in PDF points, in the page's displayed space
(`page.rect`, as `get_pixmap` renders it). A merged cell's box is the whole merged area.

Details: only ruled tables count (line-based detection, without PyMuPDF 2's layout-model
gate); a lone box (a frame round a page or a note) is not a table. A page is read in the
orientation in which most of its text runs left to right, so landscape forms stored
sideways on portrait pages read like upright ones. A glyph printed twice at the same spot
(fake bold) is kept once.

A page without a usable text layer is kept with empty text, `needs_ocr=True` and a note in
`Document.notes` (a blank page gets a note but no OCR flag); a page MuPDF cannot parse is
treated the same way. Input that cannot be read raises `InputError` with the reason.

Only CJK compatibility ideographs and radicals are normalised here (年 U+F98E → 年 U+5E74,
⼯ U+2F2F → 工); full-width punctuation is left for the normaliser stage.
"""

from __future__ import annotations

import inspect
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pymupdf

from extractor.document import Document, Page, Table, Word
from extractor.errors import InputError
from extractor.layout import (
    Grid,
    GridCell,
    Mark,
    PageLayout,
    Piece,
    clean_line,
    lay_out_page,
    stream_grids,
    union,
)
from extractor.ocr.model import OcrPage
from extractor.ocr.settings import DISABLED, OcrSettings, PageCallback
from extractor.tables import join_tables

MIN_TEXT_CHARS = 10  # fewer printable characters than this on an image page: needs OCR
IMAGE_COVER = 0.5  # share of the page covered by images that makes it a scanned page
PDF_MAGIC = b"%PDF-"
HEAD_BYTES = 1024  # the PDF header may follow a little junk; readers accept 1 KB of it

# MuPDF reports errors as RuntimeError / ValueError or, from its low-level binding, as
# FzErrorBase (an Exception subclass).
MUPDF_ERRORS: tuple[type[Exception], ...] = (
    RuntimeError,
    ValueError,
    getattr(getattr(pymupdf, "mupdf", None), "FzErrorBase", RuntimeError),
)

Rect = tuple[float, float, float, float]

# ---------------------------------------------------------------------------------------
# Page content


@dataclass
class _Char:
    c: str
    bbox: Rect
    line_key: tuple[int, int]  # (block, line) in MuPDF's reading of the page


# Geometry. MuPDF gives the text layer in the page's unrotated space and find_tables'
# cells in its displayed (rotated) space, and a landscape form may be stored sideways on
# a portrait page. So each page is read in a *reading space*: the page displayed with the
# quarter turn (0/90/180/270) that makes most of its text run left to right; the page's
# rotation is set to that turn while it is read (in memory only) and put back after.
# Boxes are reported in the page's own displayed space (`page.rect`, `get_pixmap`).

_TURNS = (0, 90, 180, 270)
_IDENTITY = pymupdf.Matrix(1, 0, 0, 1, 0, 0)


def _is_identity(m: pymupdf.Matrix) -> bool:
    return tuple(m) == (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _map_rect(rect: Sequence[float], m: pymupdf.Matrix) -> Rect:
    if _is_identity(m):
        return (rect[0], rect[1], rect[2], rect[3])
    r = pymupdf.Rect(rect) * m
    return (r.x0, r.y0, r.x1, r.y1)


def _reading_turn(lines: list[tuple[tuple[float, float], int]]) -> int:
    """The page rotation under which the main text direction (weighted by characters)
    runs left to right; `lines` holds (direction, character count) pairs in the unrotated
    space. A page rotation of r degrees turns directions by `Matrix(r)`."""
    votes: dict[tuple[int, int], int] = {}
    for (dx, dy), count in lines:
        if max(abs(dx), abs(dy)) > 0.9:
            key = (round(dx), round(dy))
            votes[key] = votes.get(key, 0) + count
    if not votes:
        return 0
    dx, dy = max(votes.items(), key=lambda item: item[1])[0]
    return next((t for t in _TURNS if (pymupdf.Point(dx, dy) * pymupdf.Matrix(t)).x > 0.5), 0)


RawChar = tuple[dict, tuple[int, int]]


def _raw_chars(page: pymupdf.Page) -> tuple[list[RawChar], int]:
    """The characters of the text layer (unrotated space) and the reading turn."""
    flags = pymupdf.TEXTFLAGS_RAWDICT & ~pymupdf.TEXT_PRESERVE_IMAGES
    raw: list[RawChar] = []
    dirs: list[tuple[tuple[float, float], int]] = []
    for b, block in enumerate(page.get_text("rawdict", flags=flags)["blocks"]):
        for n, line in enumerate(block.get("lines", [])):
            line_chars = [ch for span in line["spans"] for ch in span["chars"]]
            dirs.append((tuple(line["dir"]), len(line_chars)))  # type: ignore[arg-type]
            raw.extend((ch, (b, n)) for ch in line_chars)
    return raw, _reading_turn(dirs)


def _reading_chars(raw: list[RawChar], to_reading: pymupdf.Matrix) -> list[_Char]:
    """Characters in reading space; a glyph printed twice at (almost) the same place, the
    way some exporters fake bold type, is kept once."""
    chars: list[_Char] = []
    seen: dict[tuple[str, int, int], Rect] = {}
    for ch, key in raw:
        bbox = _map_rect(ch["bbox"], to_reading)
        if _printed_twice(ch["c"], bbox, seen):
            continue
        seen[(ch["c"], round(bbox[0]), round(bbox[1]))] = bbox
        chars.append(_Char(_unmapped(ch["c"]), bbox, key))
    return chars


def _printed_twice(c: str, bbox: Rect, seen: dict[tuple[str, int, int], Rect]) -> bool:
    x, y = round(bbox[0]), round(bbox[1])
    width, height = bbox[2] - bbox[0], bbox[3] - bbox[1]
    for dx in (-1, 0, 1):
        for dy in (-1, 0, 1):
            other = seen.get((c, x + dx, y + dy))
            if other is not None and (
                abs(other[0] - bbox[0]) < 0.3 * width and abs(other[1] - bbox[1]) < 0.3 * height
            ):
                return True
    return False


def _unmapped(c: str) -> str:
    """A glyph without a Unicode mapping comes out as a control character; show it."""
    if len(c) == 1 and unicodedata.category(c) == "Cc" and not c.isspace():
        return "\ufffd"
    return c


def _pieces(chars: list[_Char]) -> list[Piece]:
    """The text layer's lines as pieces, each character marked where it is printed (so a
    line that runs over two table cells is cut exactly at the rule)."""
    by_key: dict[tuple[int, int], list[_Char]] = {}
    for ch in chars:
        by_key.setdefault(ch.line_key, []).append(ch)
    pieces = []
    for group in by_key.values():
        group.sort(key=lambda c: c.bbox[0])
        text = "".join(c.c for c in group)
        if not text.strip():
            continue
        marks = [Mark(i, i + 1, c.bbox[0], c.bbox[2]) for i, c in enumerate(group)]
        pieces.append(Piece(text, union([c.bbox for c in group]), None, marks))
    return pieces


def _table_options() -> dict[str, bool]:
    """Ruled tables only: PyMuPDF 2 gates line-found tables by its layout model by default
    (slow, and it drops small or sparse grids); older versions have no such option."""
    params = inspect.signature(pymupdf.table.find_tables).parameters
    return {"use_layout": False} if "use_layout" in params else {}


_TABLE_OPTIONS = _table_options()


def _spans(starts: list[float | None], x0: float, x1: float, first: int) -> int:
    """How many grid lines from `first` on lie inside [x0, x1): the cell's span."""
    span = 1
    for pos in starts[first + 1 :]:
        if pos is not None and pos >= x1 - 1.0:
            break
        span += 1
    return span


def _grid_of(table: pymupdf.table.Table) -> Grid | None:
    """A `find_tables` table as a layout grid: each cell once, with its spans."""
    rows = [row.cells for row in table.rows]
    n_rows, n_cols = len(rows), max((len(r) for r in rows), default=0)
    col_x: list[float | None] = [
        min((r[c][0] for r in rows if c < len(r) and r[c] is not None), default=None)
        for c in range(n_cols)
    ]
    row_y: list[float | None] = [
        min((c[1] for c in r if c is not None), default=None) for r in rows
    ]
    cells = []
    for i, row in enumerate(rows):
        for j, box in enumerate(row):
            if box is None:
                continue
            rect = _map_rect(box, _IDENTITY)
            cols = _spans(col_x, rect[0], rect[2], j)
            spans = _spans(row_y, rect[1], rect[3], i)
            cells.append(GridCell(i, j, spans, min(cols, n_cols - j), rect))
    if len(cells) <= 1:  # a frame round a page or a note is not a table
        return None
    return Grid(_map_rect(table.bbox, _IDENTITY), n_rows, n_cols, cells)


def _find_grids(page: pymupdf.Page) -> list[Grid]:
    """Ruled tables of the page, in its displayed space (the reading space while read)."""
    grids = (_grid_of(t) for t in page.find_tables(**_TABLE_OPTIONS).tables)
    return [g for g in grids if g is not None]


# ---------------------------------------------------------------------------------------
# OCR need


def _image_cover(page: pymupdf.Page) -> float:
    area = abs(page.rect)
    if not area:
        return 0.0
    covered = 0.0
    for info in page.get_image_info():
        rect = pymupdf.Rect(info["bbox"]) & page.rect
        covered += abs(rect)
    return min(covered / area, 1.0)


def _ocr_note(page: pymupdf.Page, number: int, printable: int) -> tuple[bool, str | None]:
    """Decide whether the page needs OCR: (needs_ocr, note)."""
    if printable >= MIN_TEXT_CHARS:
        return False, None
    cover = _image_cover(page)
    if printable == 0:
        if cover == 0 and not page.get_drawings():
            return False, f"第{number}页是空白页（没有文字、图像或图形）"
        return True, f"第{number}页无文字层，需要OCR（OCR 尚未启用）"
    if cover >= IMAGE_COVER:
        return True, (
            f"第{number}页几乎没有文字层（只有{printable}个字符，页面主要是图像），"
            "需要OCR（OCR 尚未启用）"
        )
    return False, None


# ---------------------------------------------------------------------------------------
# OCR branch (extractor.ocr): taken only when the caller's `OcrSettings` turn it on


def _ocr_reason(
    settings: OcrSettings, needs_ocr: bool, printable: int, note: str | None, raw: list[RawChar]
) -> str | None:
    """Why the page is to be OCR'd, or None to read its text layer as before."""
    if not settings.enabled:
        return None
    blank = not needs_ocr and not printable and note is not None
    layer = "".join(ch["c"] for ch, _ in raw) if printable and not needs_ocr else ""
    from extractor.ocr.reader import ocr_reason

    return ocr_reason(settings, needs_ocr, blank, layer)


def _ocr_read(
    page: pymupdf.Page, number: int, settings: OcrSettings, reason: str
) -> tuple[Page, list[str], list[Table]]:
    from extractor.ocr.reader import read_page_by_ocr

    return read_page_by_ocr(page, number, settings, reason)


def _ocr_unparsable(
    doc: pymupdf.Document, index: int, settings: OcrSettings, note: str
) -> tuple[Page, list[str], list[Table]]:
    """A page whose content MuPDF cannot parse may still render: try OCR on it."""
    try:
        page, notes, tables = _ocr_read(doc[index], index + 1, settings, "unparsable")
    except MUPDF_ERRORS:
        return Page(number=index + 1, text="", needs_ocr=True), [note], []
    return page, notes if page.text or notes else [note], tables


# ---------------------------------------------------------------------------------------
# Reading


def _open_pdf(path: Path) -> pymupdf.Document:
    if not path.exists():
        raise InputError(f"文件不存在：{path}")
    if not path.is_file():
        raise InputError(f"不是文件：{path}")
    if path.stat().st_size == 0:
        raise InputError("文件为空（0 字节），不是有效的 PDF")
    with path.open("rb") as handle:
        head = handle.read(HEAD_BYTES)
    if PDF_MAGIC not in head:
        raise InputError("不是 PDF 文件（文件开头没有 %PDF- 标记）")
    try:
        doc = pymupdf.open(path, filetype="pdf")
    except MUPDF_ERRORS as exc:
        raise InputError(f"PDF 文件已损坏，无法打开（{exc}）") from exc
    if doc.needs_pass:
        doc.close()
        raise InputError("PDF 已加密，需要密码才能打开")
    if doc.page_count == 0:
        doc.close()
        raise InputError("PDF 没有任何页面")
    return doc


def _read_layout(
    page: pymupdf.Page,
    raw: list[RawChar],
    to_shown: pymupdf.Matrix,
    number: int,
    notes: list[str],
) -> tuple[PageLayout, list[Word]]:
    """Row text and tables of a page whose rotation is the reading turn; boxes mapped to
    the page's displayed space with `to_shown` (unrotated → displayed)."""
    pieces = _pieces(_reading_chars(raw, page.rotation_matrix))
    try:
        grids = _find_grids(page)
    except Exception as exc:  # a table finder failure must not lose the page's text
        notes.append(f"第{number}页表格识别失败（{exc}），按普通文字读取")
        grids = []
    if not grids:  # no ruled table: a table printed without rules is read by position
        grids = stream_grids([p for p in pieces if p.text.strip()])
    to_page = page.derotation_matrix * to_shown

    def mapped(rect: Rect) -> Rect:
        return _map_rect(rect, to_page)

    layout = lay_out_page(pieces, grids, page=number, to_page=mapped, joiner="", source="pdf")
    words = [Word(text=clean_line(p.text), box=mapped(p.rect)) for p in pieces]
    return layout, words


PageRead = tuple[Page, list[str], list[Table]]


def _read_page(page: pymupdf.Page, number: int, settings: OcrSettings) -> PageRead:
    notes: list[str] = []
    raw, turn = _raw_chars(page)
    printable = sum(1 for ch, _ in raw if not ch["c"].isspace())
    needs_ocr, note = _ocr_note(page, number, printable)
    reason = _ocr_reason(settings, needs_ocr, printable, note, raw)
    if reason is not None:
        return _ocr_read(page, number, settings, reason)
    if note:
        notes.append(note)
    if needs_ocr or not printable:
        return Page(number=number, text="", needs_ocr=needs_ocr), notes, []
    rotation, to_shown = page.rotation, page.rotation_matrix
    if turn != rotation:
        page.set_rotation(turn)
    try:
        layout, words = _read_layout(page, raw, to_shown, number, notes)
    finally:
        if turn != rotation:
            page.set_rotation(rotation)
    unmapped = layout.text.count("\ufffd")
    if unmapped:
        notes.append(f"第{number}页有{unmapped}个字符无法映射到 Unicode（显示为 \ufffd）")
    read = Page(number=number, text=layout.text, boxes=layout.boxes, words=words)
    return read, notes, layout.tables


def _read_page_safely(doc: pymupdf.Document, index: int, settings: OcrSettings) -> PageRead:
    """A page MuPDF cannot parse is kept, empty and marked for OCR, with a note."""
    number = index + 1
    try:
        return _read_page(doc[index], number, settings)
    except MUPDF_ERRORS as exc:
        note = f"第{number}页内容无法解析（{exc}），需要OCR（OCR 尚未启用）"
        if settings.enabled:
            return _ocr_unparsable(doc, index, settings, note)
        return Page(number=number, text="", needs_ocr=True), [note], []


def read_pdf(
    path: Path,
    doc_id: str,
    sha256: str,
    ocr: OcrSettings = DISABLED,
    on_page: PageCallback | None = None,
) -> Document:
    """Read a PDF's text layer page by page into row text (see the module docstring);
    pages are OCR'd as `ocr` says (default: never); `on_page` is told of each page."""
    path = Path(path)
    return read_opened(_open_pdf(path), path, doc_id, sha256, ocr=ocr, on_page=on_page)


def read_opened(
    doc: pymupdf.Document,
    path: Path,
    doc_id: str,
    sha256: str,
    ocr: OcrSettings = DISABLED,
    on_page: PageCallback | None = None,
) -> Document:
    """Read an open PDF (from a file, or made from images) and close it."""
    notes: list[str] = []

    if doc.is_repaired:
        notes.append("PDF 文件结构有损坏，已自动修复后读取，内容可能不完整")
    pages: list[Page] = []
    tables: list[list[Table]] = []
    with doc:
        for index in range(doc.page_count):
            page, page_notes, page_tables = _read_page_safely(doc, index, ocr)
            pages.append(page)
            tables.append(page_tables)
            notes.extend(page_notes)
            if on_page is not None:
                on_page(index + 1, doc.page_count, isinstance(page, OcrPage))
    if ocr.enabled:
        from extractor.ocr.reader import finish_document

        finish_document(pages, notes, ocr)
    return Document(
        doc_id=doc_id,
        path=str(path),
        sha256=sha256,
        pages=pages,
        notes=notes,
        tables=join_tables(pages, tables),
    )
