"""Department-level forms (部门（单位）整体): the self-evaluation with 基本支出 / 项目支出
funding rows, the one grouped by 年度目标1..N, and the department target form."""

from __future__ import annotations

import random

from eval.corpus.content import DEPARTMENT_SPECS, EFF, OUT, SAT, Domain, Spec, person, phone
from eval.corpus.families.common import (
    funding,
    indicator,
    merge_leading,
    order_specs,
    outcomes,
    project,
    total_score,
    value,
    weigh,
)
from eval.corpus.families.funds import self_eval_block, target_block
from eval.corpus.layout import C, Captioned, Form, TableBuilder
from eval.corpus.values import actual_cell, fmt, fmt_short, partition, pct, target_cell
from extractor.models import ExpectedFlag, Indicator, Subtotal

SPENDING = [("年度资金总额", "total"), ("其中：基本支出", "基本支出"), ("项目支出", "项目支出")]


def _dept_specs(rng: random.Random, domains: list[Domain], n: int) -> list[Spec]:
    """Department indicators: a few of the department-wide ones and a few of its
    projects' ones, one satisfaction row."""
    pool = [s for s in DEPARTMENT_SPECS if s.level1 != SAT]
    for d in domains:
        pool += [s for s in d.specs if s.level1 != SAT]
    rng.shuffle(pool)
    seen: set[str] = set()
    chosen: list[Spec] = []
    for s in pool:
        if s.name not in seen and len(chosen) < n - 1:
            chosen.append(s)
            seen.add(s.name)
    sats = [s for s in DEPARTMENT_SPECS if s.level1 == SAT]
    chosen.append(rng.choice(sats))
    if not any(s.level1 == EFF for s in chosen):
        chosen[0] = next(s for s in DEPARTMENT_SPECS if s.level1 == EFF)
    return order_specs(chosen)


def overall_form(rng: random.Random, department: str, domains: list[Domain], year: int) -> Form:
    """部门（单位）整体支出绩效自评表: 年度资金总额 / 基本支出 / 项目支出 with 年初预算数,
    全年预算数, 全年执行数, 分值, 执行率, 得分; goals; indicators like the project form."""
    budget = (sum(d.budget[0] for d in domains) * 2, sum(d.budget[1] for d in domains) * 2.5)
    rows = self_eval_block(rng, budget, SPENDING, zero_tail=0)
    specs = _dept_specs(rng, domains, rng.randint(7, 10))
    totals = {OUT: 50, EFF: 30, SAT: 10}
    weights = weigh(rng, specs, totals)
    outs = outcomes(rng, specs, weights, rng.choice((0, 1, 2)))
    tb = TableBuilder(10)
    tb.row(C("部门（单位）名称", 2), C(department, 8))
    tb.row(
        C("年度预算执行情况（万元）", 2, 1 + len(rows)),
        C("", 2),
        "年初预算数",
        "全年预算数",
        "全年执行数",
        "分值",
        "执行率",
        "得分",
    )
    for i, r in enumerate(rows):
        first = i == 0
        tb.row(
            C(r.printed, 2),
            fmt(r.initial or 0, 2),
            fmt(r.budget or 0, 2),
            fmt(r.executed or 0, 2),
            fmt_short(r.weight) if first and r.weight is not None else "—",
            pct(r.rate) if first and r.rate is not None else "—",
            fmt(r.score, 2) if first and r.score is not None else "—",
        )
    tb.row(C("年度总体目标", 2, 2), C("预期目标", 4), C("实际完成情况", 4))
    tb.row(
        C("全面履行部门职责，保障重点项目顺利实施，提高财政资金使用效益。", 4),
        C("年度重点工作任务全面完成，预算执行规范，履职效能持续提升。", 4),
    )
    ind_rows: list[list[str | C]] = [
        [
            "绩效指标",
            "一级指标",
            "二级指标",
            C("三级指标", 2),
            "年度指标值",
            "实际完成值",
            "分值",
            "得分",
            "偏差原因分析及改进措施",
        ],
    ]
    indicators = []
    for o in outs:
        t_cell, a_cell = target_cell(o), actual_cell(o)
        ind_rows.append(
            [
                "绩效指标",
                o.spec.level1,
                o.spec.level2,
                C(o.spec.name, 2),
                t_cell,
                a_cell,
                fmt_short(o.weight),
                fmt_short(o.score or 0),
                o.reason or "",
            ]
        )
        indicators.append(indicator(o, value(t_cell), value(a_cell), reason=o.reason))
    first = tb.next_row
    for cells in merge_leading(ind_rows, 3):
        tb.row(*cells)
    tb.mark_header(first, first + 1)
    t_score = total_score([rows[0].score, *(o.score for o in outs)])
    tb.row(C("总分", 7), "100", fmt_short(t_score), "")
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
    proj = project(
        department,
        "department_self_evaluation",
        year,
        department,
        None,
        funding_lines=lines,
        indicators=indicators,
        total=(100, t_score),
    )
    return Form(
        title=["部门（单位）整体支出绩效自评表"],
        subtitle=[f"（{year}年度）"],
        table=tb.build(),
        project=proj,
    )


