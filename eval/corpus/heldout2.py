"""SECOND HELD-OUT SET (golden/heldout2): measured once blind, then developed against.

It was measured (field F1 0.920) before anyone working on the reader looked at it, then
the reader was developed against it (its text renderings are gated in
eval/thresholds.json, `held_out`); golden/heldout8 is the set still unseen. Generated
like the development families and scored with `extractor eval --golden golden/heldout2`.
Every document is also scanned."""

from __future__ import annotations

import random

from eval.corpus.content import DOMAINS, EFF, OUT, SAT, Domain, report_text
from eval.corpus.families import (
    Family,
    _department,
    place_for,
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
    org_for,
    outcomes,
    pick_specs,
    project,
    scored_criterion,
    self_evaluation_project,
    total_score,
    value,
    weigh,
)
from eval.corpus.families.department import _dept_specs
from eval.corpus.families.funds import amount, execution, parts, rate_of, target_block
from eval.corpus.heldout_common import first_document_forms, single_project_form
from eval.corpus.layout import C, DocSpec, Form, PageBreak, Para, TableBuilder
from eval.corpus.values import actual_cell, fmt, fmt_short, partition, pct, rnd, target_cell
from extractor.models import FundingLine, Indicator, Subtotal

SET = "heldout2"


# ---------------------------------------------------------------------------------------
# k1


def _k1_form(rng: random.Random, org: Org, domain: Domain, name: str, year: int) -> Form:
    sources = [
        ("资金总额", "total"),
        ("财政拨款", "fiscal"),
        ("上年结转", "carryover"),
        ("其他资金", "other"),
    ]
    total = amount(rng, *domain.budget)
    split = parts(rng, total, sources[1:], zero_tail=rng.choice((1, 2)))
    budgets = [b for _, _, b in split]
    executed = [execution(rng, b) for b in budgets]
    t_budget, t_exec = rnd(sum(budgets), 2), rnd(sum(executed), 2)
    t_rate = rate_of(t_exec, t_budget)
    assert t_rate is not None
    weight = rng.choice((10, 10, 20))
    f_score = rnd(weight * t_rate / 100, 2)
    budgets.insert(0, t_budget)
    executed.insert(0, t_exec)
    rates = [t_rate] + [rate_of(e, b) for e, b in zip(executed[1:], budgets[1:], strict=True)]
    tb = TableBuilder(8)
    tb.row("项目名称", C(name, 7))
    tb.row("主管部门", C(org.department, 3), "实施单位", C(org.implementer, 3))
    tb.row(C("项目资金（万元）", 1, 4), "", *(s for s, _ in sources), "分值", "得分")
    tb.row(
        "预算数",
        *(fmt(b, 2) for b in budgets),
        C(fmt_short(weight), 1, 3),
        C(fmt(f_score, 2), 1, 3),
    )
    tb.row("执行数", *(fmt(e, 2) for e in executed))
    tb.row("执行率", *(pct(r) if r is not None else "—" for r in rates))
    lines: list[FundingLine] = []
    for k, (_, source) in enumerate(sources):
        first = k == 0
        lines.append(
            funding(
                source,
                "万元",
                budget=budgets[k],
                executed=executed[k],
                execution_rate=rates[k],
                weight=weight if first else None,
                score=f_score if first else None,
            )
        )
    expected, achieved = goal_lines(rng, domain, fmt(t_budget, 2))
    tb.row(C("年度目标", 1, 2), C("预期目标", 3), C("实际完成情况", 4))
    tb.row(C(expected, 3), C(achieved, 4))
    specs = pick_specs(rng, domain, rng.randint(6, 9))
    rest = 100 - weight
    sat = 10
    out = round((rest - sat) * 0.6)
    weights = weigh(rng, specs, {OUT: out, EFF: rest - sat - out, SAT: sat})
    outs = outcomes(rng, specs, weights, rng.choice((1, 2)))
    first_row = tb.next_row
    tb.row(
        "一级指标",
        "二级指标",
        "三级指标",
        "预期指标值",
        "实际完成值",
        "指标分值",
        "自评得分",
        "未完成原因和改进措施",
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
                t_cell,
                a_cell,
                fmt_short(o.weight),
                fmt_short(o.score or 0),
                o.reason or "",
            ]
        )
        indicators.append(indicator(o, value(t_cell), value(a_cell), reason=o.reason))
    for cells in merge_leading(body, 2):
        tb.row(*cells)
    t_score = total_score([f_score, *(o.score for o in outs)])
    tb.row(C("总分", 5), "100", fmt_short(t_score), "")
    proj = self_evaluation_project(name, year, org, lines, indicators, t_score)
    return Form(
        ["项目支出绩效自评表"],
        tb.build(),
        proj,
        subtitle=[f"（{year}年度）", "金额单位：万元"],
    )


