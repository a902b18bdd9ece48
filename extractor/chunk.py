"""Chunk a document into forms and narrative passages.

Forms are found where the document says there is one: an indicator header (一级/二级/
三级指标 … under any province's names, see `extractor.headers`). In a document whose
tables are kept as grids (PDF, Markdown/HTML, OCR'd scans) a form is rows of one or more
tables: the header block above the indicator header (项目名称, funding …, perhaps in
tables of their own just before it) down to the 总分/合计 row or the next form. In flat
OCR text, forms are found the same way in its row text. What a form is comes from its
title (`extractor.forms`). The text between forms is split into narrative chunks with
langchain-text-splitters.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from langchain_text_splitters import RecursiveCharacterTextSplitter

from extractor.document import Chunk, Document, TableCell, TablePart
from extractor.forms import decide_kind, is_department, is_framework_label, title_line
from extractor.headers import (
    FORM_START,
    column_meaning,
    find_indicator_header,
    is_indicator_header_row,
)
from extractor.normalize import normalize_text, squash
from extractor.rows import Row, read_rows

# A printed form title: 项目支出绩效自评表, 绩效目标表, 评分情况表, 指标体系 …
FORM_TITLE = re.compile(
    r"(自评表|评价表|目标表|申报表|填报表|评分情况表|评分表|评分详情|指标体系|绩效报告表)"
)
TOTAL_ROW = re.compile(r"^(总分|合计|总计)")
PROJECT_START = re.compile(r"^(项目名称|项目名|项目/)")
DEPARTMENT_START = re.compile(r"^(部门|预算[（(]?单位|单位名称)")
SECTION = re.compile(
    r"^([一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|第[一二三四五六七八九十]+部分)"
)
LEVEL_CELL = re.compile(r"^[一二三]?级指标?$|^[一二三]级")
NARRATIVE_BUDGET = 1200  # characters per narrative chunk
CONTEXT_ROWS = 8  # plain lines before a form that may carry its title, year, department


# ---------------------------------------------------------------------------------------
# Row text (flat OCR text, and forms a grid reader did not find)


def is_indicator_header(row: Row) -> bool:
    return row.is_table and _is_header_texts(tuple(c.text for c in row.cells))


@dataclass(frozen=True)
class _Text:
    text: str


@lru_cache(maxsize=1 << 14)
def _is_header_texts(texts: tuple[str, ...]) -> bool:
    """Whether a row of cells with these texts is an indicator header (see the module
    docstring); the same rows are asked about by several readers, so it is remembered."""
    keys = [squash(t) for t in texts]
    key = "".join(keys)
    if "一级" in key and "二级" in key and "三级" in key:
        return True
    cells = [_Text(t) for t in texts]
    # an OCR-damaged header ("级指标 | 一级指标 | 三级指标"): three level columns; or a
    # header whose columns the vocabulary names: levels or 指标名称, and values
    levels = sum(bool(LEVEL_CELL.search(k)) for k in keys)
    if levels >= 3 and is_indicator_header_row(cells):
        return True
    fields = _fields(cells)
    named = len(fields & {"level1", "level2", "name"}) >= 2
    return (
        named
        and len(fields & {"target", "actual", "weight"}) >= 1
        and is_indicator_header_row(cells)
    )


def is_title(row: Row) -> bool:
    key = squash(normalize_text(row.raw).text)
    return not row.is_table and len(key) <= 60 and bool(FORM_TITLE.search(key))


def _first_key(row: Row) -> str:
    filled = row.filled
    return filled[0][1].key if filled else ""


def is_form_start(row: Row) -> bool:
    return row.is_table and bool(FORM_START.match(_first_key(row)))


def _is_break(row: Row) -> bool:
    """A row that cannot belong to a form: a title, a heading, a paragraph."""
    if row.is_table:
        return False
    key = row.key
    return is_title(row) or bool(SECTION.match(key)) or len(key) >= 50


def _form_end(rows: list[Row], h: int) -> int:
    """Index of the last row of the form whose indicator header is rows[h]."""
    last = h
    for i in range(h + 1, len(rows)):
        row = rows[i]
        if _is_break(row) or is_form_start(row):
            break
        if row.is_table:
            last = i
            if TOTAL_ROW.match(_first_key(row)):
                break
    return last


def _form_begin(rows: list[Row], h: int, floor: int) -> int:
    """Index of the first row of the form's header block (项目名称, funding …). A form
    printed as several tables under section headings ("一、部门基本情况", "二、…支出情况")
    reaches back over the headings to its 部门名称/项目名称 row."""
    first = h
    before_heading = None  # where the form began before the first heading crossed
    for i in range(h - 1, floor - 1, -1):
        row = rows[i]
        if not row.is_table and SECTION.match(row.key) and len(row.key) < 30:
            before_heading = first if before_heading is None else before_heading
            continue
        if _is_break(row):
            break
        if row.is_table:
            first = i
            if is_form_start(row):
                return first
    return first if before_heading is None else before_heading


def _fields(cells: Sequence[object]) -> set[str]:
    out = set()
    for cell in cells:
        m = column_meaning(getattr(cell, "text", ""))
        if m is not None:
            out.add(m.meaning)
    return out


def _framework(texts: Sequence[str]) -> bool:
    """Two or more level-1 labels of an evaluation framework (决策, 过程 …)."""
    return len({squash(t) for t in texts if is_framework_label(t)}) >= 2


def _names_department(texts: Sequence[str]) -> bool:
    """A header block naming a department (部门名称 …) and no project (项目名称)."""
    keys = [squash(t) for t in texts]
    return any(DEPARTMENT_START.match(k) for k in keys) and not any(
        PROJECT_START.match(k) for k in keys
    )


def _row_forms(doc: Document, text: str, taken: list[tuple[int, int]]) -> list[Chunk]:
    rows = read_rows(text)
    forms: list[Chunk] = []
    floor = 0
    i = 0
    while i < len(rows):
        if not is_indicator_header(rows[i]) or _inside(rows[i].start, taken):
            i += 1
            continue
        begin = _form_begin(rows, i, floor)
        end = _form_end(rows, i)
        near_rows = rows[max(floor, begin - CONTEXT_ROWS) : begin]
        title = next((squash(r.raw) for r in reversed(near_rows) if is_title(r)), "")
        title = title or title_line([r.raw for r in near_rows if not r.is_table])
        body = rows[begin : end + 1]
        decision = decide_kind(
            title,
            "".join(r.key for r in rows[floor:begin]),
            _fields(rows[i].cells),
            department=is_department("".join(r.key for r in near_rows) + rows[begin].key)
            or _names_department([r.cells[0].text for r in body if r.cells]),
            framework=_framework([c.text for r in body for c in r.cells]),
        )
        # An evaluation report's scoring table is about the whole report before it (its
        # project name, funding sentences); other forms only need the lines just above.
        context_rows = rows[floor:begin] if decision.kind == "evaluation_scoring" else near_rows
        context_start = context_rows[0].start if context_rows else rows[begin].start
        start, stop = rows[begin].start, rows[end].end
        forms.append(
            Chunk(
                doc_id=doc.doc_id,
                kind="form",
                form=decision.kind,
                form_by=decision.by,
                title=title,
                start=start,
                end=stop,
                text=text[start:stop],
                context=text[context_start:start],
            )
        )
        floor = end + 1
        i = end + 1
    return forms


def _attach_text_grids(doc: Document, forms: list[Chunk]) -> list[Chunk]:
    """A form found in flat text also gets the rows of the text tables it covers, so the
    reader can read it by its header where its rows keep their columns."""
    starts = {p.number: s for p, s in zip(doc.pages, doc.page_starts(), strict=True)}
    spans: list[tuple[int, list[int]]] = []  # table index, each row's start offset
    for index, table in enumerate(doc.tables):
        if table.source != "text":
            continue
        first: dict[int, int] = {}
        for cell in table.cells:
            at = starts[cell.page] + cell.start
            first[cell.row] = min(first.get(cell.row, at), at)
        spans.append((index, [first[r] for r in range(table.n_rows)]))
    for chunk in forms:
        for index, row_starts in spans:
            inside = [r for r, at in enumerate(row_starts) if chunk.start <= at < chunk.end]
            if inside:
                chunk.parts.append(TablePart(table=index, first_row=inside[0], last_row=inside[-1]))
    return forms


def _inside(at: int, spans: list[tuple[int, int]]) -> bool:
    return any(s <= at < e for s, e in spans)


# ---------------------------------------------------------------------------------------
# Grids


def _key(cell: TableCell) -> str:
    return squash(normalize_text(cell.text).text)


def _first_cell(row: list[TableCell]) -> str:
    return next((_key(c) for c in row if c.text.strip()), "")


def _title_row(row: list[TableCell], n_cols: int) -> str:
    """A row that is one cell across the table holding a form title."""
    filled = [c for c in row if c.text.strip()]
    if len(filled) == 1 and filled[0].col_span >= max(n_cols - 1, 2):
        return squash(filled[0].text) if title_line([filled[0].text]) else ""
    return ""


class _GridForms:
    """Finds the forms among a document's tables."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.text = doc.text
        self.starts = {p.number: s for p, s in zip(doc.pages, doc.page_starts(), strict=True)}
        self.used: set[int] = set()  # tables that belong to a form

    def offset(self, cell: TableCell) -> int:
        return self.starts[cell.page] + cell.start

    def span(self, parts: list[TablePart]) -> tuple[int, int]:
        cells = [
            c
            for part in parts
            for c in self.doc.tables[part.table].cells
            if part.first_row <= c.row <= part.last_row
        ]
        return min(self.offset(c) for c in cells), max(self.starts[c.page] + c.end for c in cells)

    def find(self) -> list[Chunk]:
        forms: list[Chunk] = []
        previous_end = 0
        for index, table in enumerate(self.doc.tables):
            if table.source == "text":
                continue  # flat text: its forms are found in its rows (`_attach_text_grids`)
            rows = table.rows()
            floor = 0
            while True:
                header = find_indicator_header(table, floor)
                if header is None:
                    break
                begin = self._begin(rows, floor, header.first_row, table.n_cols)
                end = self._end(rows, header.last_row, table.n_cols)
                parts = [
                    *self._tables_before(index, begin),
                    TablePart(table=index, first_row=begin, last_row=end),
                ]
                chunk = self._chunk(parts, header.first_row, previous_end)
                forms.append(chunk)
                previous_end = chunk.end
                self.used.add(index)
                floor = end + 1
                if floor >= table.n_rows:
                    break
        return forms

    @staticmethod
    def _begin(rows: list[list[TableCell]], floor: int, header: int, n_cols: int) -> int:
        """The first row of the form whose indicator header is at `header`: the last form
        start (项目名称 …) or title row above it, else the first row after `floor`."""
        for r in range(header - 1, floor - 1, -1):
            if FORM_START.match(_first_cell(rows[r])) or _title_row(rows[r], n_cols):
                return r
        return floor

    @staticmethod
    def _end(rows: list[list[TableCell]], header_last: int, n_cols: int) -> int:
        last = header_last
        for r in range(header_last + 1, len(rows)):
            first = _first_cell(rows[r])
            if FORM_START.match(first) or _title_row(rows[r], n_cols):
                break
            last = r
            if TOTAL_ROW.match(first) and not is_indicator_header_row(rows[r]):
                break
        return last

    def _tables_before(self, index: int, begin: int) -> list[TablePart]:
        """Tables just before a form's table that hold its header block or funding: no
        indicator header of their own, no title between (unless it is the form's)."""
        if begin != 0 or FORM_START.match(_first_cell(self.doc.tables[index].rows()[0])):
            return []
        parts: list[TablePart] = []
        j = index - 1
        while j >= 0 and j not in self.used:
            table = self.doc.tables[j]
            if find_indicator_header(table) is not None:
                break
            later = self.doc.tables[j + 1]
            if later.title and title_line(later.title):
                break
            parts.insert(0, TablePart(table=j, first_row=0, last_row=table.n_rows - 1))
            if FORM_START.match(_first_cell(table.rows()[0])) or title_line(table.title):
                break
            j -= 1
        if parts and not any(
            FORM_START.match(_first_cell(r)) for p in parts for r in self.doc.tables[p.table].rows()
        ):
            return []  # not a header block: some other table that happens to precede
        self.used.update(p.table for p in parts)
        return parts

    def _title(self, parts: list[TablePart]) -> str:
        first = parts[0]
        table = self.doc.tables[first.table]
        rows = table.rows()
        for r in range(first.first_row, min(first.first_row + 2, table.n_rows)):
            title = _title_row(rows[r], table.n_cols)
            if title:
                return title
        if first.first_row == 0:
            return title_line(table.title)
        return ""

    def _chunk(self, parts: list[TablePart], header_row: int, previous_end: int) -> Chunk:
        start, end = self.span(parts)
        title = self._title(parts)
        main = self.doc.tables[parts[-1].table]
        rows = main.rows()
        header_cells = rows[header_row]
        body = [
            c
            for p in parts
            for c in self.doc.tables[p.table].cells
            if p.first_row <= c.row <= p.last_row
        ]
        first_cells = [
            _first_cell(r)
            for p in parts
            for r in self.doc.tables[p.table].rows()[p.first_row : p.last_row + 1]
        ]
        before = self.text[previous_end:start]
        near = "\n".join(line for line in before.split("\n")[-CONTEXT_ROWS:])
        first_table = self.doc.tables[parts[0].table]
        decision = decide_kind(
            title,
            before,
            _fields(header_cells),
            department=is_department(title or " ".join(first_table.title))
            or _names_department(first_cells),
            framework=_framework([c.text for c in body]),
        )
        context = before if decision.kind == "evaluation_scoring" else near
        return Chunk(
            doc_id=self.doc.doc_id,
            kind="form",
            form=decision.kind,
            form_by=decision.by,
            title=title,
            parts=parts,
            start=start,
            end=end,
            text=self.text[start:end],
            context=context,
        )


