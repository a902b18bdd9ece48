"""Document-level rules: missing forms, duplicate indicators, unit conflicts."""

from __future__ import annotations

from typing import Any

from extractor.models import Indicator
from extractor.validate.document_rules import listed_projects
from tests.validate.builders import ind, line, project, rule_ids, rules, run, value

PROJECT_LIST = """金寨县医疗保障局 2022 年度绩效自评项目清单

序号\t项目名称
1\t医疗保障专项经费
2\t人员经费
3\t县区域医疗信息系统对接省医保系统接口费用

附件

项目支出绩效自评表 (2022 年度)
项目名称\t\t医疗保障专项经费
"""


def test_listed_projects_are_parsed() -> None:
    items = listed_projects(PROJECT_LIST)
    assert [(i.number, i.name) for i in items] == [
        (1, "医疗保障专项经费"),
        (2, "人员经费"),
        (3, "县区域医疗信息系统对接省医保系统接口费用"),
    ]


def test_missing_form_for_a_listed_project() -> None:
    report = run(
        project("p1", name="医疗保障专项经费"), project("p2", name="人员经费"), text=PROJECT_LIST
    )
    assert rules(report) == [("document.missing_form", None, "projects")]
    flag = report.flags[0]
    assert "县区域医疗信息系统对接省医保系统接口费用" in flag.message and flag.span is not None
    assert PROJECT_LIST.splitlines()[5] == "3\t县区域医疗信息系统对接省医保系统接口费用"
    assert flag.span.page == 1


def test_every_listed_project_has_a_form() -> None:
    projects = [
        project("p1", name="医疗保障专项经费"),
        project("p2", name="人员经费"),
        project("p3", name="县区域医疗信息系统对接省医保系统接口费用"),
    ]
    assert "document.missing_form" not in rule_ids(run(*projects, text=PROJECT_LIST))


def test_names_match_across_punctuation_variants() -> None:
    text = "项目清单\n1\t上年结转(医疗服务与能力提升补助资金、转移支付)\n\n正文"
    p = project(name="上年结转（医疗服务与能力提升补助资金，转移支付）")
    assert "document.missing_form" not in rule_ids(run(p, text=text))


def test_no_list_no_check() -> None:
    report = run(project(name="x"), text="没有清单的报告。")
    assert report.flags == []


def _row(name: str, group: str | None = None, **kw: Any) -> Indicator:
    return ind(
        name,
        5,
        5,
        group=group,
        target=value("100%", 100, "%"),
        actual=value("100%", 100, "%"),
        **kw,
    )


def test_duplicate_indicator_flags_the_second_occurrence() -> None:
    name = "开展稽查稽核工作,定点医疗、医药机构监督检查覆盖率"
    p = project(
        indicators=[
            _row(name, level2="数量指标"),
            _row("慢性病鉴定"),
            _row(name.replace(",", "，"), level2="质量指标"),
        ]
    )
    report = run(p)
    assert rules(report) == [("indicator.duplicate", "p1", "indicators[2].name")]
    assert report.flags[0].severity == "warning"


def test_same_name_in_other_groups_or_merged_scoring_cells_is_not_a_duplicate() -> None:
    dept = project(
        form="department_self_evaluation",
        indicators=[_row("参保对象满意度", "年度目标1"), _row("参保对象满意度", "年度目标2")],
    )
    # 004: a merged 三级指标 cell gives three scoring rows the same name
    scoring = project(
        "p2",
        form="evaluation_scoring",
        indicators=[
            ind("资金分配规范性", 1, 1),
            ind("资金分配规范性", 1, 1),
            ind("资金分配规范性", 1, 1),
        ],
    )
    assert "indicator.duplicate" not in rule_ids(run(dept, scoring))


UNIT_TEXT = """部门（单位）整体支出绩效目标申报表
预算年度:2022
预算（单位）名称：秀山土家族苗族自治县医疗保障局
单位：万元
总体资金情况（元）\t\t基本支出\t项目支出
\t\t6532.57\t564.77\t5967.80

2022年特定目标类项目绩效目标表
单位：万元
项目名称\t城乡居民合作医疗保险经办机构工作经费
资金情况 (万元)\t年度资金总额:\t86
"""


def test_unit_conflict_between_header_and_form() -> None:
    dept = project(
        "p1",
        name="秀山土家族苗族自治县医疗保障局",
        form="department_target",
        funding=[
            line("total", budget=6532.57),
            line("基本支出", budget=564.77),
            line("项目支出", budget=5967.8),
        ],
    )
    other = project(
        "p2",
        name="城乡居民合作医疗保险经办机构工作经费",
        form="project_target",
        funding=[line("total", budget=86), line("fiscal", budget=86)],
    )
    report = run(dept, other, text=UNIT_TEXT)
    assert rules(report) == [("document.unit_conflict", "p1", "funding[0].unit")]
    assert "总体资金情况（元）" in report.flags[0].message
    assert report.flags[0].span is not None


def test_funding_lines_in_different_units() -> None:
    p = project(
        funding=[line("total", unit="万元", budget=1), line("fiscal", unit="元", budget=10000)]
    )
    assert rules(run(p)) == [("document.unit_conflict", "p1", "funding[1].unit")]


def test_consistent_units_pass() -> None:
    text = UNIT_TEXT.replace("总体资金情况（元）", "总体资金情况（万元）")
    dept = project(
        "p1", name="秀山土家族苗族自治县医疗保障局", funding=[line("total", budget=6532.57)]
    )
    assert "document.unit_conflict" not in rule_ids(run(dept, text=text))


def test_a_unit_inside_an_indicator_value_is_no_unit_header() -> None:
    from tests.validate.builders import ind, line, project, rule_ids, run, value

    text = (
        "项目支出绩效自评表\n单位：元\n项目名称\t设备购置\n年度资金总额\t1200000\n"
        "一级指标\t二级指标\t三级指标\t年度指标值\n产出指标\t成本指标\t设备购置成本\t≤811.00(万元)\n"
    )
    indicator = ind(name="设备购置成本", target=value("≤811.00(万元)"))
    form = project(
        name="设备购置", funding=[line("total", unit="元", budget=1200000)], indicators=[indicator]
    )
    assert "document.unit_conflict" not in rule_ids(run(form, text=text))