def k1() -> list[DocSpec]:
    fam = "k1"
    rng, org, year, forms = first_document_forms(fam, (2022, 2023, 2024), _k1_form)
    blocks = [
        cover([f"{org.implementer}{year}年度项目支出绩效自评报告"]),
        Para(["一、基本情况", *report_text(rng, org.implementer, 3)]),
        PageBreak(),
        Para(["附表"], heading=True),
        forms[0],
        PageBreak(),
        forms[1],
    ]
    docs = [DocSpec(f"{fam}-1", fam, True, blocks)]  # type: ignore[arg-type]
    for k in (2, 3):
        form = single_project_form(fam, k, (2023, 2024), _k1_form)
        docs.append(DocSpec(f"{fam}-{k}", fam, True, [form], landscape=k == 2))
    return docs


# ---------------------------------------------------------------------------------------
# k2

EXPLAIN = {
    OUT: "反映计划完成的工作量及质量",
    EFF: "反映项目实施产生的效果",
    SAT: "反映服务对象的满意程度",
}


def _k2_form(rng: random.Random, department: str, domains: list[Domain], year: int) -> Form:
    budget = (sum(d.budget[0] for d in domains) * 2, sum(d.budget[1] for d in domains) * 2.5)
    labels = [
        ("资金总额", "total"),
        ("人员经费", "人员经费"),
        ("公用经费", "公用经费"),
        ("项目支出", "项目支出"),
    ]
    rows = target_block(rng, budget, labels, zero_tail=0)
    tb = TableBuilder(8)
    tb.row(C("预算单位名称", 2), C(department, 6))
    tb.row(C("部门预算资金（万元）", 2, 2), *(r.printed for r in rows[:3]), C(rows[3].printed, 3))
    tb.row(*(fmt(r.budget or 0, 2) for r in rows[:3]), C(fmt(rows[3].budget or 0, 2), 3))
    tb.row(C("年度绩效目标", 2), C("围绕部门职责，完成年度重点工作任务，提升公共服务水平。", 6))
    specs = _dept_specs(rng, domains, rng.randint(7, 9))
    weights = partition(rng, 100, len(specs))
    outs = outcomes(rng, specs, weights, 0, scored=False)
    first = tb.next_row
    tb.row("一级指标", "二级指标", "三级指标", "指标解释", "指标性质", "指标值", "计量单位", "分值")
    tb.mark_header(first, first + 1)
    body: list[list[str | C]] = []
    indicators: list[Indicator] = []
    for o in outs:
        nature = nature_of(o.spec)
        if o.spec.quantitative:
            assert o.target is not None
            number, unit = fmt(o.target, o.dec), o.spec.unit
            target = value(number + unit, op=nature)
        else:
            number, unit = o.target_text, ""
            target = value(number)
        body.append(
            [
                o.spec.level1,
                o.spec.level2,
                o.spec.name,
                EXPLAIN[o.spec.level1],
                nature or "定性",
                number,
                unit,
                fmt_short(o.weight),
            ]
        )
        indicators.append(indicator(o, target, None, nature=nature, scored=False))
    for cells in merge_leading(body, 2):
        tb.row(*cells)
    proj = project(
        department,
        "department_target",
        year,
        department,
        None,
        funding_lines=[funding(r.source, "万元", budget=r.budget) for r in rows],
        indicators=indicators,
    )
    return Form([f"{year}年部门整体支出绩效目标表"], tb.build(), proj, subtitle=["单位：万元"])


def k2() -> list[DocSpec]:
    fam = "k2"
    docs = []
    for k in (1, 2, 3):
        rng = rng_for(fam, k)
        dept, domains, year = _department(rng, fam, k)
        form = _k2_form(rng, dept, domains, year)
        if k == 1:
            blocks = [
                cover([f"{dept}{year}年部门预算"]),
                Para(["第一部分 部门概况", f"{dept}的主要职责是统筹推进本领域各项工作。"]),
                Para(["第二部分 部门整体支出绩效目标"], heading=True),
                form,
            ]
            docs.append(DocSpec(f"{fam}-{k}", fam, True, blocks, landscape=False))  # type: ignore[arg-type]
        else:
            docs.append(DocSpec(f"{fam}-{k}", fam, True, [form], landscape=k == 3))  # type: ignore[arg-type]
    return docs


# ---------------------------------------------------------------------------------------
# k3