def _group_specs(rng: random.Random, domain: Domain | None, n: int) -> list[Spec]:
    source = list(domain.specs) if domain is not None else list(DEPARTMENT_SPECS)
    rng.shuffle(source)
    chosen = source[:n]
    return order_specs(chosen)


def grouped_form(
    rng: random.Random,
    department: str,
    domains: list[Domain],
    year: int,
    *,
    error: str | None = None,
) -> Form:
    """部门整体绩效自评表 whose indicators are grouped by 年度目标1..N, each with its own
    weight ("年度目标1（30分）"); funding 预算数(A) / 执行数(B) / 执行率(B/A) /
    得分(20分*执行率)."""
    budget = (sum(d.budget[0] for d in domains) * 2, sum(d.budget[1] for d in domains) * 2.5)
    rows = self_eval_block(
        rng, budget, SPENDING, zero_tail=0, weight=20, initial=False, score_cap=True
    )
    n_groups = min(len(domains) + 1, rng.choice((2, 3, 3, 4)))
    group_weights = partition(rng, 80, n_groups, 5)
    goals = [*domains[: n_groups - 1], None]
    goal_texts = []
    tb = TableBuilder(11)
    tb.row(C("部门名称", 2), C(department, 9))
    tb.row(
        C("预算执行情况（万元）", 2, 1 + len(rows)),
        C("", 2),
        "预算数(A)",
        "执行数(B)",
        "执行率(B/A)",
        "得分(20分*执行率)",
        C("偏差原因", 3),
    )
    for i, r in enumerate(rows):
        first = i == 0
        tb.row(
            C(r.printed, 2),
            fmt(r.budget or 0, 2),
            fmt(r.executed or 0, 2),
            pct(r.rate) if first and r.rate is not None else "",
            fmt(r.score, 2) if first and r.score is not None else "",
            C("", 3),
        )
    for k, d in enumerate(goals, start=1):
        what = d.goal.split("，")[0] if d is not None else "全面履行部门职责，提升管理效能"
        goal_texts.append(f"年度目标{k}：{what}")
    tb.row(C("年度总体目标", 2), C("；".join(goal_texts) + "。", 9))
    ind_rows: list[list[str | C]] = [
        [
            "年度目标",
            "一级指标",
            "二级指标",
            "三级指标",
            "年初目标值(A)",
            "实际完成值(B)",
            "分值",
            "得分",
            C("偏差原因分析及改进措施", 3),
        ],
    ]
    indicators: list[Indicator] = []
    subtotals: list[Subtotal] = []
    scores: list[float | None] = [rows[0].score]
    for k, (d, gw) in enumerate(zip(goals, group_weights, strict=True), start=1):
        specs = _group_specs(rng, d, rng.randint(3, 4))
        weights = partition(rng, gw, len(specs))
        outs = outcomes(rng, specs, weights, rng.choice((0, 0, 1)))
        label = f"年度目标{k}（{fmt_short(gw)}分）"
        subtotals.append(Subtotal(level1=f"年度目标{k}", weight=gw, score=None))
        for o in outs:
            t_cell, a_cell = target_cell(o), actual_cell(o)
            ind_rows.append(
                [
                    label,
                    o.spec.level1,
                    o.spec.level2,
                    o.spec.name,
                    t_cell,
                    a_cell,
                    fmt_short(o.weight),
                    fmt_short(o.score or 0),
                    C(o.reason or "", 3),
                ]
            )
            indicators.append(
                indicator(o, value(t_cell), value(a_cell), group=f"年度目标{k}", reason=o.reason)
            )
            scores.append(o.score)
    first = tb.next_row
    for cells in merge_leading(ind_rows, 3):
        tb.row(*cells)
    tb.mark_header(first, first + 1)
    t_score = total_score(scores)
    tb.row(C("总分", 6), "100", fmt_short(t_score), C("", 3))
    lines = [
        funding(
            r.source,
            "万元",
            budget=r.budget,
            executed=r.executed,
            execution_rate=r.rate,
            weight=r.weight,
            score=r.score,
        )
        for r in rows
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
    flags: list[ExpectedFlag] = []
    return Form(
        title=["部门整体绩效自评表"],
        subtitle=[f"（{year}年度）"],
        table=tb.build(),
        project=proj,
        flags=flags,
        notes=["funding weight 20 printed in the header 得分(20分*执行率)"],
    )


def target_form(rng: random.Random, department: str, domains: list[Domain], year: int) -> Form:
    """部门整体支出绩效目标申报表: the year's budget as one row under 资金总额 / 基本支出 /
    项目支出 headers, the goals, and indicators grouped by 年度目标 with 指标值 and 分值."""
    budget = (sum(d.budget[0] for d in domains) * 2, sum(d.budget[1] for d in domains) * 2.5)
    rows = target_block(rng, budget, SPENDING, zero_tail=0)
    n_groups = min(len(domains) + 1, rng.choice((2, 3)))
    goals = [*domains[: n_groups - 1], None]
    tb = TableBuilder(7)
    tb.row(C("部门（单位）名称", 2), C(department, 5))
    tb.row(C("年度预算申请（万元）", 2, 2), "资金总额", "基本支出", C("项目支出", 3))
    tb.row(
        fmt(rows[0].budget or 0, 2), fmt(rows[1].budget or 0, 2), C(fmt(rows[2].budget or 0, 2), 3)
    )
    goal_texts = []
    for k, d in enumerate(goals, start=1):
        what = d.goal.split("，")[0] if d is not None else "全面履行部门职责，提升管理效能"
        goal_texts.append(f"年度目标{k}：{what}")
    tb.row(C("年度总体目标", 2), C("；".join(goal_texts) + "。", 5))
    ind_rows: list[list[str | C]] = [
        ["年度目标", "一级指标", "二级指标", C("三级指标", 2), "指标值", "分值"],
    ]
    group_specs = [_group_specs(rng, d, rng.randint(3, 4)) for d in goals]
    all_specs = [s for g in group_specs for s in g]
    weights = partition(rng, 100, len(all_specs))
    indicators = []
    w_iter = iter(weights)
    for k, specs in enumerate(group_specs, start=1):
        ws = [next(w_iter) for _ in specs]
        for o in outcomes(rng, specs, ws, 0, scored=False):
            t_cell = target_cell(o)
            ind_rows.append(
                [
                    f"年度目标{k}",
                    o.spec.level1,
                    o.spec.level2,
                    C(o.spec.name, 2),
                    t_cell,
                    fmt_short(o.weight),
                ]
            )
            indicators.append(indicator(o, value(t_cell), None, group=f"年度目标{k}", scored=False))
    first = tb.next_row
    for cells in merge_leading(ind_rows, 3):
        tb.row(*cells)
    tb.mark_header(first, first + 1)
    lines = [funding(r.source, "万元", budget=r.budget) for r in rows]
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
        title=["部门整体支出绩效目标申报表"],
        subtitle=[f"（{year}年度）"],
        table=tb.build(),
        project=proj,
    )


