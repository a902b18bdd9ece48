"""FIFTH HELD-OUT SET (golden/heldout5): measured once blind, then developed against.

It was measured (field F1 0.775) before anyone working on the reader looked at it, then
the reader was developed against it (its text renderings are gated in
eval/thresholds.json, `held_out`); golden/heldout8 is the set still unseen. Generated
like the development families and scored with `extractor eval --golden golden/heldout5`.
The last two documents of every family are also scanned.

Layouts studied through published forms of other regions (layouts only, no text copied):
a third-party evaluation report's 评分表 with a 评价要点 column and the level-1 and
level-2 weights in brackets after the labels; a 项目支出绩效自评表 whose indicator block
opens with 绩效指标 spanning the three levels, with 指标性质 | 指标值 | 度量单位 columns and
a 预算执行情况 block of 年初预算 / 全年预算 / 全年执行; a 转移支付区域绩效目标表 with the
funds listed down the form and a 绩效指标 label column beside the indicators; a
部门整体支出绩效目标表 in 元, its budget split across 人员经费 / 公用经费 / 项目支出, with
指标性质 and 指标值 (unit inside) columns.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from eval.corpus.content import Domain, person, phone, report_text
from eval.corpus.families import (
    Family,
    _department,
    rng_for,
)
from eval.corpus.families.common import (
    Org,
    cover,
    funding,
    goal_lines,
    indicator,
    merge_leading,
    nature_of,
    outcomes,
    pick_specs,
    project,
    scored_criterion,
    self_evaluation_project,
    total_score,
    value,
    weigh,
)
from eval.corpus.families.common import level1_totals as split_levels
from eval.corpus.families.department import _dept_specs
from eval.corpus.families.funds import amount, parts, self_eval_block
from eval.corpus.heldout_common import (
    ProjectFunds,
    evaluated_project,
    first_document_forms,
    grade_of,
    level2_weights,
    single_project_form,
)
from eval.corpus.layout import Block, C, DocSpec, Form, PageBreak, Para, TableBuilder
from eval.corpus.values import Outcome, fmt, fmt_short, partition, pct, rnd, target_cell
from extractor.models import ExpectedFlag, Indicator, Subtotal

SET = "heldout5"


# ---------------------------------------------------------------------------------------
# p1: a third-party evaluation report's 评分表: 评价要点 | 评分标准, weights in brackets


@dataclass(frozen=True)
class Point:
    """A 三级指标 of the evaluation's system: its 评价要点 and 评分标准 (invented
    wording). `rate`: the row scores a funding rate (得分=rate×分值)."""

    level1: str
    level2: str
    name: str
    points: str
    standard: str
    rate: str = ""  # "received" / "executed"


P1_POINTS: tuple[Point, ...] = (
    Point(
        "决策",
        "项目立项",
        "立项依据充分性",
        "①是否符合国家法律法规和行业发展规划；②是否与部门职责相符。",
        "每有一项不符合扣1分，扣完为止。",
    ),
    Point(
        "决策",
        "项目立项",
        "立项程序规范性",
        "①是否按规定程序申请设立；②审批文件、材料是否齐全。",
        "程序规范得满分，每缺一项扣0.5分。",
    ),
    Point(
        "决策",
        "绩效目标",
        "绩效目标合理性",
        "绩效目标与实际工作内容是否相关，与预算资金量是否匹配。",
        "合理得满分，部分合理得一半分值，不合理不得分。",
    ),
    Point(
        "决策",
        "绩效目标",
        "绩效指标明确性",
        "是否将绩效目标细化分解为清晰、可衡量的绩效指标。",
        "每有一项指标不明确扣0.5分。",
    ),
    Point(
        "决策",
        "资金投入",
        "预算编制科学性",
        "预算编制是否经过论证，预算内容与项目内容是否匹配。",
        "科学合理得满分，否则酌情扣分。",
    ),
    Point(
        "过程",
        "资金管理",
        "资金到位率",
        "实际到位资金与预算资金的比率。",
        "得分=资金到位率×分值。",
        rate="received",
    ),
    Point(
        "过程",
        "资金管理",
        "预算执行率",
        "实际支出资金与预算资金的比率。",
        "得分=预算执行率×分值。",
        rate="executed",
    ),
    Point(
        "过程",
        "资金管理",
        "资金使用合规性",
        "资金使用是否符合财务管理制度，有无截留、挤占、挪用。",
        "合规得满分，发现一处违规扣1分。",
    ),
    Point(
        "过程",
        "组织实施",
        "管理制度健全性",
        "是否建立项目管理和财务管理制度，制度是否合法合规。",
        "制度健全得满分，缺一项扣0.5分。",
    ),
    Point(
        "过程",
        "组织实施",
        "制度执行有效性",
        "是否按制度执行，合同、验收等资料是否齐全并及时归档。",
        "执行有效得满分，资料缺失酌情扣分。",
    ),
    Point(
        "产出",
        "产出数量",
        "实际完成率",
        "项目实际产出数与计划产出数的比率。",
        "完成率100%得满分，按比例计分。",
    ),
    Point(
        "产出",
        "产出质量",
        "质量达标率",
        "达到质量标准的产出数与实际产出数的比率。",
        "达标率100%得满分，每低1个百分点扣0.5分。",
    ),
    Point(
        "产出",
        "产出时效",
        "完成及时性",
        "项目是否按计划时间节点完成。",
        "按期完成得满分，每延期一个月扣1分。",
    ),
    Point(
        "产出",
        "产出成本",
        "成本控制情况",
        "实际成本是否控制在计划成本之内。",
        "未超支得满分，超支按比例扣分。",
    ),
    Point(
        "效益",
        "项目效益",
        "社会效益",
        "项目实施对当地公共服务水平和群众生产生活条件的改善。",
        "效果显著得满分，一般得60%分值。",
    ),
    Point(
        "效益",
        "项目效益",
        "可持续影响",
        "长效管理机制是否建立，后续运行维护是否有保障。",
        "机制健全得满分，否则酌情扣分。",
    ),
    Point(
        "效益",
        "满意度",
        "服务对象满意度",
        "抽样调查受益对象对项目实施的满意程度。",
        "满意度≥90%得满分，每降低1个百分点扣0.2分。",
    ),
)
P1_SPLITS = (
    {"决策": 20, "过程": 20, "产出": 40, "效益": 20},
    {"决策": 15, "过程": 25, "产出": 35, "效益": 25},
    {"决策": 20, "过程": 20, "产出": 30, "效益": 30},
)


@dataclass
class Funds(ProjectFunds):
    """The project's money, and the budget first set (年初预算数) before it was adjusted."""

    initial: float


