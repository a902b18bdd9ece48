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


def _word(text: str, x: float, y: float, size: float = 10) -> Piece:
    width = size * len(text)
    marks = [Mark(i, i + 1, x + i * size, x + (i + 1) * size) for i in range(len(text))]
    return Piece(text, (x, y, x + width, y + size), None, marks)


def test_a_table_printed_without_rules_is_rebuilt_from_its_text_positions() -> None:
    from extractor.layout import stream_grids

    pieces = [
        _word("项目支出绩效自评表", 200, 10),  # the title: no row of the table
        _word("一级指标", 40, 40), _word("三级指标", 160, 40), _word("分值", 300, 40),
        _word("数量指标", 160, 60), _word("10", 300, 60),
        _word("产出指标", 40, 70),  # a label centred between the two rows it stands for
        _word("质量指标", 160, 80), _word("20", 300, 80),
        _word("合格率达到", 160, 100), _word("30", 300, 100),
        _word("标准", 160, 111),  # the wrapped second line of the cell above
    ]  # fmt: skip
    (grid,) = stream_grids(pieces)
    assert (grid.n_rows, grid.n_cols) == (4, 3)
    laid = lay_out_page(pieces, [grid], page=1, to_page=lambda r: r, joiner="")
    (table,) = laid.tables
    rows = [[c.text for c in row] for row in table.rows()]
    assert rows[0] == ["一级指标", "三级指标", "分值"]
    assert rows[1] == ["产出指标", "数量指标", "10"]  # a centred label joins a row it touches
    assert rows[2] == ["", "质量指标", "20"]
    assert rows[3] == ["", "合格率达到标准", "30"]  # the wrapped line stays in its cell
    assert table.source == "pdf-stream" and table.title == ["项目支出绩效自评表"]
    # the label's box is where it is printed, so a reader can give it back its rows
    label = next(c for c in table.cells if c.text == "产出指标")
    assert label.box is not None and label.box[1] == 70


def test_two_wrapped_cells_printed_close_together_stay_in_their_table() -> None:
    from extractor.layout import stream_grids

    pieces = [
        _word("三级指标", 40, 40), _word("指标值", 160, 40), _word("偏差原因", 240, 40),
        _word("改进措施", 345, 40),
        # two long cells of one row, wrapped, their lines 5 apart: no table row by its gaps
        _word("受天气影响部分工程延", 240, 62), _word("下一步将加强进度调", 345, 62),
        _word("储备物资数量", 40, 67), _word("≥2.7万件", 160, 67),
        _word("期", 240, 73), _word("度", 345, 73),
        _word("储备物资品种", 40, 95), _word("≥34种", 160, 95),
    ]  # fmt: skip
    (grid,) = stream_grids(pieces)
    laid = lay_out_page(pieces, [grid], page=1, to_page=lambda r: r, joiner="")
    (table,) = laid.tables
    rows = [[c.text for c in row] for row in table.rows()]
    assert rows == [
        ["三级指标", "指标值", "偏差原因", "改进措施"],
        ["储备物资数量", "≥2.7万件", "受天气影响部分工程延期", "下一步将加强进度调度"],
        ["储备物资品种", "≥34种", "", ""],
    ]
