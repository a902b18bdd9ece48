"""FOURTH HELD-OUT SET (golden/heldout4): measured once blind, then developed against.

It was measured (field F1 0.799) before anyone working on the reader looked at it, then
the reader was developed against it (its text renderings are gated in
eval/thresholds.json, `held_out`); golden/heldout8 is the set still unseen. Generated
like the development families and scored with `extractor eval --golden golden/heldout4`.
The last two documents of every family are also scanned.

Layouts studied through published forms of other provinces (layouts only, no text
copied): a 自评结果表 in 元 with a 偏差度 column under a two-level header and notes under
the table; a department target form whose budget is split 按收入性质 / 按支出性质 under a
two-level header; a department self-evaluation with budget-classification funding rows
and a 小计 row after each level 1; a 专项资金 target form funded by level of government
with a 年度绩效指标值 group header (目标值 | 计量单位).
"""

from __future__ import annotations

import random

from eval.corpus.content import EFF, OUT, SAT, Domain, person, phone, report_text
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
    outcomes,
    pick_specs,
    project,
    self_evaluation_project,
    total_score,
    value,
    weigh,
)
from eval.corpus.families.common import level1_totals as split_levels
from eval.corpus.families.department import _dept_specs
from eval.corpus.families.funds import FundRow, amount, parts, self_eval_block
from eval.corpus.heldout_common import first_document_forms, single_project_form
from eval.corpus.layout import Block, C, DocSpec, Form, PageBreak, Para, TableBuilder
from eval.corpus.values import Outcome, actual_cell, fmt, fmt_short, pct, target_cell
from extractor.models import Indicator, Subtotal

SET = "heldout4"


def _amount_cell(x: float | None, *, thousands: bool = False) -> str:
    return "" if x is None else fmt(x, 2, thousands)


def _deviation(o: Outcome) -> str:
    """偏差度 = (完成值 − 目标值) / 目标值, printed in percent; "—" for a qualitative row
    (a column computed from others: not a field)."""
    if not o.spec.quantitative or not o.target:
        return "—"
    assert o.actual is not None
    return pct((o.actual - o.target) / o.target * 100)


def _standard(o: Outcome) -> str:
    """A department target form's 评（扣）分标准 text (not a field)."""
    if not o.spec.quantitative:
        return "达到目标得满分，未达到的酌情扣分"
    if o.spec.better == "down":
        return "不超过目标值得满分，每超出1%扣0.5分"
    return "达到目标值得满分，每低于1%扣0.5分"


# ---------------------------------------------------------------------------------------
# n1: 项目支出绩效自评结果表, amounts in 元, 偏差度 under a two-level header, notes


N1_SOURCES = [
    ("合计", "total"),
    ("其中：一般公共预算", "一般公共预算"),
    ("政府性基金预算", "政府性基金预算"),
    ("上年结转资金", "carryover"),
    ("其他资金", "other"),
]