def _funds(rng: random.Random) -> Funds:
    budget = rnd(rng.uniform(120, 1800), 2)
    initial = rnd(budget * rng.choice((1.0, rng.uniform(0.85, 0.98))), 2)
    received = budget if rng.random() < 0.5 else rnd(budget * rng.uniform(0.93, 0.99), 2)
    executed = rnd(received * rng.uniform(0.86, 1.0), 2)
    return Funds(budget, received, executed, initial)


def _p1_form(
    rng: random.Random,
    name: str,
    year: int | None,
    department: str | None,
    implementer: str | None,
    funds: Funds | None,
    *,
    error: bool = False,
) -> Form:
    split = rng.choice(P1_SPLITS)
    chosen: list[Point] = []
    for level1 in split:
        rows = [p for p in P1_POINTS if p.level1 == level1]
        drop = rng.randint(0, 1) if len(rows) > 3 else 0
        skip = set(rng.sample(range(len(rows)), drop))
        chosen += [p for i, p in enumerate(rows) if i not in skip and (p.rate == "" or funds)]
    weights: list[float] = []
    for level1, total in split.items():
        weights += partition(rng, total, sum(p.level1 == level1 for p in chosen), 0.5)
    scores: list[float] = []
    cut = set(rng.sample(range(len(chosen)), rng.randint(3, 5)))
    for i, (p, w) in enumerate(zip(chosen, weights, strict=True)):
        if p.rate and funds is not None:
            rate = funds.received_rate if p.rate == "received" else funds.execution_rate
            scores.append(rnd(w * rate / 100, 2))
        elif i in cut:
            scores.append(rnd(max(w - rng.choice((0.5, 1.0, 1.5)), w * 0.5), 2))
        else:
            scores.append(w)
    level2_weight = level2_weights(chosen, weights, 2)
    tb = TableBuilder(7)
    first = tb.next_row
    tb.row("一级指标", "二级指标", "三级指标", "评价要点", "评分标准", "分值", "得分")
    tb.mark_header(first, first + 1)
    body: list[list[str | C]] = []
    indicators: list[Indicator] = []
    for p, w, s in zip(chosen, weights, scores, strict=True):
        body.append(
            [
                f"{p.level1}({fmt_short(split[p.level1])})",
                f"{p.level2}({fmt_short(level2_weight[(p.level1, p.level2)])})",
                p.name,
                p.points,
                p.standard,
                fmt_short(w),
                fmt_short(s),
            ]
        )
        indicators.append(scored_criterion(p.level1, p.level2, p.name, w, s))
    for cells in merge_leading(body, 2):
        tb.row(*cells)
    t_score = total_score(scores)
    printed = rnd(t_score + 1, 2) if error else t_score
    tb.row(C("合计", 5), "100", fmt_short(printed))
    flags: list[ExpectedFlag] = []
    notes = ["level-1 and level-2 weights in brackets after the labels: dropped"]
    if error:
        flags.append(
            ExpectedFlag(
                rule="total.score_sum",
                project=None,
                path="total.score",
                note=f"合计得分印为 {fmt_short(printed)}，各项得分之和为 {fmt_short(t_score)}",
            )
        )
        notes.append("合计 score printed 1 above the sum of the scores (on purpose)")
    proj = project(
        name,
        "evaluation_scoring",
        year,
        department,
        implementer,
        funding_lines=(
            [
                funding(
                    "total",
                    "万元",
                    initial_budget=funds.initial,
                    budget=funds.budget,
                    received=funds.received,
                    received_rate=funds.received_rate,
                    executed=funds.executed,
                    execution_rate=funds.execution_rate,
                )
            ]
            if funds is not None
            else []
        ),
        indicators=indicators,
        subtotals=[Subtotal(level1=k, weight=v, score=None) for k, v in split.items()],
        total=(100, printed),
    )
    if funds is not None:
        notes.append("funding line from the report's sentences (年初预算/预算/到位/支出)")
    return Form(
        [f"{name}项目绩效评价指标评分表"],
        tb.build(),
        proj,
        flags=flags,
        notes=notes,
    )


