"""Rows out of both OCR layouts, with offsets back into the source."""

from extractor.rows import read_rows


def test_line_layout_keeps_empty_cells_and_offsets() -> None:
    text = "标题\n\t\t指标 2: 开展医保 政策宣传\t12 次\t12 次\t5\t5\n"
    rows = read_rows(text, base=100)
    assert not rows[0].is_table
    row = rows[1]
    assert row.is_table
    assert row.texts == ["", "", "指标 2: 开展医保政策宣传", "12 次", "12 次", "5", "5"]
    cell = row.cells[3]
    assert text[cell.start - 100 : cell.end - 100] == "12 次"


def test_block_layout_cells_continue_over_lines() -> None:
    text = (
        "\t一级\n指标\n\t二级指标\n\t三级指标\n\t分值\n\n"
        "\t决策\n（15分）\n\u3000\n\t项目立项\n（5分）\n\t立项依据\n充分性\n（2.5分）\n\t2.5\n\n"
        "\t\n\t\n\t立项程序\n规范性\n\t2.5\n\n\n"
        "3、评价方法\n"
    )
    rows = read_rows(text)
    assert rows[0].texts == ["一级指标", "二级指标", "三级指标", "分值"]
    assert rows[1].texts == ["决策（15分）", "项目立项（5分）", "立项依据充分性（2.5分）", "2.5"]
    assert rows[2].texts == ["", "", "立项程序规范性", "2.5"]
    assert not rows[3].is_table and rows[3].texts == ["3、评价方法"]


def test_block_layout_paragraph_break_inside_a_cell() -> None:
    text = "\t立项依据充分性\n\t①是否符合法律法规；\n\n②是否符合规划；\n\t2\n\n\t\n\t规范性\n\t1\n"
    rows = read_rows(text)
    assert rows[0].texts == ["立项依据充分性", "①是否符合法律法规；②是否符合规划；", "2"]
    assert rows[1].texts == ["", "规范性", "1"]
