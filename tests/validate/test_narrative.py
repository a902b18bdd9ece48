"""Narrative rules, on Chinese sentences like the seeds'."""

from __future__ import annotations

from extractor.models import Project, Subtotal, Total
from extractor.validate import validate_result
from tests.validate.builders import document, ind, line, narrative, project, result, rule_ids, run


def check(text: str, *projects: Project) -> list[str]:
    """Rule ids flagged for `text` as a one-paragraph-per-blank-line document."""
    return rule_ids(run(*projects, text=text))


# --- narrative.sum ------------------------------------------------------------------

SUM_OK = (
    "2022 年收到财政拨款共计 5197 万元，其中：城乡医疗救助 3113 万元、"
    "中央专项彩票公益金 122 万元、医疗救助补助资金 1794 万元、"
    "城乡医疗救助资金 168 万元。"
)


def test_sum_that_adds_up_passes() -> None:
    assert check(SUM_OK) == []


def test_sum_that_does_not_add_up() -> None:
    report = run(text=SUM_OK.replace("168 万元", "186 万元"))
    assert [(f.rule, f.project, f.path) for f in report.flags] == [
        ("narrative.sum", None, "narrative")
    ]
    flag = report.flags[0]
    assert flag.severity == "error" and "5197" in flag.message and flag.found == 5215
    assert flag.span is not None and flag.span.page == 1


def test_sum_in_yuan_000_real_error() -> None:
    text = (
        "2022年度医疗救助收入为52051494.23元，其中财政拨款收入51970000元，"
        "利息收入81494.23元。支出51068627.89元，其中医疗救助待遇支出373479868.65元，"
        "代缴支出9960060元。"
    )
    report = run(text=text)
    assert [f.rule for f in report.flags] == ["narrative.sum"]
    assert "51068627.89" in report.flags[0].message


def test_a_list_that_says_it_is_partial_may_fall_short() -> None:
    text = "项目支出500万元，其中：设备购置200万元、培训费100万元{etc}。"
    assert check(text.format(etc="")) == ["narrative.sum"]
    assert check(text.format(etc="等")) == []
    assert check(text.format(etc="等").replace("200万元", "450万元")) == ["narrative.sum"]
    assert check("项目支出500万元，其中主要是设备购置200万元、培训费100万元。") == []


def test_breakdown_inside_a_bracket_is_its_own_sum() -> None:
    text = (
        "本工程规划建筑面积约为13459平方米，其中地上建筑面积为{up}平方米（其中计容面积7998"
        "平方米，不计容面积105平方米），地下建筑面积为5356平方米。"
    )
    assert check(text.format(up=8103)) == []
    # a transposed 8013: both breakdowns fail, one flag for the one wrong figure
    report = run(text=text.format(up=8013))
    assert rule_ids(report) == ["narrative.sum"]
    assert "8013" in report.flags[0].message


def test_single_part_may_be_a_subset() -> None:
    text = (
        "授予中小企业合同金额289.15万元,占政府采购支出总额的86.3%,"
        "其中:授予小微企业合同金额29.96万元。"
    )
    assert "narrative.sum" not in check(text)
    assert check("收入合计 100 万元，其中：财政拨款 120 万元。") == ["narrative.sum"]


def test_of_which_after_a_full_stop_and_ocr_spaces() -> None:
    text = (
        "支出决算为 1, 085. 68 万元,完成年初预算的 116. 7%。"
        "其中:基本支出 126. 18 万元,项目支出 959. 5 万元。"
    )
    assert check(text.replace("年初预算的", "预算的")) == []
    assert check(text.replace("959. 5", "995. 5")) == ["narrative.sum"]


# --- narrative.rate -----------------------------------------------------------------


def test_completion_rate_truncated_and_rounded_pass() -> None:
    assert (
        check(
            "一般公共预算财政拨款支出年初预算为 929.84 万元, 支出决算为 1085.68 万元,"
            "完成年初预算的 116.7%。"
        )
        == []
    )
    assert (
        check("行政运行(项)。年初预算为111.57万元,支出决算为125.91万元,完成年初预算的112.8%。")
        == []
    )
    assert check("项目全年预算数为 1505.48 万元,执行数为 709.41 万元,完成预算的 47.1%。") == []


