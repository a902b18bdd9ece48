"""Hand-made forms in other regions' templates (DOMAIN.md "Forms in the wild"), each with
the records a correct reader produces, its source text and the flags a reviewer should
get. Written by hand from the templates, not from the validator's output; some carry
planted errors, some carry traps that look like errors and are not.

Used by `test_wild_forms.py` (one test per form) and `wild_scores()` (the validator's
precision/recall on them, printed by the test run and quoted in reports). Batch 2 was
written after the rules were tuned on batch 1 and first run as held-out data: it found a
false 执行率 alarm (a half-year rate taken as the base of the year's) that was then fixed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from extractor.models import FundingLine, Indicator, Project, Total
from tests.validate.builders import ind, line, project, value


@dataclass
class WildForm:
    name: str
    text: str
    projects: list[Project]
    expected: set[tuple[str, str | None, str]] = field(default_factory=set)


def _row(
    name: str,
    target: tuple[str, float | None, str | None, str | None] | None,
    actual: tuple[str, float | None, str | None] | None,
    weight: float | None,
    score: float | None,
    level1: str = "产出指标",
    level2: str | None = "数量指标",
    **kw: object,
) -> Indicator:
    return ind(
        name,
        weight,
        score,
        level1=level1,
        level2=level2,
        target=value(*target) if target else None,
        actual=value(*actual) if actual else None,
        **kw,
    )


# --- 广东-style 部门整体支出绩效自评表: 指标性质 / 度量单位 columns ------------------------

_GD_HEADER = """2023年度部门整体支出绩效自评表
部门名称：某市文化广电旅游局
单位：万元
资金情况\t年初预算数\t全年预算数\t全年执行数\t分值\t执行率\t得分
"""
_GD_ROWS = (
    (
        "一级指标\t二级指标\t三级指标\t指标性质\t指标值\t度量单位\t实际完成值\t分值\t得分\t"
        "偏差原因分析及改进措施\n"
    )
    + """产出指标\t数量指标\t开展文化惠民演出\t≥\t120\t场\t135\t10\t10\t
