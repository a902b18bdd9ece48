"""The final-accounts reader: a document's 部门决算 tables as `AccountTable` records.

    tables, meta = extract_accounts(document)

Tables are found by their titles (`titles`), their headers read into segments and
columns (`layout`), their rows read per segment (`body`, `cells`, `codes`) and their
printed formulas parsed (`formulas`). A two-sided table (收入 | 支出) gives two records
with `side`; a table printed in side-by-side groups (表6) gives one. Codes repaired
from OCR fragments are checked against the codes other tables of the same document
print cleanly for the same name.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from extractor.accounts.body import TableBody, blocks_of, read_body, strip_repeated_header
from extractor.accounts.cells import RawRow
from extractor.accounts.formulas import Formula, belongs_to, parse_formulas
from extractor.accounts.grid import read_grid_tables
from extractor.accounts.layout import Layout, read_layout
from extractor.accounts.summary import summarize
from extractor.accounts.text import Line, split_lines
from extractor.accounts.titles import Region, find_regions
from extractor.document import Document
from extractor.models import AccountRow, AccountTable, Span


@dataclass
class _Parsed:
    """One printed table (all its regions) before it becomes records."""

    number: int
    title: str
    unit: str
    remark: str | None
    layout: Layout
    body: TableBody
    formulas: list[Formula]
    start: int
    end: int


def _group_regions(regions: list[Region]) -> list[list[Region]]:
    """A region repeating an earlier table's number (续表, a repeated title) joins it."""
    groups: list[list[Region]] = []
    by_number: dict[int, list[Region]] = {}
    for region in regions:
        number = region.title.number
        if number in by_number:
            by_number[number].append(region)
            continue
        group = [region]
        by_number[number] = group
        groups.append(group)
    return groups


def _parse(group: list[Region]) -> _Parsed | None:
    first = group[0]
    layout = read_layout(first.rows)
    if layout is None:
        return None
    blocks = blocks_of(first.rows[layout.header_rows :])
    for region in group[1:]:
        blocks += blocks_of(region.rows)
    blocks = [blocks[0], *(strip_repeated_header(b, layout) for b in blocks[1:])] if blocks else []
    blocks = [b for b in blocks if b]
    body = read_body(blocks, layout)
    formulas: list[Formula] = []
    for region in group:
        for line in region.notes:
            formulas += parse_formulas(line.raw)
    lines = [line for region in group for line in region.lines]
    end = max((line.end for line in lines if not line.is_blank), default=first.title.line.end)
    return _Parsed(
        number=first.title.number,
        title=first.title.title,
        unit=first.unit or "万元",
        remark=next((r.remark for r in group if r.remark), None),
        layout=layout,
        body=body,
        formulas=formulas,
        start=first.title.line.start,
        end=end,
    )


def _row(raw: RawRow, width: int, span: Span | None) -> AccountRow:
    values = (raw.values + [None] * width)[:width]
    return AccountRow(
        code=None if raw.total else raw.code,
        name=raw.name,
        line=raw.line,
        values=values,
        span=span,
    )


def _locate(document: Document | None, start: int, end: int) -> Span | None:
    return document.locate(start, end) if document is not None and document.pages else None


def _records(parsed: _Parsed, document: Document | None) -> list[AccountTable]:
    layout, body = parsed.layout, parsed.body
    span = _locate(document, parsed.start, parsed.end)

    def table(side: str | None, segments: list[int], rows: list[RawRow]) -> AccountTable:
        columns = layout.segments[segments[0]].columns
        return AccountTable(
            number=parsed.number,
            title=parsed.title,
            side=side,
            unit=parsed.unit,
            columns=list(columns),
            rows=[_row(r, len(columns), _locate(document, r.start, r.end)) for r in rows],
            remark=parsed.remark,
            span=span,
        )

    if layout.two_sided:
        tables = [
            table(seg.label, [k], body.rows[k] + [r for s, r in body.totals if s == k])
            for k, seg in enumerate(layout.segments)
        ]
    elif len(layout.segments) == 1:
        tables = [table(None, [0], body.rows[0] + [r for _, r in body.totals])]
    else:
        tables = [table(None, list(range(len(layout.segments))), _grouped_rows(parsed))]
    if len(tables) == 1:
        tables[0].formulas = [f.text for f in parsed.formulas]
        return tables
    for t in tables:  # each side the formulas about its own 行次 / 栏次
        t.formulas = [f.text for f in parsed.formulas if belongs_to(t, f)]
    placed = {text for t in tables for text in t.formulas}
    tables[0].formulas += [f.text for f in parsed.formulas if f.text not in placed]
    return tables