def _p1_report(
    rng: random.Random, key: str, org: Org, name: str, year: int, form: Form, funds: Funds
) -> DocSpec:
    score = form.project.total.score or 0
    grade = grade_of(score)
    intro = [
        "一、项目概况",
        f"（一）项目主管部门为{org.department}，实施单位为{org.implementer}。",
        f"（二）资金情况：{year}年项目年初预算{fmt(funds.initial, 2)}万元，"
        f"全年预算{fmt(funds.budget, 2)}万元，实际到位资金{fmt(funds.received, 2)}万元，"
        f"资金到位率{pct(funds.received_rate)}；实际支出{fmt(funds.executed, 2)}万元，"
        f"预算执行率{pct(funds.execution_rate)}。",
        "二、评价工作开展情况",
        "评价组采用资料核查、实地勘察、问卷调查和座谈访谈相结合的方式开展评价。",
        *report_text(rng, org.implementer, 3),
        "三、综合评价结论",
        f"经评价，该项目综合得分{fmt_short(score)}分，绩效评级为“{grade}”。",
    ]
    blocks: list[Block] = [
        cover([f"{year}年度{name}项目绩效评价报告"]),
        Para(
            [
                f"委托方：{org.county}财政局",
                f"评价机构：{org.city}某工程咨询有限公司",
                f"报告日期：{year + 1}年{rng.randint(3, 9)}月",
            ],
            align="center",
        ),
        PageBreak(),
        Para(intro),
        Para(["附件1"], heading=True),
        form,
    ]
    return DocSpec(key, "p1", True, blocks, landscape=False)


