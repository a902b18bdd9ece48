"""The shared layout: positioned text into grid cells, lines and row text with tables."""

from __future__ import annotations

from extractor.layout import Grid, GridCell, Mark, Piece, cell_text, lay_out_page, place


def _grid() -> Grid:
    # 2 × 3 grid; the first column's two rows are one merged cell
    cells = [
        GridCell(0, 0, 2, 1, (0, 0, 100, 40)),
        GridCell(0, 1, 1, 1, (100, 0, 200, 20)),
        GridCell(0, 2, 1, 1, (200, 0, 300, 20)),
        GridCell(1, 1, 1, 1, (100, 20, 200, 40)),
        GridCell(1, 2, 1, 1, (200, 20, 300, 40)),
    ]
    return Grid((0, 0, 300, 40), 2, 3, cells)


def _chars(text: str, x: float, y: float, width: float = 10) -> Piece:
    """A text-layer line: each character marked where it is printed."""
    marks = [Mark(i, i + 1, x + i * width, x + (i + 1) * width) for i in range(len(text))]
    return Piece(text, (x, y, x + len(text) * width, y + 10), None, marks)


def test_a_line_across_a_column_rule_is_cut_at_its_characters() -> None:
    placed = place(_grid(), [_chars("数量指标10", 160, 5)])  # 4 chars left of 200, 2 right
    assert [p.text for p in placed[(0, 1)]] == ["数量指标"]
    assert [p.text for p in placed[(0, 2)]] == ["10"]


def test_wrapped_lines_of_a_cell_join_without_spaces() -> None:
    pieces = [_chars("城乡居民", 5, 2), _chars("医疗救助", 5, 22)]
    assert cell_text(pieces, joiner="") == "城乡居民医疗救助"


def test_page_layout_writes_rows_and_keeps_the_table() -> None:
    pieces = [
        Piece("项目支出绩效自评表", (50, -40, 250, -28)),
        _chars("产出", 5, 15),
        _chars("数量", 105, 5),
        _chars("10", 205, 5),
        _chars("质量", 105, 25),
    ]
    laid = lay_out_page(pieces, [_grid()], page=3, to_page=lambda r: r, joiner="")
    assert laid.text.split("\n") == ["项目支出绩效自评表", "产出\t数量\t10", "\t质量\t"]
    (table,) = laid.tables
    assert table.title == ["项目支出绩效自评表"] and table.pages == [3]
    merged = table.grid()[1][0]
    assert merged is not None and merged.text == "产出" and merged.row_span == 2
    for cell in table.cells:
        assert laid.text[cell.start : cell.end] == cell.text and cell.page == 3
    assert (1, 0) not in {(c.row, c.col) for c in table.cells}