def _n1_form(rng: random.Random, org: Org, domain: Domain, name: str, year: int) -> Form:
    rows = self_eval_block(
        rng,
        domain.budget,
        N1_SOURCES,
        zero_tail=rng.choice((1, 2, 3)),
        sub_rates=True,
        scale=10000,
    )
    tb = TableBuilder(9)
    tb.row("项目名称", C(name, 8))
    tb.row("主管部门", C(org.department, 3), "实施单位", C(org.implementer, 4))
    tb.row("项目负责人", C(person(rng), 3), "联系电话", C(phone(rng), 4))
    tb.row(
        C("资金情况（元）", 1, 1 + len(rows)),
        "资金来源",
        "年初预算数",
        "调整后预算数",
        "全年执行数",
        "执行率",
        "权重",
        C("得分", 2),
    )
    for i, r in enumerate(rows):
        tb.row(
            r.printed,
            _amount_cell(r.initial, thousands=True),
            _amount_cell(r.budget, thousands=True),
            _amount_cell(r.executed, thousands=True),
            pct(r.rate) if r.rate is not None else "—",
            fmt_short(r.weight) if i == 0 and r.weight is not None else "—",
            C(fmt(r.score, 2) if i == 0 and r.score is not None else "—", 2),
        )
    _, achieved = goal_lines(rng, domain, "")
    # the goal restates the amount in the form's unit (元)
    expected = domain.goal.replace("{amount}万元", f"{fmt(rows[0].budget or 0, 2, True)}元")
    tb.row(C("年度总体目标", 1, 2), C("预期目标", 4), C("实际完成情况", 4))
    tb.row(C(expected, 4), C(achieved, 4))
    specs = pick_specs(rng, domain, rng.randint(7, 10))
    weights = weigh(rng, specs, {OUT: 50, EFF: 30, SAT: 10})
    outs = outcomes(rng, specs, weights, rng.choice((1, 2, 2, 3)))
    first = tb.next_row
    tb.row(
        C("一级指标", 1, 2),
        C("二级指标", 1, 2),
        C("具体指标", 1, 2),
        C("指标完成情况", 3),
        C("权重", 1, 2),
        C("得分", 1, 2),
        C("偏差原因及改进措施", 1, 2),
    )
    tb.row("目标值", "完成值", "偏差度")
    tb.mark_header(first, first + 2)
    body: list[list[str | C]] = []
    indicators: list[Indicator] = []
    for o in outs:
        t_cell, a_cell = target_cell(o), actual_cell(o)
        body.append(
            [
                o.spec.level1,
                o.spec.level2,
                o.spec.name,
                t_cell,
                a_cell,
                _deviation(o),
                fmt_short(o.weight),
                fmt_short(o.score or 0),
                o.reason or "",
            ]
        )
        indicators.append(indicator(o, value(t_cell), value(a_cell), reason=o.reason))
    for cells in merge_leading(body, 2):
        tb.row(*cells)
    t_score = total_score([rows[0].score, *(o.score for o in outs)])
    tb.row(C("总分", 6), "100", fmt_short(t_score), "")
    lines = [
        funding(
            r.source,
            "元",
            initial_budget=r.initial,
            budget=r.budget,
            executed=r.executed,
            execution_rate=r.rate,
            weight=r.weight if i == 0 else None,
            score=r.score if i == 0 else None,
        )
        for i, r in enumerate(rows)
    ]
    proj = self_evaluation_project(name, year, org, lines, indicators, t_score)
    return Form(
        ["项目支出绩效自评结果表"],
        tb.build(),
        proj,
        subtitle=[f"（{year}年度）", "金额单位：元"],
        foot=[
            "注：1.偏差度=（完成值-目标值）/目标值×100%，定性指标不计算偏差度；",
            "2.资金执行率权重10分，得分=权重×执行率。",
            f"填报人：{person(rng)}    审核人：{person(rng)}",
        ],
        notes=["偏差度 column not read (computed from 目标值 and 完成值)"],
    )


def n1() -> list[DocSpec]:
    fam = "n1"
    rng, org, year, forms = first_document_forms(fam, (2022, 2023, 2024), _n1_form)
    blocks: list[Block] = [
        cover([f"{org.department}{year}年度项目支出绩效自评结果公开"]),
        Para(
            [
                f"根据{org.county}财政局关于开展{year}年度项目支出绩效自评工作的通知，"
                f"{org.department}对纳入自评范围的{len(forms)}个项目开展了自评，结果如下。",
                *report_text(rng, org.implementer, 2),
            ]
        ),
        PageBreak(),
        *forms,  # each form follows the last: the tables run on over the pages
    ]
    docs = [DocSpec(f"{fam}-1", fam, True, blocks, landscape=False)]
    for k in (2, 3):
        form = single_project_form(fam, k, (2023, 2024), _n1_form)
        docs.append(DocSpec(f"{fam}-{k}", fam, True, [form], landscape=k == 2))
    return docs


# ---------------------------------------------------------------------------------------
# n2: 部门整体绩效目标表, budget 按收入性质分 / 按支出性质分 under a two-level header

N2_INCOME = [
    ("一般公共预算", "一般公共预算"),
    ("政府性基金", "政府性基金"),
    ("财政专户管理资金", "财政专户管理资金"),
    ("其他资金", "other"),
]
N2_SPENDING = [("基本支出", "基本支出"), ("项目支出", "项目支出")]
DUTIES = (
    "贯彻落实国家和省、市有关方针政策，拟订本行业发展规划并组织实施，"
    "负责本行业监督管理和公共服务工作。"
)