def test_completion_rate_mismatch() -> None:
    report = run(text="年初预算为 929.84 万元, 支出决算为 1085.68 万元,完成年初预算的 118.7%。")
    assert [f.rule for f in report.flags] == ["narrative.rate"]
    assert report.flags[0].expected == 116.76 and report.flags[0].found == 118.7


def test_share_of_the_of_which_total() -> None:
    text = (
        "2022 年度支出合计 1114.03 万元。其中:基本支出 126.18 万元,"
        " 占本年支出 11.3%;项目支出 987.85 万元, 占本年支出 88.7%。"
    )
    assert check(text) == []
    assert check(text.replace("11.3%", "13.3%")) == ["narrative.rate"]


def test_share_of_a_named_total() -> None:
    text = (
        "政府采购支出总额334.95万元,其中:政府采购货物支出150.47万元、"
        "政府采购工程支出184.3万元、政府采购服务支出0.18万元。"
        "授予中小企业合同金额289.15万元,占政府采购支出总额的86.3%。"
    )
    assert check(text) == []
    assert check(text.replace("86.3%", "96.3%")) == ["narrative.rate"]


def test_share_without_a_findable_total_is_skipped() -> None:
    report = run(text="一般公共服务(类)支出 5.11 万元,占 0.5%。")
    assert report.flags == [] and report.skipped["narrative.rate"] == 1


def test_growth_from_nothing_has_no_rate() -> None:
    # A department set up this year: "增加 307.82 万元，增长 100.00%" — a rate of nothing
    text = "收入支出总计307.82万元。与2023年度相比，收入支出总计增加307.82万元，增长100.00%。"
    report = run(text=text)
    assert rule_ids(report) == ["narrative.rate"]
    assert report.flags[0].expected is None and "上年为 0" in report.flags[0].message
    assert check(text.replace("增加307.82万元，增长100.00%", "增加7.82万元，增长2.61%")) == []


def test_completion_rate_of_the_budget_it_names() -> None:
    text = (
        "一般公共预算财政拨款支出年初预算为{initial}万元，全年预算为321.02万元，"
        "支出决算为307.82万元，完成{which}预算的{p}%。"
    )
    assert check(text.format(initial=300, which="全年", p="95.89")) == []
    assert check(text.format(initial=300, which="", p="95.89")) == []  # any budget given
    assert check(text.format(initial=300, which="年初", p="102.6")) == []
    assert check(text.format(initial=300, which="全年", p="96.89")) == ["narrative.rate"]
    # "完成年初预算的 95.89%" of a 年初预算 of 0: no such rate (95.89 % is the 全年 one)
    report = run(text=text.format(initial=0, which="年初", p="95.89"))
    assert rule_ids(report) == ["narrative.rate"]
    assert "无从计算" in report.flags[0].message and "321.02" in report.flags[0].message


def test_of_which_breaks_down_the_amount_not_its_change() -> None:
    text = (
        "公务用车购置及运行费46.56万元，比2023年预算增加25万元，主要原因是购置公务用车。"
        "其中：公务用车购置费25万元，比2023年预算增加25万元；公务用车运行费{x}万元。"
    )
    assert check(text.format(x="21.56")) == []
    assert check(text.format(x="12.56")) == ["narrative.sum"]


def test_change_on_last_year() -> None:
    ok = "机关运行经费支出7.36万元,比2021年度增加0.06万元,增长0.8%。"
    assert check(ok) == []
    assert (
        check("收、支总计 1114.03 万元。与 2021 年度相比,收、支总计各减少75.64万元,下降6.4%。")
        == []
    )
    assert check(ok.replace("增长0.8%", "增长8.0%")) == ["narrative.rate"]


def test_worked_ratio() -> None:
    ok = "其中一站式结算人次为10.95万人次，信息化程度=10.95/11.09*100%=98.74%，得5分。"
    assert check(ok) == []
    assert check(ok.replace("98.74%", "97.74%")) == ["narrative.rate"]


def test_named_rate_against_its_base() -> None:
    ok = (
        "总金额为1848.87万元，到位率100%；使用1643.99万元，"
        "使用率88.92 %；节余204.88万元，结余率11.08 %。"
    )
    assert check(ok) == []
    assert check(ok.replace("88.92 %", "89.92 %")) == ["narrative.rate"]


