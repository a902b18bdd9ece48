"""HELD-OUT template families: measured once blind, then developed against.

It was measured (field F1 0.685) before anyone working on the reader looked at it, then
the reader was developed against it (its text renderings are gated in
eval/thresholds.json, `held_out`); golden/heldout8 is the set still unseen. They are
generated like the development families (eval.corpus.families) and scored with
`extractor eval --golden golden/heldout`."""

from __future__ import annotations

import random

from eval.corpus.content import DOMAINS, EFF, OUT, SAT, Domain
from eval.corpus.families import Family, place_for, rng_for
from eval.corpus.families.common import (
    Org,
    cover,
    funding,
    goal_lines,
    indicator,
    merge_leading,
    org_for,
    outcomes,
    pick_specs,
    project,
    project_name,
    scored_criterion,
    self_evaluation_project,
    total_score,
    value,
    weigh,
)
from eval.corpus.families.common import level1_totals as split_levels
from eval.corpus.families.funds import self_eval_block, target_block
from eval.corpus.heldout_common import first_document_forms
from eval.corpus.layout import C, DocSpec, Form, PageBreak, Para, TableBuilder
from eval.corpus.values import actual_cell, fmt, fmt_short, partition, pct, rnd, target_cell
from extractor.models import Indicator, Subtotal


def _h1_form(rng: random.Random, org: Org, domain: Domain, name: str, year: int) -> Form:
    labels = [
        ("合计", "total"),
        ("一般公共预算资金", "一般公共预算资金"),
        ("政府性基金预算资金", "政府性基金预算资金"),
        ("其他资金", "other"),
    ]
    rows = self_eval_block(rng, domain.budget, labels, zero_tail=1)
    tb = TableBuilder(9)
    tb.row(C("项目名称", 2), C(name, 7))
    tb.row(C("主管部门", 2), C(org.department, 3), C("项目实施单位", 2), C(org.implementer, 2))
    tb.row(
        C("资金来源（万元）", 3),
        "年初预算数",
        "调整预算数",
        "实际支出数",
        "预算执行率",
        "权重",
        "得分",
    )
    for i, r in enumerate(rows):
        first = i == 0
        tb.row(
            C(r.printed, 3),
            fmt(r.initial or 0, 2),
            fmt(r.budget or 0, 2),
            fmt(r.executed or 0, 2),
            pct(r.rate) if first and r.rate is not None else "",
            fmt_short(r.weight) if first and r.weight is not None else "",
            fmt(r.score, 2) if first and r.score is not None else "",
        )
    expected, achieved = goal_lines(rng, domain, fmt(rows[0].budget or 0, 2))
    tb.row(C("绩效目标完成情况", 2), C(f"{expected}{achieved}", 7))
    specs = pick_specs(rng, domain, rng.randint(6, 9))
    weights = weigh(rng, specs, {OUT: 50, EFF: 30, SAT: 10})
    outs = outcomes(rng, specs, weights, rng.choice((1, 2)))
    ind_rows: list[list[str | C]] = [
        [
            "一级指标",
            "二级指标",
            "三级指标",
            "指标权重",
            "年度目标值",
            "实际完成值",
            "指标得分",
            C("未完成原因分析", 2),
        ],
    ]
    indicators: list[Indicator] = []
    for o in outs:
        t_cell, a_cell = target_cell(o), actual_cell(o)
        ind_rows.append(
            [
                o.spec.level1,
                o.spec.level2,
                o.spec.name,
                fmt_short(o.weight),
                t_cell,
                a_cell,
                fmt_short(o.score or 0),
                C(o.reason or "", 2),
            ]
        )
        indicators.append(indicator(o, value(t_cell), value(a_cell), reason=o.reason))
    first = tb.next_row
    for cells in merge_leading(ind_rows, 2):
        tb.row(*cells)
    tb.mark_header(first, first + 1)
    t_score = total_score([rows[0].score, *(o.score for o in outs)])
    tb.row(C("总得分", 3), "100", C("", 2), fmt_short(t_score), C("", 2))
    lines = [
        funding(
            r.source,
            "万元",
            initial_budget=r.initial,
            budget=r.budget,
            executed=r.executed,
            execution_rate=r.rate,
            weight=r.weight,
            score=r.score,
        )
        for r in rows
    ]
    proj = self_evaluation_project(name, year, org, lines, indicators, t_score)
    return Form(["项目支出绩效自评情况表"], tb.build(), proj, subtitle=[f"评价年度：{year}年"])