def p1() -> list[DocSpec]:
    fam = "p1"
    docs = []
    for k in (1, 2, 3):
        rng, org, year, name = evaluated_project(fam, k, (2022, 2023, 2024))
        if k == 3:  # the table alone: nothing names the year, the departments or the funds
            form = _p1_form(rng, name, None, None, None, None)
            docs.append(DocSpec(f"{fam}-{k}", fam, True, [form], landscape=True))
            continue
        funds = _funds(rng)
        form = _p1_form(rng, name, year, org.department, org.implementer, funds, error=k == 2)
        doc = _p1_report(rng, f"{fam}-{k}", org, name, year, form, funds)
        if k == 2:
            doc.page_height = 520.0  # the score table runs on without its header
            doc.notes.append("the score table continued over pages, the header not repeated")
        docs.append(doc)
    return docs


# ---------------------------------------------------------------------------------------
# p2: 项目支出绩效自评表, 绩效指标 spanning the three levels, 指标性质 | 指标值 | 度量单位

P2_SOURCES = [
    ("年度资金总额", "total"),
    ("其中：本级财政资金", "本级财政资金"),
    ("上级补助资金", "上级补助资金"),
    ("其他资金", "other"),
]


def _p2_form(
    rng: random.Random,
    org: Org,
    domain: Domain,
    name: str,
    year: int,
    *,
    silent: bool = False,
) -> Form:
    rows = self_eval_block(rng, domain.budget, P2_SOURCES, zero_tail=rng.choice((0, 1)))
    tb = TableBuilder(10)
    tb.row("项目名称", C(name, 9))
    tb.row("主管部门", C(org.department, 4), "实施单位", C(org.implementer, 4))
    tb.row(
        C("预算执行情况（万元）", 1, 1 + len(rows)),
        C("资金来源", 2),
        "年初预算",
        "全年预算",
        "全年执行",
        "分值",
        "执行率",
        C("得分", 2),
    )
    for i, r in enumerate(rows):
        tb.row(
            C(r.printed, 2),
            fmt(r.initial or 0, 2),
            fmt(r.budget or 0, 2),
            fmt(r.executed or 0, 2),
            fmt_short(r.weight) if i == 0 and r.weight is not None else "—",
            pct(r.rate) if i == 0 and r.rate is not None else "—",
            C(fmt(r.score, 2) if i == 0 and r.score is not None else "—", 2),
        )
    expected, achieved = goal_lines(rng, domain, fmt(rows[0].budget or 0, 2))
    tb.row(C("年度总体目标", 1, 2), C("预期目标", 4), C("实际完成情况", 5))
    tb.row(C(expected, 4), C(achieved, 5))
    specs = pick_specs(rng, domain, rng.randint(7, 10))
    weights = weigh(rng, specs, split_levels(specs, 90))
    outs = outcomes(rng, specs, weights, rng.choice((1, 2, 3)))
    quiet = -1
    if silent:
        quiet = next(i for i, o in enumerate(outs) if o.score is not None and o.score < o.weight)
    first = tb.next_row
    tb.row(
        C("绩效指标", 3),
        C("指标性质", 1, 2),
        C("指标值", 1, 2),
        C("度量单位", 1, 2),
        C("实际完成值", 1, 2),
        C("分值", 1, 2),
        C("得分", 1, 2),
        C("偏差原因分析及改进措施", 1, 2),
    )
    tb.row("一级指标", "二级指标", "三级指标")
    tb.mark_header(first, first + 2)
    body: list[list[str | C]] = []
    indicators: list[Indicator] = []
    for i, o in enumerate(outs):
        reason = None if i == quiet else o.reason
        if o.spec.quantitative:
            assert o.target is not None and o.actual is not None
            nature = o.spec.op or ""
            number, done, unit = fmt(o.target, o.dec), fmt(o.actual, o.dec), o.spec.unit
        else:
            nature, number, done, unit = "定性", o.target_text, o.actual_text, ""
        body.append(
            [
                o.spec.level1,
                o.spec.level2,
                o.spec.name,
                nature,
                number,
                unit,
                done,
                fmt_short(o.weight),
                fmt_short(o.score or 0),
                reason or "",
            ]
        )
        op = nature_of(o.spec)
        indicators.append(
            indicator(
                o,
                value(number + unit, op),
                value(done + unit),
                nature=op,
                reason=reason,
            )
        )
    for cells in merge_leading(body, 2):
        tb.row(*cells)
    t_score = total_score([rows[0].score, *(o.score for o in outs)])
    tb.row(C("总分", 7), "100", fmt_short(t_score), "")
    flags: list[ExpectedFlag] = []
    notes = ["度量单位 joins both 指标值 and 实际完成值; 指标性质 定性 → no op"]
    if quiet >= 0:
        flags.append(
            ExpectedFlag(
                rule="indicator.missing_deviation_reason",
                project=None,
                path=f"indicators[{quiet}].score",
                note=f"得分 {fmt_short(outs[quiet].score or 0)} 低于分值 "
                f"{fmt_short(outs[quiet].weight)}，偏差原因未填写",
            )
        )
        notes.append("one row scored below its weight with its 偏差原因 empty (on purpose)")
    lines = [
        funding(
            r.source,
            "万元",
            initial_budget=r.initial,
            budget=r.budget,
            executed=r.executed,
            execution_rate=r.rate if i == 0 else None,
            weight=r.weight if i == 0 else None,
            score=r.score if i == 0 else None,
        )
        for i, r in enumerate(rows)
    ]
    proj = self_evaluation_project(name, year, org, lines, indicators, t_score)
    return Form(
        ["项目支出绩效自评表"],
        tb.build(),
        proj,
        subtitle=[f"（{year}年度）"],
        foot=[
            "说明：1.指标性质填写“≥”“≤”“=”或“定性”；",
            "2.正向指标得分=分值×实际完成值/指标值，反向指标得分=分值×指标值/实际完成值；",
            "3.预算执行得分=分值×执行率。",
            f"填报单位（盖章）：{org.implementer}    填报人：{person(rng)}",
        ],
        flags=flags,
        notes=notes,
    )