# ---------------------------------------------------------------------------------------
# Header block and funding as separate tables above the indicator table

STAFF_SPENDING = [
    ("部门整体支出总额", "total"),
    ("其中：人员经费", "人员经费"),
    ("公用经费", "公用经费"),
    ("项目支出", "项目支出"),
]


def tables_form(
    rng: random.Random, department: str, domains: list[Domain], year: int, code: str
) -> Form:
    """部门整体支出绩效自评表 printed as three tables, each under its own caption: the
    department's basic facts (name, 预算编码, contact, staff), its spending in 元 by
    人员经费 / 公用经费 / 项目支出 (年初预算数, 全年预算数, 全年执行数, 执行率, 分值, 得分),
    and the indicators (指标值 / 完成值 / 权重 / 自评得分 / 偏差原因及改进措施) with the
    合计 row."""
    budget = (sum(d.budget[0] for d in domains) * 2, sum(d.budget[1] for d in domains) * 2.5)
    rows = self_eval_block(rng, budget, STAFF_SPENDING, zero_tail=0, scale=10000)
    basic = TableBuilder(6)
    basic.row("部门（单位）名称", C(department, 3), "预算编码", code)
    basic.row(
        "联系人",
        person(rng),
        "联系电话",
        phone(rng),
        "实有人数",
        str(rng.randint(18, 160)),
    )
    basic.row("主要职能", C("贯彻执行有关法律法规和方针政策，承担本行业管理和公共服务职责。", 5))
    money = TableBuilder(7)
    money.row("项目", "年初预算数", "全年预算数", "全年执行数", "执行率", "分值", "得分")
    for i, r in enumerate(rows):
        first = i == 0
        money.row(
            r.printed,
            fmt(r.initial or 0, 2, True),
            fmt(r.budget or 0, 2, True),
            fmt(r.executed or 0, 2, True),
            pct(r.rate) if first and r.rate is not None else "",
            fmt_short(r.weight) if first and r.weight is not None else "",
            fmt(r.score, 2) if first and r.score is not None else "",
        )
    specs = _dept_specs(rng, domains, rng.randint(7, 10))
    weights = weigh(rng, specs, {OUT: 50, EFF: 30, SAT: 10})
    outs = outcomes(rng, specs, weights, rng.choice((1, 2)))
    tb = TableBuilder(8)
    first = tb.next_row
    tb.row(
        "一级指标",
        "二级指标",
        "三级指标",
        "指标值",
        "完成值",
        "权重",
        "自评得分",
        "偏差原因及改进措施",
    )
    tb.mark_header(first, first + 1)
    body: list[list[str | C]] = []
    indicators = []
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
    t_score = total_score([rows[0].score, *(o.score for o in outs)])
    tb.row(C("合计", 5), "100", fmt_short(t_score), "")
    lines = [
        funding(
            r.source,
            "元",
            initial_budget=r.initial,
            budget=r.budget,
            executed=r.executed,
            execution_rate=r.rate,
            weight=r.weight,
            score=r.score,
        )
        for r in rows
    ]
    proj = project(
        department,
        "department_self_evaluation",
        year,
        department,
        None,
        funding_lines=lines,
        indicators=indicators,
        total=(100, t_score),
    )
    return Form(
        title=[f"{year}年度部门整体支出绩效自评表"],
        subtitle=["金额单位：元"],
        table=tb.build(),
        project=proj,
        before=[
            Captioned(["一、部门基本情况"], basic.build()),
            Captioned(["二、部门整体支出情况"], money.build()),
        ],
        caption=["三、绩效指标完成情况"],
        notes=["three tables under captions: basic facts, spending (元), indicators"],
    )