\t质量指标\t文物安全事故\t≤\t0\t起\t0\t10\t10\t
\t时效指标\t项目完成及时率\t=\t100\t%\t100\t10\t10\t
\t成本指标\t成本控制\t≤\t1350.50\t万元\t{cost}\t10\t10\t
效益指标\t社会效益指标\t公共文化服务覆盖率\t≥\t95\t%\t96.5\t20\t20\t
\t可持续影响指标\t群众文化活动参与人次\t≥\t50\t万人次\t48.6\t20\t18\t受天气影响部分活动取消
满意度指标\t服务对象满意度指标\t群众满意度\t≥\t90\t%\t93\t10\t10\t
总分\t\t\t\t\t\t\t100\t{total}\t
"""
)


def _gd_rows(cost: str, satisfaction_unit: str | None) -> list[Indicator]:
    return [
        _row(
            "开展文化惠民演出", ("≥120场", 120, "场", "≥"), ("135场", 135, "场"), 10, 10, nature="≥"
        ),
        _row(
            "文物安全事故",
            ("≤0起", 0, "起", "≤"),
            ("0起", 0, "起"),
            10,
            10,
            level2="质量指标",
            nature="≤",
        ),
        _row(
            "项目完成及时率",
            ("=100%", 100, "%", "="),
            ("100%", 100, "%"),
            10,
            10,
            level2="时效指标",
            nature="=",
        ),
        _row(
            "成本控制",
            ("≤1350.50万元", 1350.5, "万元", "≤"),
            (f"{cost}万元", float(cost), "万元"),
            10,
            10,
            level2="成本指标",
            nature="≤",
        ),
        _row(
            "公共文化服务覆盖率",
            ("≥95%", 95, "%", "≥"),
            ("96.5%", 96.5, "%"),
            20,
            20,
            level1="效益指标",
            level2="社会效益指标",
            nature="≥",
        ),
        _row(
            "群众文化活动参与人次",
            ("≥50万人次", 50, "万人次", "≥"),
            ("48.6万人次", 48.6, "万人次"),
            20,
            18,
            level1="效益指标",
            level2="可持续影响指标",
            nature="≥",
            deviation_reason="受天气影响部分活动取消",
        ),
        _row(
            "群众满意度",
            ("≥90%", 90, "%", "≥"),
            ("93%" if satisfaction_unit else "93", 93, satisfaction_unit),
            10,
            10,
            level1="满意度指标",
            level2="服务对象满意度指标",
            nature="≥",
        ),
    ]


def _gd_clean() -> WildForm:
    funding = (
        "年度资金总额\t1200.00\t1350.50\t1288.36\t10\t95.40%\t9.54\n"
        "其中：基本支出\t800.00\t820.50\t815.20\t—\t—\t—\n"
        "项目支出\t400.00\t530.00\t473.16\t—\t—\t—\n"
    )
    text = _GD_HEADER + funding + _GD_ROWS.format(cost="1288.36", total="97.54")
    p = project(
        name="某市文化广电旅游局",
        form="department_self_evaluation",
        funding=[
            line(
                initial_budget=1200,
                budget=1350.5,
                executed=1288.36,
                weight=10,
                execution_rate=95.4,
                score=9.54,
            ),
            line("基本支出", initial_budget=800, budget=820.5, executed=815.2),
            line("项目支出", initial_budget=400, budget=530, executed=473.16),
        ],
        indicators=_gd_rows("1288.36", "%"),
        total=Total(weight=100, score=97.54),
    )
    # The form prints 度量单位 in its own column: the 实际完成值 "93" joins "%" (no flag);
    # 48.6 万人次 of ≥50 scored 18 of 20 with a reason (no flag).
    return WildForm("gd_department_clean", text, [p])


def _gd_overspent() -> WildForm:
    funding = (
        "年度资金总额\t1200.00\t1350.50\t1420.30\t10\t105.17%\t10.52\n"
        "其中：基本支出\t800.00\t820.50\t815.20\t—\t—\t—\n"
        "项目支出\t400.00\t530.00\t605.10\t—\t—\t—\n"
    )
    text = _GD_HEADER + funding + _GD_ROWS.format(cost="1420.30", total="98.52")
    rows = _gd_rows("1420.30", "%")
    rows[3] = _row(
        "成本控制",
        ("≤1350.50万元", 1350.5, "万元", "≤"),
        ("1420.30万元", 1420.3, "万元"),
        10,
        10,
        level2="成本指标",
        nature="≤",
    )
    p = project(
        name="某市文化广电旅游局",
        form="department_self_evaluation",
        funding=[
            line(
                initial_budget=1200,
                budget=1350.5,
                executed=1420.3,
                weight=10,
                execution_rate=105.17,
                score=10.52,
            ),
            line("基本支出", initial_budget=800, budget=820.5, executed=815.2),
            line("项目支出", initial_budget=400, budget=530, executed=605.1),
        ],
        indicators=rows,
        total=Total(weight=100, score=98.52),
    )
    # Planted: 执行数 above 全年预算数; 成本 ≤1350.50 missed (1420.30) yet full score.
    # (A bare "93" is no missing unit here: the 度量单位 column gives the row its "%".)
    expected = {
        ("funding.over_execution", "p1", "funding[0].executed"),
        ("funding.score_above_weight", "p1", "funding[0].score"),
        ("indicator.target_not_met", "p1", "indicators[3].score"),
    }
    return WildForm("gd_department_overspent", text, [p], expected)


# --- 四川-style 项目支出绩效目标表: one 指标值 column, no 权重 ---------------------------------

_SC_TEXT = """财政项目支出绩效目标申报表
（2024年度）
项目名称\t乡村振兴农业产业发展补助
主管部门\t某县农业农村局\t实施单位\t某县农业农村局
项目资金（万元）\t年度资金总额\t500
\t其中：财政拨款\t500
\t其他资金\t0
一级指标\t二级指标\t三级指标\t指标值
产出指标\t数量指标\t扶持新型经营主体数量\t≥30个
\t\t新建高标准农田面积\t≥2000亩
\t质量指标\t项目验收合格率\t{quality}
\t时效指标\t资金拨付及时率\t100%
效益指标\t经济效益指标\t带动农户增收\t≥1500元/户
满意度指标\t服务对象满意度指标\t受益群众满意度\t≥90%
"""


def _sc_target(quality_blank: bool) -> WildForm:
    rows = [
        _row("扶持新型经营主体数量", ("≥30个", 30, "个", "≥"), None, None, None),
        _row("新建高标准农田面积", ("≥2000亩", 2000, "亩", "≥"), None, None, None),
        _row(
            "项目验收合格率",
            None if quality_blank else ("100%", 100, "%", None),
            None,
            None,
            None,
            level2="质量指标",
        ),
        _row("资金拨付及时率", ("100%", 100, "%", None), None, None, None, level2="时效指标"),
        _row(
            "带动农户增收",
            ("≥1500元/户", 1500, "元/户", "≥"),
            None,
            None,
            None,
            level1="效益指标",
            level2="经济效益指标",
        ),
        _row(
            "受益群众满意度",
            ("≥90%", 90, "%", "≥"),
            None,
            None,
            None,
            level1="满意度指标",
            level2="服务对象满意度指标",
        ),
    ]
    p = project(
        name="乡村振兴农业产业发展补助",
        form="project_target",
        funding=[line(budget=500), line("fiscal", budget=500), line("other", budget=0)],
        indicators=rows,
    )
    text = _SC_TEXT.format(quality="" if quality_blank else "100%")
    # No 权重 column at all: nothing missing, no weight sum to check. A blank 指标值 among
    # targets every other row prints is planted in the second version.
    expected = (
        {("indicator.missing_value", "p1", "indicators[2].target")} if quality_blank else set()
    )
    return WildForm(f"sc_target_{'blank' if quality_blank else 'clean'}", text, [p], expected)


# --- 湖南-style 评价报告: scoring table with 评分标准, narrative with its figures ---------------

_HN_TEXT = """某县2023年农村公路养护项目绩效评价报告
一、项目基本情况
项目预算500万元，实际到位资金500万元，到位率100%；实际支出410万元，预算执行率82%。
二、绩效评价指标分析
（一）项目过程（分值20分，得分{process}分）
项目资金到位及时，资金使用合规，预算执行率82%，得{exec_score}分。
评分表
一级指标\t二级指标\t三级指标\t分值\t评分标准\t得分
过程\t资金管理\t资金到位率\t5\t到位率达到100%得5分，每低于1%扣0.5分。\t5
\t\t预算执行率\t5\t预算执行率≥90%得5分，每低于1个百分点扣0.5分，扣完为止。\t{exec_score}
\t\t资金使用合规性\t10\t资金使用符合规定得10分，发现1例违规扣2分。\t10
产出\t产出数量\t养护里程完成率\t30\t完成率100%得30分，按比例扣分。\t30
效益\t社会效益\t通行条件改善\t30\t明显改善得30分。\t30
满意度\t满意度\t群众满意度\t20\t满意度≥90%得20分。\t20
合计\t\t\t100\t\t{total}
"""


def _hn_report(exec_score: float) -> WildForm:
    process = 5 + exec_score + 10
    total = process + 80
    text = _HN_TEXT.format(process=f"{process:g}", exec_score=f"{exec_score:g}", total=f"{total:g}")
    rows = [
        ind("资金到位率", 5, 5, level1="过程", level2="资金管理"),
        ind("预算执行率", 5, exec_score, level1="过程", level2="资金管理"),
        ind("资金使用合规性", 10, 10, level1="过程", level2="资金管理"),
        ind("养护里程完成率", 30, 30, level1="产出", level2="产出数量"),
        ind("通行条件改善", 30, 30, level1="效益", level2="社会效益"),
        ind("群众满意度", 20, 20, level1="满意度", level2="满意度"),
    ]
    funding: list[FundingLine] = [
        line(budget=500, received=500, received_rate=100, executed=410, execution_rate=82)
    ]
    p = project(
        name="某县2023年农村公路养护",
        form="evaluation_scoring",
        funding=funding,
        indicators=rows,
        total=Total(weight=100, score=total),
    )
    # 82 % is 8 points below 90 %: at most 5 − 8 × 0.5 = 1. Full marks are planted in
    # the first version; the second docks correctly (1 point).
    expected = (
        {("indicator.criterion_not_met", "p1", "indicators[1].score")} if exec_score > 1 else set()
    )
    return WildForm(f"hn_report_exec_{exec_score:g}", text, [p], expected)


# --- 浙江-style narrative: facts restated across sections, other years --------------------

_ZJ_TEXT = """一、项目完成情况
2023年全年共开展职业技能培训56场次，培训人员3200人次，发放培训补贴128.5万元。

