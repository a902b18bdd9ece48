"""Indicator rules: each with a passing and a failing example."""

from __future__ import annotations

from extractor.models import Indicator
from tests.validate.builders import ind, line, project, rule_ids, rules, run, value


def test_score_above_weight_000_personnel_costs() -> None:
    # 000 人员经费: two indicators score 15 with weight 10
    p = project(
        name="人员经费",
        indicators=[
            ind("前台业务受理", 10, 10),
            ind("经办服务能力和质量", 10, 15),
            ind("任务完成时效", 10, 10),
            ind("项目总成本", 10, 15),
        ],
    )
    report = run(p)
    above = [r for r in rules(report) if r[0] == "indicator.score_above_weight"]
    assert above == [
        ("indicator.score_above_weight", "p1", "indicators[1].score"),
        ("indicator.score_above_weight", "p1", "indicators[3].score"),
    ]
    flag = report.flags[0]
    assert flag.severity == "error" and flag.message == "“经办服务能力和质量”得分 15 高于分值 10"


def test_score_at_weight_passes_and_missing_weight_is_skipped() -> None:
    report = run(
        project(
            form="department_self_evaluation",
            indicators=[ind(weight=10, score=10), ind(weight=None, score=4)],
        )
    )
    assert "indicator.score_above_weight" not in rule_ids(report)
    assert report.skipped["indicator.score_above_weight"] == 1


def test_missing_deviation_reason_on_a_self_evaluation_form() -> None:
    p = project(indicators=[ind("项目成本", 10, 9.8), ind("其他", 10, 10)])
    report = run(p)
    assert rules(report) == [("indicator.missing_deviation_reason", "p1", "indicators[0].score")]
    assert report.flags[0].severity == "warning"


def test_deviation_reason_given_passes() -> None:
    p = project(indicators=[ind("及时支付", 4, 0, deviation_reason="年底追加未来得及支付")])
    assert "indicator.missing_deviation_reason" not in rule_ids(run(p))


def test_no_deviation_column_no_flag() -> None:
    # Scoring tables of evaluation reports and 得分-only forms have no per-row column.
    scoring = project(form="evaluation_scoring", indicators=[ind("社会效益", 12, 11.88)])
    assert "indicator.missing_deviation_reason" not in rule_ids(run(scoring))
    score_only = project(indicators=[ind("资助参保人次数", None, 4)])
    assert "indicator.missing_deviation_reason" not in rule_ids(run(score_only))


def test_form_text_without_deviation_column_overrides_the_template_guess() -> None:
    text = (
        "项目名称\t测试项目\n"
        "三级指标\t年度指标值\t实际完成值\t分值\t得分\n"
        "项目成本\t1\t1\t10\t9.8\n"
    )
    p = project(indicators=[ind("项目成本", 10, 9.8)])
    assert "indicator.missing_deviation_reason" not in rule_ids(run(p, text=text))
    with_column = text.replace("得分\n", "得分\t偏差原因分析及改进措施\n", 1)
    assert "indicator.missing_deviation_reason" in rule_ids(run(p, text=with_column))


def test_deviation_reason_elsewhere_in_form_reveals_the_column() -> None:
    p = project(
        form="department_self_evaluation",
        indicators=[ind("a", 10, 9), ind("b", 10, 5, deviation_reason="资金未到位")],
    )
    assert rules(run(p)) == [("indicator.missing_deviation_reason", "p1", "indicators[0].score")]


def _quant(
    target: str, t: float, actual: str, a: float, unit: str, op: str, score: float
) -> Indicator:
    return ind(
        "参保人数",
        10,
        score,
        target=value(target, t, unit, op),
        actual=value(actual, a, unit),
    )


def test_target_not_met_but_full_score() -> None:
    p = project(indicators=[_quant("≥9977人", 9977, "9000人", 9000, "人", "≥", 10)])
    report = run(p)
    assert rules(report) == [("indicator.target_not_met", "p1", "indicators[0].score")]
    assert "9977" in report.flags[0].message and "9000" in report.flags[0].message


def test_ceiling_target_exceeded_but_full_score() -> None:
    p = project(indicators=[_quant("≤24.32万元", 24.32, "30万元", 30, "万元", "≤", 10)])
    assert rules(run(p)) == [("indicator.target_not_met", "p1", "indicators[0].score")]


def test_target_met_or_docked_passes() -> None:
    met = _quant("≥5.26万人次", 5.26, "11.09万人次", 11.09, "万人次", "≥", 10)
    # 000 p1: ≤176.77 万元 vs 186.816 万元, scored 9.8 < 10 (docked, consistent)
    docked = ind(
        "项目成本",
        10,
        9.8,
        target=value("≤176.77万元", 176.77, "万元", "≤"),
        actual=value("186.816万元", 186.816, "万元"),
        deviation_reason="超支",
    )
    assert "indicator.target_not_met" not in rule_ids(run(project(indicators=[met, docked])))


def test_target_not_met_needs_same_units() -> None:
    p = project(indicators=[_quant("≥98%", 98, "100", 100, "%", "≥", 10)])
    p.indicators[0].actual = value("90", 90, None)
    assert "indicator.target_not_met" not in rule_ids(run(p))


FORMULA_NOTE = (
    "定量指标计分原则: 正向指标(即目标值为≥X,得分=权重*B/A),"
    "反向指标(即目标值为≤X,得分=权重*A/B),得分不得突破权重总额。"
)


def test_formula_only_where_the_document_states_it() -> None:
    p = project(indicators=[_quant("≥100人", 100, "80人", 80, "人", "≥", 9)])
    assert "indicator.formula" not in rule_ids(run(p))  # no document: no stated formula
    report = run(p, text=FORMULA_NOTE)
    flags = [f for f in report.flags if f.rule == "indicator.formula"]
    assert [(f.project, f.path) for f in flags] == [("p1", "indicators[0].score")]
    assert flags[0].expected == 8 and flags[0].severity == "error"


