"""Final-accounts checks on small grid tables: rounding told apart from error, a figure
printed in two tables, the template's sums without adding a total to its own parts,
and the 情况说明's wording against the tables (made-up department and figures)."""

from __future__ import annotations

from extractor.accounts import extract_accounts
from extractor.document import Document
from extractor.models import Flag
from extractor.validate import validate_result
from tests.accounts.grids import Grid, document, grid
from tests.validate.builders import result


def flags_of(*tables: Grid, narrative: str = "") -> list[Flag]:
    doc: Document = document(*tables, narrative=narrative)
    accounts, _ = extract_accounts(doc)
    extracted = result()
    extracted.accounts = accounts
    return validate_result(extracted, doc).flags


def rules(flags: list[Flag]) -> list[tuple[str, str, str]]:
    return [(f.rule, f.severity, f.path) for f in flags]


def general(rows: list[list[str]]) -> Grid:
    return grid(
        ["一般公共预算财政拨款支出决算表", "单位：万元"],
        [["科目编码", "科目名称", "合计", "基本支出", "项目支出"], *rows],
    )


def test_a_sum_off_by_rounding_is_info_with_both_figures() -> None:
    flags = flags_of(general([["2120101", "行政运行", "1092.80", "1084.02", "8.77"]]))
    assert rules(flags) == [("accounts.rounding", "info", "accounts[0].rows[0].values[0]")]
    assert "舍入差异" in flags[0].message
    assert "1092.8" in flags[0].message and "1092.79" in flags[0].message
    assert (flags[0].expected, flags[0].found) == (1092.79, 1092.8)


def test_beyond_half_a_unit_per_printed_part_is_an_error() -> None:
    flags = flags_of(general([["2120101", "行政运行", "1092.82", "1084.02", "8.77"]]))
    assert rules(flags) == [("accounts.total", "error", "accounts[0].rows[0].values[0]")]


def detail(rows: list[list[str]]) -> Grid:
    return grid(
        ["一般公共预算财政拨款基本支出决算表", "单位：万元"],
        [["经济分类科目编码", "科目名称", "决算数"], *rows],
    )


def test_tolerance_grows_with_printed_parts_only() -> None:
    amounts = ["3.78", "1.15", "0.02", "0.68", "0.48", "1.48", "2.43", "0.20", "0.00", ""]
    children = [[f"302{k:02d}", f"费用{k}", v] for k, v in enumerate(amounts, start=1)]
    # nine printed parts (10.22): 10.23 is rounding, 10.30 is not
    for parent, rule in (("10.23", "accounts.rounding"), ("10.30", "accounts.hierarchy")):
        flags = flags_of(detail([["302", "商品和服务支出", parent], *children]))
        assert [f.rule for f in flags] == [rule]
    # one printed child: a 0.01 difference is more than half a unit
    flags = flags_of(detail([["303", "对个人和家庭的补助", "5.01"], ["30302", "退休费", "5.00"]]))
    assert [f.rule for f in flags] == ["accounts.hierarchy"]


TOTAL_1 = grid(
    ["收入支出决算总表", "单位：万元"],
    [
        [("收入", 2, 1), ("支出", 2, 1)],
        ["项目", "决算数", "项目", "决算数"],
        ["一、一般公共预算财政拨款收入", "100.00", "一、教育支出", "60.01"],
        ["", "", "二、卫生健康支出", "39.99"],
        ["本年收入合计", "100.00", "本年支出合计", "100.00"],
        ["年初结转和结余", "", "年末结转和结余", ""],
        ["总计", "100.00", "总计", "100.00"],
    ],
)
EXPENDITURE_3 = grid(
    ["支出决算表", "单位：万元"],
    [
        ["科目编码", "科目名称", "本年支出合计", "基本支出", "项目支出"],
        ["合计", "", "100.00", "100.00", ""],
        ["205", "教育支出", "60.00", "60.00", ""],
        ["210", "卫生健康支出", "40.00", "40.00", ""],
    ],
)


def test_a_figure_printed_in_two_tables_must_be_the_same() -> None:
    flags = flags_of(TOTAL_1, EXPENDITURE_3)
    assert rules(flags) == [
        ("accounts.cross_table", "warning", "accounts[1].rows[0].values[0]"),
        ("accounts.cross_table", "warning", "accounts[1].rows[1].values[0]"),
    ]
    assert "60.01" in flags[0].message and "60" in flags[0].message