def test_a_rate_that_agrees_with_any_of_its_bases_is_right() -> None:
    # 预算执行率 of the 预算 (221.28 / 300.71), though the 到位 amount is printed nearer
    text = (
        "项目预算资金300.71万元，实际到位273.86万元，到位率91.07%；"
        "实际支出221.28万元，预算执行率{p}%。"
    )
    assert check(text.format(p="73.59")) == []  # of the budget
    assert check(text.format(p="80.80")) == []  # of what arrived
    assert check(text.format(p="70.59")) == ["narrative.rate"]  # of neither


def test_named_rate_base_is_the_named_budget_not_an_earlier_spending() -> None:
    text = (
        "2023年项目预算资金300万元，实际到位300万元，到位率100%。截至6月底，支出150万元，"
        "执行率50%；截至12月31日，支出289.5万元，执行率{p}%。"
    )
    assert check(text.format(p="96.5")) == []
    report = run(text=text.format(p="95.6"))
    assert rule_ids(report) == ["narrative.rate"] and report.flags[0].expected == 96.5


def test_bare_execution_rate_against_the_table() -> None:
    # 001: "(一) 执行率: 100%" in the department's report, table 1114.03/1910.44 = 58.31 %
    dept = project(
        name="青山区医疗保障局",
        form="department_self_evaluation",
        funding=[
            line(budget=1910.44, executed=1114.03, execution_rate=58.31, weight=20, score=11.66)
        ],
    )
    text = (
        "2022 年度武汉市青山区医疗保障局绩效评价报告\n\n二、"
        "部门整体绩效目标完成情况\n\n(一) 执行率: 100%。"
    )
    report = run(dept, text=text)
    # A sentence contradicting the table is shown on the table's cell.
    assert [(f.rule, f.project, f.path) for f in report.flags] == [
        ("narrative.rate", "p1", "funding[0].execution_rate")
    ]
    assert report.flags[0].expected == 58.31
    assert check(text.replace("100%", "58.31%"), dept) == []


def test_score_rate_in_an_analysis_cell() -> None:
    ok = (
        "\t该指标得分率为75%，评价标准分值8分，考评得分6分，其中："
        "管理制度健全性评价标准分值4分，考评得分4分。\t6分"
    )
    assert "narrative.rate" not in check(ok)
    assert "narrative.rate" in check(ok.replace("得分率为75%", "得分率为85%"))


# --- narrative.conflict: score statements -------------------------------------------

HEADINGS = """四、绩效评价指标分析
1、项目资金管理资金到位率、预算执行率情况分析（分值5分，得分5分）
资金到位率100%，预算执行率100%。得5分。
2、项目资金使用合规性情况分析（分值5分，得分5分）
项目符合国家财经法规和财务管理制度，资金的拨付有完整的审批程序和手续，得{n}分。
3、项目组织实施情况分析（分值5分，得分5分）
遵守相关法律法规和相关管理规定，得5分。"""


def test_heading_score_vs_body_003() -> None:
    table = project(
        form="evaluation_scoring",
        indicators=[
            ind("资金到位率", 2.5, 2.5, level1="过程", level2="资金管理"),
            ind("预算执行率", 2.5, 2.5, level1="过程", level2="资金管理"),
            ind("资金使用合规性", 5, 5, level1="过程", level2="资金管理"),
        ],
    )
    assert check(HEADINGS.format(n=5), table) == []
    report = run(table, text=HEADINGS.format(n=2))
    assert [(f.rule, f.project, f.path) for f in report.flags] == [
        ("narrative.conflict", "p1", "indicators[2].score")
    ]
    assert "得分 5" in report.flags[0].message and "得分为 2" in report.flags[0].message
    assert report.flags[0].severity == "warning"


def test_a_paragraph_may_name_some_of_its_groups_scores() -> None:
    # "项目过程（分值20分，得分20分）… 预算执行率100%，得5分": one of the group's rows
    text = "（一）项目过程（分值20分，得分20分）\n项目资金到位及时，预算执行率100%，得5分。"
    assert check(text) == []
    # more than the stated score is wrong whatever the rows
    assert check(text.replace("得5分", "得15分；资金使用合规，得10分")) == ["narrative.conflict"]


