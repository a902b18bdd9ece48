"""Read a text-layer PDF into a `Document` of pages with row text.

Forms in these reports are ruled tables. Their plain text comes out one cell per line,
with empty cells dropped and a merged cell's label printed in the middle of its rows, so
the reader rebuilds the table instead: `page.find_tables()` gives the grid (cells, merged
cells, boxes); every character of the text layer is put into the cell that holds its
centre; each table row becomes one line of cells joined by tabs. A merged cell's text is
written once, in the first row and column it covers; the positions it covers are empty
strings. A cell's own line breaks are joined (no newline inside a cell). Text outside the
tables is kept as lines, and tables and lines are ordered top to bottom.

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
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pymupdf

from extractor.document import Document, Page
from extractor.errors import InputError
from extractor.ocr.model import OcrPage
from extractor.ocr.settings import DISABLED, OcrSettings, PageCallback

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

Box = tuple[int, int, float, float, float, float]
Rect = tuple[float, float, float, float]

# ---------------------------------------------------------------------------------------
# Text helpers (shared with the markup reader)

# CJK compatibility ideographs (and supplement), Kangxi radicals, CJK radicals supplement:
# PDF fonts map some glyphs to these code points; NFKC gives the unified ideograph.
_COMPAT_RANGES = ((0x2E80, 0x2EFF), (0x2F00, 0x2FDF), (0xF900, 0xFAFF), (0x2F800, 0x2FA1F))


def _compat_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for low, high in _COMPAT_RANGES:
        for code in range(low, high + 1):
            unified = unicodedata.normalize("NFKC", chr(code))
            if unified != chr(code) and len(unified) == 1:
                table[code] = unified
    return table


_COMPAT = _compat_table()


def fix_compat_ideographs(text: str) -> str:
    """Replace CJK compatibility ideographs / radicals by their unified forms (NFKC on
    those code points only; every other character is left as it is). Keeps the length."""
    return text.translate(_COMPAT)


def _is_wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


# Layout whitespace: ASCII whitespace and no-break spaces. The ideographic space U+3000
# is text (paragraph indents, "合　计") and is left for the normaliser.
_SPACES = re.compile(r"[ \t\n\r\f\v\u00a0]+")


def squeeze(text: str) -> str:
    """Collapse runs of layout whitespace to one space and strip them at both ends."""
    return _SPACES.sub(" ", text).strip(" ")


def join_cell_lines(lines: Iterable[str]) -> str:
    """Join the lines of one cell: nothing between Chinese text (a wrapped line), one
    space between two Latin / digit ends ("Data" + "Center")."""
    out = ""
    for raw in lines:
        line = squeeze(raw)
        if not line:
            continue
        if out and not _is_wide(out[-1]) and not _is_wide(line[0]):
            out += " "
        out += line
    return out


def clean_line(text: str) -> str:
    """One output line: no tabs or line breaks inside, runs of spaces collapsed."""
    return fix_compat_ideographs(squeeze(text))


# ---------------------------------------------------------------------------------------
# Page content


@dataclass
class _Char:
    c: str
    bbox: Rect
    baseline: float
    line_key: tuple[int, int]  # (block, line) in MuPDF's reading of the page

    @property
    def cx(self) -> float:
        return (self.bbox[0] + self.bbox[2]) / 2

    @property
    def cy(self) -> float:
        return (self.bbox[1] + self.bbox[3]) / 2

    @property
    def height(self) -> float:
        return max(self.bbox[3] - self.bbox[1], 1.0)


@dataclass
class _Cell:
    bbox: Rect
    chars: list[_Char] = field(default_factory=list)


BAND = 24.0  # height of the bands cells are indexed by (points)


@dataclass
class _Grid:
    bbox: Rect
    rows: list[list[_Cell | None]]
    bands: dict[int, list[_Cell]] = field(default_factory=dict)

    def cells(self) -> Iterable[_Cell]:
        return (cell for row in self.rows for cell in row if cell is not None)

    def index(self) -> None:
        """Index cells by horizontal band, so a character is tested against few cells."""
        for cell in self.cells():
            for band in range(int(cell.bbox[1] // BAND), int(cell.bbox[3] // BAND) + 1):
                self.bands.setdefault(band, []).append(cell)

    def cell_at(self, x: float, y: float) -> _Cell | None:
        return next(
            (c for c in self.bands.get(int(y // BAND), []) if _contains(c.bbox, x, y)), None
        )


@dataclass
class _Line:
    text: str
    bbox: Rect


def _contains(rect: Rect, x: float, y: float) -> bool:
    return rect[0] <= x <= rect[2] and rect[1] <= y <= rect[3]


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
        baseline = (pymupdf.Point(ch["origin"]) * to_reading).y
        chars.append(_Char(_unmapped(ch["c"]), bbox, baseline, key))
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


def _table_options() -> dict[str, bool]:
    """Ruled tables only: PyMuPDF 2 gates line-found tables by its layout model by default
    (slow, and it drops small or sparse grids); older versions have no such option."""
    params = inspect.signature(pymupdf.table.find_tables).parameters
    return {"use_layout": False} if "use_layout" in params else {}


_TABLE_OPTIONS = _table_options()


def _find_grids(page: pymupdf.Page) -> list[_Grid]:
    """Ruled tables of the page, in its displayed space (the reading space while read)."""
    grids = []
    for table in page.find_tables(**_TABLE_OPTIONS).tables:
        rows = [
            [_Cell(_map_rect(cell, _IDENTITY)) if cell is not None else None for cell in row.cells]
            for row in table.rows
        ]
        if sum(cell is not None for row in rows for cell in row) > 1:  # not a frame
            grid = _Grid(_map_rect(table.bbox, _IDENTITY), rows)
            grid.index()
            grids.append(grid)
    return grids


def _place_chars(chars: list[_Char], grids: list[_Grid]) -> list[_Char]:
    """Put each character into the table cell holding its centre; return the others."""
    outside = []
    for ch in chars:
        if not any(_place_in_grid(ch, grid) for grid in grids):
            outside.append(ch)
    return outside


def _place_in_grid(ch: _Char, grid: _Grid) -> bool:
    if not _contains(grid.bbox, ch.cx, ch.cy):
        return False
    cell = grid.cell_at(ch.cx, ch.cy)
    if cell is not None:
        cell.chars.append(ch)
    return cell is not None


def _visual_lines(chars: Sequence[_Char]) -> list[list[_Char]]:
    """Group characters into lines by baseline, top to bottom, each left to right."""
    lines: list[list[_Char]] = []
    for ch in sorted(chars, key=lambda c: (c.baseline, c.bbox[0])):
        if lines and abs(lines[-1][0].baseline - ch.baseline) <= 0.4 * ch.height:
            lines[-1].append(ch)
        else:
            lines.append([ch])
    return [sorted(line, key=lambda c: c.bbox[0]) for line in lines]


def _cell_text(cell: _Cell) -> str:
    lines = ["".join(c.c for c in line) for line in _visual_lines(cell.chars)]
    return fix_compat_ideographs(join_cell_lines(lines))


def _outside_lines(chars: Sequence[_Char]) -> list[_Line]:
    """Lines of text outside the tables, one per visual row (pieces side by side on the
    same row joined by a space)."""
    by_key: dict[tuple[int, int], list[_Char]] = {}
    for ch in chars:
        by_key.setdefault(ch.line_key, []).append(ch)
    pieces = [_piece(group) for group in by_key.values()]
    pieces = sorted((p for p in pieces if p.text), key=lambda p: (p.bbox[1], p.bbox[0]))
    rows: list[list[_Line]] = []
    for piece in pieces:
        if rows and _same_row(rows[-1][0].bbox, piece.bbox):
            rows[-1].append(piece)
        else:
            rows.append([piece])
    return [_merge_row(row) for row in rows]


def _piece(group: list[_Char]) -> _Line:
    group = sorted(group, key=lambda c: c.bbox[0])
    bbox = (
        min(c.bbox[0] for c in group),
        min(c.bbox[1] for c in group),
        max(c.bbox[2] for c in group),
        max(c.bbox[3] for c in group),
    )
    return _Line(clean_line("".join(c.c for c in group)), bbox)


def _same_row(a: Rect, b: Rect) -> bool:
    overlap = min(a[3], b[3]) - max(a[1], b[1])
    return overlap > 0.5 * min(a[3] - a[1], b[3] - b[1])


def _merge_row(row: list[_Line]) -> _Line:
    row = sorted(row, key=lambda p: p.bbox[0])
    bbox = (
        min(p.bbox[0] for p in row),
        min(p.bbox[1] for p in row),
        max(p.bbox[2] for p in row),
        max(p.bbox[3] for p in row),
    )
    return _Line(" ".join(p.text for p in row), bbox)


# ---------------------------------------------------------------------------------------
# Page text


def _render(
    lines: list[_Line], grids: list[_Grid], to_page: pymupdf.Matrix
) -> tuple[str, list[Box]]:
    """Lines and tables top to bottom; a table row is one line of tab-separated cells.
    Boxes are mapped to the displayed page with `to_page`."""
    items: list[tuple[float, float, _Line | _Grid]] = [(ln.bbox[1], ln.bbox[0], ln) for ln in lines]
    items += [(g.bbox[1], g.bbox[0], g) for g in grids]
    out: list[str] = []
    boxes: list[Box] = []
    pos = 0
    for _, _, item in sorted(items, key=lambda i: (i[0], i[1])):
        rows = [_line_row(item)] if isinstance(item, _Line) else _grid_rows(item)
        for cells in rows:
            pos = _emit_row(cells, pos, out, boxes)
    if not _is_identity(to_page):
        boxes = [(s, e, *_map_rect(b, to_page)) for s, e, *b in boxes]
    return "\n".join(out), boxes


def _line_row(line: _Line) -> list[tuple[str, Rect | None]]:
    return [(line.text, line.bbox)]


def _grid_rows(grid: _Grid) -> list[list[tuple[str, Rect | None]]]:
    return [
        [(_cell_text(cell), cell.bbox) if cell is not None else ("", None) for cell in row]
        for row in grid.rows
    ]


def _emit_row(
    cells: list[tuple[str, Rect | None]], pos: int, out: list[str], boxes: list[Box]
) -> int:
    """Append one line; record a box per cell; return the offset of the next line."""
    parts = []
    start = pos
    for i, (text, rect) in enumerate(cells):
        if i:
            start += 1  # the tab
        if rect is not None:
            boxes.append((start, start + len(text), *rect))
        parts.append(text)
        start += len(text)
    out.append("\t".join(parts))
    return start + 1  # the newline


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
) -> tuple[Page, list[str]]:
    from extractor.ocr.reader import read_page_by_ocr

    return read_page_by_ocr(page, number, settings, reason)


def _ocr_unparsable(
    doc: pymupdf.Document, index: int, settings: OcrSettings, note: str
) -> tuple[Page, list[str]]:
    """A page whose content MuPDF cannot parse may still render: try OCR on it."""
    try:
        page, notes = _ocr_read(doc[index], index + 1, settings, "unparsable")
    except MUPDF_ERRORS:
        return Page(number=index + 1, text="", needs_ocr=True), [note]
    return page, notes if page.text or notes else [note]


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
) -> tuple[str, list[Box]]:
    """Row text of a page whose rotation is the reading turn; boxes mapped to the
    page's displayed space with `to_shown` (unrotated → displayed)."""
    chars = _reading_chars(raw, page.rotation_matrix)
    try:
        grids = _find_grids(page)
    except Exception as exc:  # a table finder failure must not lose the page's text
        notes.append(f"第{number}页表格识别失败（{exc}），按普通文字读取")
        grids = []
    outside = _place_chars(chars, grids)
    return _render(_outside_lines(outside), grids, page.derotation_matrix * to_shown)