FISCAL_4 = grid(
    ["财政拨款收入支出决算总表", "单位：万元"],
    [
        [("收入", 2, 1), ("支出", 2, 1)],
        ["项目", "决算数", "项目", "合计"],
        ["一、一般公共预算财政拨款", "100.00", "一、教育支出", "120.00"],
        ["二、政府性基金预算财政拨款", "", "", ""],
        ["本年收入合计", "100.00", "本年支出合计", "120.00"],
        ["年初财政拨款结转和结余", "20.00", "年末财政拨款结转和结余", ""],
        ["一、一般公共预算财政拨款", "20.00", "", ""],
        ["二、政府性基金预算财政拨款", "", "", ""],
        ["总计", "120.00", "总计", "120.00"],
    ],
)


def test_no_sum_adds_a_total_to_its_own_parts() -> None:
    # 总计 = 本年收入合计 + 年初财政拨款结转和结余, not + its breakdown as well
    assert flags_of(FISCAL_4) == []
    broken = grid(
        FISCAL_4.title,
        [
            row
            if row[0] != "一、一般公共预算财政拨款" or row[1] != "20.00"
            else [row[0], "25.00", "", ""]
            for row in FISCAL_4.rows
        ],
    )
    flags = flags_of(broken)
    assert rules(flags) == [("accounts.total", "error", "accounts[0].rows[3].values[0]")]
    assert "年初财政拨款结转和结余" in flags[0].message


THREE = grid(
    ["财政拨款“三公”经费支出决算表", "单位：万元"],
    [
        [("合计", 2, 1), ("因公出国（境）费", 2, 1), ("公务接待费", 2, 1)],
        ["预算数", "决算数", "预算数", "决算数", "预算数", "决算数"],
        ["3.00", "2.40", "1.00", "0.80", "2.00", "1.60"],
    ],
)


def test_column_sums_per_measure_of_the_three_public_table() -> None:
    assert flags_of(THREE) == []
    wrong = grid(THREE.title, [*THREE.rows[:2], ["3.00", "2.50", "1.00", "0.80", "2.00", "1.60"]])
    assert rules(flags_of(wrong)) == [("accounts.total", "error", "accounts[0].rows[0].values[1]")]


BASIC_6 = grid(
    ["一般公共预算财政拨款基本支出决算表", "单位：万元"],
    [
        ["经济分类科目编码", "科目名称", "决算数", "经济分类科目编码", "科目名称", "决算数"],
        ["301", "工资福利支出", "90.00", "302", "商品和服务支出", "8.00"],
        ["30101", "基本工资", "90.00", "30201", "办公费", "8.00"],
        ["30113", "住房公积金", "0.00", "30240", "税金及附加费用", "0.00"],
        ["", "", "", "310", "资本性支出", "2.00"],
        ["", "", "", "31002", "办公设备购置", "2.00"],
        [("人员经费合计", 2, 1), "90.00", ("公用经费合计", 2, 1), "10.00"],
    ],
)
GENERAL_5 = general(
    [
        ["205", "教育支出", "100.00", "100.00", ""],
        ["20502", "普通教育", "100.00", "100.00", ""],
        ["2050201", "学前教育", "100.00", "100.00", ""],
        ["合计", "", "100.00", "100.00", ""],
    ]
)
NARRATIVE = (
    "第三部分 情况说明\n"
    "三、支出决算情况说明\n"
    "本年支出合计100.00万元，其中：基本支出100.00万元，占100.00%。\n"
    "五、一般公共预算财政拨款支出决算情况说明\n"
    "一般公共预算财政拨款支出100.00万元，主要用于以下方面：教育支出（类）100.00万元，占100.00%。\n"
    "一般公共预算财政拨款支出年初预算为90.00万元，支出决算为100.00万元，完成年初预算的111.11%。\n"
    "1、教育支出（类）普通教育（款）学前教育（项）。主要用于：行政单位人员支出。"
    "年初预算为90.00万元，支出决算为100.00万元，完成年初预算的111.11%。决算数大于预算数的主要原因：…\n"
    "六、一般公共预算财政拨款基本支出决算情况说明\n"
    "一般公共预算财政拨款基本支出100.00万元。其中：人员经费90.00万元，主要包括：基本工资；"
    "公用经费10.00万元，主要包括：办公费、办公设备购置支出。\n"
    "十一、其他重要事项的情况说明\n"
    "机关运行经费支出10.00万元，比2023年度减少2.00万元，下降16.67%。\n"
)


