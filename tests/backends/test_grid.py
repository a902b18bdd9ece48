"""The grid reader: forms kept as tables, read by their header (HTML tables here; the
PDF and OCR readers give the same grids)."""

from __future__ import annotations

from pathlib import Path

from extractor.models import DocumentResult
from extractor.pipeline import extract_document

Row = list[str | tuple[str, int, int]]  # a cell, or (text, rowspan, colspan)


def _table(rows: list[Row]) -> str:
    out = []
    for row in rows:
        cells = []
        for cell in row:
            text, rowspan, colspan = cell if isinstance(cell, tuple) else (cell, 1, 1)
            attrs = (f' rowspan="{rowspan}"' if rowspan > 1 else "") + (
                f' colspan="{colspan}"' if colspan > 1 else ""
            )
            cells.append(f"<td{attrs}>{text}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    return "<table>" + "".join(out) + "</table>"


def _read(tmp_path: Path, title: str, rows: list[Row], before: str = "") -> DocumentResult:
    path = tmp_path / "form.md"
    path.write_text(f"{before}\n# {title}\n\n{_table(rows)}\n", encoding="utf-8")
    return extract_document(path)


PROVINCIAL_HEADER: Row = [
    "一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位",
    "完成值", "权重", "得分", "未完成原因和改进措施",
]  # fmt: skip


def test_a_provincial_self_evaluation_is_read_column_by_column(tmp_path: Path) -> None:
    rows: list[Row] = [
        ["项目名称", ("乡村道路养护", 1, 9)],
        PROVINCIAL_HEADER,
        [("产出指标", 2, 1), "数量指标", "养护里程", "≥", "120", "公里", "126", "20", "20", ""],
        ["时效指标", "完工及时率", "=", "100", "%", "92", "10", "", "雨季延误"],
        ["满意度指标", "服务对象满意度指标", "群众满意度", "≥", "90", "%", "95", "10", "10", ""],
    ]
    result = _read(tmp_path, "项目绩效自评表", rows)
    (project,) = result.projects
    # the title decides the form, though the form prints a 指标性质 column
    assert project.form == "project_self_evaluation" and project.name == "乡村道路养护"
    first, second, third = project.indicators
    assert (first.level1, first.level2, first.name, first.nature) == (
        "产出指标", "数量指标", "养护里程", "≥",
    )  # fmt: skip
    # the 度量单位 column joins the target and the actual
    assert first.target is not None and first.target.raw == "120公里" and first.target.op == "≥"
    assert (
        first.actual is not None and first.actual.raw == "126公里" and first.actual.unit == "公里"
    )
    # a merged 一级 label carries down; a blank 得分 is null, never the weight moved over
    assert second.level1 == "产出指标" and second.weight == 10 and second.score is None
    assert second.deviation_reason == "雨季延误"
    assert third.level1 == "满意度指标" and third.score == 10


def test_an_unknown_column_is_reported_and_never_read_into_another_field(tmp_path: Path) -> None:
    rows: list[Row] = [
        ["项目名称", ("档案数字化", 1, 7)],
        [
            "一级指标",
            "二级指标",
            "三级指标",
            "年度指标值",
            "整改责任人",
            "实际完成值",
            "分值",
            "得分",
        ],
        ["产出指标", "数量指标", "数字化卷数", "≥5000卷", "验收单", "5200卷", "50", "50"],
    ]
    result = _read(tmp_path, "项目支出绩效自评表", rows)
    (indicator,) = result.projects[0].indicators
    assert indicator.target is not None and indicator.target.raw == "≥5000卷"
    assert indicator.actual is not None and indicator.actual.raw == "5200卷"
    assert indicator.deviation_reason is None
    (flag,) = [f for f in result.flags if f.rule == "reader.unknown_column"]
    assert flag.severity == "info" and flag.found == "整改责任人" and flag.project == "p1"


def test_a_target_form_with_one_value_column_and_amounts_in_yuan(tmp_path: Path) -> None:
    rows: list[Row] = [
        ["项目名称", ("农村饮水安全巩固", 1, 4)],
        [("项目资金（元）", 3, 1), "年度资金总额", ("1,200,000.00", 1, 3)],
        ["其中：财政拨款", ("1,000,000.00", 1, 3)],
        ["其他资金", ("200,000.00", 1, 3)],
        ["一级指标", "二级指标", "三级指标", ("指标值", 1, 2)],
        ["产出指标", "数量指标", "新建供水点", ("≥12个", 1, 2)],
    ]
    result = _read(tmp_path, "项目支出绩效目标表", rows)
    (project,) = result.projects
    assert project.form == "project_target"
    assert [(f.source, f.budget, f.unit) for f in project.funding] == [
        ("total", 1200000.0, "元"), ("fiscal", 1000000.0, "元"), ("other", 200000.0, "元"),
    ]  # fmt: skip
    (indicator,) = project.indicators
    assert (
        indicator.target is not None and indicator.target.number == 12 and indicator.weight is None
    )


def test_two_funding_blocks_side_by_side(tmp_path: Path) -> None:
    rows: list[Row] = [
        ["项目名称", ("河道整治", 1, 3)],
        ["项目资金总额", "500", "年度资金申请总额", "300"],
        ["其中：财政资金", "450", "其中：当年财政拨款", "250"],
        ["其他资金", "50", "上年结转资金", "50"],
        ["一级指标", "二级指标", "三级指标", "指标值"],
        ["产出指标", "数量指标", "整治河道长度", "≥8公里"],
    ]
    result = _read(tmp_path, "财政项目支出绩效目标填报表", rows)
    lines = [(f.source, f.budget) for f in result.projects[0].funding]
    assert lines == [  # block by block, the left one first
        ("total", 500.0), ("财政资金", 450.0), ("other", 50.0),
        ("年度资金申请总额", 300.0), ("fiscal", 250.0), ("carryover", 50.0),
    ]  # fmt: skip
    # each block adds up on its own: no false alarm
    assert not [f for f in result.flags if f.rule == "funding.total_sum"]


def test_a_scoring_table_with_weights_inside_its_labels(tmp_path: Path) -> None:
    rows: list[Row] = [
        ["一级指标", "二级指标", "三级指标", "分值", "评分标准", "得分"],
        [("A决策20分", 2, 1), "A1项目立项", "立项依据充分性", "10", "依据充分得满分", "10"],
        ["A2绩效目标", "目标明确性", "10", "明确得满分", "8"],
        ["B过程80分", "B1资金管理", "资金到位率（5分）", "80", "到位率×分值", "80"],
        [("合计", 1, 3), "100", "", "98"],
    ]
    result = _read(
        tmp_path, "项目绩效评价指标体系评分表", rows, before="乡镇污水处理项目绩效评价报告"
    )
    (project,) = result.projects
    assert project.form == "evaluation_scoring"
    assert [(i.level1, i.level2, i.name) for i in project.indicators] == [
        ("决策", "项目立项", "立项依据充分性"),
        ("决策", "绩效目标", "目标明确性"),
        ("过程", "资金管理", "资金到位率"),
    ]
    assert [(s.level1, s.weight) for s in project.subtotals] == [("决策", 20.0), ("过程", 80.0)]
    assert (project.total.weight, project.total.score) == (100, 98)


def test_an_ocr_damaged_header_maps_by_the_order_of_its_level_columns(tmp_path: Path) -> None:
    rows: list[Row] = [
        ["项目名称", ("社区养老服务", 1, 6)],
        ["级指标", "一级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
        ["产出指标", "数量指标", "服务人次", "≥3000人次", "3300人次", "30", "30"],
    ]
    (indicator,) = _read(tmp_path, "项目支出绩效自评表", rows).projects[0].indicators
    assert (indicator.level1, indicator.level2, indicator.name) == (
        "产出指标",
        "数量指标",
        "服务人次",
    )


def test_a_speck_in_a_weight_column_is_cleaned_and_said(tmp_path: Path) -> None:
    rows: list[Row] = [
        ["项目名称", ("教师培训", 1, 6)],
        ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
        [("产出指标", 2, 1), "数量指标", "培训人数", "≥200人", "210人", "4..", "4"],
        ["质量指标", "合格率", "≥95%", "97%", "6", "6"],
    ]
    result = _read(tmp_path, "项目支出绩效自评表", rows)
    assert result.projects[0].indicators[0].weight == 4
    (flag,) = [f for f in result.flags if f.rule == "reader.cleaned_number"]
    assert (flag.path, flag.found, flag.expected) == ("indicators[0].weight", "4..", 4.0)


def test_a_row_that_does_not_fit_its_header_is_read_by_content_and_flagged(tmp_path: Path) -> None:
    rows: list[Row] = [
        ["项目名称", ("防汛物资储备", 1, 7)],
        [
            "一级指标",
            "二级指标",
            "三级指标",
            "年度指标值",
            "实际完成值",
            "分值",
            "得分",
            "偏差原因",
        ],
        ["产出指标", "数量指标", "储备编织袋", "≥2万条", "2.1万条", "20", "20", ""],
        # printed one column left: the 二级 label in the 一级 column
        ["成本指标", "储备成本", "≤30万元", "29万元", "10", "10", "", ""],
    ]
    result = _read(tmp_path, "项目支出绩效自评表", rows)
    second = result.projects[0].indicators[1]
    assert (second.level1, second.level2, second.name) == ("产出指标", "成本指标", "储备成本")
    assert second.target is not None and second.target.raw == "≤30万元"
    assert (second.weight, second.score) == (10, 10)
    assert [f.path for f in result.flags if f.rule == "reader.row_misfit"] == ["indicators[1]"]


def test_flat_ocr_text_is_read_by_its_header(tmp_path: Path) -> None:
    lines = [
        "项目绩效自评表",
        "项目名称\t社区康复\t\t\t\t\t\t\t\t",
        "一级指标\t二级指标\t三级指标\t指标性质\t指标值\t度量单位\t完成值\t权重\t得分\t未完成原因",
        "产出指标\t数量指标\t康复训练人数\t≥\t80\t人\t86\t30\t30\t",
        "\t质量指标\t训练达标率\t≥\t90\t%\t93\t30\t30\t",
        "满意度指标\t服务对象满意度指标\t家属满意度\t≥\t90\t%\t96\t40\t40\t",
    ]
    path = tmp_path / "form.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    indicators = extract_document(path).projects[0].indicators
    assert [(i.level1, i.level2, i.name) for i in indicators] == [
        ("产出指标", "数量指标", "康复训练人数"),
        ("产出指标", "质量指标", "训练达标率"),
        ("满意度指标", "服务对象满意度指标", "家属满意度"),
    ]
    assert indicators[1].target is not None and indicators[1].target.raw == "90%"
    assert indicators[1].actual is not None and indicators[1].actual.raw == "93%"


def test_labels_centred_over_their_rows_in_a_table_without_rules(tmp_path: Path) -> None:
    import pymupdf

    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)

    def put(text: str, x: float, y: float) -> None:
        page.insert_text((x, y), text, fontname="china-s", fontsize=9)

    put("项目支出绩效自评表", 220, 40)
    put("项目名称", 40, 70)
    put("社区养老服务", 150, 70)
    header = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"]
    xs = [40, 110, 180, 280, 350, 420, 470]
    for x, text in zip(xs, header, strict=True):
        put(text, x, 100)
    rows = [
        ("", "服务人次", "≥3000人次", "3300人次", "20", "20"),
        ("", "助餐点数", "≥5个", "5个", "20", "20"),
        ("质量指标", "服务合格率", "≥95%", "97%", "20", "20"),
        ("满意度指标", "老人满意度", "≥90%", "96%", "40", "40"),
    ]
    for r, row in enumerate(rows):
        for x, text in zip(xs[1:], row, strict=True):
            put(text, x, 120 + 20 * r)
    put("数量指标", 110, 130)  # centred on its two rows (120–140)
    put("产出指标", 40, 140)  # centred on the three rows it stands for (120–160)
    put("满意度指标", 40, 180)
    put("总分", 40, 200)
    put("100", 420, 200)
    put("100", 470, 200)
    doc.save(tmp_path / "bare.pdf")
    (project,) = extract_document(tmp_path / "bare.pdf").projects
    assert [(i.level1, i.level2, i.name) for i in project.indicators] == [
        ("产出指标", "数量指标", "服务人次"),
        ("产出指标", "数量指标", "助餐点数"),
        ("产出指标", "质量指标", "服务合格率"),
        ("满意度指标", "满意度指标", "老人满意度"),
    ]
    assert project.name == "社区养老服务" and (project.total.weight, project.total.score) == (
        100,
        100,
    )


def test_funding_with_sources_as_columns_and_measures_as_rows(tmp_path: Path) -> None:
    rows: list[Row] = [
        ["项目名称", ("地质灾害监测", 1, 7)],
        [
            ("项目资金（万元）", 4, 1),
            "",
            "资金总额",
            "财政拨款",
            "上年结转",
            "其他资金",
            "分值",
            "得分",
        ],
        ["预算数", "940.48", "940.48", "0.00", "0.00", ("10", 3, 1), ("8.75", 3, 1)],
        ["执行数", "822.78", "822.78", "0.00", "0.00"],
        ["执行率", "87.49%", "87.49%", "—", "—"],
        [
            "一级指标",
            "二级指标",
            "三级指标",
            "年度指标值",
            "实际完成值",
            "分值",
            "得分",
            "偏差原因",
        ],
        ["产出指标", "数量指标", "监测点数", "≥120个", "126个", "50", "50", ""],
    ]
    (project,) = _read(tmp_path, "项目支出绩效自评表", rows).projects
    lines = {f.source: f for f in project.funding}
    assert set(lines) == {"total", "fiscal", "carryover", "other"}
    total = lines["total"]
    assert (total.budget, total.executed, total.execution_rate) == (940.48, 822.78, 87.49)
    assert (total.weight, total.score) == (10, 8.75)  # the block's 分值/得分 are the total's
    assert lines["carryover"].execution_rate is None and lines["fiscal"].weight is None


def test_funding_written_as_one_sentence_in_a_cell(tmp_path: Path) -> None:
    rows: list[Row] = [
        ["项目名称", ("河道保洁", 1, 4)],
        [
            "项目资金",
            ("资金总额：476.09万元（其中财政资金374.96万元，其他资金101.13万元）", 1, 4),
        ],
        ["年度总体目标", ("完成河道保洁120公里，投入资金476.09万元。", 1, 4)],
        ["一级指标", "二级指标", "三级指标", ("指标值", 1, 2)],
        ["产出指标", "数量指标", "保洁河道长度", ("≥120公里", 1, 2)],
    ]
    (project,) = _read(tmp_path, "项目支出绩效目标表", rows).projects
    # a target form keeps the sources it names as printed (target.toml, as_printed)
    assert [(f.source, f.budget, f.unit) for f in project.funding] == [
        ("total", 476.09, "万元"), ("财政资金", 374.96, "万元"), ("other", 101.13, "万元"),
    ]  # fmt: skip
    # the goal's sentence names an amount but is no funding line; above the header it is
    # no sub-header either: the one indicator is read whole
    (indicator,) = project.indicators
    assert indicator.name == "保洁河道长度" and indicator.target is not None
    assert indicator.target.number == 120 and indicator.target.unit == "公里"


def test_a_unit_column_under_each_of_target_and_actual(tmp_path: Path) -> None:
    rows: list[Row] = [
        ["项目名称", ("食品抽检", 1, 8)],
        [("资金情况（万元）", 2, 1), "", "预算数", "到位数", "执行数", "到位率", "执行率", ""],
        ["合计", "112.43", "103.50", "91.85", "92.06%", "81.70%", ""],
        [
            ("一级指标", 2, 1), ("二级指标", 2, 1), ("三级指标", 2, 1), ("年度目标", 1, 2),
            ("实际完成", 1, 2), ("分值", 2, 1), ("得分", 2, 1),
        ],
        ["指标值", "单位", "完成值", "单位"],
        ["产出指标", "数量指标", "食品抽检批次", "≥2553", "批次", "2637", "批次", "14", "14"],
        ["产出指标", "成本指标", "每批成本", "≤736", "元/批次", "859", "元/批次", "10", "8.6"],
    ]  # fmt: skip
    (project,) = _read(tmp_path, "项目资金绩效自评表", rows).projects
    (total,) = project.funding
    assert (total.budget, total.received, total.executed) == (112.43, 103.5, 91.85)
    first, second = project.indicators
    # each value takes the unit printed beside it, not both units joined
    assert first.target is not None and first.target.raw == "≥2553批次"
    assert first.actual is not None and first.actual.raw == "2637批次"
    assert second.actual is not None and second.actual.unit == "元/批次"


BUDGET_BY_NATURE: list[Row] = [
    ["部门名称", ("水利局", 1, 7)],
    [
        ("年度预算资金（万元）", 3, 1), ("资金总额", 2, 1), ("按收入性质分", 1, 4),
        ("按支出性质分", 1, 2),
    ],
    ["一般公共预算", "政府性基金", "财政专户管理资金", "其他资金", "基本支出", "项目支出"],
    ["3092.42", "2259.88", "832.54", "0.00", "0.00", "2284.48", "807.94"],
    ["一级指标", "二级指标", ("绩效指标", 1, 2), "指标值", "分值", ("评（扣）分标准", 1, 2)],
    ["产出指标", "数量指标", ("新建处理设施", 1, 2), "≥51个", "9", ("达到目标值得满分", 1, 2)],
]  # fmt: skip
BY_NATURE = [
    ("total", 3092.42), ("一般公共预算", 2259.88), ("政府性基金", 832.54),
    ("财政专户管理资金", 0.0), ("other", 0.0), ("基本支出", 2284.48), ("项目支出", 807.94),
]  # fmt: skip


def test_a_total_merged_down_beside_the_parts_grouped_by_nature(tmp_path: Path) -> None:
    (project,) = _read(tmp_path, "部门整体绩效目标表", BUDGET_BY_NATURE).projects
    assert project.form == "department_target"
    # 资金总额 spans both header rows; the parts sit under 按收入性质分 / 按支出性质分
    assert [(f.source, f.budget) for f in project.funding] == BY_NATURE
    # 绩效指标 right of the 一级 and 二级 columns is the 三级 column
    (indicator,) = project.indicators
    assert indicator.name == "新建处理设施" and indicator.weight == 9
    assert indicator.target is not None and indicator.target.raw == "≥51个"


def test_the_same_budget_as_row_text_without_its_merges(tmp_path: Path) -> None:
    lines = [
        "部门整体绩效目标表",
        "部门名称\t水利局\t\t\t\t\t\t",
        "年度预算资金（万元）\t资金总额\t按收入性质分\t\t\t\t按支出性质分\t",
        "\t\t一般公共预算\t政府性基金\t财政专户管理资金\t其他资金\t基本支出\t项目支出",
        "\t3092.42\t2259.88\t832.54\t0.00\t0.00\t2284.48\t807.94",
        "一级指标\t二级指标\t绩效指标\t\t指标值\t分值\t评（扣）分标准\t",
        "产出指标\t数量指标\t新建处理设施\t\t≥51个\t9\t达到目标值得满分\t",
    ]
    path = tmp_path / "form.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (project,) = extract_document(path).projects
    assert [(f.source, f.budget) for f in project.funding] == BY_NATURE
    assert [i.name for i in project.indicators] == ["新建处理设施"]
