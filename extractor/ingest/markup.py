"""Read the Markdown / HTML output of OCR tools (MinerU, PaddleOCR PP-Structure …).

Those tools print forms as HTML ``<table>``s with rowspan/colspan, inside a Markdown file
or an HTML page. Each table becomes row text, as in every other reader: one line per row,
cells joined by tabs, a spanned cell's text written once in its top-left position and the
positions it covers left empty. Text outside tables is kept as lines: tags stripped,
entities unescaped, ``<script>`` / ``<style>`` / ``<head>`` dropped; in Markdown the
heading marks, image links and emphasis marks are removed.

A table split over a page break prints its header row(s) again. Two tables with nothing
but whitespace (or a page marker) between them, the second starting with the first's
header row(s), are joined: the repeated header is dropped and the rows are placed where
the first table is (on its page), with a note in `Document.notes`.

Pages: one page per document, unless the markup has explicit page markers: a form feed,
an HTML comment ``<!-- page 3 -->`` / ``<!-- page: 3 -->`` / ``<!-- pagebreak -->``
(``page-break``, ``PageBreak``), or an element styled ``page-break-before: always`` /
``break-before: page``. A marker at the very start, or right after another marker, adds
no page; any other starts a new page (so pages keep their numbers even when a joined
table leaves one empty).

Decoding: a BOM or strict UTF-8 first, then a ``<meta charset>`` declaration, then
charset-normalizer, preferring a Chinese code page (GB18030 ⊃ GBK ⊃ GB2312, then Big5)
among its candidates, since short GBK texts are otherwise taken for Korean.

Parser: the standard library's `html.parser` (no extra dependency).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import charset_normalizer

from extractor.document import Document, Page, Table, TableCell
from extractor.errors import InputError
from extractor.layout import TITLE_LINES, clean_line, fix_compat_ideographs, join_cell_lines
from extractor.tables import join_tables

SUFFIXES = {".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".xhtml": "html"}
CHINESE_CODECS = ("gb18030", "gbk", "gb2312", "hz", "big5", "big5hkscs", "cp950")
MAX_CHAOS = 0.2  # charset-normalizer "mess" above which a Chinese candidate is refused
MAX_SPAN = 1000  # rowspan / colspan values are capped (browsers cap at 1000 / 65534)

BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "body", "br", "dd", "details", "div",
    "dl", "dt", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5",
    "h6", "header", "hr", "html", "li", "main", "nav", "ol", "p", "pre", "section",
    "summary", "ul",
}  # fmt: skip
SKIP_TAGS = {"script", "style", "head", "noscript", "template", "svg", "math"}
PAGE_COMMENT = re.compile(r"^\s*(?:page[\s_-]*break|page\s*[:=#]?\s*\d+)\s*$", re.IGNORECASE)
PAGE_STYLE = re.compile(r"(?:page-break-before|break-before)\s*:\s*(?:always|page)", re.I)
SPACES = re.compile(r"[ \t\n\r\f\v\u00a0]+")  # HTML whitespace, and &nbsp;
META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)


# ---------------------------------------------------------------------------------------
# Decoding


def decode_bytes(data: bytes, kind: str = "md") -> tuple[str, str]:
    """Decode a text file: (text, encoding name). Raises InputError when nothing fits."""
    for bom, name in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"),
                      (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF16_LE, "utf-16"),
                      (codecs.BOM_UTF16_BE, "utf-16")):  # fmt: skip
        if data.startswith(bom):
            return _decode(data, name), name
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    declared = _declared_charset(data) if kind == "html" else None
    if declared:
        try:
            return data.decode(declared), declared
        except (UnicodeDecodeError, LookupError):
            pass
    return _guess(data)


def _decode(data: bytes, name: str) -> str:
    try:
        return data.decode(name)
    except UnicodeDecodeError as exc:
        raise InputError(f"文件编码错误：按 {name} 解码失败（{exc.reason}）") from exc


def _declared_charset(data: bytes) -> str | None:
    match = META_CHARSET.search(data[:4096])
    if not match:
        return None
    name = match.group(1).decode("ascii").lower()
    return "gb18030" if name in ("gbk", "gb2312", "gb_2312-80", "x-gbk") else name


def _guess(data: bytes) -> tuple[str, str]:
    matches = list(charset_normalizer.from_bytes(data))
    chinese = [m for m in matches if m.encoding in CHINESE_CODECS and m.chaos <= MAX_CHAOS]
    chinese.sort(key=lambda m: (CHINESE_CODECS.index(m.encoding), m.chaos))
    best = chinese[0] if chinese else (matches[0] if matches else None)
    if best is None:
        raise InputError("无法识别文件编码（不是 UTF-8、GBK/GB18030 等文本编码），可能不是文本文件")
    name = "gb18030" if best.encoding in ("gbk", "gb2312") else best.encoding
    return data.decode(name, errors="replace"), name


# ---------------------------------------------------------------------------------------
# Parsing


class _PageBreak:
    """A page marker in the item stream."""


PAGE_BREAK = _PageBreak()


@dataclass
class _Cell:
    rowspan: int
    colspan: int
    lines: list[str] = field(default_factory=list)
    current: str = ""

    def text(self) -> str:
        return fix_compat_ideographs(join_cell_lines([*self.lines, self.current]))


@dataclass
class _Table:
    """A table as parsed: rows of cells (with spans); `grid()` gives the row text grid."""

    rows: list[list[_Cell]] = field(default_factory=list)
    caption: str = ""

    def grid(self) -> _Rows:
        return _grid(self.rows)


# A cell of a laid-out grid: row, column, row span, column span (its text is in the grid).
Placed = tuple[int, int, int, int]


@dataclass
class _Rows:
    """A table turned into its grid, in the item stream: the row text grid and where
    each cell sits (merged cells once, with their spans); `notes` say how it was joined."""

    rows: list[list[str]]
    cells: list[Placed] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


Item = str | _Rows | _PageBreak


def _span(value: str | None) -> int:
    try:
        number = int(str(value).strip())
    except ValueError:
        return 1
    return min(max(number, 1), MAX_SPAN)


def _grid(rows: list[list[_Cell]]) -> _Rows:
    """Lay out spanned cells: text in the top-left position, covered positions empty.
    Rowspans reaching past the last row are cut at the table's end."""
    filled: dict[tuple[int, int], str] = {}
    placed: list[Placed] = []
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while (r, c) in filled:
                c += 1
            rowspan = min(cell.rowspan, len(rows) - r)
            for dr in range(rowspan):
                for dc in range(cell.colspan):
                    filled[(r + dr, c + dc)] = ""
            filled[(r, c)] = cell.text()
            placed.append((r, c, rowspan, cell.colspan))
            c += cell.colspan
    width = max((c + 1 for _, c in filled), default=0)
    grid = [[filled.get((r, c), "") for c in range(width)] for r in range(len(rows))]
    return _Rows(grid, placed)