def _narrative(old: str = "", new: str = "") -> list[Flag]:
    assert old in NARRATIVE
    return flags_of(EXPENDITURE_5, GENERAL_5, BASIC_6, narrative=NARRATIVE.replace(old, new))


EXPENDITURE_5 = grid(
    ["支出决算表", "单位：万元"],
    [
        ["科目编码", "科目名称", "本年支出合计", "基本支出", "项目支出"],
        ["合计", "", "100.00", "100.00", ""],
        ["205", "教育支出", "100.00", "100.00", ""],
        ["20502", "普通教育", "100.00", "100.00", ""],
        ["2050201", "学前教育", "100.00", "100.00", ""],
    ],
)


def test_a_consistent_narrative_raises_nothing() -> None:
    assert _narrative() == []


def _narrative_rules(old: str, new: str) -> list[str]:
    return [f.rule for f in _narrative(old, new) if f.rule.startswith("narrative.")]


def test_share_of_the_sentence_head_and_of_a_named_total() -> None:
    assert _narrative_rules("基本支出100.00万元，占100.00%", "基本支出100.00万元，占90.00%") == [
        "narrative.rate"
    ]
    assert _narrative_rules("（类）100.00万元，占100.00%", "（类）100.00万元，占99.00%") == [
        "narrative.rate"
    ]


def test_completion_of_a_zero_budget_cannot_be_computed() -> None:
    old = "年初预算为90.00万元，支出决算为100.00万元，完成年初预算的111.11%。决算数"
    new = (
        "年初预算为0万元，全年预算为90.00万元，支出决算为100.00万元，完成年初预算的111.11%。决算数"
    )
    flags = [f for f in _narrative(old, new) if f.rule == "narrative.rate"]
    assert len(flags) == 1  # ours or the general narrative rule's, not both
    assert "无法计算" in flags[0].message or "无从计算" in flags[0].message


def test_wording_against_the_figures() -> None:
    assert _narrative_rules("决算数大于预算数", "决算数同预算数持平") == ["narrative.conflict"]
    assert _narrative_rules("普通教育（款）", "基础教育（款）") == ["narrative.conflict"]
    assert _narrative_rules("行政单位人员支出。", "行政单位项目支出。") == ["narrative.conflict"]
    assert _narrative_rules("减少2.00万元，下降16.67%", "减少2.00万元，增长16.67%") == [
        "narrative.conflict"
    ]
    assert _narrative_rules("下降16.67%", "下降20.00%") == ["narrative.rate"]
    # the template: "（如持平作持平表述）"
    assert _narrative_rules("减少2.00万元，下降16.67%", "减少0.00万元，下降0.00%") == [
        "narrative.conflict"
    ]


def test_items_of_a_list_must_have_an_amount() -> None:
    # "办公设备购置支出" is the table's 办公设备购置 (31002, 2.00)
    assert _narrative_rules("办公费、办公设备购置支出", "办公费、税金及附加费用") == [
        "narrative.conflict"
    ]
    assert _narrative_rules("主要包括：基本工资", "主要包括：基本工资、住房公积金") == [
        "narrative.conflict"
    ]


def test_restated_amounts_at_the_tables_precision_must_be_equal() -> None:
    assert _narrative_rules("人员经费90.00万元", "人员经费90.01万元") == ["narrative.conflict"]
    assert _narrative_rules("人员经费90.00万元", "人员经费90万元") == []  # 90 restates 90.00


def test_amounts_of_a_table_in_yuan_are_compared_in_wan() -> None:
    three = grid(
        ["财政拨款“三公”经费支出决算表", "单位：元"],
        [
            [("合计", 2, 1), ("公务接待费", 2, 1)],
            ["预算数", "决算数", "预算数", "决算数"],
            ["5000.00", "2961.68", "5000.00", "2961.68"],
        ],
    )
    ok = "公务接待费支出0.3万元。"
    assert [f.rule for f in flags_of(three, narrative=ok)] == []
    assert [f.rule for f in flags_of(three, narrative="公务接待费支出3万元。")] == [
        "narrative.conflict"
    ]