def _grouped_rows(parsed: _Parsed) -> list[RawRow]:
    """Rows of segments printed side by side, group by group, each group's totals after
    it (人员经费 rows, 人员经费合计, then 公用经费 rows, 公用经费合计)."""
    layout, body = parsed.layout, parsed.body
    labels: list[str | None] = []
    for segment in layout.segments:
        if segment.label not in labels:
            labels.append(segment.label)
    totals: dict[str | None, list[RawRow]] = defaultdict(list)
    loose: list[RawRow] = []
    for k, rows in enumerate(body.rows):
        for row in rows:
            if row.total:
                totals[_group_of(row, layout.segments[k].label, labels)].append(row)
    for k, row in body.totals:
        totals[_group_of(row, layout.segments[k].label, labels)].append(row)
    ordered: list[RawRow] = []
    for label in labels:
        for k, segment in enumerate(layout.segments):
            if segment.label == label:
                ordered += [r for r in body.rows[k] if not r.total]
        ordered += totals.pop(label, [])
    for rest in totals.values():
        loose += rest
    return ordered + loose


def _group_of(row: RawRow, own: str | None, labels: list[str | None]) -> str | None:
    named = [label for label in labels if label and label in row.name]
    return named[0] if named else own


def _reconcile(parsed: list[_Parsed]) -> None:
    """A code repaired from fragments yields to the code another table prints cleanly
    for the same name under the same 类."""
    clean: dict[str, set[str]] = defaultdict(set)
    for table in parsed:
        for rows in table.body.rows:
            for row in rows:
                if row.code and row.status == "clean" and not row.total:
                    clean[row.name].add(row.code)
    for table in parsed:
        for rows in table.body.rows:
            for row in rows:
                if row.status != "repaired" or not row.code or row.name not in clean:
                    continue
                options = [
                    c for c in clean[row.name] if len(c) == len(row.code) and c[:3] == row.code[:3]
                ]
                if len(options) == 1 and options[0] != row.code:
                    row.code = options[0]


def extract_accounts(document: Document) -> tuple[list[AccountTable], dict[str, object]]:
    """The final-accounts tables of a document and a summary for `result.meta`: read from
    the document's grids where it has them (PDF, HTML, OCR grid), else from its row text
    (flat OCR text)."""
    tables, notes = read_grid_tables(document)
    source = "grid"
    if not tables:
        tables, notes = read_tables(document.text, document)
        source = "text"
    summary = summarize(tables, notes)
    summary["source"] = source
    return tables, summary


def read_accounts(document: Document) -> list[AccountTable]:
    return extract_accounts(document)[0]


def read_tables(
    text: str, document: Document | None = None
) -> tuple[list[AccountTable], list[str]]:
    """Tables and reader notes from row text (offsets as in `Document.text`)."""
    lines: list[Line] = split_lines(text)
    parsed: list[_Parsed] = []
    notes: list[str] = []
    for group in _group_regions(find_regions(lines)):
        try:
            item = _parse(group)
        except Exception as exc:  # one unreadable table must not cost the document
            notes.append(f"表{group[0].title.number}: 无法读取（{type(exc).__name__}: {exc}）")
            continue
        if item is None:
            notes.append(f"表{group[0].title.number}: 未找到表头（栏次行或科目名称行），未读取")
        else:
            parsed.append(item)
    _reconcile(parsed)
    tables: list[AccountTable] = []
    for item in parsed:
        tables += _records(item, document)
        notes += [f"表{item.number}: {note}" for note in item.body.notes]
    return tables, notes