def _h2_form(rng: random.Random, org: Org, domain: Domain, name: str, year: int) -> Form:
    labels = [
        ("资金总额", "total"),
        ("一般公共预算", "一般公共预算"),
        ("政府性基金", "政府性基金"),
        ("其他资金", "other"),
    ]
    rows = target_block(rng, domain.budget, labels, zero_tail=rng.choice((1, 2)), scale=10000)
    tb = TableBuilder(8)
    tb.row(C("项目名称", 2), C(name, 6))
    tb.row(C("预算单位", 2), C(org.implementer, 3), C("归口部门", 1), C(org.department, 2))
    tb.row(
        C("项目资金（元）", 2, 2), *(C(r.printed, 1 if i < 3 else 3) for i, r in enumerate(rows))
    )
    tb.row(*(C(fmt(r.budget or 0, 2, True), 1 if i < 3 else 3) for i, r in enumerate(rows)))
    expected, _ = goal_lines(rng, domain, fmt((rows[0].budget or 0) / 10000, 2))
    tb.row(C("项目绩效目标", 2), C(expected, 6))
    specs = pick_specs(rng, domain, rng.randint(6, 9))
    weights = weigh(rng, specs, split_levels(specs, 100))
    outs = outcomes(rng, specs, weights, 0, scored=False)
    ind_rows: list[list[str | C]] = [
        [C("一级指标", 1), "二级指标", C("三级指标", 3), "目标值", "计量单位", "分值"]
    ]
    indicators = []
    for o in outs:
        if o.spec.quantitative:
            assert o.target is not None
            shown = (
                f"{o.spec.op}{fmt(o.target, o.dec)}" if o.spec.op != "=" else fmt(o.target, o.dec)
            )
            unit = o.spec.unit
        else:
            shown, unit = o.target_text, ""
        ind_rows.append(
            [o.spec.level1, o.spec.level2, C(o.spec.name, 3), shown, unit, fmt_short(o.weight)]
        )
        indicators.append(indicator(o, value(shown + unit), None, scored=False))
    first = tb.next_row
    for cells in merge_leading(ind_rows, 2):
        tb.row(*cells)
    tb.mark_header(first, first + 1)
    proj = project(
        name,
        "project_target",
        year,
        org.department,
        org.implementer,
        funding_lines=[funding(r.source, "元", budget=r.budget) for r in rows],
        indicators=indicators,
    )
    return Form(["预算项目绩效目标表"], tb.build(), proj, subtitle=[f"{year}年度", "金额单位：元"])


H3_CRITERIA: tuple[tuple[str, str, str, str], ...] = (
    ("投入", "预算编制", "预算编制完整性", "部门预算是否全面完整反映各项收支"),
    ("投入", "预算编制", "专项资金细化率", "已细化到具体项目的专项资金占比"),
    ("投入", "目标设定", "绩效目标合理性", "整体绩效目标是否符合部门职能"),
    ("过程", "预算执行", "预算执行率", "实际支出与预算数的比率"),
    ("过程", "预算执行", "结转结余率", "年末结转结余资金占预算的比重"),
    ("过程", "预算管理", "公用经费控制率", "实际公用经费与预算公用经费的比率"),
    ("过程", "预算管理", "政府采购执行率", "实际采购金额与采购预算的比率"),
    ("过程", "资产管理", "固定资产利用率", "实际在用固定资产占全部固定资产的比率"),
    ("产出", "职责履行", "重点工作完成率", "年度重点工作实际完成数与计划数的比率"),
    ("产出", "职责履行", "工作完成及时性", "重点工作是否按计划时限完成"),
    ("产出", "职责履行", "工作质量达标率", "达到质量标准的工作任务占比"),
    ("效果", "履职效益", "社会效益", "部门履职对经济社会发展的影响"),
    ("效果", "履职效益", "可持续影响", "长效管理机制建立健全情况"),
    ("效果", "满意度", "服务对象满意度", "服务对象对部门履职的满意程度"),
)
H3_SPLITS = (
    {"投入": 15, "过程": 30, "产出": 30, "效果": 25},
    {"投入": 10, "过程": 35, "产出": 30, "效果": 25},
)