# ---------------------------------------------------------------------------------------
# Narrative


def _narrative_chunks(doc: Document, text: str, spans: list[tuple[int, int]]) -> list[Chunk]:
    splitter = RecursiveCharacterTextSplitter(
        chunk_size=NARRATIVE_BUDGET,
        chunk_overlap=0,
        separators=["\n\n", "\n", "。", "；", "，", ""],
        keep_separator="end",
        add_start_index=True,
    )
    chunks: list[Chunk] = []
    for start, end in spans:
        piece = text[start:end]
        if not piece.strip():
            continue
        for part in splitter.create_documents([piece]):
            s = start + int(part.metadata["start_index"])
            body = part.page_content
            chunks.append(
                Chunk(doc_id=doc.doc_id, kind="narrative", start=s, end=s + len(body), text=body)
            )
    return chunks


def chunk_document(doc: Document) -> list[Chunk]:
    """Form chunks in document order, then the narrative between them."""
    text = doc.text
    grid_forms = _GridForms(doc).find() if doc.tables else []
    taken = [(c.start, c.end) for c in grid_forms]
    row_forms = _attach_text_grids(doc, _row_forms(doc, text, taken))
    forms = sorted(grid_forms + row_forms, key=lambda c: c.start)
    gaps: list[tuple[int, int]] = []
    pos = 0
    for form in forms:
        gaps.append((pos, form.start))
        pos = form.end
    gaps.append((pos, len(text)))
    return forms + _narrative_chunks(doc, text, gaps)