def p2() -> list[DocSpec]:
    fam = "p2"
    rng, org, year, forms = first_document_forms(fam, (2023, 2024), _p2_form)
    blocks: list[Block] = [
        cover([f"{org.implementer}{year}年度项目支出绩效自评报告"]),
        Para(
            [
                "一、项目基本情况",
                f"{org.implementer}{year}年纳入绩效自评的项目共{len(forms)}个，"
                "均按要求填报了项目支出绩效自评表。",
                *report_text(rng, org.implementer, 2),
                "二、项目支出绩效自评表",
            ]
        ),
        *forms,  # the second form follows the first: the tables run on over the pages
    ]
    docs = [DocSpec(f"{fam}-1", fam, True, blocks, landscape=False)]
    for k in (2, 3):
        form = single_project_form(
            fam,
            k,
            (2023, 2024),
            _p2_form,
            silent=k == 3,
        )
        doc = DocSpec(f"{fam}-{k}", fam, True, [form], landscape=k == 3, repeat_header=k == 3)
        docs.append(doc)
    return docs


# ---------------------------------------------------------------------------------------
# p3: 转移支付区域绩效目标表, funds listed down the form, a 绩效指标 label column

P3_FUNDS = (
    [("年度金额", "total"), ("其中：中央补助", "中央补助"), ("地方资金", "地方资金")],
    [
        ("年度金额", "total"),
        ("其中：一般公共预算", "一般公共预算"),
        ("政府性基金预算", "政府性基金预算"),
        ("其他资金", "other"),
    ],
    [
        ("年度金额", "total"),
        ("其中：中央补助", "中央补助"),
        ("省级补助", "省级补助"),
        ("市县资金", "市县资金"),
    ],
)


