"""The final-accounts reader on synthetic tables in both layouts (clean export, OCR)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from extractor.accounts import extract_accounts, read_tables
from extractor.models import AccountTable
from tests.accounts.samples import CLEAN, OCR, rows
from tests.validate.builders import document

GOLDEN_DOCS = Path(__file__).resolve().parents[2] / "golden" / "docs"


def _plain(table: AccountTable) -> dict[str, Any]:
    data = table.model_dump(exclude={"span"})
    for row in data["rows"]:
        row.pop("span")
    return data


def _table(tables: list[AccountTable], number: int, side: str | None = None) -> AccountTable:
    return next(t for t in tables if t.number == number and t.side == side)


def _rows(table: AccountTable) -> list[tuple[str | None, str, int | None, list[float | None]]]:
    return [(r.code, r.name, r.line, r.values) for r in table.rows]


def test_clean_layout_reads_every_table() -> None:
    tables, notes = read_tables(CLEAN)
    assert notes == []
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
        (9, None),
    ]
    assert all(t.unit == "万元" for t in tables)
    t2 = _table(tables, 2)
    assert t2.title == "收入决算表"
    assert [(c.label, c.number) for c in t2.columns] == [
        ("本年收入合计", 1),
        ("财政拨款收入", 2),
        ("事业收入", 3),
    ]
    assert _rows(t2)[:3] == [
        (None, "合计", None, [530.0, 500.0, 30.0]),
        ("205", "教育支出", None, [450.0, 420.0, 30.0]),
        ("20502", "普通教育", None, [450.0, 420.0, 30.0]),
    ]
    assert _rows(t2)[3] == ("2050201", "学前教育", None, [150.0, 150.0, None])
    assert t2.formulas == ["1栏各行=(2+3)栏各行"]


def test_two_sided_table_gives_two_records_with_their_formulas() -> None:
    tables, _ = read_tables(CLEAN)
    income, spending = _table(tables, 1, "收入"), _table(tables, 1, "支出")
    assert income.title == spending.title == "收入支出决算总表"
    assert [(c.label, c.number) for c in spending.columns] == [("决算数", 2)]
    assert _rows(income)[2] == (None, "三、事业收入", 3, [30.0])
    assert _rows(spending)[2] == (None, "", 9, [None])  # a printed 行次 with no 项目
    assert income.formulas == ["4行=(1+2+3)行", "6行=(4+5)行"]
    assert spending.formulas == ["10行=(7+8+9)行", "12行=(10+11)行"]
    fiscal = _table(tables, 4, "支出")
    assert [c.label for c in fiscal.columns] == [
        "小计",
        "一般公共预算财政拨款",
        "政府性基金预算财政拨款",
    ]
    assert _rows(fiscal)[2] == (None, "本年支出合计", 8, [500.0, 500.0, None])


def test_groups_side_by_side_are_one_record_each_group_with_its_total() -> None:
    tables, _ = read_tables(CLEAN)
    detail = _table(tables, 6)
    assert [(c.label, c.number) for c in detail.columns] == [("决算数", None)]
    assert [(r.code, r.name) for r in detail.rows] == [
        ("301", "工资福利支出"),
        ("30101", "基本工资"),
        ("30102", "津贴补贴"),
        ("30108", "机关事业单位基本养老保险缴费"),
        ("303", "对个人和家庭的补助"),
        ("30302", "退休费"),
        (None, "人员经费合计"),
        ("302", "商品和服务支出"),
        ("30201", "办公费"),
        ("30211", "差旅费"),
        (None, "公用经费合计"),
    ]
    assert detail.rows[6].values == [330.0] and detail.rows[-1].values == [30.0]


def test_empty_table_keeps_its_remark_and_three_public_row() -> None:
    tables, _ = read_tables(CLEAN)
    fund = _table(tables, 7)
    assert _rows(fund) == [(None, "合计", None, [None, None, None, None])]
    assert fund.remark == "本单位无政府性基金预算财政拨款收入、支出。"
    three = _table(tables, 9)
    assert three.title == "财政拨款“三公”经费支出决算表"
    assert [c.label for c in three.columns[:6]] == [
        "合计",
        "因公出国(境)费",
        "小计",
        "公务用车购置费",
        "公务用车运行维护费",
        "公务接待费",
    ]
    assert [c.number for c in three.columns] == list(range(1, 13))
    assert three.rows[0].values[:6] == [5.0, None, 3.0, None, 3.0, 2.0]
    assert len(three.formulas) == 4


def test_ocr_layout_reads_the_same_records() -> None:
    clean, _ = read_tables(CLEAN)
    scanned, notes = read_tables(OCR)
    assert [_plain(t) for t in scanned] == [_plain(t) for t in clean]
    assert notes == ["表3: OCR 叠印的重复行（学前教育、行政事业单位养老支出）已略去"]


@pytest.mark.parametrize(
    ("above", "code_cells", "expected"),
    [
        ([], "205|02|", "20502"),  # split over cells
        (["20502|||普通教育|9.00"], "205|0201|", "2050201"),
        ([], "0502||", "20502"),  # leading 2 lost
        (["0502|||普通教育|9.00"], "05020|.01|", "2050201"),  # lost, split, digit repeated
        ([], "20502)||", "20502"),  # OCR debris
    ],
)
def test_split_and_truncated_codes(above: list[str], code_cells: str, expected: str) -> None:
    text = "\n".join(
        [
            "表3 支出决算表",
            "单位：万元",
            rows(
                "类|款|项|科目名称|本年支出合计",
                "|||栏次|1",
                "205|||教育支出|9.00",
                *above,
                code_cells + "|某项科目|9.00",
            ),
        ]
    )
    tables, _ = read_tables(text)
    assert tables[0].rows[-1].code == expected


def test_code_glued_to_name_and_amounts_shifted_left() -> None:
    text = "\n".join(
        [
            "表2 收入决算表",
            rows(
                "类款|项|科目名称|本年收入合计|财政拨款收入",
                "类款|项|栏次|1|2",
                "2013102 一般行政管理事务||7.10|7.10|",
            ),
        ]
    )
    tables, _ = read_tables(text)
    row = tables[0].rows[0]
    assert (row.code, row.name, row.values) == ("2013102", "一般行政管理事务", [7.1, 7.1])


def test_header_repeated_after_page_break_and_continued_title() -> None:
    text = "\n".join(
        [
            "表5 一般公共预算财政拨款支出决算表",
            rows("科目编码|科目名称|小计", "|栏次|1", "205|教育支出|3.00", "20502|普通教育|3.00"),
            "",
            rows("科目编码|科目名称|小计", "|栏次|1", "2050201|学前教育|3.00"),
            "表5 一般公共预算财政拨款支出决算表（续）",
            rows("科目编码|科目名称|小计", "|栏次|1", "208|社会保障和就业支出|1.00"),
        ]
    )
    tables, _ = read_tables(text)
    assert len(tables) == 1
    assert [r.code for r in tables[0].rows] == ["205", "20502", "2050201", "208"]


def test_table_of_contents_entries_are_not_tables() -> None:
    text = "目 录\n\n- 一、收入支出决算总表(表1)\n- 二、收入决算表(表 2)\n\n一、部门职能\n\n正文。"
    assert read_tables(text) == ([], [])


def test_block_printed_bottom_up_is_read_in_reverse() -> None:
    """After a page break (or a turning point inside a block) the codes run backwards."""
    text = "\n".join(
        [
            "表6 一般公共预算财政拨款基本支出决算明细表",
            rows(
                "经济分类科目编码|科目名称|决算数",
                "301|工资福利支出|6.00",
                "30100|其他|1.00",
            ),
            "",
            rows(
                "人员经费合计||6.00",
                "30199|其他工资福利支出|2.00",
                "30103|奖金|3.00",
                "30102|津贴补贴|",
                "30101|基本工资|",
            ),
        ]
    )
    tables, notes = read_tables(text)
    codes = [r.code for r in tables[0].rows]
    assert codes == ["301", "30100", "30101", "30102", "30103", "30199", None]
    assert notes and "倒序" in notes[0]


def test_no_tables_in_documents_without_final_accounts() -> None:
    for name in ("000_d5d65c7f22f61821", "002_184a1245c9aaaa2b", "003_66db3a5609a5b13a"):
        text = (GOLDEN_DOCS / f"{name}.txt").read_text(encoding="utf-8")
        assert read_tables(text)[0] == []


def test_extract_accounts_spans_and_meta() -> None:
    doc = document(CLEAN)
    tables, meta = extract_accounts(doc)
    row = _table(tables, 2).rows[1]
    assert row.span is not None
    assert doc.text[row.span.start : row.span.end].startswith("205")
    assert meta["tables"] == 10
    assert meta["formulas"] == {
        "parsed": 16,
        "applied": 16,
        "hold": 16,
        "cells": meta["formulas"]["cells"],  # type: ignore[index]
        "failing_cells": 0,
    }


@pytest.mark.parametrize(
    ("title", "number", "name", "continued"),
    [
        ("2022 年度收入支出决算总表 (表 1)", 1, "收入支出决算总表", False),
        ("收入支出决算总表(公开01表)", 1, "收入支出决算总表", False),
        ("表2 收入决算表", 2, "收入决算表", False),
        ("表三 支出决算表", 3, "支出决算表", False),
        ("一般公共预算财政拨款支出决算表(表5续)", 5, "一般公共预算财政拨款支出决算表", True),
        ('- 九、财政拨款"三公"经费支出决算表(表 9)', 9, '财政拨款"三公"经费支出决算表', False),
    ],
)
def test_title_variants(title: str, number: int, name: str, continued: bool) -> None:
    from extractor.accounts.text import split_lines
    from extractor.accounts.titles import match_title

    found = match_title(split_lines(title)[0])
    assert found is not None
    assert (found.number, found.title, found.continued) == (number, name, continued)


def test_not_a_final_accounts_title() -> None:
    from extractor.accounts.text import split_lines
    from extractor.accounts.titles import match_title

    assert match_title(split_lines("项目支出绩效自评表(表1)")[0]) is None
    assert match_title(split_lines("一、收入支出决算总体情况说明")[0]) is None


def test_two_sided_table_without_lanci_row() -> None:
    text = "\n".join(
        [
            "收入支出决算总表(公开01表)",
            "单位：元",
            rows(
                "收入|||支出||",
                "项目|行次|金额|项目|行次|金额",
                "一、财政拨款收入|1|1,200.50|一、农林水支出|3|1,200.50",
                "本年收入合计|2|1,200.50|本年支出合计|4|1,200.50",
            ),
        ]
    )
    tables, _ = read_tables(text)
    assert [(t.side, t.unit, [c.label for c in t.columns]) for t in tables] == [
        ("收入", "元", ["金额"]),
        ("支出", "元", ["金额"]),
    ]
    assert _rows(tables[1]) == [
        (None, "一、农林水支出", 3, [1200.5]),
        (None, "本年支出合计", 4, [1200.5]),
    ]
    assert tables[0].columns[0].number is None