def test_parent_score_equals_children() -> None:
    text = (
        "1、产出数量指标情况分析（分值10分，得分8分）\n（1）核查完成率100%（分值4分，"
        "得分4分）\n本次得分为4分。\n（2）培训完成率100%（分值2分，"
        "得分2分）\n本次得分为2分。\n（3）系统建设完成率100%（分值4分，"
        "得分{n}分）\n本次得分为{n}分,扣{d}分。"
    )
    assert check(text.format(n=2, d=2)) == []
    assert check(text.format(n=3, d=1)) == ["narrative.conflict"]


def test_items_that_exceed_the_stated_score_000() -> None:
    cell = (
        "\t组织实施（8分）\t该指标得分率为75%，评价标准分值8分，"
        "考评得分6分，其中： 1. 管理制度健全性评价标准分值 4 分，"
        "考评得分 4 分； ①制定了制度，得2分。 ②制度合规，得2分。"
        " 2. 制度执行有效性评价标准分值4分，考评得分2分。 ①遵守相关法律法规，"
        "得2分。 ②严格执行制度，得2分。\t{score}分"
    )
    assert (
        check(
            cell.format(score=6).replace(
                "考评得分2分。 ①遵守相关法律法规，得2分。",
                "考评得分2分。 ①遵守相关法律法规，得0分。",
            )
        )
        == []
    )
    assert check(cell.format(score=8)) == ["narrative.conflict"]


def test_truncated_cell_is_not_judged_short() -> None:
    cell = (
        "\t该指标得分率为 100%，评价标准分值 7 分，考评得分 7 分，"
        "其中： 1.绩效目标合理性评价标准分值 3 分，考评得分 3 分；"
        " ①与职责密切相关，得 1 分。 ②符合《关于印发六安市巩固拓展医疗保障\t7 分"
    )
    assert check(cell) == []


def test_score_statement_vs_scoring_table_000() -> None:
    table = project(
        form="evaluation_scoring",
        indicators=[
            ind("立项依据充分性", 3, 3, level1="决策", level2="项目立项"),
            ind("立项程序规范性", 3, 3, level1="决策", level2="项目立项"),
        ],
        total=Total(weight=6, score=6),
    )
    cell = (
        "\t该指标得分率为 100%，评价标准分值 6 分，考评得分 6 分，"
        "其中： 1.立项依据充分性评价标准分值 {a} 分，考评得分 {a} 分；"
        "①符合文件，得 {a} 分。 2.立项程序规范性评价标准分值 {b} 分，"
        "考评得分 {b} 分；①按程序申请，得 {b} 分。\t6 分"
    )
    assert check(cell.format(a=3, b=3), table) == []
    report = run(table, text=cell.format(a=4, b=2))
    # one flag per table row in doubt, on the row's weight (the weights differ)
    assert [(f.rule, f.project, f.path) for f in report.flags] == [
        ("narrative.conflict", "p1", "indicators[0].weight"),
        ("narrative.conflict", "p1", "indicators[1].weight"),
    ]
    assert "评分表为 3" in report.flags[0].message
    assert report.flags[0].expected == [3, 3] and report.flags[0].found == [4, 4]


def test_score_statement_on_the_row_score_and_the_analysis_cell_000() -> None:
    # 000 组织实施: the table gives 制度执行有效性 4/4; the analysis cell says 2 of 4 (its
    # items add to 4) and 6 of 8 for the group while its own 得分 cell says 8.
    table = project(
        form="evaluation_scoring",
        indicators=[
            ind("管理制度健全性", 4, 4, level1="过程", level2="组织实施"),
            ind("制度执行有效性", 4, 4, level1="过程", level2="组织实施"),
        ],
    )
    cell = (
        "\t组织实施（8分）\t从两个方面进行评价。\t该指标得分率为{r}%，评价标准分值8分，"
        "考评得分{g}分，其中： 1. 管理制度健全性评价标准分值4分，考评得分4分； ①制定了"
        "方案，得2分。②制度完善，得2分。 2. 制度执行有效性评价标准分值4分，考评得分{s}分。"
        " ①遵守规定，得2分。②严格执行，得2分。\t8分"
    )
    assert check(cell.format(r=100, g=8, s=4), table) == []
    report = run(table, text=cell.format(r=75, g=6, s=2))
    assert [(f.rule, f.project, f.path) for f in report.flags] == [
        ("narrative.conflict", "p1", "indicators[1].score"),
        ("narrative.conflict", None, "narrative"),
    ]
    assert "评分表为 4" in report.flags[0].message
    assert report.flags[1].message == "“组织实施（8分）”称得分 6 分，而本行得分栏为 8"