def _p3_form(
    rng: random.Random,
    org: Org,
    domain: Domain,
    name: str,
    year: int,
    labels: list[tuple[str, str]],
    unit: str,
) -> Form:
    scale = 10000 if unit == "元" else 1
    total = rnd(amount(rng, *domain.budget) * scale, 2)
    split = parts(rng, total, labels[1:], zero_tail=0)
    tb = TableBuilder(6)
    tb.row("转移支付（项目）名称", C(name, 5))
    tb.row("主管部门", C(org.department, 2), "实施单位", C(org.implementer, 2))
    rows = [(labels[0][0], labels[0][1], total), *split]
    thousands = unit == "元"
    for i, (printed, _, a) in enumerate(rows):
        cells: list[str | C] = [C(printed, 2), C(fmt(a, 2, thousands), 3)]
        if i == 0:
            cells.insert(0, C(f"资金情况（{unit}）", 1, len(rows)))
        tb.row(*cells)
    clauses = [c for c in domain.goal.split("，") if "{amount}" not in c]
    goals = "；".join(f"目标{i}：{c.rstrip('。')}" for i, c in enumerate(clauses[:3], 1))
    tb.row("年度目标", C(f"{goals}。", 5))
    specs = pick_specs(rng, domain, rng.randint(6, 9))
    weights = weigh(rng, specs, split_levels(specs, 100))
    outs: list[Outcome] = outcomes(rng, specs, weights, 0, scored=False)
    first = tb.next_row
    tb.row(C("绩效指标", 1, 1 + len(outs)), "一级指标", "二级指标", C("三级指标", 2), "年度指标值")
    tb.mark_header(first, first + 1)
    body: list[list[str | C]] = []
    indicators: list[Indicator] = []
    for o in outs:
        t_cell = target_cell(o)
        body.append([o.spec.level1, o.spec.level2, C(o.spec.name, 2), t_cell])
        indicators.append(indicator(o, value(t_cell), None, scored=False, weighted=False))
    for cells in merge_leading(body, 2):
        tb.row(*cells)
    proj = project(
        name,
        "project_target",
        year,
        org.department,
        org.implementer,
        funding_lines=[funding(source, unit, budget=a) for _, source, a in rows],
        indicators=indicators,
    )
    return Form(
        ["转移支付区域绩效目标表"],
        tb.build(),
        proj,
        subtitle=[f"（{year}年度）"],
        foot=["注：本表由地方主管部门会同同级财政部门填报，指标值为本年度预期达到的目标。"],
        notes=[f"funds listed down the form in {unit}; no weights, no totals"],
    )


def p3() -> list[DocSpec]:
    fam = "p3"
    _, org, year, forms = first_document_forms(
        fam,
        (2024, 2025),
        _p3_form,
        P3_FUNDS[0],
        "万元",
    )
    blocks: list[Block] = [
        cover([f"{org.county}{year}年上级转移支付资金绩效目标"]),
        Para(
            [
                f"根据预算绩效管理有关规定，现将{org.county}{year}年度上级转移支付资金"
                "区域绩效目标公开如下。",
            ]
        ),
    ]
    for i, form in enumerate(forms):
        if i:
            blocks.append(PageBreak())
        blocks.append(form)
    docs = [DocSpec(f"{fam}-1", fam, True, blocks, landscape=False)]
    for k in (2, 3):
        unit = "元" if k == 2 else "万元"
        form = single_project_form(
            fam,
            k,
            (2024, 2025),
            _p3_form,
            P3_FUNDS[k - 1],
            unit,
        )
        docs.append(DocSpec(f"{fam}-{k}", fam, True, [form], landscape=k == 3))
    return docs


# ---------------------------------------------------------------------------------------
# p4: 部门整体支出绩效目标表 in 元: 人员经费 / 公用经费 / 项目支出 across, 指标性质 | 指标值


