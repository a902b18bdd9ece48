"""The template parser on made-up forms, one per layout the templates produce.

The forms here are invented (not taken from the golden documents) so that the tests
show the rules are about the templates, not about one report.
"""

from pathlib import Path

from extractor.models import DocumentResult
from extractor.pipeline import extract_document

SELF_EVALUATION = """\
项目支出绩效自评表
（2023 年度）

项目名称\t\t乡村道路养护经费\t\t\t\t\t
主管部门\t\t101-某县交通运输局\t\t实施单位\t101002-某县公路中心\t\t
项目资金 (万元)\t\t\t年初预 算数\t全年预算数\t全年执行 数\t分值\t执行率\t得分
\t\t年度资金总额:\t50\t48.5\t40.2\t10\t82.89%\t8.29
\t\t其中: 本年财政 拨款\t50\t48.5\t40.2\t—\t\t
\t\t上年结转资金\t0\t0\t0\t—\t\t
\t\t其他资金\t\t\t\t—\t\t
年度总体目标\t预期目标\t\t\t实际完成情况\t\t\t
\t完成道路养护\t\t\t基本完成\t\t\t
绩效指标\t一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\t偏差原因分析及改进措施
\t产出 指标 (50 分)\t数量 指标\t指标 1: 养护里程\t≥ 1 2 0 公里\t118 公里\t20\t19\t雨季停工
\t\t\t指标 2: 桥梁检查\t4 次\t4 次\t10\t10\t
\t\t质量指标\t指标 1: 路面合格率\t$\\geq 95\\%$\t96%\t10\t10\t
\t成本指标\t指标 1: 养护成本\t≤50 万元\t40.2 万元\t10\t10\t
\t效益指标(30分)\t社会效益 指标\t指标 1: 群众出行便利\t明显改善\t明显改善\t15\t15\t
\t\t生态效益指标\t本指标不适用\t\t\t\t\t
可持续影响 指标\t\t指标 1: 长效养护机制\t建立\t建立\t15\t15\t
满意 度指 标(10 分)\t满意度指标\t指标 1: 沿线群众满意度\t≥90%\t92%\t10\t10\t
总分\t\t\t\t\t\t100\t98.29\t
"""

TARGET = """\
2023年特定目标类项目绩效目标表
单位：万元
项目名称\t社区养老服务补助\t项目负责人及电话\t张三 12345678
主管部门\t某区民政局\t实施单位\t某区养老服务中心
资金情况 (万元)\t年度资金总额:\t300
\t其中: 财政拨款\t300
\t其他资金\t
总体目标\t年度目标
\t为老年人提供助餐服务。
绩效指标\t一级指标\t二级指标\t三级指标\t指标性质\t指标值\t指标权重
\t产出指标\t数量指标\t助餐服务人次\t≥\t5000人次\t30
\t\t质量指标\t食品安全事故\t≤\t0次\t20
\t\t时效指标\t补助发放及时率\t=\t100%\t20
\t效果指标\t服务对象满意度指标\t老年人满意度\t≥\t90%\t30
"""

SCORING = """\
某市环境监测项目支出绩效评价报告

项目名称：环境监测能力建设
主管部门：某市生态环境局
实施单位：某市环境监测站

2021年度该项目年初预算金额为200万元，实际到位资金180万元，资金到位率90%，预算支出171万元，预算执行率95%。

评分详情见下表：
\t一级
指标
\t二级指标
\t三级指标
\t分值
\t得分

\t决策
（20分）
\t项目立项
（10分）
\t立项依据
充分性
（10分）
\t10
\t10

\t
\t资金投入
（10分）
\t预算编制
科学性
（10分）
\t10
\t8

\t产出
（80分）
\t产出数量
（80分）
\t监测点位完成率
（80分）
\t80
\t76

\t总分
\t100
\t94


三、结论
"""


def _run(tmp_path: Path, name: str, text: str) -> DocumentResult:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return extract_document(path, validate=False)