def test_statement_contradicted_by_its_own_items_is_shown_on_the_table_row_003() -> None:
    # 003: heading "（分值5分，得分5分）" and the table agree; the paragraph ends "得2分".
    table = project(
        form="evaluation_scoring",
        indicators=[ind("资金使用合规性", 5, 5, level1="过程", level2="资金管理")],
    )
    text = (
        "2、项目资金使用合规性情况分析（分值5分，得分5分）\n"
        "项目符合国家财经法规和财务管理制度，资金的拨付有完整的审批程序和手续，得{n}分。"
    )
    assert check(text.format(n=5), table) == []
    report = run(table, text=text.format(n=2))
    assert [(f.rule, f.project, f.path) for f in report.flags] == [
        ("narrative.conflict", "p1", "indicators[0].score")
    ]


def test_statement_about_a_level1_subtotal_names_the_subtotal() -> None:
    table = project(
        form="evaluation_scoring",
        indicators=[ind("a", 10, 8, level1="产出"), ind("b", 10, 10, level1="产出")],
        subtotals=[Subtotal(level1="产出", weight=20, score=18)],
    )
    text = "（三）项目产出情况（分值20分，得分{n}分）。"
    assert check(text.format(n=18), table) == []
    report = run(table, text=text.format(n=16))
    assert [(f.project, f.path) for f in report.flags] == [("p1", "subtotals[0].score")]


# --- narrative.conflict: the same quantity twice --------------------------------------


def test_same_sentence_with_a_changed_figure_000() -> None:
    text = (
        "1. 社会效益：发放30张城乡医疗救助项目现场满意度调查问卷，"
        "对回收的10份满意度调查问卷进行统计：①得4分。\n\n2. 可持续影响："
        "发放 {n} 张城乡医疗救助项目现场满意度调查问卷，对回收的 10 份满意度调查问卷进行统计："
        "①得3分。"
    )
    assert check(text.format(n=30)) == []
    assert check(text.format(n=31)) == ["narrative.conflict"]


def test_lists_sharing_only_zeros_are_not_the_same_statement() -> None:
    # 共有车辆 7 辆，其中 … vs 预算安排购置车辆 1 辆，其中 …: other subjects, shared 0s
    kinds = "部级领导干部用车0辆、主要领导干部用车0辆、机要通信用车0辆、其他用车{n}辆"
    text = (
        f"共有车辆7辆，其中：{kinds.format(n=7)}。\n\n"
        f"2024年部门预算安排购置车辆1辆，其中：{kinds.format(n=1)}。"
    )
    assert check(text) == []


def test_boilerplate_filled_in_for_different_items_is_not_a_conflict() -> None:
    text = "\n\n".join(
        f"{i}. 科目{i}。年初预算为 0 万元,支出决算为 {v} 万元。"
        for i, v in enumerate([5.11, 0.03, 0.26], 1)
    )
    assert check(text) == []


def test_count_paired_with_different_spending_000() -> None:
    text = (
        "直接救助住院和门诊病人 11.09 万人次，支出 3734.80 万元，"
        "实现了应救尽救。\n\n2022年度全县医疗救助11.09万人次，"
        "支出医疗救助费用{x}万元。"
    )
    assert check(text.format(x="3734.8")) == []
    assert check(text.format(x="4730.8")) == ["narrative.conflict"]


def test_restated_facts_with_one_changed_figure_001() -> None:
    first = (
        "组织辖区 288 家定点医药机构开展自查自纠工作,共 119 家定点医药机构自查处违规问题,"
        "金额共计 142.95 万元,已全部追回。"
    )
    second = (
        "指导辖区{n}家定点医药机构开展自查自纠,发现119家定点医药机构存在违规行为,"
        "追回违规医保基金 142.95 万元。"
    )
    assert check(first + "\n\n" + second.format(n=288)) == []
    report = run(text=first + "\n\n" + second.format(n=283))
    assert [f.rule for f in report.flags] == ["narrative.conflict"]
    assert "283" in report.flags[0].message and "288" in report.flags[0].message