K3_CRITERIA: tuple[tuple[str, str, str, str], ...] = (
    ("决策", "购买依据", "购买事项合规性", "购买事项属于政府购买服务指导性目录范围"),
    ("决策", "购买依据", "需求论证充分性", "开展需求调查和成本测算"),
    ("决策", "绩效目标", "目标明确性", "绩效目标明确、细化、可衡量"),
    ("过程", "承接主体", "承接主体选择规范性", "按规定方式择优确定承接主体"),
    ("过程", "合同管理", "合同签订规范性", "合同明确服务内容、标准和付款方式"),
    ("过程", "资金管理", "资金支付合规性", "按合同约定和服务进度支付"),
    ("过程", "资金管理", "预算执行率", "实际支付资金占预算的比例"),
    ("产出", "服务数量", "服务任务完成率", "完成合同约定的服务数量"),
    ("产出", "服务质量", "服务质量达标率", "服务成果达到合同约定标准"),
    ("产出", "服务时效", "服务按期完成率", "按合同约定时限提供服务"),
    ("效益", "服务效果", "公共服务改善程度", "服务对象获得的服务明显改善"),
    ("效益", "服务效果", "可持续性", "形成稳定的购买服务机制"),
    ("效益", "满意度", "服务对象满意度", "抽样调查服务对象满意程度"),
)
K3_SPLITS = (
    {"决策": 15, "过程": 25, "产出": 35, "效益": 25},
    {"决策": 20, "过程": 20, "产出": 30, "效益": 30},
)


def _k3_form(
    rng: random.Random, name: str, year: int, department: str | None, implementer: str | None
) -> Form:
    split = rng.choice(K3_SPLITS)
    tb = TableBuilder(7)
    first = tb.next_row
    tb.row("一级指标", "二级指标", "三级指标", "分值", "评分依据", "扣分", "得分")
    tb.mark_header(first, first + 1)
    indicators: list[Indicator] = []
    subtotals: list[Subtotal] = []
    for level1, total in split.items():
        rows = [c for c in K3_CRITERIA if c[0] == level1]
        weights = partition(rng, total, len(rows), 0.5)
        body: list[list[str | C]] = []
        scores = []
        for c, w in zip(rows, weights, strict=True):
            cut = rng.choice((0.0, 0.0, 0.0, 0.5, 1.0)) if w > 1 else 0.0
            score = rnd(w - cut, 2)
            scores.append(score)
            body.append(
                [
                    f"{level1}（{fmt_short(total)}分）",
                    c[1],
                    c[2],
                    fmt_short(w),
                    c[3],
                    fmt_short(cut) if cut else "",
                    fmt_short(score),
                ]
            )
            indicators.append(scored_criterion(level1, c[1], c[2], w, score))
        for cells in merge_leading(body, 2):
            tb.row(*cells)
        sub = total_score(scores)
        tb.row(C("小计", 3), fmt_short(total), "", "", fmt_short(sub))
        subtotals.append(Subtotal(level1=level1, weight=total, score=sub))
    t_score = total_score([i.score for i in indicators])
    tb.row(C("合计", 3), "100", "", "", fmt_short(t_score))
    proj = project(
        name,
        "evaluation_scoring",
        year,
        department,
        implementer,
        indicators=indicators,
        subtotals=subtotals,
        total=(100, t_score),
    )
    return Form([f"{name}项目绩效评价综合评分表"], tb.build(), proj)


def k3() -> list[DocSpec]:
    fam = "k3"
    docs = []
    for k in (1, 2, 3):
        rng = rng_for(fam, k)
        d = rng.choice(DOMAINS)
        org = org_for(rng, d, place_for(fam, k))
        year = rng.choice((2022, 2023, 2024))
        name = f"{org.county}政府购买{rng.choice(('养老', '社区矫正', '环境卫生', '公共法律'))}服务"
        if k == 3:
            form = _k3_form(rng, name, year, None, None)
            form.project.year = None
            docs.append(DocSpec(f"{fam}-{k}", fam, True, [form]))  # type: ignore[arg-type]
            continue
        form = _k3_form(rng, name, year, org.department, org.implementer)
        budget = rnd(rng.uniform(80, 900), 2)
        spent = rnd(budget * rng.uniform(0.9, 1.0), 2)
        rate = rnd(spent / budget * 100, 2)
        form.project.funding = [
            funding("total", "万元", budget=budget, executed=spent, execution_rate=rate)
        ]
        blocks = [
            cover([f"{year}年度{name}项目绩效评价报告"]),
            Para(
                [
                    "一、项目基本情况",
                    f"项目主管部门：{org.department}",
                    f"项目实施单位：{org.implementer}",
                    f"{year}年该项目预算资金{fmt(budget, 2)}万元，实际支出{fmt(spent, 2)}万元，"
                    f"预算执行率{pct(rate)}。",
                    *report_text(rng, org.implementer, 2),
                    "二、评价结论",
                    f"该项目综合得分{fmt_short(form.project.total.score or 0)}分。",
                ]
            ),
            *([PageBreak()] if k == 1 else []),
            Para(["附件：评分表"], heading=True),
            form,
        ]
        docs.append(DocSpec(f"{fam}-{k}", fam, True, blocks, repeat_header=k == 2))  # type: ignore[arg-type]
    return docs


HELD_OUT_2: tuple[Family, ...] = (
    Family("k1", "held out", k1, held_out=True, held_out_set=SET, scan_every=True),
    Family("k2", "held out", k2, held_out=True, held_out_set=SET, scan_every=True),
    Family("k3", "held out", k3, held_out=True, held_out_set=SET, scan_every=True),
)