class _Parser(HTMLParser):
    """Turns markup into a stream of text lines, tables and page breaks."""

    def __init__(self, markdown: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.markdown = markdown
        self.items: list[Item] = []
        self.line = ""
        self.skip = 0
        self.tables: list[_Table] = []
        self.cell: list[_Cell | None] = []  # open cell of each open table
        self.in_caption = False
        self.fresh_page = True  # nothing written since the start or the last page break

    # -- tags ---------------------------------------------------------------------------

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIP_TAGS:
            self.skip += 1
            return
        if self.skip:
            return
        style = dict(attrs).get("style") or ""
        if PAGE_STYLE.search(style) and not self.tables:
            self._page_break()
        self._start(tag, dict(attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in SKIP_TAGS and not self.skip:
            self._start(tag, dict(attrs))
            if tag not in ("br", "hr", "img", "meta", "link", "input", "col", "wbr"):
                self._end(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIP_TAGS:
            self.skip = max(self.skip - 1, 0)
        elif not self.skip:
            self._end(tag)

    def _start(self, tag: str, attrs: dict[str, str | None]) -> None:
        if tag == "table":
            self._break_line()
            self.tables.append(_Table())
            self.cell.append(None)
        elif self.tables:
            self._start_in_table(tag, attrs)
        elif tag in BLOCK_TAGS:
            self._break_line()

    def _start_in_table(self, tag: str, attrs: dict[str, str | None]) -> None:
        table = self.tables[-1]
        if tag == "tr":
            self._close_cell()
            table.rows.append([])
        elif tag in ("td", "th"):
            self._close_cell()
            if not table.rows:
                table.rows.append([])
            cell = _Cell(_span(attrs.get("rowspan")), _span(attrs.get("colspan")))
            table.rows[-1].append(cell)
            self.cell[-1] = cell
        elif tag == "caption":
            self.in_caption = True
        elif tag in BLOCK_TAGS:
            self._cell_break()

    def _end(self, tag: str) -> None:
        if tag == "table" and self.tables:
            self._close_cell()
            self._end_table()
        elif tag in ("td", "th") and self.tables:
            self._close_cell()
        elif tag == "caption":
            self.in_caption = False
        elif tag in BLOCK_TAGS:
            if self.tables:
                self._cell_break()
            else:
                self._break_line()

    def _end_table(self) -> None:
        table = self.tables.pop()
        self.cell.pop()
        laid = table.grid()
        if self.tables:  # a table inside a cell: its rows become lines of that cell
            for row in laid.rows:
                self._cell_text(" ".join(cell for cell in row if cell))
                self._cell_break()
            return
        if table.caption.strip():
            self._emit(clean_line(table.caption))
        if laid.rows:
            self._emit(laid)

    def _close_cell(self) -> None:
        if self.cell and self.cell[-1] is not None:
            self.cell[-1] = None

    # -- text ---------------------------------------------------------------------------

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self.tables:
            if self.in_caption:
                self.tables[-1].caption += data
            else:
                self._cell_text(data)
            return
        parts = data.split("\f")
        for i, part in enumerate(parts):
            if i:
                self._page_break()
            self._text(part)

    def _text(self, data: str) -> None:
        if not self.markdown:
            self.line += SPACES.sub(" ", data)
            return
        pieces = data.split("\n")
        for i, piece in enumerate(pieces):
            if i:
                self._flush_line(keep_blank=True)
            self.line += piece

    def _cell_text(self, data: str) -> None:
        cell = self.cell[-1] if self.cell else None
        if cell is None:
            return  # text between cells (whitespace in <tr>) is not content
        cell.current += SPACES.sub(" ", data)

    def _cell_break(self) -> None:
        cell = self.cell[-1] if self.cell else None
        if cell is not None and cell.current.strip():
            cell.lines.append(cell.current)
            cell.current = ""

    def handle_comment(self, data: str) -> None:
        if not self.skip and not self.tables and PAGE_COMMENT.match(data):
            self._page_break()

    # -- lines and pages ----------------------------------------------------------------

    def _break_line(self) -> None:
        self._flush_line(keep_blank=False)

    def _flush_line(self, keep_blank: bool) -> None:
        line = self.line
        self.line = ""
        if line.strip() or keep_blank:
            self._emit(line)

    def _emit(self, item: Item) -> None:
        if not (isinstance(item, str) and not item.strip()):
            self.fresh_page = False
        self.items.append(item)

    def _page_break(self) -> None:
        """Markers at the very start, or right after another marker, add no page."""
        self._break_line()
        if not self.fresh_page:
            self.items.append(PAGE_BREAK)
            self.fresh_page = True

    def close(self) -> None:
        super().close()
        while self.tables:
            self._close_cell()
            self._end_table()
        self._break_line()


# ---------------------------------------------------------------------------------------
# Markdown leftovers

MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
MD_EMPHASIS = re.compile(r"\*\*|__")
MD_PIPE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")


def _clean_markdown(line: str) -> str:
    line = MD_HEADING.sub("", line)
    line = MD_IMAGE.sub("", line)
    return MD_EMPHASIS.sub("", line)


def _pipe_tables(items: list[Item]) -> list[Item]:
    """Markdown pipe tables (``| a | b |`` rows under a ``|---|---|`` rule) → rows."""
    out: list[Item] = []
    i = 0
    while i < len(items):
        item = items[i]
        nxt = items[i + 1] if i + 1 < len(items) else None
        if _is_pipe_row(item) and isinstance(nxt, str) and MD_PIPE_RULE.match(nxt):
            rows = [_pipe_cells(item)]  # type: ignore[arg-type]
            i += 2
            while i < len(items) and _is_pipe_row(items[i]):
                rows.append(_pipe_cells(items[i]))  # type: ignore[arg-type]
                i += 1
            width = max(len(r) for r in rows)
            grid = [r + [""] * (width - len(r)) for r in rows]
            cells = [(r, c, 1, 1) for r in range(len(grid)) for c in range(width)]
            out.append(_Rows(grid, cells))
            continue
        out.append(item)
        i += 1
    return out


def _is_pipe_row(item: Item) -> bool:
    return isinstance(item, str) and item.strip().startswith("|") and item.strip().endswith("|")


def _pipe_cells(line: str) -> list[str]:
    return [clean_line(cell) for cell in line.strip()[1:-1].split("|")]


# ---------------------------------------------------------------------------------------
# Joining tables split over pages


def _norm(row: list[str]) -> list[str]:
    return ["".join(cell.split()) for cell in row]


def _repeated_header(first: list[list[str]], second: list[list[str]]) -> int:
    """How many leading rows of `second` repeat the leading rows of `first` (0: none)."""
    if not first or not second or len(first[0]) != len(second[0]):
        return 0
    count = 0
    while (
        count < min(len(first), len(second))
        and any(second[count])
        and _norm(first[count]) == _norm(second[count])
    ):
        count += 1
    return count


def _join_split_tables(items: list[Item], notes: list[str]) -> list[Item]:
    out: list[Item] = []
    for item in items:
        if isinstance(item, _Rows):
            target, between = _previous_table(out)
            header = _repeated_header(target.rows, item.rows) if target else 0
            if target is not None and header:
                base = len(target.rows) - header
                target.cells.extend(
                    (r + base, c, rs, cs) for r, c, rs, cs in item.cells if r >= header
                )
                target.rows.extend(item.rows[header:])
                page_breaks = sum(1 for x in between if x is PAGE_BREAK)
                note = _join_note(target, header, page_breaks)
                notes.append(note)
                target.notes.append(note)
                continue
        out.append(item)
    return out


def _previous_table(out: list[Item]) -> tuple[_Rows | None, list[Item]]:
    """The last table in `out` if only blank lines / page breaks follow it."""
    between: list[Item] = []
    for item in reversed(out):
        if isinstance(item, _Rows):
            return item, between
        if isinstance(item, str) and item.strip():
            return None, []
        between.append(item)
    return None, []


def _join_note(table: _Rows, header: int, page_breaks: int) -> str:
    title = "、".join(cell for cell in table.rows[0] if cell)[:30]
    where = "跨页" if page_breaks else "相邻"
    return f"{where}的表格（表头：{title}）已合并为一张表，删去了重复的 {header} 行表头"


# ---------------------------------------------------------------------------------------
# Pages


# A line of page text; table rows carry their table and row index.
_Line = tuple[str, _Rows | None, int]


def _pages(items: list[Item], markdown: bool) -> list[list[_Line]]:
    pages: list[list[_Line]] = [[]]
    for item in items:
        if item is PAGE_BREAK:
            pages.append([])
        elif isinstance(item, _Rows):
            pages[-1].extend(("\t".join(row), item, r) for r, row in enumerate(item.rows))
        elif isinstance(item, str):
            line = _clean_markdown(item) if markdown else item
            pages[-1].append((clean_line(line), None, 0))
    if len(pages) > 1 and not any(line.strip() for line, _, _ in pages[-1]):
        pages.pop()
    return [_tidy(lines) for lines in pages]


def _tidy(lines: list[_Line]) -> list[_Line]:
    """Drop leading/trailing blank lines and runs of blank lines."""
    out: list[_Line] = []
    for line in lines:
        if line[0].strip() or (out and out[-1][0].strip()):
            out.append(line if line[0].strip() else ("", None, 0))
    while out and not out[-1][0].strip():
        out.pop()
    return out


def _page_tables(lines: list[_Line], number: int) -> tuple[str, list[Table]]:
    """A page's text and its tables, every cell pointing at where it was written."""
    tables: dict[int, Table] = {}
    titles: list[str] = []
    pos = 0
    for text, rows, r in lines:
        if rows is None:
            if text.strip():
                titles.append(text)
        else:
            table = tables.get(id(rows))
            if table is None:
                table = tables[id(rows)] = Table(
                    n_rows=len(rows.rows),
                    n_cols=len(rows.rows[0]) if rows.rows else 0,
                    cells=[],
                    title=titles[-TITLE_LINES:],
                    pages=[number],
                    source="markup",
                    notes=list(rows.notes),
                )
                titles = []
            table.cells.extend(_row_cells(rows, r, number, pos))
        pos += len(text) + 1
    return "\n".join(text for text, _, _ in lines), list(tables.values())


def _row_cells(rows: _Rows, r: int, number: int, pos: int) -> list[TableCell]:
    cells = []
    starts = [0]
    for text in rows.rows[r]:
        starts.append(starts[-1] + len(text) + 1)
    for row, col, row_span, col_span in rows.cells:
        if row == r:
            text = rows.rows[r][col]
            start = pos + starts[col]
            cells.append(
                TableCell(
                    row=r,
                    col=col,
                    row_span=row_span,
                    col_span=col_span,
                    text=text,
                    page=number,
                    start=start,
                    end=start + len(text),
                )
            )
    return cells


# ---------------------------------------------------------------------------------------
# Reading


def _read_bytes(path: Path) -> tuple[bytes, str]:
    if not path.exists():
        raise InputError(f"文件不存在：{path}")
    if not path.is_file():
        raise InputError(f"不是文件：{path}")
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise InputError(f"不支持的文件类型“{path.suffix}”：只读 .md / .html 文件")
    data = path.read_bytes()
    if not data:
        raise InputError("文件为空（0 字节）")
    wide_bom = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_BE)
    if b"\x00" in data[:4096] and not data.startswith(wide_bom):
        raise InputError("不是文本文件（含有二进制内容），无法按 Markdown/HTML 读取")
    return data, kind


def parse_markup(text: str, markdown: bool) -> tuple[list[str], list[str]]:
    """Markup text → (page texts, notes)."""
    pages, _, notes = parse_markup_tables(text, markdown)
    return pages, notes


def parse_markup_tables(
    text: str, markdown: bool
) -> tuple[list[str], list[list[Table]], list[str]]:
    """Markup text → (page texts, each page's tables, notes)."""
    parser = _Parser(markdown)
    parser.feed(text.replace("\r\n", "\n").replace("\r", "\n"))
    parser.close()
    items = _pipe_tables(parser.items) if markdown else parser.items
    notes: list[str] = []
    items = _join_split_tables(items, notes)
    laid = [_page_tables(lines, i + 1) for i, lines in enumerate(_pages(items, markdown))]
    return [t for t, _ in laid], [tables for _, tables in laid], notes


def read_markup(path: Path, doc_id: str, sha256: str) -> Document:
    """Read a .md / .html file from an OCR tool into row text (see the module docstring)."""
    path = Path(path)
    data, kind = _read_bytes(path)
    text, encoding = decode_bytes(data, kind)
    texts, tables, notes = parse_markup_tables(text, markdown=kind == "md")
    if not any(page.strip() for page in texts):
        raise InputError("文件中没有可读的文字内容")
    if "\ufffd" in text:
        notes.append(f"文件按 {encoding} 解码时有无法识别的字节，已替换为 \ufffd")
    pages = [Page(number=i + 1, text=t) for i, t in enumerate(texts)]
    return Document(
        doc_id=doc_id,
        path=str(path),
        sha256=sha256,
        pages=pages,
        encoding=encoding,
        notes=notes,
        tables=join_tables(pages, tables),
    )