def test_unrelated_passages_with_the_same_label_do_not_conflict() -> None:
    text = "追回违规医保基金 90.50 万元。\n\n追回违规医保基金 269.54 万元。"
    assert check(text) == []


# 001: the key-work table and the report tell the same story (288/283 家, 119 家, 36 家 …)
# with amounts "追回违规医保基金" from several different actions.
WORK_TABLE = (
    "1、对2021年医保基金专项治理行动抽查复查结果进行处理,追回违规医保基金90.50万元,"
    "解除医保协议1家。2、配合省市医保局做好省飞检武汉市普仁医院复核处理工作,追回违规医保基金"
    "269.54万元。4、组织辖区288家定点医药机构开展自查自纠工作,共119家定点医药机构自查处违规"
    "问题,金额共计142.95万元。5、已检查定点零售药店21家,定点医疗机构35家,追回违规医保基金"
    "42.62万元。"
)
REPORT = (
    "二是深入开展自查自纠。指导辖区288家定点医药机构开展自查自纠,发现119家定点医药机构存在"
    "违规行为,追回违规医保基金142.95万元。三是重拳打击欺诈骗保行为。对2021年省飞行检查及区"
    "医保基金专项整治行动抽查复查结果进行处理,追回违规医保基金{x}万元,约谈定点医药机构36家。"
)


def test_restated_amount_is_paired_with_the_clause_that_reads_alike_001() -> None:
    # 142.95 is printed in both passages (under other words): no conflict there. 363.69
    # is printed nowhere else; its clause reads like the one of 90.50.
    report = run(text=WORK_TABLE + "\n\n" + REPORT.format(x="363.69"))
    assert [f.rule for f in report.flags] == ["narrative.conflict"]
    flag = report.flags[0]
    assert (flag.found, flag.expected) == (363.69, 90.5)
    assert "142.95" not in flag.message and "42.62" not in flag.message


def test_amounts_of_other_actions_are_not_a_conflict() -> None:
    # The report restates only some of the actions; each restated amount is printed in
    # the table too, the others are simply not mentioned.
    assert check(WORK_TABLE + "\n\n" + REPORT.format(x="90.50")) == []


def test_restated_facts_of_other_years_do_not_conflict() -> None:
    first = "2021年共办理市民热线 391 件,阳光信访 6 件,接受人民群众评价 72 次。"
    second = "2022年共办理市民热线 386 件,阳光信访 6 件,接受人民群众评价 72 次。"
    assert check(first + "\n\n" + second) == []
    assert check(first + "\n\n" + second.replace("2022", "2021")) == ["narrative.conflict"]


def test_a_list_of_other_items_in_the_same_words_is_not_a_conflict() -> None:
    # A budget's 科目 explanations: "2023年当年预算执行数为 X 万元，2024年预算安排 Y 万元"
    # for each 科目, in two passages that share figures.
    items = [(357.56, 460.85), (198.6, 230.28), (0.31, 0.39), (389.59, 421.23)]
    first = "".join(
        f"{i}.科目{i}。2023年当年预算执行数为{a}万元，2024年预算安排{b}万元。"
        for i, (a, b) in enumerate(items[:2], 1)
    )
    second = "".join(
        f"{i}.科目{i}。2023年当年预算执行数为{a}万元，2024年预算安排{b}万元。"
        for i, (a, b) in enumerate(items, 1)
    )
    other = "2023年当年预算执行数为130.23万元，2024年预算安排133.3万元。"
    assert check(first + other + "\n\n" + second) == []


# --- narrative.conflict: prose vs the funding table ------------------------------------


def _rescue() -> Project:
    return project(
        name="城乡医疗救助",
        funding=[
            line(budget=1505.48, executed=709.41, execution_rate=47.12, weight=20, score=9.42)
        ],
    )


