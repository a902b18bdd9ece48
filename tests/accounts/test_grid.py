"""The grid reader on synthetic tables laid out the ways published reports print them
(made-up department and figures), and on the two real reports of `golden/accounts/`."""

from __future__ import annotations

from pathlib import Path

from extractor.accounts import extract_accounts
from extractor.accounts.grid import read_grid_tables
from extractor.document import Word
from extractor.models import AccountTable
from extractor.pipeline import load_document
from tests.accounts.grids import document, grid

GOLDEN_DOCS = Path(__file__).resolve().parents[2] / "golden" / "accounts" / "docs"


def _rows(table: AccountTable) -> list[tuple[str | None, str, int | None, list[float | None]]]:
    return [(r.code, r.name, r.line, r.values) for r in table.rows]


TWO_SIDED = grid(
    ["某县农业农村局2023年度部门决算表", "收入支出决算总表", "单位：元"],
    [
        [("收入", 2, 1), ("支出", 2, 1)],
        ["项目", "决算数", "项目", "决算数"],
        ["一、一般公共预算财政拨款收入", "1,250,000.00", "一、农林水支出", "1,300,000.00"],
        ["二、事业收入", "50,000.00", "", ""],
        ["本年收入合计", "1,300,000.00", "本年支出合计", "1,300,000.00"],
        ["总计", "1,300,000.00", "总计", "1,300,000.00"],
    ],
    ["注：本表反映部门本年度的总收支和年末结转结余情况。"],
)


def test_two_sided_table_without_number_in_yuan() -> None:
    tables, notes = read_grid_tables(document(TWO_SIDED))
    assert notes == []
    assert [(t.number, t.side, t.title, t.unit) for t in tables] == [
        (1, "收入", "收入支出决算总表", "元"),
        (1, "支出", "收入支出决算总表", "元"),
    ]
    income, spending = tables
    assert [c.label for c in income.columns] == ["决算数"]
    assert _rows(income) == [
        (None, "一、一般公共预算财政拨款收入", None, [1250000.0]),
        (None, "二、事业收入", None, [50000.0]),
        (None, "本年收入合计", None, [1300000.0]),
        (None, "总计", None, [1300000.0]),
    ]
    # the empty cells beside 二、事业收入 are no 支出 row
    assert [r.name for r in spending.rows] == ["一、农林水支出", "本年支出合计", "总计"]


CODES_SPLIT = grid(
    ["表3 支出决算表", "金额单位：万元"],
    [
        [("项目", 4, 1), ("本年支出合计", 1, 2), ("基本支出", 1, 2), ("项目支出", 1, 2)],
        [("功能分类科目编码", 3, 1), "科目名称"],
        ["类", "款", "项", "栏次", "1", "2", "3"],
        [("合计", 4, 1), "1,024.50", "824.50", "200.00"],
        ["213", "", "", "农林水支出", "1,024.50", "824.50", "200.00"],
        ["213", "01", "", "农业农村", "1,024.50", "824.50", "200.00"],
        ["213", "01", "01", "行政运行", "824.50", "824.50", "—"],
        ["213", "01", "99", "其他农业农村支出", "200.00", "", "200.00"],
    ],
    ["注：1栏各行=(2+3)栏各行。"],
)


def test_codes_over_class_item_columns_lanci_and_formulas() -> None:
    (table,), _ = read_grid_tables(document(CODES_SPLIT))
    assert (table.number, table.title) == (3, "支出决算表")
    assert [(c.label, c.number) for c in table.columns] == [
        ("本年支出合计", 1),
        ("基本支出", 2),
        ("项目支出", 3),
    ]
    assert _rows(table) == [
        (None, "合计", None, [1024.5, 824.5, 200.0]),
        ("213", "农林水支出", None, [1024.5, 824.5, 200.0]),
        ("21301", "农业农村", None, [1024.5, 824.5, 200.0]),
        ("2130101", "行政运行", None, [824.5, 824.5, None]),
        ("2130199", "其他农业农村支出", None, [200.0, None, 200.0]),
    ]
    assert table.formulas == ["1栏各行=(2+3)栏各行"]


FUND_EMPTY = grid(
    ["政府性基金预算财政拨款收入支出决算表", "单位：万元"],
    [
        [
            ("项目", 2, 1),
            ("年初结转和结余", 1, 2),
            ("本年收入", 1, 2),
            ("本年支出", 3, 2),
            ("年末结转和结余", 1, 2),
        ],
        ["功能分类科目编码", "科目名称"],
        [("合计", 2, 1), "", "", "合计", "基本支出", "项目支出", ""],
        ["", "", "", "", "", "", "", ""],
    ],
    [
        "注：本表反映部门本年度政府性基金预算财政拨款收入支出及结转和结余情况。",
        "说明：某县农业农村局本年度没有政府性基金预算财政拨款收入和支出，故本表无数据。",
    ],
)

THREE_ITEMS = grid(
    ["财政拨款“三公”经费支出决算表", "单位：万元"],
    [
        [("财政拨款“三公”经费", 6, 1)],
        [("合计", 2, 2), ("公务用车购置及运行维护费", 2, 1), ("公务接待费", 2, 2)],
        [("小计", 2, 1)],
        ["预算数", "决算数", "预算数", "决算数", "预算数", "决算数"],
        ["3.00", "2.10", "2.00", "1.60", "1.00", "0.50"],
    ],
)