二、主要成效
通过项目实施，开展职业技能培训56场次，培训人员{restated}人次，发放培训补贴128.5万元，
有效提升了劳动者技能水平。2022年培训人员2800人次，培训补贴112万元。

三、资金使用情况
项目资金共计150万元，其中：培训补贴128.5万元、{other}。
"""


def _zj(restated: int, other: str) -> WildForm:
    text = _ZJ_TEXT.format(restated=restated, other=other)
    expected: set[tuple[str, str | None, str]] = set()
    if restated != 3200:
        expected.add(("narrative.conflict", None, "narrative"))
    if "21.5" not in other:
        expected.add(("narrative.sum", None, "narrative"))
    return WildForm(f"zj_narrative_{restated}", text, [], expected)


# --- national template: 时效 rows that say the money is (not) paid --------------------------


def _paid(actual: str, reason: str | None, rate: float) -> WildForm:
    text = (
        "项目支出绩效自评表\n项目名称\t困难残疾人生活补贴\n"
        "项目资金（万元）\t年初预算数\t全年预算数\t全年执行数\t分值\t执行率\t得分\n"
        f"年度资金总额\t80\t80\t{80 * rate / 100:g}\t10\t{rate:g}%\t{rate / 10:g}\n"
        "一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\t偏差原因分析及改进措施\n"
        f"产出指标\t时效指标\t补贴发放及时性\t按月发放\t{actual}\t10\t10\t{reason or ''}\n"
    )
    p = project(
        name="困难残疾人生活补贴",
        funding=[
            line(
                budget=80, executed=80 * rate / 100, weight=10, execution_rate=rate, score=rate / 10
            )
        ],
        indicators=[
            _row(
                "补贴发放及时性",
                ("按月发放", None, None, None),
                (actual, None, None),
                10,
                10,
                level2="时效指标",
                deviation_reason=reason,
            )
        ],
    )
    unpaid = "待" in actual or "尚未" in actual
    expected = (
        {("funding.unpaid_but_executed", "p1", "funding[0].execution_rate")}
        if unpaid and rate >= 100
        else set()
    )
    return WildForm(f"paid_{actual}_{rate:g}", text, [p], expected)


def wild_forms() -> list[WildForm]:
    return [
        _gd_clean(),
        _gd_overspent(),
        _sc_target(False),
        _sc_target(True),
        _hn_report(5),
        _hn_report(1),
        _zj(3200, "培训教材及场地费21.5万元"),
        _zj(3020, "培训教材及场地费12.5万元"),
        _paid("按月足额发放", None, 100),
        _paid("12月补贴待发放", "年底资金下达较晚", 100),
        _paid("11月、12月补贴尚未发放", "资金未及时下达", 83.3),
    ]


# --- batch 2, written after the rules above were tuned (held out while building) ---------

_JS_TEXT = """项目支出绩效自评表
（2023年度）
项目名称\t农村饮水安全巩固提升工程\t
主管部门\t某县水利局\t实施单位\t某县水务公司
项目资金（万元）\t年初预算数\t全年预算数\t全年执行数\t分值\t执行率\t得分
中央资金\t100\t100\t100\t—\t—\t—
省级资金\t50\t50\t50\t—\t—\t—
县级资金\t30\t30\t30\t—\t—\t—
合计\t180\t180\t180\t10\t100%\t10
一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\t偏差原因分析及改进措施
产出指标\t数量指标\t新建供水管网\t≥25公里\t26.3公里\t15\t15\t
\t\t受益人数\t≥5000人\t{people}\t15\t15\t
\t质量指标\t水质达标率\t≥95%\t97%\t10\t10\t
\t时效指标\t项目完工时间\t2023年12月底前\t2023年11月\t10\t10\t
效益指标\t社会效益指标\t农村供水保障水平\t明显提升\t有所提升\t20\t{social}\t{reason}
满意度指标\t服务对象满意度指标\t受益群众满意度\t≥90%\t95%\t20\t20\t
总分\t\t\t\t\t100\t{total}\t
"""


def _js(people: str, social: float, reason: str) -> WildForm:
    total = 80 + social
    text = _JS_TEXT.format(people=people, social=f"{social:g}", reason=reason, total=f"{total:g}")
    people_value = value(people, 5200, "人" if "人" in people else None)
    rows = [
        _row("新建供水管网", ("≥25公里", 25, "公里", "≥"), ("26.3公里", 26.3, "公里"), 15, 15),
        ind(
            "受益人数",
            15,
            15,
            level1="产出指标",
            level2="数量指标",
            target=value("≥5000人", 5000, "人", "≥"),
            actual=people_value,
        ),
        _row("水质达标率", ("≥95%", 95, "%", "≥"), ("97%", 97, "%"), 10, 10, level2="质量指标"),
        _row(
            "项目完工时间",
            ("2023年12月底前", 2023, "年12月底前", None),
            ("2023年11月", 2023, "年11月"),
            10,
            10,
            level2="时效指标",
        ),
        _row(
            "农村供水保障水平",
            ("明显提升", None, None, None),
            ("有所提升", None, None),
            20,
            social,
            level1="效益指标",
            level2="社会效益指标",
            deviation_reason=reason or None,
        ),
        _row(
            "受益群众满意度",
            ("≥90%", 90, "%", "≥"),
            ("95%", 95, "%"),
            20,
            20,
            level1="满意度指标",
            level2="服务对象满意度指标",
        ),
    ]
    p = project(
        name="农村饮水安全巩固提升工程",
        funding=[
            line("中央资金", initial_budget=100, budget=100, executed=100),
            line("省级资金", initial_budget=50, budget=50, executed=50),
            line("县级资金", initial_budget=30, budget=30, executed=30),
            line(
                initial_budget=180,
                budget=180,
                executed=180,
                weight=10,
                execution_rate=100,
                score=10,
            ),
        ],
        indicators=rows,
        total=Total(weight=100, score=total),
    )
    expected: set[tuple[str, str | None, str]] = set()
    if "人" not in people:
        expected.add(("indicator.unit_mismatch", "p1", "indicators[1].actual"))
    if social < 20 and not reason:
        expected.add(("indicator.missing_deviation_reason", "p1", "indicators[4].score"))
    return WildForm(f"js_project_{people}_{social:g}", text, [p], expected)


_YN_TEXT = """某州2023年民族文化保护传承专项资金绩效评价报告
一、项目概况
2023年项目预算资金300万元，实际到位300万元，到位率100%。截至6月底，支出150万元，执行率50%；
截至12月31日，支出289.5万元，执行率{rate}%。
二、评价结论
项目综合得分{total}分，评价等级为“优”。
（一）决策（分值15分，得分15分）
立项依据充分，得5分；绩效目标合理，得5分；资金分配合理，得5分。
（二）过程（分值25分，得分{process}分）
三、评分表
一级指标\t二级指标\t三级指标\t分值\t得分
决策\t项目立项\t立项依据充分性\t5\t5
\t绩效目标\t绩效目标合理性\t5\t5
\t资金投入\t资金分配合理性\t5\t5
过程\t资金管理\t资金到位率\t10\t10
\t\t预算执行率\t10\t{exec_score}
\t组织实施\t管理制度执行有效性\t5\t5
产出\t产出数量\t非遗项目保护数量\t30\t30
效益\t社会效益\t文化传承效果\t20\t20
满意度\t满意度\t群众满意度\t10\t10
合计\t\t\t100\t{total}
"""


def _yn(rate: str, exec_score: float) -> WildForm:
    process = 15 + exec_score
    total = 15 + process + 60
    text = _YN_TEXT.format(
        rate=rate, total=f"{total:g}", process=f"{process:g}", exec_score=f"{exec_score:g}"
    )
    rows = [
        ind("立项依据充分性", 5, 5, level1="决策", level2="项目立项"),
        ind("绩效目标合理性", 5, 5, level1="决策", level2="绩效目标"),
        ind("资金分配合理性", 5, 5, level1="决策", level2="资金投入"),
        ind("资金到位率", 10, 10, level1="过程", level2="资金管理"),
        ind("预算执行率", 10, exec_score, level1="过程", level2="资金管理"),
        ind("管理制度执行有效性", 5, 5, level1="过程", level2="组织实施"),
        ind("非遗项目保护数量", 30, 30, level1="产出", level2="产出数量"),
        ind("文化传承效果", 20, 20, level1="效益", level2="社会效益"),
        ind("群众满意度", 10, 10, level1="满意度", level2="满意度"),
    ]
    p = project(
        name="某州2023年民族文化保护传承专项资金",
        form="evaluation_scoring",
        funding=[
            line(budget=300, received=300, received_rate=100, executed=289.5, execution_rate=96.5)
        ],
        indicators=rows,
        total=Total(weight=100, score=total),
    )
    # 289.5 / 300 = 96.5 %; the half-year sentence (150 of 300 = 50 %) is its own rate.
    expected: set[tuple[str, str | None, str]] = set()
    if rate != "96.5":
        expected.add(("narrative.rate", None, "narrative"))
    return WildForm(f"yn_report_{rate}", text, [p], expected)


def _two_blank_actuals() -> WildForm:
    rows = [_row(f"指标{i}", ("≥90%", 90, "%", "≥"), ("95%", 95, "%"), 10, 10) for i in range(6)]
    rows += [
        _row("资金到位率", ("100%", 100, "%", None), None, 10, 10),
        _row("资金拨付及时率", ("100%", 100, "%", None), None, 10, 10),
    ]
    p = project(name="某项目", indicators=rows, total=Total(weight=80, score=80))
    # Two rows without an actual: more likely cells the reader lost than a document error.
    return WildForm("two_blank_actuals", "", [p])


def wild_forms_batch2() -> list[WildForm]:
    return [
        _js("5200人", 20, ""),
        _js("5200", 16, ""),
        _js("5200人", 16, "部分村组管网末端水压不足"),
        _yn("96.5", 10),
        _yn("95.6", 10),
        _two_blank_actuals(),
    ]
