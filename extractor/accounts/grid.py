"""Final-accounts tables read from their grids (`Document.tables`).

A ruled PDF table, an HTML table and the ruling-line grid of a scan all come with their
cells' rows, columns and spans (`extractor.document.Table`), so every amount is read
under the column whose header it sits beneath, wherever the text layer printed it.

- **Which tables**: a grid a reader laid out (ruled PDF, HTML, OCR ruling lines — not the
  flat OCR text's tab rows, which `reader.read_tables` reads line by line) whose title
  lines (`Table.title`, or a title cell across the top of the grid) name one of the
  template's tables by its words, with or without 表N (`titles.read_title`). A table
  without a printed number takes its place in the printed order. A grid titled
  "…（续）" with the same title continues that table.
- **Header**: the rows above the first data row (an amount, a 科目编码, a 合计 or a
  numbered 项目), plus a 栏次 row. Each column's header is its cells top to bottom
  (merged cells counted once); its role is read from the lowest one: 编码/类/款/项 →
  code, 科目名称/项目 → name, 行次 → 行次, anything else → an amount column whose label
  is that lowest header (a group header above it — 本年支出, 收入, 公务用车购置及运行
  维护费 — left out). Under an item printed as 预算数 | 决算数 the column takes the
  item's label (三公: 合计, 合计, 因公出国（境）费, …). A label printed in the first data
  row under a group header (本年支出 → 合计 | 基本支出 | 项目支出 beside the 合计 row)
  is a header too.
- **Segments**: a name column after amount columns starts a new segment: two *sides*
  when the header over them says 收入 and 支出 (表1, 表4: two records), else *groups* of
  one list printed side by side (表6: one record, group after group).
- **Rows**: every row with a code, a name, a 行次 or an amount; 科目编码 digits joined
  over 类/款/项 cells or split from a name they were glued to (`codes.CodeReader`);
  amounts with thousands separators; "—" and empty cells are null.
- **Notes**: the lines printed under the table: formulas (`formulas.parse_formulas`)
  and the 备注 / 说明 sentence (e.g. "…本年度没有…，故本表无数据。") as `remark`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractor.accounts.codes import CodeReader, fragments_of, list_family
from extractor.accounts.formulas import Formula, belongs_to, parse_formulas
from extractor.accounts.labels import build_label
from extractor.accounts.text import parse_amount
from extractor.accounts.titles import UNIT, TitleText, read_title
from extractor.document import Document, Table, TableCell, Word
from extractor.models import AccountColumn, AccountRow, AccountTable, Span
from extractor.normalize import normalize_text, squash

_AMOUNT = re.compile(r"^-?\d{1,3}(?:[,，]\d{3})+(?:[.．]\d+)?$|^-?\d+[.．]\d+$")
_INTEGER = re.compile(r"^-?\d{1,3}(?:[,，]\d{3})+$|^-?\d+$")
_CODE = re.compile(r"^[235]\d{2}(?:\d{2}){0,2}$")
_GLUED_CODE = re.compile(r"^([235]\d{2}(?:\d{2}){0,2})\s*(?=[\u3400-\u9fff])")
_NUMBERED = re.compile(r"^[一二三四五六七八九十]+[、.．]")
_TOTAL_NAME = re.compile(r"(合计|总计|小计)$")
_DASH = re.compile(r"^[-—–－_/\\]+$")
_CODE_WORDS = ("编码", "代码", "科目编")
_CODE_LETTERS = ("类", "款", "项")
_NAME_WORDS = ("科目名称", "项目名称", "名称", "项目", "科目")
_LINE_WORDS = ("行次",)
_MEASURES = ("预算数", "决算数", "预算", "决算")
_SIDES = ("收入", "支出")
_REMARK = re.compile(r"^(?:备\s*注|说\s*明)\s*[:：]\s*")
_NOTE_START = re.compile(r"^注\s*[:：]")
_SECTION = re.compile(
    r"^(第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)])"
)


def _key(text: str) -> str:
    return squash(normalize_text(text).text)


def _is_amount(text: str) -> bool:
    return bool(_AMOUNT.match(_key(text)))


def _is_code(text: str) -> bool:
    return bool(_CODE.match(_key(text)))


@dataclass
class _Column:
    index: int  # grid column
    role: str  # code | name | line | value
    fragments: list[tuple[str, int]] = field(default_factory=list)  # (text, col_span)
    number: int | None = None  # 栏次


@dataclass
class _Segment:
    columns: list[_Column]
    side: str | None = None

    @property
    def values(self) -> list[_Column]:
        return [c for c in self.columns if c.role == "value"]

    def role(self, role: str) -> list[_Column]:
        return [c for c in self.columns if c.role == role]


@dataclass
class _Read:
    title: TitleText
    unit: str
    segments: list[_Segment]
    rows: list[list[AccountRow]]  # per segment
    formulas: list[Formula]
    remark: str | None
    span: Span | None
    table: Table
    header_rows: int


# --- header ---------------------------------------------------------------------------------


def _lanci_row(row: list[TableCell]) -> dict[int, int] | None:
    """Grid column → 栏次 number when the row is a 栏次 row ("栏次 | 1 | 2 …", "1 | 2 …")."""
    filled = [(c.col, _key(c.text)) for c in row if _key(c.text)]
    numbers = [(col, int(text)) for col, text in filled if text.isdigit() and len(text) <= 2]
    others = [text for _, text in filled if not (text.isdigit() and len(text) <= 2)]
    if any(text not in ("栏次", "行次", *_CODE_LETTERS) for text in others) or len(numbers) < 2:
        return None
    values = [n for _, n in numbers]
    if values[0] != 1 or values != list(range(1, len(values) + 1)):
        return None
    return dict(numbers)


def _is_data_row(row: list[TableCell], label_columns: set[int]) -> bool:
    """A row with an amount or a leading 科目编码; or one whose first cell — under a
    项目/科目名称/编码 header — is a 合计 or a numbered 项目 (an empty table's rows). A
    合计 under an amount header is a column label (三公: 合计 | 因公出国（境）费 …)."""
    filled = [c for c in row if _key(c.text)]
    if not filled:
        return False
    texts = [_key(c.text) for c in filled]
    if any(_AMOUNT.match(t) for t in texts) or _is_code(texts[0]):
        return True
    first = texts[0]
    named = bool(_NUMBERED.match(first)) or first in ("合计", "总计") or first.endswith("合计")
    return named and filled[0].col in label_columns


def _header_rows(table: Table) -> tuple[int, dict[int, int]]:
    """How many rows the header takes, and the 栏次 numbers when a 栏次 row is printed."""
    lanci: dict[int, int] = {}
    label_columns: set[int] = set()
    for r, row in enumerate(table.rows()):
        numbers = _lanci_row(row)
        if numbers is not None:
            lanci = numbers
            continue
        if _is_data_row(row, label_columns):
            return r, lanci
        for cell in row:
            text = _key(cell.text)
            if any(w in text for w in (*_NAME_WORDS, *_CODE_WORDS)) and len(text) <= 12:
                label_columns.update(range(cell.col, cell.col + cell.col_span))
    return table.n_rows, lanci


def _fragments(table: Table, header: int) -> dict[int, list[tuple[str, int]]]:
    """Each grid column's header cells, top to bottom, a merged cell once."""
    grid = table.grid()
    found: dict[int, list[tuple[str, int]]] = {c: [] for c in range(table.n_cols)}
    for c in range(table.n_cols):
        seen: set[int] = set()
        for r in range(header):
            cell = grid[r][c]
            if cell is None or id(cell) in seen:
                continue
            seen.add(id(cell))
            text = _key(cell.text)
            if text and text != "栏次" and not text.isdigit():
                found[c].append((text, cell.col_span))
    return found


def _role(fragments: list[tuple[str, int]], data: list[str]) -> str:
    if fragments:
        lowest = fragments[-1][0]
        if any(w in lowest for w in _CODE_WORDS) or lowest in _CODE_LETTERS:
            return "code"
        if any(w in lowest for w in _LINE_WORDS):
            return "line"
        if lowest in _NAME_WORDS or lowest.endswith("名称"):
            return "name"
        return "value"
    filled = [t for t in data if t]
    if not filled:
        return "value"
    if sum(_is_code(t) for t in filled) * 2 > len(filled):
        return "code"
    if sum(_is_amount(t) or t in ("-", "—") for t in filled) * 2 >= len(filled):
        return "value"
    return "name"


def _segments(columns: list[_Column]) -> list[_Segment]:
    segments: list[_Segment] = []
    current: list[_Column] = []
    for column in columns:
        if column.role in ("code", "name") and any(c.role == "value" for c in current):
            segments.append(_Segment(current))
            current = []
        current.append(column)
    if current:
        segments.append(_Segment(current))
    return [s for s in segments if s.values]


def _sides(table: Table, header: int, segments: list[_Segment]) -> None:
    """收入 / 支出 printed over two segments (表1, 表4)."""
    if len(segments) != 2:
        return
    grid = table.grid()
    labels: list[str | None] = []
    for segment in segments:
        first = segment.columns[0].index
        words = {_key(grid[r][first].text) for r in range(header) if grid[r][first] is not None}  # type: ignore[union-attr]
        side = next((s for s in _SIDES for w in words if w == s or w.startswith(s)), None)
        labels.append(side)
    if labels == ["收入", "支出"]:
        segments[0].side, segments[1].side = "收入", "支出"


def _label(column: _Column, measures: set[int]) -> str:
    """The amount column's label: its lowest header; under an item printed as 预算数 |
    决算数, the item's."""
    texts = [t for t, _ in column.fragments]
    if not texts:
        return ""
    lowest = texts[-1]
    if lowest in _MEASURES and len(texts) >= 2 and column.index in measures:
        return build_label([texts[-2]]) or texts[-2]
    return build_label([lowest]) or lowest


def _measure_pairs(table: Table, header: int, columns: list[_Column]) -> set[int]:
    """Columns whose lowest header is 预算数/决算数 under a header covering only such
    columns (三公's items), where the item, not the measure, is the label."""
    grid = table.grid()
    measured = {c.index for c in columns if c.fragments and c.fragments[-1][0] in _MEASURES}
    found: set[int] = set()
    for c in measured:
        for r in range(header):
            cell = grid[r][c]
            if cell is None or _key(cell.text) in _MEASURES or not _key(cell.text):
                continue
            covered = set(range(cell.col, cell.col + cell.col_span))
            if covered <= measured and cell.col_span >= 2:
                found.add(c)
    return found


# --- rows -------------------------------------------------------------------------------------


def _cell_text(grid: list[list[TableCell | None]], r: int, c: int, own_only: bool) -> str:
    cell = grid[r][c]
    if cell is None:
        return ""
    if own_only and (cell.row != r or cell.col != c):
        return ""
    return cell.text


def _amount(text: str) -> float | None:
    key = _key(text)
    if not key or _DASH.match(key):
        return None
    if _AMOUNT.match(key) or _INTEGER.match(key):
        return parse_amount(key)
    return None


_AMOUNT_TOKEN = re.compile(r"-?\d{1,3}(?:[,，]\d{3})+(?:[.．]\d+)?|-?\d+[.．]\d+")


@dataclass
class _Words:
    """The positioned words of a table's pages, for amounts the grid merged: a missing
    column rule leaves two amounts in one cell, and each goes under the column whose
    x-range holds its centre."""

    by_page: dict[int, list[Word]]
    edges: dict[int, tuple[float, float]]  # grid column → x0, x1

    @classmethod
    def of(cls, document: Document, table: Table) -> _Words:
        spans: dict[int, list[tuple[float, float]]] = {}
        for cell in table.cells:
            if cell.box is not None and cell.col_span == 1:
                spans.setdefault(cell.col, []).append((cell.box[0], cell.box[2]))
        edges = {
            c: (sorted(x[0] for x in xs)[len(xs) // 2], sorted(x[1] for x in xs)[len(xs) // 2])
            for c, xs in spans.items()
        }
        pages = {p.number: p.words for p in document.pages if p.number in table.pages}
        return cls(pages, edges)

    def amounts(self, cell: TableCell, columns: list[int]) -> dict[int, float]:
        """Amounts printed within `cell`'s box, by the column under which they sit."""
        if cell.box is None or not all(c in self.edges for c in columns):
            return {}
        x0, y0, x1, y1 = cell.box
        found: dict[int, float] = {}
        for word in self.by_page.get(cell.page, []):
            wx0, wy0, wx1, wy1 = word.box
            cx, cy = (wx0 + wx1) / 2, (wy0 + wy1) / 2
            if not (x0 - 1 <= cx <= x1 + 1 and y0 - 1 <= cy <= y1 + 1):
                continue
            tokens = _AMOUNT_TOKEN.findall(normalize_text(word.text).text)
            if len(tokens) != 1:
                continue
            column = next((c for c in columns if self.edges[c][0] <= cx <= self.edges[c][1]), None)
            value = _amount(tokens[0])
            if column is not None and value is not None:
                found[column] = value
        return found


@dataclass
class _RawGridRow:
    parts: list[str]
    name: str
    line: int | None
    values: list[float | None]
    span: Span | None


def _merged_amounts(
    grid: list[list[TableCell | None]], r: int, segment: _Segment, words: _Words | None
) -> dict[int, float]:
    """Amounts of value cells the grid merged (one cell over several amount columns, or
    several amounts in one cell), read back from the words' positions."""
    if words is None:
        return {}
    found: dict[int, float] = {}
    columns = [c.index for c in segment.values]
    seen: set[int] = set()
    for c in columns:
        cell = grid[r][c]
        if cell is None or id(cell) in seen or cell.row != r:
            continue
        seen.add(id(cell))
        covered = [k for k in columns if cell.col <= k < cell.col + cell.col_span]
        several = len(_AMOUNT_TOKEN.findall(normalize_text(cell.text).text)) > 1
        if len(covered) > 1 or several:
            found.update(words.amounts(cell, covered))
    return found


def _read_row(
    grid: list[list[TableCell | None]], r: int, segment: _Segment, words: _Words | None = None
) -> _RawGridRow | None:
    codes = [_cell_text(grid, r, c.index, True) for c in segment.role("code")]
    names = [_cell_text(grid, r, c.index, True) for c in segment.role("name")]
    lines = [_key(_cell_text(grid, r, c.index, True)) for c in segment.role("line")]
    values = [_amount(_cell_text(grid, r, c.index, True)) for c in segment.values]
    merged = _merged_amounts(grid, r, segment, words)
    if merged:
        values = [merged.get(c.index, v) for c, v in zip(segment.values, values, strict=True)]
    name = "".join(_key(n) for n in names)
    parts = fragments_of([_key(c) for c in codes if _key(c) and re.search(r"\d", c)])
    words = [_key(c) for c in codes if _key(c) and not re.search(r"\d", c)]
    if words and not name:  # "合计" printed across the code and name cells
        name = "".join(words)
    if not parts:
        m = _GLUED_CODE.match(name)
        if m:
            parts, name = [m.group(1)], name[m.end() :]
    line = int(lines[0]) if lines and lines[0].isdigit() else None
    if not parts and not name and line is None and all(v is None for v in values):
        return None
    cells = [
        grid[r][c.index]
        for c in segment.columns
        if grid[r][c.index] is not None and grid[r][c.index].row == r  # type: ignore[union-attr]
    ]
    return _RawGridRow(parts, name, line, values, _span_of([c for c in cells if c]))


def _span_of(cells: list[TableCell]) -> Span | None:
    cells = [c for c in cells if c.text.strip()]
    if not cells:
        return None
    page = cells[0].page
    same = [c for c in cells if c.page == page]
    return Span(page=page, start=min(c.start for c in same), end=max(c.end for c in same))


def _header_labels_in_row(grid: list[list[TableCell | None]], r: int, segment: _Segment) -> bool:
    """Labels printed in a data row under a group header (the fund tables' 合计 row:
    "合计 | | | 合计 | 基本支出 | 项目支出 |"): added to their columns' headers, cleared
    as amounts. True when the row held any."""
    found = False
    for column in segment.values:
        text = _key(_cell_text(grid, r, column.index, True))
        if text and not _amount(text) and re.search(r"[\u3400-\u9fff]", text):
            column.fragments.append((text, 1))
            found = True
    return found


def _code_rows(raws: list[_RawGridRow]) -> list[AccountRow]:
    family = list_family(["".join(r.parts) for r in raws if r.parts])
    reader = CodeReader(family)
    out: list[AccountRow] = []
    for raw in raws:
        total = bool(_TOTAL_NAME.search(raw.name)) and not raw.parts
        code = None if total else reader.read(raw.parts).code
        out.append(
            AccountRow(code=code, name=raw.name, line=raw.line, values=raw.values, span=raw.span)
        )
    return out


# --- notes under the table -----------------------------------------------------------------


def _notes(document: Document, table: Table) -> list[str]:
    """The lines printed under a table on its last page, up to the next title, section
    heading or table."""
    last_page = max(c.page for c in table.cells)
    end = max(c.end for c in table.cells if c.page == last_page)
    page = next(p for p in document.pages if p.number == last_page)
    following = [
        c.start
        for t in document.tables
        if t is not table
        for c in t.cells
        if c.page == last_page and c.start > end
    ]
    stop = min(following, default=len(page.text))
    lines: list[str] = []
    for raw in page.text[end:stop].splitlines():
        line = raw.strip()
        if not line:
            continue
        if read_title(line) is not None or (_SECTION.match(line) and not _NOTE_START.match(line)):
            break
        lines.append(line)
    return lines


def _remark(lines: list[str]) -> str | None:
    for line in lines:
        key = _key(line)
        if _REMARK.match(key):
            return _REMARK.sub("", key) or None
    return None


def _unit(lines: list[str]) -> str | None:
    for line in lines:
        m = UNIT.search(normalize_text(line).text)
        if m:
            return m.group(1)
    return None


# --- tables -------------------------------------------------------------------------------


def _title_of(table: Table) -> tuple[TitleText, int] | None:
    """The table's title (and how many leading rows are title rows inside the grid)."""
    for line in reversed(table.title):
        found = read_title(line)
        if found is not None:
            return found, 0
    rows = table.rows()
    if rows and len([c for c in rows[0] if c.text.strip()]) == 1:
        found = read_title(rows[0][0].text)
        if found is not None:
            return found, 1
    return None


def _read(document: Document, table: Table, title: TitleText, skip: int) -> _Read | None:
    header, lanci = _header_rows(table)
    header = max(header, skip)
    grid = table.grid()
    fragments = _fragments(table, header)
    for c in list(fragments):
        fragments[c] = [f for f in fragments[c] if read_title(f[0]) is None]
    data_texts = {
        c: [_key(_cell_text(grid, r, c, True)) for r in range(header, table.n_rows)]
        for c in range(table.n_cols)
    }
    columns = [
        _Column(c, _role(fragments[c], data_texts[c]), fragments[c], lanci.get(c))
        for c in range(table.n_cols)
    ]
    segments = _segments(columns)
    if not segments:
        return None
    _sides(table, header, segments)
    rows: list[list[AccountRow]] = []
    words = _Words.of(document, table)
    for segment in segments:
        raws: list[_RawGridRow] = []
        for r in range(header, table.n_rows):
            if _header_labels_in_row(grid, r, segment):
                pass  # the labels were taken; the row's name and amounts still count
            raw = _read_row(grid, r, segment, words)
            if raw is not None:
                raws.append(raw)
        rows.append(_code_rows(raws))
    notes = _notes(document, table)
    formulas: list[Formula] = []
    for line in notes:
        formulas += parse_formulas(line)
    unit = _unit(table.title) or _unit(notes) or "万元"
    return _Read(
        title=title,
        unit=unit,
        segments=segments,
        rows=rows,
        formulas=formulas,
        remark=_remark(notes),
        span=_span_of(table.cells),
        table=table,
        header_rows=header,
    )


def _records(read: _Read, number: int) -> list[AccountTable]:
    measures = _measure_pairs(
        read.table, read.header_rows, [c for s in read.segments for c in s.values]
    )

    def columns(segment: _Segment) -> list[AccountColumn]:
        return [AccountColumn(label=_label(c, measures), number=c.number) for c in segment.values]

    def record(side: str | None, cols: list[AccountColumn], rows: list[AccountRow]) -> AccountTable:
        return AccountTable(
            number=number,
            title=read.title.title,
            side=side,
            unit=read.unit,
            columns=cols,
            rows=rows,
            remark=read.remark,
            span=read.span,
        )

    if all(s.side for s in read.segments):
        tables = [
            record(s.side, columns(s), rows)
            for s, rows in zip(read.segments, read.rows, strict=True)
        ]
        for t in tables:
            t.formulas = [f.text for f in read.formulas if belongs_to(t, f)]
        placed = {text for t in tables for text in t.formulas}
        tables[0].formulas += [f.text for f in read.formulas if f.text not in placed]
        return tables
    first = columns(read.segments[0])
    width = len(first)
    merged = [
        row.model_copy(update={"values": (row.values + [None] * width)[:width]})
        for rows in read.rows
        for row in rows
    ]
    table = record(None, first, merged)
    table.formulas = [f.text for f in read.formulas]
    return [table]


def _continue(previous: AccountTable, more: list[AccountTable]) -> None:
    """Rows of a continued table ("…（续）") appended to the table they continue."""
    for extra in more:
        if extra.side == previous.side:
            previous.rows += extra.rows
            previous.formulas += [f for f in extra.formulas if f not in previous.formulas]
            previous.remark = previous.remark or extra.remark


def read_grid_tables(document: Document) -> tuple[list[AccountTable], list[str]]:
    """The final-accounts tables among a document's grids, and the reader's notes."""
    tables: list[AccountTable] = []
    notes: list[str] = []
    ordinal = 0
    by_title: dict[str, list[AccountTable]] = {}
    for table in document.tables:
        if table.source == "text":
            continue  # flat OCR text: merges unknown, cells shifted; the row-text reader's
        found = _title_of(table)
        if found is None:
            continue
        title, skip = found
        try:
            read = _read(document, table, title, skip)
        except Exception as exc:  # one unreadable table must not cost the document
            notes.append(f"{title.title}: 无法读取（{type(exc).__name__}: {exc}）")
            continue
        if read is None:
            notes.append(f"{title.title}: 未找到金额栏，未读取")
            continue
        if title.continued and title.title in by_title:
            earlier = by_title[title.title]
            for side_table in earlier:
                _continue(
                    side_table,
                    [t for t in _records(read, side_table.number) if t.side == side_table.side],
                )
            continue
        ordinal += 1
        records = _records(read, title.number or ordinal)
        by_title[title.title] = records
        tables += records
    return tables, notes