def test_self_evaluation_form(tmp_path: Path) -> None:
    result = _run(tmp_path, "self.txt", SELF_EVALUATION)
    (project,) = result.projects
    assert (project.name, project.form, project.year) == (
        "乡村道路养护经费",
        "project_self_evaluation",
        2023,
    )
    assert (project.department, project.implementer) == (
        "101-某县交通运输局",
        "101002-某县公路中心",
    )
    total, fiscal, carry = project.funding
    assert (total.source, total.initial_budget, total.budget, total.executed) == (
        "total",
        50,
        48.5,
        40.2,
    )
    assert (total.weight, total.execution_rate, total.score) == (10, 82.89, 8.29)
    assert (fiscal.source, fiscal.weight) == ("fiscal", None)
    assert carry.source == "carryover" and carry.budget == 0
    # the empty 其他资金 row is left out; 本指标不适用 is not an indicator
    assert len(project.funding) == 3
    names = [i.name for i in project.indicators]
    assert names == [
        "养护里程",
        "桥梁检查",
        "路面合格率",
        "养护成本",
        "群众出行便利",
        "长效养护机制",
        "沿线群众满意度",
    ]
    first = project.indicators[0]
    assert (first.level1, first.level2, first.weight, first.score) == (
        "产出指标",
        "数量指标",
        20,
        19,
    )
    assert first.target is not None and (
        first.target.op,
        first.target.number,
        first.target.unit,
    ) == ("≥", 120, "公里")
    assert first.deviation_reason == "雨季停工"
    # a 二级指标 printed in the 一级 column stays a 二级指标 under its 一级
    cost = project.indicators[3]
    assert (cost.level1, cost.level2) == ("产出指标", "成本指标")
    assert project.indicators[2].target is not None and project.indicators[2].target.raw == "≥95%"
    lasting = project.indicators[5]
    assert (lasting.level1, lasting.level2) == ("效益指标", "可持续影响指标")
    satisfaction = project.indicators[6]
    assert (satisfaction.level1, satisfaction.level2) == ("满意度指标", "满意度指标")
    assert [(s.level1, s.weight) for s in project.subtotals] == [
        ("产出指标", 50),
        ("效益指标", 30),
        ("满意度指标", 10),
    ]
    assert (project.total.weight, project.total.score) == (100, 98.29)
    # every record points back at its row in the source
    assert first.span is not None and first.span.page == 1
    assert "养护里程" in SELF_EVALUATION[first.span.start : first.span.end]


def test_target_form(tmp_path: Path) -> None:
    (project,) = _run(tmp_path, "target.txt", TARGET).projects
    assert (project.name, project.form, project.year) == (
        "社区养老服务补助",
        "project_target",
        2023,
    )
    assert [(f.source, f.budget) for f in project.funding] == [("total", 300), ("fiscal", 300)]
    first = project.indicators[0]
    assert (first.nature, first.weight, first.score, first.actual) == ("≥", 30, None, None)
    assert first.target is not None and (
        first.target.raw,
        first.target.op,
        first.target.number,
    ) == ("5000人次", "≥", 5000)
    assert [i.level2 for i in project.indicators] == [
        "数量指标",
        "质量指标",
        "时效指标",
        "服务对象满意度指标",
    ]
    assert project.indicators[3].level1 == "效果指标"


def test_scoring_table_in_block_layout_with_narrative_funding(tmp_path: Path) -> None:
    (project,) = _run(tmp_path, "report.txt", SCORING).projects
    assert (project.name, project.form, project.year) == (
        "环境监测能力建设",
        "evaluation_scoring",
        2021,
    )
    assert (project.department, project.implementer) == ("某市生态环境局", "某市环境监测站")
    assert [(i.level1, i.level2, i.name, i.weight, i.score) for i in project.indicators] == [
        ("决策", "项目立项", "立项依据充分性", 10, 10),
        ("决策", "资金投入", "预算编制科学性", 10, 8),
        ("产出", "产出数量", "监测点位完成率", 80, 76),
    ]
    assert [(s.level1, s.weight) for s in project.subtotals] == [("决策", 20), ("产出", 80)]
    assert (project.total.weight, project.total.score) == (100, 94)
    (line,) = project.funding
    assert (line.initial_budget, line.budget, line.received, line.received_rate) == (
        200,
        200,
        180,
        90,
    )
    assert (line.executed, line.execution_rate) == (171, 95)


WITHOUT_INITIAL_BUDGET = """\
项目支出绩效自评表
(2023 年度)
项目名称\t\t档案数字化\t\t\t\t
主管部门\t\t某局\t\t实施单位\t某中心\t
项目资金 (万元)\t\t全年预算数\t全年执行数\t分值\t执行率\t得分
\t年度资金总额:\t12\t11.4\t10\t95%\t9.5
\t其中: 本年财政拨款\t12\t11.4\t—\t\t
绩效指标\t一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\t偏差原因分析及改进措施
\t产出指标(90分)\t数量指标\t指标 1: 数字化卷数\t≥3000 卷\t3100 卷\t90\t90\t
总分\t\t\t\t\t\t100\t99.5
"""