def _n2_form(rng: random.Random, department: str, domains: list[Domain], year: int) -> Form:
    lo = sum(d.budget[0] for d in domains) * 2
    hi = sum(d.budget[1] for d in domains) * 2.5
    total = amount(rng, lo, hi)
    income = parts(rng, total, N2_INCOME, zero_tail=rng.choice((1, 2)))
    spending = parts(rng, total, N2_SPENDING, zero_tail=0)
    tb = TableBuilder(8)
    tb.row("部门名称", C(department, 3), "联系人", person(rng), "联系电话", phone(rng))
    tb.row(
        C("年度预算资金（万元）", 1, 3),
        C("资金总额", 1, 2),
        C("按收入性质分", 4),
        C("按支出性质分", 2),
    )
    tb.row(*(printed for printed, _, _ in [*income, *spending]))
    tb.row(fmt(total, 2), *(fmt(a, 2) for _, _, a in [*income, *spending]))
    tb.row("部门职能职责概述", C(DUTIES, 7))
    clauses = [c for d in domains[:2] for c in d.goal.split("，")[:2] if "{amount}" not in c]
    goals = "；".join(clauses[:2])
    tb.row("年度绩效目标", C(f"{goals}；全面履行部门职责，提高财政资金使用效益。", 7))
    specs = _dept_specs(rng, domains, rng.randint(7, 10))
    weights = weigh(rng, specs, split_levels(specs, 100))
    outs = outcomes(rng, specs, weights, 0, scored=False)
    first = tb.next_row
    tb.row("一级指标", "二级指标", C("绩效指标", 2), "指标值", "分值", C("评（扣）分标准", 2))
    tb.mark_header(first, first + 1)
    body: list[list[str | C]] = []
    indicators: list[Indicator] = []
    for o in outs:
        t_cell = target_cell(o)
        body.append(
            [
                o.spec.level1,
                o.spec.level2,
                C(o.spec.name, 2),
                t_cell,
                fmt_short(o.weight),
                C(_standard(o), 2),
            ]
        )
        indicators.append(indicator(o, value(t_cell), None, scored=False))
    for cells in merge_leading(body, 2):
        tb.row(*cells)
    lines = [funding("total", "万元", budget=total)]
    lines += [funding(source, "万元", budget=a) for _, source, a in [*income, *spending]]
    proj = project(
        department,
        "department_target",
        year,
        department,
        None,
        funding_lines=lines,
        indicators=indicators,
    )
    return Form(
        ["部门整体绩效目标表"],
        tb.build(),
        proj,
        subtitle=[f"（{year}年度）", f"填报单位（盖章）：{department}"],
        foot=["注：资金总额=按收入性质分合计=按支出性质分合计。"],
        notes=["income and spending splits of the same total, each part its own line"],
    )


def n2() -> list[DocSpec]:
    fam = "n2"
    docs = []
    for k in (1, 2, 3):
        rng = rng_for(fam, k)
        dept, domains, _ = _department(rng, fam, k)
        year = rng.choice((2024, 2025))
        form = _n2_form(rng, dept, domains, year)
        if k == 1:
            blocks: list[Block] = [
                cover([f"{dept}{year}年部门预算"]),
                Para(
                    [
                        "第一部分 部门概况",
                        f"{dept}是县政府工作部门，{year}年部门预算由本级及所属单位预算组成。",
                        "第五部分 部门整体支出绩效目标",
                    ]
                ),
                form,
            ]
            docs.append(DocSpec(f"{fam}-{k}", fam, True, blocks, landscape=False))
        else:
            docs.append(DocSpec(f"{fam}-{k}", fam, True, [form], landscape=k == 3))
    return docs


# ---------------------------------------------------------------------------------------
# n3: 部门整体支出绩效自评表, budget-classification rows, a 小计 row after each level 1

N3_SOURCES = [
    ("合计", "total"),
    ("一般公共预算财政拨款", "一般公共预算财政拨款"),
    ("政府性基金预算财政拨款", "政府性基金预算财政拨款"),
    ("财政专户管理资金", "财政专户管理资金"),
    ("单位资金", "单位资金"),
]