def _h3_form(rng: random.Random, department: str, year: int) -> Form:
    split = rng.choice(H3_SPLITS)
    tb = TableBuilder(8)
    first = tb.next_row
    tb.row("一级指标", "权重", "二级指标", "权重", "三级指标", "权重", "评分要点", "得分")
    tb.mark_header(first, first + 1)
    indicators: list[Indicator] = []
    body: list[list[str | C]] = []
    for level1, total in split.items():
        rows = [c for c in H3_CRITERIA if c[0] == level1]
        weights = partition(rng, total, len(rows))
        l2w: dict[str, float] = {}
        for c, w in zip(rows, weights, strict=True):
            l2w[c[1]] = l2w.get(c[1], 0) + w
        for c, w in zip(rows, weights, strict=True):
            score = w if rng.random() < 0.7 else rnd(w * rng.uniform(0.6, 0.95), 1)
            body.append(
                [
                    level1,
                    fmt_short(total),
                    c[1],
                    fmt_short(l2w[c[1]]),
                    c[2],
                    fmt_short(w),
                    c[3],
                    fmt_short(score),
                ]
            )
            indicators.append(scored_criterion(level1, c[1], c[2], w, score))
    # Merge 一级|权重 and 二级|权重 runs: keys of columns 0,1 then 2,3.
    merged = merge_leading([[r[0], r[1], r[2], r[3], *r[4:]] for r in body], 4)
    for cells in merged:
        tb.row(*cells)
    t_score = total_score([i.score for i in indicators], 1)
    tb.row(C("总分", 5), "100", "", fmt_short(t_score))
    proj = project(
        department,
        "evaluation_scoring",
        year,
        department,
        None,
        indicators=indicators,
        subtotals=[Subtotal(level1=k, weight=v, score=None) for k, v in split.items()],
        total=(100, t_score),
    )
    subtitle = [f"（{year}年度）", f"评价对象：{department}"]
    return Form(["部门整体支出绩效评价评分表"], tb.build(), proj, subtitle=subtitle)


def h1() -> list[DocSpec]:
    fam = "h1"
    rng, org, year, forms = first_document_forms(fam, (2022, 2023), _h1_form)
    blocks = [
        cover([f"{org.department}{year}年度项目支出绩效自评报告"]),
        Para([f"{org.department}组织开展了{year}年度项目支出绩效自评，结果如下。"]),
        PageBreak(),
        forms[0],
        Para(["（续）下一项目自评情况："]),
        forms[1],
    ]
    docs = [DocSpec(f"{fam}-1", fam, True, blocks)]  # type: ignore[arg-type]
    rng = rng_for(fam, 2)
    d = rng.choice(DOMAINS)
    org = org_for(rng, d, place_for(fam, 2))
    form = _h1_form(rng, org, d, project_name(rng, d, org, 2023), 2023)
    docs.append(DocSpec(f"{fam}-2", fam, True, [form], repeat_header=True))
    return docs


def h2() -> list[DocSpec]:
    fam = "h2"
    rng, org, year, forms = first_document_forms(fam, (2024, 2025), _h2_form)
    blocks = [
        cover([f"{org.implementer}{year}年单位预算"]),
        Para(["三、预算项目绩效目标", "本单位预算项目绩效目标如下。"]),
        forms[0],
        forms[1],
    ]
    docs = [DocSpec(f"{fam}-1", fam, True, blocks, landscape=False)]  # type: ignore[arg-type]
    rng = rng_for(fam, 2)
    d = rng.choice(DOMAINS)
    org = org_for(rng, d, place_for(fam, 2))
    form = _h2_form(rng, org, d, project_name(rng, d, org, 2024), 2024)
    docs.append(DocSpec(f"{fam}-2", fam, True, [form]))
    return docs


def h3() -> list[DocSpec]:
    fam = "h3"
    docs = []
    for k in (1, 2, 3):
        rng = rng_for(fam, k)
        d = rng.choice(DOMAINS)
        place = place_for(fam, k)
        department = f"{place[2]}{d.department}"
        year = rng.choice((2022, 2023))
        form = _h3_form(rng, department, year)
        blocks = [form]
        if k == 1:
            blocks = [
                cover([f"{department}{year}年度部门整体支出绩效评价报告"]),
                Para([f"评价对象：{department}", "评价结论：部门整体支出绩效良好。"]),
                form,
            ]
        docs.append(DocSpec(f"{fam}-{k}", fam, True, blocks, repeat_header=k != 3))  # type: ignore[arg-type]
    return docs


HELD_OUT: tuple[Family, ...] = (
    Family("h1", "held out", h1, held_out=True),
    Family("h2", "held out", h2, held_out=True),
    Family("h3", "held out", h3, held_out=True),
)