DEPARTMENT_TARGET = """\
部门（单位）整体支出绩效目标申报表
预算年度:2023
预算（单位）名称：某县卫生健康局
单位：万元
部门整体绩效情况\t整体绩效目标\t保障基本公共卫生服务。
\t一级指标\t二级指标\t三级指标\t\t绩效指标性质\t绩效指标值\t绩效度量单位\t权重
\t产出指标\t数量指标\t免费体检人数\t\t≥\t5000\t人\t60
\t\t时效指标\t资金拨付及时率\t\t=\t100\t%\t20
服务对象满意度指标\t\t群众满意度\t\t≥\t90\t%\t20
"""

FUNDING_BY_LEVEL = """\
\t项目名称
\t乡村医生补助
\t项目编号
\t

\t资金来源
\t上年度结转金额
\t本年度安排金额
\t实际到位金额
\t实际支出
\t结余结转金额

\t
\t
\t
\t到位金额
\t到位率（%）
\t到位时间
\t支出金额
\t支出率
\t

\t县级财政
\t10
\t90
\t100
\t100%
\t
\t80
\t80.00%
\t20

\t合  计
\t10
\t90
\t100
\t100%
\t
\t80
\t80.00%
\t20

\t绩效评价自评表

\t一级指标
\t二级指标
\t三级指标
\t分值
\t自评得分

\t产出（100分）
\t数量指标
\t补助发放人数
\t100
\t95

\t合计
\t100
\t95


"""


def test_funding_block_without_initial_budget(tmp_path: Path) -> None:
    (project,) = _run(tmp_path, "short.txt", WITHOUT_INITIAL_BUDGET).projects
    total = project.funding[0]
    assert (total.initial_budget, total.budget, total.executed, total.execution_rate) == (
        None,
        12,
        11.4,
        95,
    )
    assert (total.weight, total.score) == (10, 9.5)


def test_department_target_form_with_unit_column(tmp_path: Path) -> None:
    (project,) = _run(tmp_path, "dept.txt", DEPARTMENT_TARGET).projects
    assert (project.form, project.name, project.department) == (
        "department_target",
        "某县卫生健康局",
        "某县卫生健康局",
    )
    first, second, third = project.indicators
    assert first.target is not None and (
        first.target.raw,
        first.target.op,
        first.target.number,
        first.target.unit,
    ) == ("5000人", "≥", 5000, "人")
    assert (first.nature, first.weight) == ("≥", 60)
    assert (second.level2, second.target.raw if second.target else None) == ("时效指标", "100%")
    # a 二级指标 printed in the first column belongs to the 一级 of its family
    assert (third.level1, third.level2, third.name) == (
        "满意度指标",
        "服务对象满意度指标",
        "群众满意度",
    )


def test_funding_by_government_level_with_two_header_rows(tmp_path: Path) -> None:
    (project,) = _run(tmp_path, "levels.txt", FUNDING_BY_LEVEL).projects
    county, total = project.funding
    assert county.source == "县级财政" and total.source == "total"
    assert (county.carried_in, county.budget, county.received, county.received_rate) == (
        10,
        90,
        100,
        100,
    )
    assert (county.executed, county.execution_rate, county.balance) == (80, 80, 20)
    assert [(i.level1, i.name, i.weight, i.score) for i in project.indicators] == [
        ("产出", "补助发放人数", 100, 95)
    ]


EVALUATION_REPORT = """\
2023年度农村饮水工程维护经费项目绩效评价报告

一、项目概况
项目主管部门为某县水利局，实施单位为某县供水服务中心。
资金情况：2023年项目年初预算300万元，全年预算320万元，实际到位资金320万元，资金到位率100%；实际支出304万元，预算执行率95%。

附件：农村饮水工程维护经费项目绩效评价指标评分表
一级指标\t二级指标\t三级指标\t评价要点\t分值\t得分
决策(20)\t项目立项(20)\t立项依据充分性\t是否符合规划\t20\t18
产出(80)\t产出数量(80)\t维修完成率\t完成率\t80\t76
合计\t\t\t\t100\t94
"""


def test_an_evaluation_report_says_its_organisations_and_funding_in_sentences(
    tmp_path: Path,
) -> None:
    (project,) = _run(tmp_path, "report.txt", EVALUATION_REPORT).projects
    # "…项目绩效评价指标评分表" names the project; the sentences name who runs it
    assert (project.name, project.form) == ("农村饮水工程维护经费", "evaluation_scoring")
    assert (project.department, project.implementer) == ("某县水利局", "某县供水服务中心")
    (line,) = project.funding
    # 全年预算 is the budget, 年初预算 the initial budget
    assert (line.initial_budget, line.budget, line.executed) == (300, 320, 304)