def _p4_form(rng: random.Random, department: str, domains: list[Domain], year: int) -> Form:
    lo = sum(d.budget[0] for d in domains) * 2 * 10000
    hi = sum(d.budget[1] for d in domains) * 2.5 * 10000
    total = amount(rng, lo, hi)
    split = parts(
        rng,
        total,
        [("人员经费", "人员经费"), ("公用经费", "公用经费"), ("项目支出", "项目支出")],
        zero_tail=0,
    )
    tb = TableBuilder(7)
    tb.row("部门（单位）名称", C(department, 6))
    tb.row(C("年度预算（元）", 1, 2), "预算总额", C("人员经费", 2), "公用经费", C("项目支出", 2))
    tb.row(
        fmt(total, 2, True),
        C(fmt(split[0][2], 2, True), 2),
        fmt(split[1][2], 2, True),
        C(fmt(split[2][2], 2, True), 2),
    )
    tb.row(
        "年度绩效目标",
        C("围绕部门职责和年度重点工作，保障机构正常运转，推动重点任务落实见效。", 6),
    )
    specs = _dept_specs(rng, domains, rng.randint(7, 10))
    weights = weigh(rng, specs, split_levels(specs, 100))
    outs = outcomes(rng, specs, weights, 0, scored=False)
    first = tb.next_row
    tb.row("一级指标", "二级指标", C("三级指标", 2), "指标性质", "指标值", "分值")
    tb.mark_header(first, first + 1)
    body: list[list[str | C]] = []
    indicators: list[Indicator] = []
    for o in outs:
        if o.spec.quantitative:
            assert o.target is not None
            nature, number = o.spec.op or "", f"{fmt(o.target, o.dec)}{o.spec.unit}"
        else:
            nature, number = "定性", o.target_text
        body.append(
            [o.spec.level1, o.spec.level2, C(o.spec.name, 2), nature, number, fmt_short(o.weight)]
        )
        op = nature_of(o.spec)
        indicators.append(indicator(o, value(number, op), None, nature=op, scored=False))
    for cells in merge_leading(body, 2):
        tb.row(*cells)
    tb.row(C("合计", 6), "100")
    lines = [funding("total", "元", budget=total)]
    lines += [funding(source, "元", budget=a) for _, source, a in split]
    proj = project(
        department,
        "department_target",
        year,
        department,
        None,
        funding_lines=lines,
        indicators=indicators,
        total=(100, None),
    )
    return Form(
        [f"{year}年度部门整体支出绩效目标表"],
        tb.build(),
        proj,
        subtitle=["金额单位：元"],
        foot=[f"填报人：{person(rng)}    联系电话：{phone(rng)}"],
        notes=["amounts in 元 split 人员经费 / 公用经费 / 项目支出; 指标性质 定性 → no op"],
    )


def p4() -> list[DocSpec]:
    fam = "p4"
    docs = []
    for k in (1, 2, 3):
        rng = rng_for(fam, k)
        dept, domains, _ = _department(rng, fam, k)
        year = rng.choice((2024, 2025))
        form = _p4_form(rng, dept, domains, year)
        if k == 1:
            blocks: list[Block] = [
                cover([f"{dept}{year}年部门预算公开"]),
                Para(
                    [
                        "一、部门主要职责",
                        f"{dept}负责本行政区域内相关领域的规划、管理和公共服务工作。",
                        "二、部门整体支出绩效目标",
                    ]
                ),
                form,
            ]
            docs.append(DocSpec(f"{fam}-{k}", fam, True, blocks, landscape=False))
        else:
            docs.append(DocSpec(f"{fam}-{k}", fam, True, [form], landscape=k == 2))
    return docs


HELD_OUT_5: tuple[Family, ...] = (
    Family("p1", "held out", p1, held_out=True, held_out_set=SET, scan_last=2),
    Family("p2", "held out", p2, held_out=True, held_out_set=SET, scan_last=2),
    Family("p3", "held out", p3, held_out=True, held_out_set=SET, scan_last=2),
    Family("p4", "held out", p4, held_out=True, held_out_set=SET, scan_last=2),
)