def test_formula_passes_when_score_follows_it() -> None:
    forward = _quant("≥100人", 100, "80人", 80, "人", "≥", 8)
    capped = _quant("≥3000人次", 3000, "3400人次", 3400, "人次", "≥", 10)
    reverse = _quant("≤20万元", 20, "25万元", 25, "万元", "≤", 8)
    report = run(project(indicators=[forward, capped, reverse]), text=FORMULA_NOTE)
    assert "indicator.formula" not in rule_ids(report)


def test_formula_skipped_without_weight() -> None:
    row = _quant("≥100人", 100, "80人", 80, "人", "≥", 8)
    row.weight = None
    report = run(project(form="department_self_evaluation", indicators=[row]), text=FORMULA_NOTE)
    assert report.skipped["indicator.formula"] == 1


def test_suspicious_fraction_percentage() -> None:
    # 002: a 满意度 target printed as 0.95
    row = ind("服务对象满意度", 10, None, target=value("0.95", 0.95, None, "≥"))
    report = run(project(form="project_target", indicators=[row]))
    assert ("indicator.suspicious_value", "p1", "indicators[0].target") in rules(report)


def test_suspicious_rate_above_100() -> None:
    # 000: 城乡居民参保率 106.32 %
    row = ind(
        "城乡居民参保率",
        5,
        5,
        target=value("99.80%", 99.8, "%"),
        actual=value("106.32%", 106.32, "%"),
    )
    report = run(project(indicators=[row]))
    assert rules(report) == [("indicator.suspicious_value", "p1", "indicators[0].actual")]
    assert "106.32%" in report.flags[0].message


def test_plausible_values_pass() -> None:
    rows = [
        ind(
            "服务对象满意度",
            10,
            10,
            target=value("≥95%", 95, "%", "≥"),
            actual=value("98%", 98, "%"),
        ),
        ind("预算执行率", 10, 10, actual=value("105.68%", 105.68, "%")),  # execution may exceed
        ind("享受人数", 10, 10, target=value("0.5万人", 0.5, "万人")),
        ind("满意度", 10, 10, actual=value("100", 100, None)),
    ]
    assert "indicator.suspicious_value" not in rule_ids(run(project(indicators=rows)))


def test_funding_line_does_not_confuse_indicator_rules() -> None:
    p = project(funding=[line(weight=10, score=10)], indicators=[ind(weight=10, score=10)])
    assert run(p).flags == []


# --- indicator.unit_mismatch --------------------------------------------------------


def test_actual_without_the_targets_unit_000() -> None:
    # 000 固定资产采购 "≤20万元" → "9.954"; 离退休人员一次性奖励 "≥98%" → "100"
    p = project(
        indicators=[
            ind("项目成本", target=value("≤20万元", 20, "万元", "≤"), actual=value("9.954", 9.954)),
            ind("退休人员满意度", target=value("≥98%", 98, "%", "≥"), actual=value("100", 100)),
        ]
    )
    report = run(p)
    found = [(f.rule, f.path) for f in report.flags if f.rule == "indicator.unit_mismatch"]
    assert found == [
        ("indicator.unit_mismatch", "indicators[0].actual"),
        ("indicator.unit_mismatch", "indicators[1].actual"),
    ]
    flag = report.flags[0]
    assert flag.severity == "warning" and "9.954" in flag.message and "万元" in flag.message


def test_units_present_or_nothing_to_compare_pass() -> None:
    rows = [
        # a 度量单位 column's unit joins both values (DOMAIN: "1236" + "户")
        ind(
            "受益户数", target=value("≥1236户", 1236, "户", "≥"), actual=value("1300户", 1300, "户")
        ),
        # a bare target and a bare actual: no unit to miss
        ind("前台业务受理", target=value("≥14000", 14000, None, "≥"), actual=value("15000", 15000)),
        # a qualitative actual is not a bare number
        ind("短信提醒", target=value("≥1050000条", 1050000, "条", "≥"), actual=value("完成")),
        # the actual as a bound in the target's unit
        ind(
            "系统正常运行率", target=value("≥99%", 99, "%", "≥"), actual=value("≥99%", 99, "%", "≥")
        ),
    ]
    assert "indicator.unit_mismatch" not in rule_ids(run(project(indicators=rows)))


def test_a_unit_column_gives_a_bare_actual_the_rows_unit() -> None:
    # 广东-style forms print 指标性质 | 指标值 | 度量单位 | 实际完成值: "≥ 90 % 93" is 93 %.
    text = (
        "项目名称\t测试项目\n"
        "三级指标\t指标性质\t指标值\t度量单位\t实际完成值\t分值\t得分\n"
        "群众满意度\t≥\t90\t%\t93\t10\t10\n成本控制\t≤\t100\t万元\t120\t10\t10\n"
    )
    rows = [
        ind("群众满意度", target=value("≥90%", 90, "%", "≥"), actual=value("93", 93)),
        ind("成本控制", target=value("≤100万元", 100, "万元", "≤"), actual=value("120", 120)),
    ]
    p = project(name="测试项目", indicators=rows)
    report = run(p, text=text)
    assert "indicator.unit_mismatch" not in rule_ids(report)
    # and the bare 120 is compared as 120 万元: a missed ceiling with full marks
    assert ("indicator.target_not_met", "p1", "indicators[1].score") in rules(report)
    # without the column the same records are missing units
    assert rule_ids(run(p)).count("indicator.unit_mismatch") == 2