INITIAL_ONLY = """\
项目支出绩效自评表
项目名称\t档案数字化\t\t\t
主管部门\t某局\t实施单位\t某中心\t
资金来源\t年初预算\t全年执行\t执行率\t
年度资金总额\t12\t11.4\t95%\t
一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值
产出指标\t数量指标\t数字化卷数\t≥3000卷\t3100卷
"""


def test_the_only_budget_a_form_prints_is_its_budget(tmp_path: Path) -> None:
    (project,) = _run(tmp_path, "form.txt", INITIAL_ONLY).projects
    (line,) = project.funding
    assert (line.initial_budget, line.budget, line.executed) == (None, 12, 11.4)
    both = INITIAL_ONLY.replace("年初预算\t全年执行", "年初预算\t全年预算\t全年执行").replace(
        "年度资金总额\t12\t11.4", "年度资金总额\t10\t12\t11.4"
    )
    (project,) = _run(tmp_path, "form.txt", both).projects
    (line,) = project.funding
    assert (line.initial_budget, line.budget, line.executed) == (10, 12, 11.4)


TRANSFER_TARGET = """\
转移支付区域绩效目标表
转移支付.（项目）名称\t老旧小区改造补助\t\t
主管部门\t某市住房和城乡建设局\t实施单位\t某市城市更新中心
资金情况（万元）\t年度金额\t4479.60\t
\t其中：中央补助\t3075.06\t
\t地方资金\t1404.54\t
一级指标\t二级指标\t三级指标\t年度指标值
产出指标\t数量指标\t改造小区数量\t≥8个
"""


def test_a_transfer_payment_target_form(tmp_path: Path) -> None:
    (project,) = _run(tmp_path, "form.txt", TRANSFER_TARGET).projects
    # a bracketed note and an OCR speck inside the name label: still the name label
    assert (project.name, project.form) == ("老旧小区改造补助", "project_target")
    assert [(f.source, f.budget) for f in project.funding] == [
        ("total", 4479.6), ("中央补助", 3075.06), ("地方资金", 1404.54),
    ]  # fmt: skip


ONE_ROW_BUDGET = """\
项目支出绩效自评表
项目名称\t供水工程维修\t\t\t\t\t
主管部门\t某县水利局\t\t实施单位\t某县供水站\t\t
预算执行\t年初预算数\t全年预算数\t全年执行数\t分值\t执行率\t得分
\t653. 91\t653.91\t577.12\t10\t88.26%\t8.83
一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分
产出指标\t数量指标\t受益人口\t≥4.93万人\t5.33万人\t45\t45
\f效益指标\t社会效益指标\t饮水条件\t明显改善\t明显改善\t45\t45
总分\t\t\t\t\t100\t98.83
"""


def test_a_budget_printed_as_one_unlabelled_row_is_the_total(tmp_path: Path) -> None:
    (project,) = _run(tmp_path, "form.txt", ONE_ROW_BUDGET).projects
    (line,) = project.funding
    # 预算执行 labels the block, no column: 全年执行数 is the executed amount
    assert (line.source, line.initial_budget, line.budget, line.executed) == (
        "total", 653.91, 653.91, 577.12,
    )  # fmt: skip
    assert (line.weight, line.execution_rate, line.score) == (10, 88.26, 8.83)
    # the rows a page break moved to the next page (\f) are still the form's
    assert [i.name for i in project.indicators] == ["受益人口", "饮水条件"]
    assert (project.total.weight, project.total.score) == (100, 98.83)


def test_funding_said_as_arrived_and_its_rate(tmp_path: Path) -> None:
    report = EVALUATION_REPORT.replace(
        "实际到位资金320万元，资金到位率100%", "实际到位320万元，到位率100%"
    )
    (project,) = _run(tmp_path, "report.txt", report).projects
    (line,) = project.funding
    assert (line.received, line.received_rate) == (320, 100)


def test_a_report_saying_who_runs_the_project_and_a_speck_after_the_title(
    tmp_path: Path,
) -> None:
    report = EVALUATION_REPORT.replace(
        "项目主管部门为某县水利局，实施单位为某县供水服务中心。",
        "该项目由某县水利局主管，某县供水服务中心具体实施。",
    ).replace(
        "附件：农村饮水工程维护经费项目绩效评价指标评分表",
        "农村饮水工程维护经费项目绩效评价指标体系及评分表·",
    )
    (project,) = _run(tmp_path, "report.txt", report).projects
    assert project.name == "农村饮水工程维护经费"
    assert (project.department, project.implementer) == ("某县水利局", "某县供水服务中心")