def _n3_form(
    rng: random.Random, department: str, domains: list[Domain], year: int, n_specs: int
) -> Form:
    lo = sum(d.budget[0] for d in domains) * 2
    hi = sum(d.budget[1] for d in domains) * 2.5
    rows: list[FundRow] = self_eval_block(
        rng, (lo, hi), N3_SOURCES, zero_tail=rng.choice((1, 2)), sub_rates=True
    )
    tb = TableBuilder(10)
    tb.row("部门名称", C(department, 9))
    tb.row(
        C("年度预算执行情况（万元）", 1, 1 + len(rows)),
        "资金类别",
        "年初预算数",
        "调整后预算数",
        "全年执行数",
        "执行率",
        "分值",
        "得分",
        C("未执行原因", 2),
    )
    for i, r in enumerate(rows):
        tb.row(
            r.printed,
            fmt(r.initial or 0, 2),
            fmt(r.budget or 0, 2),
            fmt(r.executed or 0, 2),
            pct(r.rate) if r.rate is not None else "—",
            fmt_short(r.weight) if i == 0 and r.weight is not None else "",
            fmt(r.score, 2) if i == 0 and r.score is not None else "",
            C("", 2),
        )
    tb.row(C("年度总体目标", 1, 2), C("预期目标", 4), C("实际完成情况", 5))
    tb.row(
        C("全面履行部门职责，保障重点工作任务顺利实施，提高财政资金使用效益。", 4),
        C("年度重点工作任务基本完成，预算执行较为规范，部门履职效能有所提升。", 5),
    )
    specs = _dept_specs(rng, domains, n_specs)
    split = split_levels(specs, 90)
    weights = weigh(rng, specs, split)
    outs = outcomes(rng, specs, weights, rng.choice((1, 2)))
    first = tb.next_row
    tb.row(
        "一级指标",
        "二级指标",
        C("绩效指标", 2),
        "年度目标值",
        "实际完成值",
        "分值",
        "得分",
        C("未完成原因分析", 2),
    )
    tb.mark_header(first, first + 1)
    body: list[list[str | C]] = []
    indicators: list[Indicator] = []
    subtotals: list[Subtotal] = []
    for level1, weight in split.items():
        group = [o for o in outs if o.spec.level1 == level1]
        for o in group:
            t_cell, a_cell = target_cell(o), actual_cell(o)
            body.append(
                [
                    level1,
                    o.spec.level2,
                    C(o.spec.name, 2),
                    t_cell,
                    a_cell,
                    fmt_short(o.weight),
                    fmt_short(o.score or 0),
                    C(o.reason or "", 2),
                ]
            )
            indicators.append(indicator(o, value(t_cell), value(a_cell), reason=o.reason))
        score = total_score([o.score for o in group])
        body.append([level1, C("小计", 5), fmt_short(weight), fmt_short(score), C("", 2)])
        subtotals.append(Subtotal(level1=level1, weight=weight, score=score))
    for cells in merge_leading(body, 2):
        tb.row(*cells)
    t_score = total_score([rows[0].score, *(o.score for o in outs)])
    tb.row(C("总分", 6), "100", fmt_short(t_score), C("", 2))
    lines = [
        funding(
            r.source,
            "万元",
            initial_budget=r.initial,
            budget=r.budget,
            executed=r.executed,
            execution_rate=r.rate,
            weight=r.weight if i == 0 else None,
            score=r.score if i == 0 else None,
        )
        for i, r in enumerate(rows)
    ]
    proj = project(
        department,
        "department_self_evaluation",
        year,
        department,
        None,
        funding_lines=lines,
        indicators=indicators,
        subtotals=subtotals,
        total=(100, t_score),
    )
    return Form(
        ["部门整体支出绩效自评表"],
        tb.build(),
        proj,
        subtitle=[f"（{year}年度）", "金额单位：万元"],
        foot=[
            "注：执行率=全年执行数/调整后预算数×100%；预算执行分值10分，得分=分值×执行率。",
            f"填报人：{person(rng)}    联系电话：{phone(rng)}",
        ],
        notes=["a 小计 row after each level 1 gives its subtotal (weight and score)"],
    )


def n3() -> list[DocSpec]:
    fam = "n3"
    docs = []
    for k in (1, 2, 3):
        rng = rng_for(fam, k)
        dept, domains, year = _department(rng, fam, k)
        form = _n3_form(rng, dept, domains, year, rng.randint(8, 11) if k != 3 else 12)
        if k == 1:
            blocks: list[Block] = [
                cover([f"{dept}{year}年度部门整体支出绩效自评报告"]),
                Para(
                    [
                        "一、部门基本情况",
                        f"{year}年，{dept}围绕年度重点任务，统筹安排预算资金。",
                        *report_text(rng, dept, 3),
                        "二、部门整体支出绩效自评表",
                    ]
                ),
                form,
            ]
            docs.append(DocSpec(f"{fam}-{k}", fam, True, blocks, repeat_header=True))
        elif k == 2:
            docs.append(DocSpec(f"{fam}-{k}", fam, True, [form], landscape=False))
        else:
            # A5 landscape: the form runs on over the pages without its header again
            doc = DocSpec(f"{fam}-{k}", fam, True, [form], landscape=False, page_height=420.0)
            doc.notes.append("one form continued over several pages, the header not repeated")
            docs.append(doc)
    return docs


# ---------------------------------------------------------------------------------------
# n4: 专项资金绩效目标表, funds by level of government, 目标值 | 计量单位 under a group header