THREE_EMPTY = grid(
    ["财政拨款“三公”经费支出决算表", "单位：万元"],
    [
        [("合计", 2, 1), ("公务接待费", 2, 1)],
        ["预算数", "决算数", "预算数", "决算数"],
        ["", "", "", ""],
    ],
    ["说明：本单位本年度没有财政拨款“三公”经费支出，故本表无数据。"],
)


def test_labels_under_group_headers_items_and_empty_tables() -> None:
    tables, _ = read_grid_tables(document(FUND_EMPTY, THREE_ITEMS, THREE_EMPTY))
    fund, three, empty = tables
    assert [c.label for c in fund.columns] == [
        "年初结转和结余",
        "本年收入",
        "合计",
        "基本支出",
        "项目支出",
        "年末结转和结余",
    ]
    assert _rows(fund) == [(None, "合计", None, [None] * 6)]
    assert fund.remark == "某县农业农村局本年度没有政府性基金预算财政拨款收入和支出，故本表无数据。"
    assert [c.label for c in three.columns] == [
        "合计",
        "合计",
        "小计",
        "小计",
        "公务接待费",
        "公务接待费",
    ]
    assert _rows(three) == [(None, "", None, [3.0, 2.1, 2.0, 1.6, 1.0, 0.5])]
    assert empty.rows == [] and empty.remark.endswith("故本表无数据。")
    assert [t.number for t in tables] == [1, 2, 3]  # printed order


GROUPS = grid(
    ["一般公共预算财政拨款基本支出决算明细表", "单位：万元"],
    [
        ["经济分类科目编码", "科目名称", "决算数", "经济分类科目编码", "科目名称", "决算数"],
        ["301", "工资福利支出", "90.00", "302", "商品和服务支出", "10.00"],
        ["30101", "基本工资", "90.00", "30201", "办公费", "10.00"],
        [("人员经费合计", 2, 1), "90.00", ("公用经费合计", 2, 1), "10.00"],
    ],
)


def test_side_by_side_groups_are_one_table_group_after_group() -> None:
    (table,), _ = read_grid_tables(document(GROUPS))
    assert table.side is None and [c.label for c in table.columns] == ["决算数"]
    assert [(r.code, r.name, r.values) for r in table.rows] == [
        ("301", "工资福利支出", [90.0]),
        ("30101", "基本工资", [90.0]),
        (None, "人员经费合计", [90.0]),
        ("302", "商品和服务支出", [10.0]),
        ("30201", "办公费", [10.0]),
        (None, "公用经费合计", [10.0]),
    ]


def test_title_inside_the_grid_and_a_continued_table() -> None:
    first = grid(
        [],
        [
            [("一般公共预算财政拨款支出决算表", 4, 1)],
            ["科目编码", "科目名称", "合计", "基本支出"],
            ["2130101", "行政运行", "5.00", "5.00"],
        ],
    )
    more = grid(
        ["一般公共预算财政拨款支出决算表（续）"],
        [
            ["科目编码", "科目名称", "合计", "基本支出"],
            ["2130102", "一般行政管理事务", "1.00", "1.00"],
        ],
    )
    (table,), _ = read_grid_tables(document(first, more))
    assert table.title == "一般公共预算财政拨款支出决算表"
    assert [r.code for r in table.rows] == ["2130101", "2130102"]


def test_grids_that_are_no_final_accounts_are_left_alone() -> None:
    budget = grid(
        ["2024年部门财务收支预算总表", "单位：万元"], [["项目", "预算数"], ["一、财政拨款", "5.00"]]
    )
    heading = grid(["某县农业农村局2023年度部门决算表"], [["序号", "单位名称"], ["1", "本级"]])
    assert read_grid_tables(document(budget, heading)) == ([], [])


def test_the_real_reports_read_every_table() -> None:
    for path in sorted(GOLDEN_DOCS.glob("*.pdf")):
        tables, meta = extract_accounts(load_document(path))
        assert meta["source"] == "grid" and meta["notes"] == []
        assert [(t.number, t.side) for t in tables] == [
            (1, "收入"),
            (1, "支出"),
            (2, None),
            (3, None),
            (4, "收入"),
            (4, "支出"),
            (5, None),
            (6, None),
            (7, None),
            (8, None),
            (9, None),
        ]


def test_amounts_the_grid_merged_go_under_their_columns_by_position() -> None:
    """A missing column rule: one grid cell over 基本支出 and 项目支出 holds both amounts;
    the words' boxes put each under its header."""
    spec = grid(
        ["一般公共预算财政拨款支出决算表", "单位：万元"],
        [
            ["科目编码", "科目名称", "合计", "基本支出", "项目支出"],
            ["2130101", "行政运行", "30.00", ("20.00 10.00", 2, 1)],
        ],
    )
    doc = document(spec)
    # grids.py boxes: column k spans x = 50k … 50(k+1); row 1 spans y = 20 … 40
    doc.pages[0].words = [
        Word(text="20.00", box=(160.0, 25.0, 190.0, 35.0)),
        Word(text="10.00", box=(210.0, 25.0, 240.0, 35.0)),
    ]
    (table,), _ = read_grid_tables(doc)
    assert table.rows[0].values == [30.0, 20.0, 10.0]
