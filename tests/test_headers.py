"""Header cells map to fields through the vocabulary: exactly, by containment, fuzzily,
and level columns by their order."""

from __future__ import annotations

import pytest

from extractor.document import Table, TableCell
from extractor.headers import column_meaning, find_indicator_header, funding_source


def _table(
    rows: list[list[str]], spans: dict[tuple[int, int], tuple[int, int]] | None = None
) -> Table:
    spans = spans or {}
    covered: set[tuple[int, int]] = set()
    for (r, c), (rs, cs) in spans.items():
        covered |= {(r + i, c + j) for i in range(rs) for j in range(cs)} - {(r, c)}
    cells = [
        TableCell(
            row=r,
            col=c,
            row_span=spans.get((r, c), (1, 1))[0],
            col_span=spans.get((r, c), (1, 1))[1],
            text=t,
            page=1,
            start=0,
            end=0,
        )
        for r, row in enumerate(rows)
        for c, t in enumerate(row)
        if (r, c) not in covered
    ]
    return Table(n_rows=len(rows), n_cols=len(rows[0]), cells=cells)


@pytest.mark.parametrize(
    ("label", "field"),
    [
        ("年度指标值（A）", "target"),
        ("实际完成值(B)", "actual"),
        ("年度(/项目)指标值", "target"),
        ("未完成原因和改进措施", "reason"),
        ("偏差原因分析及改进措", "reason"),  # the last character lost
        ("自评得分", "score"),
        ("指标权重", "weight"),
        ("计量单位", "unit"),
        ("评分标准", "text"),
        ("得分率", "text"),  # a rate of the 得分, never the 得分 itself
        ("评价得分率", "text"),  # not 评价得分, though it contains it
        ("指标值设定依据", "text"),  # why the 指标值 was set, not the 指标值
        ("偏差度", "text"),  # under 指标完成情况, but no 完成值
        ("项目负责人", None),
    ],
)
def test_column_meaning(label: str, field: str | None) -> None:
    m = column_meaning(label)
    assert (m.meaning if m else None) == field


def test_a_provincial_header_maps_every_column() -> None:
    header = [
        "一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位",
        "完成值", "权重", "得分", "未完成原因及扣分说明",
    ]  # fmt: skip
    found = find_indicator_header(
        _table([header, ["产出指标", "数量指标", "x", "≥", "1", "个", "1", "10", "10", ""]])
    )
    assert found is not None and found.first_row == found.last_row == 0
    assert [c.field for c in found.columns] == [
        "level1", "level2", "name", "nature", "target",
        "unit", "actual", "weight", "score", "reason",
    ]  # fmt: skip


def test_damaged_level_labels_are_put_in_order() -> None:
    header = ["级指标", "一级指标", "三级指标", "分值", "得分"]
    found = find_indicator_header(_table([header]))
    assert found is not None
    assert [c.field for c in found.columns] == ["level1", "level2", "name", "weight", "score"]
    assert [c.how for c in found.columns[:2]] == ["order", "order"]


def test_two_level_header_and_unknown_column() -> None:
    rows = [
        ["绩效指标", "", "", "年度指标值", "实际完成值", "分值", "得分", "整改责任人"],
        ["一级指标", "二级指标", "三级指标", "", "", "", "", ""],
    ]
    spans = {(0, 0): (1, 3)} | {(0, c): (2, 1) for c in range(3, 8)}
    found = find_indicator_header(_table(rows, spans))
    assert found is not None and (found.first_row, found.last_row) == (0, 1)
    fields = [c.field for c in found.columns]
    assert fields[:7] == ["level1", "level2", "name", "target", "actual", "weight", "score"]
    assert [c.label for c in found.unknown()] == ["整改责任人"]


def test_a_label_wrapped_over_two_header_rows_is_read_whole() -> None:
    # a table without rules: 指标性质 / 实际完成值 printed on two lines, read as two rows
    rows = [
        ["绩效指标", "", "", "指标性", "指标值", "度量单", "实际完", "分值", "得分"],
        ["一级指标", "二级指标", "三级指标", "质", "", "位", "成值", "", ""],
    ]
    found = find_indicator_header(_table(rows))
    assert found is not None and (found.first_row, found.last_row) == (0, 1)
    assert [c.field for c in found.columns] == [
        "level1", "level2", "name", "nature", "target", "unit", "actual", "weight", "score",
    ]  # fmt: skip


def test_a_weight_per_level_and_an_unreadable_last_one() -> None:
    # 一级 | 权重 | 二级 | 权重 | 三级 | 校重 (OCR's 权重) | 评分依据 | 评价得分
    rows = [["一级指标", "权重（%）", "二级指标", "权重（%）", "三级指标", "校重（%）",
             "评分依据", "评价得分"]]  # fmt: skip
    found = find_indicator_header(_table(rows))
    assert found is not None
    assert [c.field for c in found.columns] == [
        "level1", "level1_weight", "level2", "level2_weight", "name", "weight", "text", "score",
    ]  # fmt: skip


def test_performance_indicator_right_of_the_levels_names_the_indicators() -> None:
    # 一级指标 | 二级指标 | 绩效指标 (merged over two columns) | 指标值 | 分值 | 评（扣）分标准
    rows = [["一级指标", "二级指标", "绩效指标", "", "指标值", "分值", "评（扣）分标准"]]
    found = find_indicator_header(_table(rows, {(0, 2): (1, 2)}))
    assert found is not None
    assert [c.field for c in found.columns] == [
        "level1", "level2", "name", "name", "target", "weight", "text",
    ]  # fmt: skip
    assert found.unknown() == []


@pytest.mark.parametrize(
    ("label", "source"),
    [
        ("年度资金总额", "total"),
        ("其中：本年财政拨款", "fiscal"),
        ("上年结转资金", "carryover"),
        ("其他资金", "other"),
        ("年度资金申请总额", "年度资金申请总额"),
        ("基本支出", "基本支出"),
        ("省级资金", "省级资金"),
    ],
)
def test_funding_source(label: str, source: str) -> None:
    assert funding_source(label) == source