N4_LEVELS = [
    ("中央资金", "中央资金"),
    ("省级资金", "省级资金"),
    ("市级资金", "市级资金"),
    ("县级资金", "县级资金"),
]
BASES = ("计划标准", "历史标准", "行业标准", "计划标准")


def _n4_form(rng: random.Random, org: Org, domain: Domain, name: str, year: int) -> Form:
    total = amount(rng, *domain.budget)
    levels = parts(rng, total, N4_LEVELS, zero_tail=rng.choice((1, 2)))
    tb = TableBuilder(8)
    tb.row(C("专项资金名称", 2), C(name, 6))
    tb.row(
        C("主管部门及代码", 2),
        C(org.dept_with_code(), 2),
        C("资金使用单位", 2),
        C(org.implementer, 2),
    )
    tb.row(C("实施期限", 2), C(f"{year}年1月至{year}年12月", 6))
    tb.row(
        C("资金情况（万元）", 2, 2),
        "资金总额",
        *(printed for printed, _, _ in levels[:-1]),
        C(levels[-1][0], 2),
    )
    tb.row(fmt(total, 2), *(fmt(a, 2) for _, _, a in levels[:-1]), C(fmt(levels[-1][2], 2), 2))
    expected, _ = goal_lines(rng, domain, fmt(total, 2))
    tb.row(C("年度绩效目标", 2), C(expected, 6))
    specs = pick_specs(rng, domain, rng.randint(6, 9))
    weights = weigh(rng, specs, split_levels(specs, 100))
    outs = outcomes(rng, specs, weights, 0, scored=False)
    first = tb.next_row
    tb.row(
        C("一级指标", 1, 2),
        C("二级指标", 1, 2),
        C("三级指标", 2, 2),
        C("年度绩效指标值", 2),
        C("分值", 1, 2),
        C("指标值设定依据", 1, 2),
    )
    tb.row("目标值", "计量单位")
    tb.mark_header(first, first + 2)
    body: list[list[str | C]] = []
    indicators: list[Indicator] = []
    for o in outs:
        if o.spec.quantitative:
            assert o.target is not None
            number, unit = f"{o.spec.op}{fmt(o.target, o.dec)}", o.spec.unit
        else:
            number, unit = o.target_text, ""
        body.append(
            [
                o.spec.level1,
                o.spec.level2,
                C(o.spec.name, 2),
                number,
                unit,
                fmt_short(o.weight),
                rng.choice(BASES),
            ]
        )
        indicators.append(indicator(o, value(number + unit), None, scored=False))
    for cells in merge_leading(body, 2):
        tb.row(*cells)
    tb.row(C("合计", 6), "100", "")
    proj = project(
        name,
        "project_target",
        year,
        org.dept_with_code(),
        org.implementer,
        funding_lines=[funding("total", "万元", budget=total)]
        + [funding(source, "万元", budget=a) for _, source, a in levels],
        indicators=indicators,
        total=(100, None),
    )
    return Form(
        ["专项资金绩效目标表"],
        tb.build(),
        proj,
        subtitle=[f"（{year}年度）"],
        foot=["注：目标值含“≥”“≤”“=”的为定量指标，文字表述的为定性指标。"],
    )


def n4() -> list[DocSpec]:
    fam = "n4"
    _, org, year, forms = first_document_forms(fam, (2024, 2025), _n4_form)
    blocks: list[Block] = [
        cover([f"{org.county}{year}年专项资金绩效目标"]),
        Para(
            [
                f"按照专项资金绩效目标管理要求，{org.department}编报了{year}年度专项资金"
                "绩效目标，现予公开。",
            ]
        ),
    ]
    for i, form in enumerate(forms):
        if i:
            blocks.append(PageBreak())
        blocks.append(form)
    docs = [DocSpec(f"{fam}-1", fam, True, blocks)]
    for k in (2, 3):
        form = single_project_form(fam, k, (2024, 2025), _n4_form)
        docs.append(DocSpec(f"{fam}-{k}", fam, True, [form], landscape=k == 3))
    return docs


HELD_OUT_4: tuple[Family, ...] = (
    Family("n1", "held out", n1, held_out=True, held_out_set=SET, scan_last=2),
    Family("n2", "held out", n2, held_out=True, held_out_set=SET, scan_last=2),
    Family("n3", "held out", n3, held_out=True, held_out_set=SET, scan_last=2),
    Family("n4", "held out", n4, held_out=True, held_out_set=SET, scan_last=2),
)
