"""Development families of a third round, from layouts further regions publish: the
专项 self-evaluation form with its funds by level of government and a 偏差原因 column split
from the 改进措施 one, the 单位整体 form whose funds are the budget system's project
classes (人员类 / 运转类 / 特定目标类) with a 指标类型 column, and the target form that prints
its funds as one sentence in one cell.

Studied (layouts only, no text copied): provincial 专项资金 self-evaluation forms with
中央 / 省 / 市 / 县 rows and 年初 / 调整后 columns, 预算管理一体化 department forms by
project class, and budget disclosures whose target forms state "资金总额：…（其中…）".
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from eval.corpus.content import DOMAINS, EFF, OUT, SAT, Domain, Spec, person, phone, report_text
from eval.corpus.families import (
    Family,
    _department,
    _report,
    _single,
    distinct_projects,
    first_domain,
    place_for,
    rng_for,
)
from eval.corpus.families.common import (
    Org,
    funding,
    goal_lines,
    indicator,
    merge_leading,
    org_for,
    outcomes,
    people,
    pick_specs,
    project,
    project_name,
    self_evaluation_project,
    total_score,
    value,
    weigh,
)
from eval.corpus.families.common import level1_totals as split_levels
from eval.corpus.families.department import _dept_specs
from eval.corpus.families.funds import FundRow, self_eval_block, target_block
from eval.corpus.layout import C, DocSpec, Form, TableBuilder
from eval.corpus.values import actual_cell, fmt, fmt_short, pct, target_cell
from extractor.models import ExpectedFlag, FundingLine, Indicator

# The 专项 a domain's projects are funded from, as a form's title names it.
FUNDS: dict[str, str] = {
    "road": "农村公路建设养护",
    "farmland": "高标准农田建设",
    "nutrition": "学生营养改善",
    "clinic": "基层医疗卫生",
    "sewage": "污水处理设施运维",
    "disability": "残疾人事业发展",
    "water": "农村饮水安全",
    "forestfire": "森林草原防火",
    "culture": "公共文化服务",
    "oldtown": "城镇老旧小区改造",
    "jobs": "就业补助",
    "geohazard": "地质灾害防治",
    "foodsafety": "食品安全监管",
    "reserve": "应急救灾",
    "manure": "畜禽粪污资源化利用",
    "fitness": "全民健身",
    "revival": "衔接推进乡村振兴",
    "river": "河湖长制",
}


def _lines(rows: Sequence[FundRow], unit: str = "万元") -> list[FundingLine]:
    return [
        funding(
            r.source,
            unit,
            initial_budget=r.initial,
            budget=r.budget,
            executed=r.executed,
            execution_rate=r.rate,
            weight=r.weight,
            score=r.score,
        )
        for r in rows
        if not r.empty
    ]


def _split_reason(reason: str) -> tuple[str, str]:
    """A deviation reason as the two cells of a form that splits them: what went wrong
    (偏差原因) and what will be done (改进措施)."""
    cause, _, measure = reason.partition("，")
    return cause, measure or "加强跟踪督导，确保按期完成"


# ---------------------------------------------------------------------------------------
# 财政支出项目绩效自评表（…专项）: 中央 / 省级 / 市级 / 县级 rows, 偏差原因 | 改进措施


def fund_level_form(
    rng: random.Random,
    org: Org,
    domain: Domain,
    name: str,
    year: int,
    *,
    specs: Sequence[Spec] | None = None,
    error: str | None = None,
) -> Form:
    """ "{year}年度财政支出项目绩效自评表（{fund}专项）": funds by level of government
    (资金总额 / 中央财政资金 / 省级财政资金 / 市级财政资金 / 县级财政资金, a level with no
    money printed empty) with 年初预算数 / 调整后预算数 / 执行数 / 执行率 / 分值 / 得分;
    indicators weighted in halves and printed with one decimal ("12.5", "6.0"), and the
    deviation split over 偏差原因 | 改进措施 (the label's `deviation_reason` is the
    偏差原因 cell). `error="missing_reason"`: a row scored below its weight whose 偏差原因
    cell is empty while its 改进措施 cell is filled."""
    labels = [
        ("资金总额", "total"),
        ("中央财政资金", "中央财政资金"),
        ("省级财政资金", "省级财政资金"),
        ("市级财政资金", "市级财政资金"),
        ("县级财政资金", "县级财政资金"),
    ]
    rows = self_eval_block(rng, domain.budget, labels, zero_tail=rng.choice((0, 1)), sub_rates=True)
    rows = [rows[0]] + [r if r.budget else FundRow(r.printed, r.source) for r in rows[1:]]
    specs = specs or pick_specs(rng, domain, rng.randint(7, 10))
    weights = weigh(rng, specs, {OUT: 50, EFF: 30, SAT: 10}, step=0.5)
    outs = outcomes(rng, specs, weights, rng.choice((1, 2)), score_dec=1)
    tb = TableBuilder(10)
    tb.row(C("项目名称", 2), C(name, 8))
    tb.row(C("主管部门", 2), C(org.department, 3), C("实施单位", 2), C(org.implementer, 3))
    tb.row(
        C("项目资金（万元）", 1, 1 + len(rows)),
        C("资金来源", 3),
        "年初预算数",
        "调整后预算数",
        "执行数",
        "执行率",
        "分值",
        "得分",
    )
    for i, r in enumerate(rows):
        if r.empty:
            tb.row(C(r.printed, 3), "", "", "", "", "", "")
            continue
        first = i == 0
        tb.row(
            C(r.printed, 3),
            fmt(r.initial or 0, 2),
            fmt(r.budget or 0, 2),
            fmt(r.executed or 0, 2),
            pct(r.rate) if r.rate is not None else "",
            fmt_short(r.weight) if first and r.weight is not None else "",
            fmt(r.score, 2) if first and r.score is not None else "",
        )
    expected, achieved = goal_lines(rng, domain, fmt(rows[0].budget or 0, 2))
    tb.row(C("年度绩效目标", 2), C(expected, 8))
    tb.row(C("目标完成情况", 2), C(achieved, 8))
    first_row = tb.next_row
    tb.row(
        "一级指标",
        "二级指标",
        C("三级指标", 2),
        "年度指标值",
        "实际完成值",
        "分值",
        "得分",
        "偏差原因",
        "改进措施",
    )
    tb.mark_header(first_row, first_row + 1)
    flags: list[ExpectedFlag] = []
    notes = ["weights in halves printed with one decimal; 偏差原因 | 改进措施 in two columns"]
    missed = [i for i, o in enumerate(outs) if o.reason]
    silent = missed[0] if error == "missing_reason" and missed else -1
    body: list[list[str | C]] = []
    indicators: list[Indicator] = []
    for i, o in enumerate(outs):
        cause, measure = _split_reason(o.reason) if o.reason else ("", "")
        if i == silent:
            cause = ""
            flags.append(
                ExpectedFlag(
                    rule="indicator.missing_deviation_reason",
                    project=None,
                    path=f"indicators[{i}].score",
                    note=f"得分 {fmt(o.score or 0, 1)} 低于分值 {fmt(o.weight, 1)}，"
                    "偏差原因未填写（改进措施已填写）",
                )
            )
            notes.append(f"indicator {i}: 偏差原因 left empty, 改进措施 filled (on purpose)")
        t_cell, a_cell = target_cell(o), actual_cell(o)
        body.append(
            [
                o.spec.level1,
                o.spec.level2,
                C(o.spec.name, 2),
                t_cell,
                a_cell,
                fmt(o.weight, 1),
                fmt(o.score or 0, 1),
                cause,
                measure,
            ]
        )
        indicators.append(indicator(o, value(t_cell), value(a_cell), reason=cause or None))
    for cells in merge_leading(body, 2):
        tb.row(*cells)
    t_score = total_score([rows[0].score, *(o.score for o in outs)])
    tb.row(C("合计", 6), "100", fmt_short(t_score), "", "")
    proj = self_evaluation_project(name, year, org, _lines(rows), indicators, t_score)
    return Form(
        title=[f"{year}年度财政支出项目绩效自评表（{FUNDS[domain.key]}专项）"],
        subtitle=["单位：万元"],
        table=tb.build(),
        project=proj,
        foot=[people(rng)],
        flags=flags,
        notes=notes,
    )


# ---------------------------------------------------------------------------------------
# 单位整体支出绩效自评表: 人员类 / 运转类 / 特定目标类 rows, 序号 and 指标类型 columns

PROJECT_CLASSES = [
    ("合计", "total"),
    ("人员类项目", "人员类项目"),
    ("运转类项目", "运转类项目"),
    ("特定目标类项目", "特定目标类项目"),
]


def class_dept_form(rng: random.Random, unit: str, domains: list[Domain], year: int) -> Form:
    """单位整体支出绩效自评表: the unit's spending by the budget system's project classes
    (合计 / 人员类项目 / 运转类项目 / 特定目标类项目) with 年初预算数 / 全年预算数 / 全年执行数 /
    执行率 / 分值 / 得分, and indicators numbered in a 序号 column with a 指标类型 column
    (定量 / 定性: no field) before 年度指标值 / 实际完成值 / 分值 / 得分 /
    偏差原因分析及改进措施."""
    budget = (sum(d.budget[0] for d in domains) * 2, sum(d.budget[1] for d in domains) * 2.5)
    rows = self_eval_block(rng, budget, PROJECT_CLASSES, zero_tail=0, sub_rates=True)
    specs = _dept_specs(rng, domains, rng.randint(7, 10))
    weights = weigh(rng, specs, {OUT: 50, EFF: 30, SAT: 10})
    outs = outcomes(rng, specs, weights, rng.choice((0, 1, 2)))
    tb = TableBuilder(10)
    tb.row(C("单位名称", 2), C(unit, 4), C("联系人", 2), C(f"{person(rng)} {phone(rng)}", 2))
    tb.row(
        C("预算执行情况（万元）", 2, 1 + len(rows)),
        C("项目类别", 2),
        "年初预算数",
        "全年预算数",
        "全年执行数",
        "执行率",
        "分值",
        "得分",
    )
    for i, r in enumerate(rows):
        first = i == 0
        tb.row(
            C(r.printed, 2),
            fmt(r.initial or 0, 2),
            fmt(r.budget or 0, 2),
            fmt(r.executed or 0, 2),
            pct(r.rate) if r.rate is not None else "",
            fmt_short(r.weight) if first and r.weight is not None else "",
            fmt(r.score, 2) if first and r.score is not None else "",
        )
    tb.row(
        C("年度总体目标", 2),
        C("围绕单位职责，保障人员和机构正常运转，完成年度重点工作任务。", 8),
    )
    tb.row(C("实际完成情况", 2), C("年度重点工作任务基本完成，预算执行总体规范。", 8))
    first_row = tb.next_row
    tb.row(
        "序号",
        "一级指标",
        "二级指标",
        "三级指标",
        "指标类型",
        "年度指标值",
        "实际完成值",
        "分值",
        "得分",
        "偏差原因分析及改进措施",
    )
    tb.mark_header(first_row, first_row + 1)
    body: list[list[str | C]] = []
    indicators: list[Indicator] = []
    for o in outs:
        t_cell, a_cell = target_cell(o), actual_cell(o)
        body.append(
            [
                o.spec.level1,
                o.spec.level2,
                o.spec.name,
                "定量" if o.spec.quantitative else "定性",
                t_cell,
                a_cell,
                fmt_short(o.weight),
                fmt_short(o.score or 0),
                o.reason or "",
            ]
        )
        indicators.append(indicator(o, value(t_cell), value(a_cell), reason=o.reason))
    for number, cells in enumerate(merge_leading(body, 2), start=1):
        tb.row(str(number), *cells)
    t_score = total_score([rows[0].score, *(o.score for o in outs)])
    tb.row(C("合计", 7), "100", fmt_short(t_score), "")
    proj = project(
        unit,
        "department_self_evaluation",
        year,
        unit,
        None,
        funding_lines=_lines(rows),
        indicators=indicators,
        total=(100, t_score),
    )
    return Form(
        title=["单位整体支出绩效自评表"],
        subtitle=[f"（{year}年度）"],
        table=tb.build(),
        project=proj,
        notes=["funds by project class (人员类/运转类/特定目标类); 序号 and 指标类型 not read"],
    )


# ---------------------------------------------------------------------------------------
# 重点项目支出绩效目标表: the funds as one sentence in one cell


def one_line_form(rng: random.Random, org: Org, domain: Domain, name: str, year: int) -> Form:
    """重点项目支出绩效目标表: 项目资金 printed as one sentence in one cell ("资金总额：
    500.00万元（其中财政资金420.00万元，其他资金80.00万元）"), the year's goal, and
    indicators with 年度指标值 (sign and unit inside) and 指标权重 in halves, one decimal."""
    labels = [("资金总额", "total"), ("财政资金", "财政资金"), ("其他资金", "other")]
    rows = target_block(rng, domain.budget, labels, zero_tail=rng.choice((0, 1)))
    total, _, other = rows
    printed = rows if other.budget else rows[:2]
    named = "，".join(f"{r.printed}{fmt(r.budget or 0, 2)}万元" for r in printed[1:])
    sentence = f"资金总额：{fmt(total.budget or 0, 2)}万元（其中{named}）"
    tb = TableBuilder(7)
    tb.row("项目名称", C(name, 4), "项目属性", rng.choice(("延续项目", "新增项目")))
    tb.row("主管部门", C(org.department, 2), "实施单位", C(org.implementer, 3))
    tb.row("项目资金", C(sentence, 6))
    expected, _ = goal_lines(rng, domain, fmt(total.budget or 0, 2))
    tb.row("年度绩效目标", C(expected, 6))
    specs = pick_specs(rng, domain, rng.randint(6, 9))
    weights = weigh(rng, specs, split_levels(specs, 100), step=0.5)
    outs = outcomes(rng, specs, weights, 0, scored=False)
    first_row = tb.next_row
    tb.row("一级指标", "二级指标", C("三级指标", 3), "年度指标值", "指标权重")
    tb.mark_header(first_row, first_row + 1)
    body: list[list[str | C]] = []
    indicators: list[Indicator] = []
    for o in outs:
        t_cell = target_cell(o)
        body.append([o.spec.level1, o.spec.level2, C(o.spec.name, 3), t_cell, fmt(o.weight, 1)])
        indicators.append(indicator(o, value(t_cell), None, scored=False))
    for cells in merge_leading(body, 2):
        tb.row(*cells)
    proj = project(
        name,
        "project_target",
        year,
        org.department,
        org.implementer,
        funding_lines=[funding(r.source, "万元", budget=r.budget) for r in printed],
        indicators=indicators,
    )
    return Form(
        title=["重点项目支出绩效目标表"],
        subtitle=[f"（{year}年度）"],
        table=tb.build(),
        project=proj,
        notes=["funds printed as one sentence in one cell: 资金总额 → total, 财政资金, 其他资金"],
    )


# ---------------------------------------------------------------------------------------
# Families


def fund_level_self_eval() -> list[DocSpec]:
    fam = "fund_level_self_eval"
    rng = rng_for(fam, 1)
    year = rng.choice((2022, 2023, 2024))
    first = first_domain(rng, 2)
    org = org_for(rng, first, place_for(fam, 1))
    forms = [
        fund_level_form(rng, org, d, name, year, error="missing_reason" if i == 1 else None)
        for i, (d, name) in enumerate(distinct_projects(rng, first, 2, year, org))
    ]
    doc1 = _report(
        f"{fam}-1",
        fam,
        [f"{org.department}{year}年度财政专项资金绩效自评报告"],
        [
            "一、专项资金基本情况",
            f"{year}年，{org.department}管理的财政专项资金由中央、省、市、县四级财政安排。",
            *report_text(rng, org.implementer, 2),
        ],
        forms,
    )
    docs = [doc1]
    for k in (2, 3):
        rng = rng_for(fam, k)
        d = rng.choice(DOMAINS)
        org = org_for(rng, d, place_for(fam, k))
        year = rng.choice((2022, 2023, 2024))
        form = fund_level_form(rng, org, d, project_name(rng, d, org, year), year)
        docs.append(_single(f"{fam}-{k}", fam, form, landscape=k != 2))
    return docs


def class_dept_self_eval() -> list[DocSpec]:
    fam = "class_dept_self_eval"
    docs = []
    for k in (1, 2, 3):
        rng = rng_for(fam, k)
        dept, domains, year = _department(rng, fam, k)
        form = class_dept_form(rng, dept, domains, year)
        if k == 1:
            docs.append(
                _report(
                    f"{fam}-{k}",
                    fam,
                    [f"{dept}{year}年度单位整体支出绩效自评报告"],
                    [
                        "一、单位基本情况",
                        f"{dept}{year}年预算按人员类、运转类和特定目标类项目编列。",
                        *report_text(rng, dept, 3),
                    ],
                    [form],
                    summaries=False,
                    annex_break=False,
                )
            )
        else:
            docs.append(_single(f"{fam}-{k}", fam, form, landscape=k == 3))
    return docs


def one_line_funding_target() -> list[DocSpec]:
    fam = "one_line_funding_target"
    rng = rng_for(fam, 1)
    year = rng.choice((2023, 2024, 2025))
    first = first_domain(rng, 2)
    org = org_for(rng, first, place_for(fam, 1))
    forms = [
        one_line_form(rng, org, d, name, year)
        for d, name in distinct_projects(rng, first, 2, year, org)
    ]
    doc1 = _report(
        f"{fam}-1",
        fam,
        [f"{org.department}{year}年部门预算公开"],
        [
            "一、部门主要职责",
            f"{org.department}负责本行政区域内相关行业管理工作。",
            f"二、{year}年重点项目支出绩效目标",
        ],
        forms,
        summaries=False,
        between=True,
        landscape=False,
    )
    docs = [doc1]
    for k in (2, 3):
        rng = rng_for(fam, k)
        d = rng.choice(DOMAINS)
        org = org_for(rng, d, place_for(fam, k))
        year = rng.choice((2024, 2025))
        form = one_line_form(rng, org, d, project_name(rng, d, org, year), year)
        docs.append(_single(f"{fam}-{k}", fam, form, landscape=k == 3))
    return docs


FAMILIES: tuple[Family, ...] = (
    Family(
        "fund_level_self_eval",
        "财政支出项目绩效自评表（…专项）, 中央/省/市/县 × 年初/调整后/执行, 偏差原因 | 改进措施",
        fund_level_self_eval,
    ),
    Family(
        "class_dept_self_eval",
        "单位整体支出绩效自评表, 人员类/运转类/特定目标类, 序号 and 指标类型",
        class_dept_self_eval,
    ),
    Family(
        "one_line_funding_target",
        "重点项目支出绩效目标表, funds as one sentence in one cell, weights in halves",
        one_line_funding_target,
    ),
)