def test_project_amounts_match_the_funding_line() -> None:
    text = (
        "1. 城乡医疗救助项目绩效自评综述:项目全年预算数为 1505. 48 万元,"
        "执行数为 709. 41 万元,完成预算的 47. 1%。"
    )
    assert check(text, _rescue()) == []
    report = run(_rescue(), text=text.replace("1505. 48", "1550. 48").replace("47. 1%", "45. 7%"))
    assert rule_ids(report) == ["narrative.conflict"]
    assert "1550.48" in report.flags[0].message and "1505.48" in report.flags[0].message
    # shown on the table's 全年预算数 cell
    assert (report.flags[0].project, report.flags[0].path) == ("p1", "funding[0].budget")


def test_named_amounts_in_a_list_match_any_project_amount() -> None:
    projects = [
        project("p1", name="城乡医疗救助", funding=[line(budget=3113, executed=3113)]),
        project(
            "p2",
            name="医疗救助补助资金",
            funding=[line(initial_budget=1994, budget=1794, executed=1794)],
        ),
    ]
    text = "收到财政拨款共计 4907 万元，其中：城乡医疗救助 3113 万元、医疗救助补助资金 {x} 万元。"
    assert check(text.format(x=1794), *projects) == []
    assert check(text.format(x=1749).replace("4907", "4862"), *projects) == ["narrative.conflict"]


# --- plumbing -----------------------------------------------------------------------


def test_chunks_drive_narrative_rules_and_spans_point_into_the_document() -> None:
    prefix = "表格\t1\t2\n\n"
    para = "收入合计 100 万元，其中：财政拨款 60 万元、其他 30 万元。"
    doc = document(prefix + para)
    report = validate_result(result(), doc, [narrative(para, start=len(prefix))])
    assert [f.rule for f in report.flags] == ["narrative.sum"]
    span = report.flags[0].span
    assert span is not None and doc.text[span.start : span.end].startswith("100")


def test_no_chunks_no_document_no_narrative_checks() -> None:
    report = validate_result(result())
    assert report.flags == [] and report.checks_run == 0


def test_form_chunks_contribute_only_sentence_cells() -> None:
    from extractor.document import Chunk

    text = "项目名称\t测试\n说明\t收入合计 100 万元，其中：财政拨款 60 万元、其他 30 万元。\n"
    chunk = Chunk(doc_id="t", kind="form", start=0, end=len(text), text=text)
    report = validate_result(result(), None, [chunk])
    assert [f.rule for f in report.flags] == ["narrative.sum"]
    assert report.flags[0].span is None  # no document to locate pages in


def test_repeated_score_boilerplate_is_not_a_conflict() -> None:
    # 003: "本次得分0分，扣4分" and "本次得分6分，扣4分" are different items
    text = (
        "医保信息系统还未建设完成。根据评分标准，本次得分0分，扣4分。"
        "\n\n目前还处于建设中。根据评分标准，本次得分6分，扣4分。"
    )
    assert check(text) == []


def test_a_restated_conflict_is_reported_once_and_points_at_the_figure() -> None:
    first = "共办理市民热线 391 件,阳光信访 6 件,接受人民群众评价 72 次。"
    second = "共受理办结市民热线 386 件,阳光信访6件,收到双评议72次。"
    text = first + "\n\n" + second + "\n\n" + first
    report = run(text=text)
    assert [f.rule for f in report.flags] == ["narrative.conflict"]
    span = report.flags[0].span
    assert span is not None and text[span.start : span.end] == "386 件"


def test_ratio_over_zero_is_flagged_without_a_number() -> None:
    report = run(text="完成率=5/0*100%=50%。")
    assert [f.rule for f in report.flags] == ["narrative.rate"]
    assert report.flags[0].expected is None and "无法计算" in report.flags[0].message
    report.model_dump_json()  # no NaN in the output


def test_a_sentence_over_a_page_break_is_one_paragraph() -> None:
    # The change sentence starts on one page and ends on the next.
    text = (
        "一般公共预算财政拨款支出307.82万元，占本年支出合计的\f100.00%。与2023年度相比，"
        "一般公共预算财政拨款支出增加7.82万元，增长{r}%。"
    )
    assert check(text.format(r="2.61")) == []
    assert check(text.format(r="3.61")) == ["narrative.rate"]
    # a page that ends a sentence ends the paragraph
    assert check("收入合计100万元。\f其中：财政拨款60万元、其他30万元。") == []
