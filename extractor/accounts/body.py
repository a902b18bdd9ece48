"""The rows of one table: blocks, page breaks, OCR repairs, codes.

- The rows after the header fall into *blocks* separated by blank lines or form feeds
  (page breaks). A later block that starts with the header printed again skips it. A
  block whose codes (or 行次) run backwards — all of it, or the part before or after one
  turning point: a page region the text layer holds bottom-up — is read in reverse.
- A row whose amount cells hold several figures each is several rows stacked by OCR; it
  is left out when its names are rows already read (an OCR duplicate), noted otherwise.
- A line of 合计 labels glued to their amounts ("人员经费合计 118.82 公用经费合计 7.")
  gives one total row per label, a truncated figure completed by the amount printed
  elsewhere on the line ("7." + "7. 36").
- Per segment, codes are read in order (`codes.CodeReader`); a name printed on two
  lines is joined: a line without code, 行次 or amount continues the row above, and a
  line whose code does not fit (garbled, repeated, out of order) is joined to the
  neighbour it completes.
- A row that only repeats a 行次 already read, or holds nothing readable, is debris.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from extractor.accounts.cells import RawRow, is_debris, is_stacked, is_total_name, read_cells
from extractor.accounts.codes import CodeReader, family_of, list_family
from extractor.accounts.layout import Layout, Segment, lanci_cells
from extractor.accounts.text import Cell, Line, parse_amount
from extractor.accounts.vocabulary import HEADER_WORDS, KNOWN_NAMES

_GLUED_TOTAL = re.compile(
    r"([\u3400-\u9fff]{0,12}?(?:合计|总计))\s*([\d][\d,，\s]*(?:[.．]\s*\d*)?)?"
)
_MIN_DESCENTS = 3
_AMOUNT_TEXT = re.compile(r"\d[\d,，\s]*[.．]\s*\d+")


@dataclass
class TableBody:
    """What the body of one table reads to: rows per segment and the notes on repairs."""

    rows: list[list[RawRow]]  # per segment
    totals: list[tuple[int, RawRow]] = field(default_factory=list)  # (segment, row) glued
    notes: list[str] = field(default_factory=list)


def blocks_of(rows: list[Line]) -> list[list[Line]]:
    """Runs of consecutive rows; a blank line or a page break ends one."""
    blocks: list[list[Line]] = []
    for line in rows:
        if blocks and line.index == blocks[-1][-1].index + 1 and not line.new_page:
            blocks[-1].append(line)
        else:
            blocks.append([line])
    return blocks


def _is_header_like(line: Line, layout: Layout) -> bool:
    if line.key in layout.header_keys or lanci_cells(line) is not None:
        return True
    words = sum(1 for c in line.cells for w in HEADER_WORDS if w == c.key)
    amounts = any(_AMOUNT_TEXT.fullmatch(c.key) for c in line.cells)
    return words >= 2 and not amounts


def strip_repeated_header(block: list[Line], layout: Layout) -> list[Line]:
    """A block after a page break may start with the header printed again."""
    last = -1
    for i, line in enumerate(block[:8]):
        if _is_header_like(line, layout):
            last = i
        elif any(_AMOUNT_TEXT.fullmatch(c.key) for c in line.cells):
            break
    return block[last + 1 :]


def _keys(block: list[Line], layout: Layout) -> list[list[tuple[int, str]]]:
    """Per segment, (row, key) of the rows with a readable key: a code of the segment's
    classification, else a 行次."""
    found: list[list[tuple[int, str]]] = []
    for segment in layout.segments:
        read = [(i, read_cells(line, segment)) for i, line in enumerate(block)]
        codes = ["".join(r.parts) for _, r in read if r is not None]
        family = list_family(codes)
        keys: list[tuple[int, str]] = []
        for i, row in read:
            if row is None:
                continue
            code = "".join(row.parts)
            if family is not None and family_of(code) == family:
                keys.append((i, code))
            elif row.line is not None:
                keys.append((i, f"{row.line:07d}"))
        found.append(keys)
    return found


def _votes(keys: list[list[tuple[int, str]]], lo: int, hi: int) -> tuple[int, int]:
    """(ascending, descending) pairs of consecutive keys within rows [lo, hi)."""
    up = down = 0
    for segment in keys:
        inside = [key for i, key in segment if lo <= i < hi]
        for a, b in itertools.pairwise(inside):
            if len(a) == len(b) and a != b:
                up, down = (up + 1, down) if a < b else (up, down + 1)
    return up, down


def backwards_range(block: list[Line], layout: Layout) -> tuple[int, int] | None:
    """The rows a page region printed bottom-up occupies: the part of the block (all of
    it, or what comes before or after one turning point) whose codes or 行次 descend."""
    keys = _keys(block, layout)
    n = len(block)
    best: tuple[int, tuple[int, int]] | None = None
    for p in range(n):
        up1, down1 = _votes(keys, 0, p)
        up2, down2 = _votes(keys, p, n)
        for score, span, down, up in (
            (up1 + down2, (p, n), down2, up2),
            (down1 + up2, (0, p), down1, up1),
        ):
            if down >= _MIN_DESCENTS and down > up and (best is None or score > best[0]):
                best = (score, span)
    if best is None:
        return None
    start, end = best[1]
    keyed = {i for segment in keys for i, _ in segment}
    while start > 0 and start - 1 not in keyed:
        start -= 1
    return start, end


def glued_totals(line: Line) -> tuple[list[tuple[int, str, float | None]], set[int]]:
    """(cell, label, amount) of the 合计 labels glued to their amounts in one cell
    ("人员经费合计 118.82 公用经费合计 7."), and the cells they and their completing
    amounts take; nothing when the line has no such cell."""
    pairs: list[tuple[int, str, str]] = []
    for i, cell in enumerate(line.cells):
        found = [m for m in _GLUED_TOTAL.finditer(cell.text) if m.group(1)]
        if len(found) >= 2 and any(m.group(2) for m in found):
            pairs += [(i, m.group(1), (m.group(2) or "").strip()) for m in found]
    used = {i for i, _, _ in pairs}
    if not pairs:
        return [], used
    spare = [
        (i, c.amount) for i, c in enumerate(line.cells) if i not in used and c.amount is not None
    ]
    result: list[tuple[int, str, float | None]] = []
    for index, label, text in pairs:
        amount = parse_amount(text) if text else None
        if amount is None and re.search(r"\d", text) and spare:
            prefix = re.sub(r"\D", "", text)
            pick = next((s for s in spare if str(s[1]).startswith(prefix)), spare[-1])
            spare.remove(pick)
            used.add(pick[0])
            amount = pick[1]
        result.append((index, label, amount))
    return result, used


def _blank(line: Line, cells: set[int]) -> Line:
    """The line with some cells emptied (what is left once glued totals are read)."""
    kept = tuple(
        Cell("", "", c.start, c.start) if i in cells else c for i, c in enumerate(line.cells)
    )
    return Line(line.index, line.start, line.end, line.raw, kept)


def _segment_of(layout: Layout, cell: int) -> int:
    for k, segment in enumerate(layout.segments):
        if segment.start <= cell < segment.end:
            return k
    return 0


def _known_names(body: TableBody) -> set[str]:
    return {row.name for rows in body.rows for row in rows if row.name}


def read_body(blocks: list[list[Line]], layout: Layout) -> TableBody:
    """Rows of every segment from the data blocks (header rows already removed)."""
    body = TableBody(rows=[[] for _ in layout.segments])
    for number, block in enumerate(blocks):
        backwards = backwards_range(block, layout)
        if backwards is not None:
            start, end = backwards
            block = [*block[:start], *reversed(block[start:end]), *block[end:]]
            body.notes.append("分页处一段表格文字顺序颠倒（自下而上），已倒序读取")
        for line in block:
            glued, used = glued_totals(line)
            for cell, label, amount in glued:
                k = _segment_of(layout, cell)
                values: list[float | None] = [None] * len(layout.segments[k].value_cells)
                if values:
                    values[0] = amount
                total = RawRow([], label, None, values, line.start, line.end, number, True)
                body.totals.append((k, total))
            if used:
                line = _blank(line, used)
            for k, segment in enumerate(layout.segments):
                if is_stacked(line, segment):
                    _stacked(body, line, segment)
                    continue
                row = read_cells(line, segment)
                if row is None:
                    continue
                row.block = number
                row.total = is_total_name(row.name)
                body.rows[k].append(row)
    for k in range(len(layout.segments)):
        body.rows[k] = _settle(body.rows[k], layout.segments[k])
    return body


def _stacked(body: TableBody, line: Line, segment: Segment) -> None:
    names = " ".join(c.raw for c in line.cells[segment.start : segment.end] if c.has_cjk).split()
    known = _known_names(body)
    if names and all(name in known for name in names):
        body.notes.append(f"OCR 叠印的重复行（{'、'.join(names)}）已略去")
    else:
        body.notes.append(f"OCR 叠印的行无法拆分，未读取：{'、'.join(names) or line.raw.strip()}")


def _settle(rows: list[RawRow], segment: Segment) -> list[RawRow]:
    """Debris out, repeated 行次 out, wrapped names joined, codes read."""
    kept: list[RawRow] = []
    seen_lines: set[int] = set()
    for row in rows:
        if is_debris(row):
            continue
        if row.line is not None and not row.name and all(v is None for v in row.values):
            if row.line in seen_lines:
                continue
        if row.line is not None:
            seen_lines.add(row.line)
        if kept and row.empty and row.name and not row.total and kept[-1].block == row.block:
            kept[-1].name += row.name  # a name wrapped onto the next line
            kept[-1].end = max(kept[-1].end, row.end)
            continue
        kept.append(row)
    if segment.code_cells:
        _read_codes(kept)
        kept = _join_invalid(kept)
    return kept


def _read_codes(rows: list[RawRow]) -> None:
    family = list_family(["".join(r.parts) for r in rows if not r.total])
    reader = CodeReader(family)
    for row in rows:
        if row.total or not row.parts:
            continue
        read = reader.read(row.parts)
        row.code, row.status, row.parent = read.code, read.status, read.parent


def _merge(first: RawRow, second: RawRow, keep: RawRow) -> RawRow:
    other = second if keep is first else first
    values = keep.values if any(v is not None for v in keep.values) else other.values
    return RawRow(
        parts=keep.parts,
        name=first.name + second.name,
        line=keep.line if keep.line is not None else other.line,
        values=values,
        start=min(first.start, second.start),
        end=max(first.end, second.end),
        block=keep.block,
        code=keep.code,
        status="repaired",
        parent=keep.parent,
    )


def _join_invalid(rows: list[RawRow]) -> list[RawRow]:
    """A row whose printed code does not fit is half of a name wrapped over two lines."""
    out: list[RawRow] = []
    i = 0
    while i < len(rows):
        row = rows[i]
        if row.status != "invalid":
            out.append(row)
            i += 1
            continue
        prev = out[-1] if out and not out[-1].total and out[-1].status != "invalid" else None
        nxt = rows[i + 1] if i + 1 < len(rows) and rows[i + 1].status != "invalid" else None
        nxt = nxt if nxt is not None and not nxt.total else None
        to_prev = prev is not None and prev.name + row.name in KNOWN_NAMES
        to_next = nxt is not None and row.name + nxt.name in KNOWN_NAMES
        if not to_prev and not to_next:
            same_class = prev is not None and (prev.code or "")[:3] == "".join(row.parts)[:3]
            to_prev = same_class or nxt is None
            to_next = not to_prev and nxt is not None
        if to_prev and prev is not None:
            out[-1] = _merge(prev, row, prev)
            i += 1
        elif to_next and nxt is not None:
            out.append(_merge(row, nxt, nxt))
            i += 2
        else:
            out.append(row)
            i += 1
    return out