def _read_page(page: pymupdf.Page, number: int, settings: OcrSettings) -> tuple[Page, list[str]]:
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
        return Page(number=number, text="", needs_ocr=needs_ocr), notes
    rotation, to_shown = page.rotation, page.rotation_matrix
    if turn != rotation:
        page.set_rotation(turn)
    try:
        text, boxes = _read_layout(page, raw, to_shown, number, notes)
    finally:
        if turn != rotation:
            page.set_rotation(rotation)
    unmapped = text.count("\ufffd")
    if unmapped:
        notes.append(f"第{number}页有{unmapped}个字符无法映射到 Unicode（显示为 \ufffd）")
    return Page(number=number, text=text, boxes=boxes), notes


def _read_page_safely(
    doc: pymupdf.Document, index: int, settings: OcrSettings
) -> tuple[Page, list[str]]:
    """A page MuPDF cannot parse is kept, empty and marked for OCR, with a note."""
    number = index + 1
    try:
        return _read_page(doc[index], number, settings)
    except MUPDF_ERRORS as exc:
        note = f"第{number}页内容无法解析（{exc}），需要OCR（OCR 尚未启用）"
        if settings.enabled:
            return _ocr_unparsable(doc, index, settings, note)
        return Page(number=number, text="", needs_ocr=True), [note]


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
    doc = _open_pdf(path)
    notes: list[str] = []
    if doc.is_repaired:
        notes.append("PDF 文件结构有损坏，已自动修复后读取，内容可能不完整")
    pages: list[Page] = []
    with doc:
        for index in range(doc.page_count):
            page, page_notes = _read_page_safely(doc, index, ocr)
            pages.append(page)
            notes.extend(page_notes)
            if on_page is not None:
                on_page(index + 1, doc.page_count, isinstance(page, OcrPage))
    if ocr.enabled:
        from extractor.ocr.reader import finish_document

        finish_document(pages, notes, ocr)
    return Document(doc_id=doc_id, path=str(path), sha256=sha256, pages=pages, notes=notes)
