"""Chunk a document into forms (found by their header rows) and narrative passages."""

from __future__ import annotations

import re

from langchain_text_splitters import RecursiveCharacterTextSplitter

from extractor.document import Chunk, Document
from extractor.models import FormKind
from extractor.normalize import normalize_text, squash
from extractor.rows import Row, read_rows

# A printed form title: 项目支出绩效自评表, 绩效目标表, 评分情况表, 指标体系 …
FORM_TITLE = re.compile(
    r"(自评表|评价表|目标表|申报表|评分情况表|评分表|评分详情|指标体系|绩效报告表)"
)
# The first cell of a row that opens a form's header block.
FORM_START = re.compile(r"^(项目名称|项目名|项目/|部门名称|预算[（(]单位[）)]名称|单位名称)")
TOTAL_ROW = re.compile(r"^(总分|合计|总计)")
SECTION = re.compile(
    r"^([一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|第[一二三四五六七八九十]+部分)"
)
NARRATIVE_BUDGET = 1200  # characters per narrative chunk
CONTEXT_ROWS = 8  # plain lines before a form that may carry its title, year, department


def is_indicator_header(row: Row) -> bool:
    key = row.key
    return row.is_table and "一级" in key and "二级" in key and "三级" in key


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
    """Index of the first row of the form's header block (项目名称, funding …)."""
    first = h
    for i in range(h - 1, floor - 1, -1):
        row = rows[i]
        if _is_break(row):
            break
        if row.is_table:
            first = i
            if is_form_start(row):
                break
    return first


def _context_rows(rows: list[Row], begin: int, floor: int) -> list[Row]:
    """The rows printed just above a form (title, year, 部门名称 …), within its floor."""
    return rows[max(floor, begin - CONTEXT_ROWS) : begin]


def classify(header: Row, near: str) -> FormKind:
    """The kind of form from its indicator header and the lines printed above it."""
    key = header.key
    whole_department = "整体" in near or "部门（单位）" in near or "部门(单位)" in near
    if "指标性质" in key or ("指标值" in key and "权重" in key and "得分" not in key):
        return "department_target" if whole_department else "project_target"
    if re.search(r"年度指标值|实际完成值|目标值|实际值|完成值", key):
        return "department_self_evaluation" if whole_department else "project_self_evaluation"
    return "evaluation_scoring"


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
    rows = read_rows(text)
    forms: list[Chunk] = []
    floor = 0
    i = 0
    while i < len(rows):
        if not is_indicator_header(rows[i]):
            i += 1
            continue
        begin = _form_begin(rows, i, floor)
        end = _form_end(rows, i)
        near_rows = _context_rows(rows, begin, floor)
        near = "".join(r.key for r in near_rows)
        title = next((squash(r.raw) for r in reversed(near_rows) if is_title(r)), "")
        kind = classify(rows[i], near + rows[begin].key)
        # An evaluation report's scoring table is about the whole report before it (its
        # project name, funding sentences); other forms only need the lines just above.
        context_rows = rows[floor:begin] if kind == "evaluation_scoring" else near_rows
        context_start = context_rows[0].start if context_rows else rows[begin].start
        start, stop = rows[begin].start, rows[end].end
        forms.append(
            Chunk(
                doc_id=doc.doc_id,
                kind="form",
                form=kind,
                title=title,
                start=start,
                end=stop,
                text=text[start:stop],
                context=text[context_start:start],
            )
        )
        floor = end + 1
        i = end + 1
    gaps: list[tuple[int, int]] = []
    pos = 0
    for form in forms:
        gaps.append((pos, form.start))
        pos = form.end
    gaps.append((pos, len(text)))
    return forms + _narrative_chunks(doc, text, gaps)
