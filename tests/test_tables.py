"""Tables continued over pages are joined; titles at the foot of a page move down."""

from __future__ import annotations

from extractor.document import Page, Table, TableCell
from extractor.tables import join_tables


def _table(page: int, rows: list[list[str]], xs: list[float], at: int = 0) -> tuple[str, Table]:
    """Row text of a table and the table, its columns at `xs` (rules)."""
    lines, cells, pos = [], [], at
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            box = (xs[c], 100 + 20 * r, xs[c + 1], 120 + 20 * r)
            cells.append(
                TableCell(
                    row=r, col=c, text=text, page=page, start=pos, end=pos + len(text), box=box
                )
            )
            pos += len(text) + 1
        lines.append("\t".join(row))
    table = Table(n_rows=len(rows), n_cols=len(xs) - 1, cells=cells, pages=[page])
    return "\n".join(lines), table


def _doc(
    *pages: tuple[str, list[str], Table | None, list[str]],
) -> tuple[list[Page], list[list[Table]]]:
    out_pages, out_tables = [], []
    for number, (_, above, table, below) in enumerate(pages, start=1):
        text = "\n".join(above)
        tables = []
        if table is not None:
            prefix = len(text) + 1 if above else 0
            body, table = _table(
                number, [[c.text for c in row] for row in table.rows()], _xs(table), prefix
            )
            text = "\n".join([*above, body]) if above else body
            tables.append(table)
        text = "\n".join([text, *below]) if below else text
        out_pages.append(Page(number=number, text=text))
        out_tables.append(tables)
    return out_pages, out_tables


def _xs(table: Table) -> list[float]:
    return [
        *sorted({c.box[0] for c in table.cells if c.box}),
        max(c.box[2] for c in table.cells if c.box),
    ]


HEADER = ["一级指标", "三级指标", "分值"]


def test_continued_table_is_joined_and_its_repeated_header_dropped() -> None:
    _, first = _table(1, [HEADER, ["产出指标", "培训人次", "10"]], [0, 100, 200, 300])
    _, second = _table(2, [HEADER, ["效益指标", "知晓率", "20"]], [0, 100, 200, 300])
    pages, tables = _doc(("", ["自评表"], first, ["- 1 -"]), ("", ["- 2 -"], second, []))
    (joined,) = join_tables(pages, tables)
    assert joined.n_rows == 3 and joined.pages == [1, 2] and joined.title == ["自评表"]
    assert [c.text for c in joined.rows()[2]] == ["效益指标", "知晓率", "20"]
    assert "重复的 1 行表头" in joined.notes[0]


def test_continuation_with_fewer_column_rules_is_put_on_the_first_tables_columns() -> None:
    _, first = _table(
        1, [[*HEADER, "得分"], ["产出指标", "培训人次", "10", "9"]], [0, 100, 200, 250, 300]
    )
    _, second = _table(2, [["合计", "", "100"]], [0, 100, 200, 300])  # no rule at 250
    pages, tables = _doc(("", [], first, []), ("", [], second, []))
    (joined,) = join_tables(pages, tables)
    last = joined.rows()[2]
    assert [(c.col, c.col_span, c.text) for c in last] == [
        (0, 1, "合计"),
        (1, 1, ""),
        (2, 2, "100"),
    ]


def test_text_between_tables_keeps_them_apart_and_a_foot_title_moves_down() -> None:
    _, first = _table(1, [HEADER, ["产出指标", "培训人次", "10"]], [0, 100, 200, 300])
    _, second = _table(2, [HEADER, ["效益指标", "知晓率", "20"]], [0, 100, 200, 300])
    pages, tables = _doc(("", [], first, ["项目支出绩效自评表（二）"]), ("", [], second, []))
    one, two = join_tables(pages, tables)
    assert two.title == ["项目支出绩效自评表（二）"] and one.n_rows == 2


def test_a_table_without_rules_continues_though_its_last_column_is_empty_there() -> None:
    # unruled tables: the column edges are where the text of each column starts, the right
    # edge where the longest text ends — the reason column is empty on the second page
    text_1, first = _table(
        1, [[*HEADER, "偏差原因"], ["产出指标", "培训人次", "10", "天气原因延期"]],
        [0, 100, 200, 250, 400],
    )  # fmt: skip
    text_2, second = _table(2, [["效益指标", "知晓率", "20"]], [0, 100, 200, 230])
    first = first.model_copy(update={"column_edges": [0, 100, 200, 250, 400]})
    second = second.model_copy(update={"column_edges": [0, 100, 200, 230]})
    pages = [Page(number=1, text=text_1), Page(number=2, text=text_2)]
    (joined,) = join_tables(pages, [[first], [second]])
    assert joined.n_rows == 3 and joined.n_cols == 4
    assert [c.text for c in joined.rows()[2]][:3] == ["效益指标", "知晓率", "20"]
