"""Project self-evaluation forms (项目支出绩效自评表 and its provincial variants)."""

from __future__ import annotations

import random

from eval.corpus.content import EFF, OUT, SAT, Domain, person
from eval.corpus.families.common import (
    Org,
    funding,
    goal_lines,
    indicator,
    level1_totals,
    merge_leading,
    nature_of,
    outcomes,
    people,
    pick_specs,
    project,
    self_evaluation_project,
    total_score,
    value,
    weigh,
)
from eval.corpus.families.funds import FundRow, self_eval_block
from eval.corpus.layout import C, Form, TableBuilder
from eval.corpus.values import actual_cell, fmt, fmt_short, pct, rnd, target_cell
from extractor.models import ExpectedFlag, FundingLine, Indicator, Subtotal


def _num(x: float | None, dec: int = 2, thousands: bool = False, dash: str = "") -> str:
    return dash if x is None else fmt(x, dec, thousands)


def _funding_lines(rows: list[FundRow], unit: str, *, initial: bool) -> list[FundingLine]:
    lines = []
    for r in rows:
        if r.empty:
            continue
        lines.append(
            funding(
                r.source,
                unit,
                initial_budget=r.initial if initial else None,
                budget=r.budget,
                executed=r.executed,
                execution_rate=r.rate,
                weight=r.weight,
                score=r.score,
            )
        )
    return lines


# ---------------------------------------------------------------------------------------
# National template (财预〔2020〕10号 附件)


def national_form(
    rng: random.Random,
    org: Org,
    domain: Domain,
    name: str,
    year: int,
    *,
    initial: bool = True,
    numbered: bool = False,
    full_width: bool = False,
    error: str | None = None,
) -> Form:
    """项目支出绩效自评表: funding (年初预算数) 全年预算数 全年执行数 分值 执行率 得分, the
    annual goal, indicators 年度指标值 / 实际完成值 / 分值 / 得分 / 偏差原因分析及改进措施
    under "产出指标(50分)"-style level-1 labels, and the 总分 row."""
    labels = [
        ("年度资金总额", "total"),
        ("其中：本年财政拨款" if not full_width else "其中：财政拨款", "fiscal"),
        ("上年结转资金", "carryover"),
        ("其他资金", "other"),
    ]
    rows = self_eval_block(
        rng, domain.budget, labels, initial=initial, zero_tail=rng.choice((1, 2))
    )
    blank_other = rng.random() < 0.5  # an empty 其他资金 row: left out of the labels
    if blank_other:
        rows[-1] = FundRow(rows[-1].printed, "other")
    specs = pick_specs(rng, domain, rng.randint(7, 10))
    totals = {OUT: 50, EFF: 30, SAT: 10}
    weights = weigh(rng, specs, totals)
    outs = outcomes(rng, specs, weights, rng.choice((0, 1, 1, 2)))
    open_, close = ("（", "）") if full_width else ("(", ")")
    tb = TableBuilder(10)
    tb.row(C("项目名称", 2), C(name, 8))
    tb.row(
        C("主管部门", 2), C(org.dept_with_code(), 3), C("实施单位", 2), C(org.impl_with_code(), 3)
    )
    label_cols = 2 if initial else 3
    heads = (["年初预算数"] if initial else []) + [
        "全年预算数",
        "全年执行数",
        "分值",
        "执行率",
        "得分",
    ]
    tb.row(C(f"项目资金{open_}万元{close}", 2, 1 + len(rows)), C("", label_cols), *heads)
    for i, r in enumerate(rows):
        first = i == 0
        cells = [
            *([_num(r.initial)] if initial else []),
            _num(r.budget),
            _num(r.executed),
            fmt_short(r.weight) if first and r.weight is not None else ("" if r.empty else "—"),
            pct(r.rate) if first and r.rate is not None else "",
            fmt(r.score, 2) if first and r.score is not None else ("" if r.empty else "—"),
        ]
        if r.empty:
            cells = [""] * len(cells)
        tb.row(C(r.printed, label_cols), *cells)
    expected, achieved = goal_lines(rng, domain, fmt(rows[0].budget or 0, 2))
    tb.row(C("年度总体目标", 2, 2), C("预期目标", 4), C("实际完成情况", 4))
    tb.row(C(expected, 4), C(achieved, 4))
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
    indicators: list[Indicator] = []
    counter: dict[str, int] = {}
    for o in outs:
        l1 = f"{o.spec.level1}{open_}{fmt_short(totals[o.spec.level1])}分{close}"
        counter[o.spec.level2] = counter.get(o.spec.level2, 0) + 1
        printed_name = f"指标{counter[o.spec.level2]}：{o.spec.name}" if numbered else o.spec.name
        t_cell = target_cell(o, sign=o.spec.op != "=" or rng.random() < 0.5)
        a_cell = actual_cell(o)
        reason = o.reason or ""
        ind_rows.append(
            [
                "绩效指标",
                l1,
                o.spec.level2,
                C(printed_name, 2),
                t_cell,
                a_cell,
                fmt_short(o.weight),
                fmt_short(o.score or 0),
                reason,
            ]
        )
        indicators.append(indicator(o, value(t_cell), value(a_cell), reason=reason or None))
    first = tb.next_row
    for cells in merge_leading(ind_rows, 3):
        tb.row(*cells)
    tb.mark_header(first, first + 1)
    t_score = total_score([rows[0].score, *(o.score for o in outs)])
    flags: list[ExpectedFlag] = []
    notes: list[str] = []
    printed_total = t_score
    if error == "total_score":
        printed_total = rnd(t_score + 1.5, 2)
        flags.append(
            ExpectedFlag(
                rule="total.score_sum",
                project=None,
                path="total.score",
                note=f"总分得分印为 {fmt_short(printed_total)}，"
                f"各项得分之和为 {fmt_short(t_score)}",
            )
        )
        notes.append("total score printed 1.5 above the sum of the scores (on purpose)")
    tb.row(C("总分", 7), "100", fmt_short(printed_total), "")
    proj = project(
        name,
        "project_self_evaluation",
        year,
        org.dept_with_code(),
        org.impl_with_code(),
        funding_lines=_funding_lines(rows, "万元", initial=initial),
        indicators=indicators,
        subtotals=[Subtotal(level1=k, weight=v, score=None) for k, v in totals.items()],
        total=(100, printed_total),
    )
    return Form(
        title=["项目支出绩效自评表"],
        subtitle=[f"（{year}年度）"],
        table=tb.build(),
        project=proj,
        foot=[people(rng)] if rng.random() < 0.5 else [],
        flags=flags,
        notes=notes,
    )


# ---------------------------------------------------------------------------------------
# Provincial template: 指标性质 | 指标值 | 度量单位 | 完成值 | 权重 | 得分 | 未完成原因和改进措施


def provincial_form(
    rng: random.Random,
    org: Org,
    domain: Domain,
    name: str,
    year: int,
    *,
    unscored: bool = False,
    error: str | None = None,
) -> Form:
    """部门预算项目支出绩效自评表 as a province prints it: 年初预算数 / 调整后预算数 /
    预算执行数 / 预算执行率 / 权重 / 得分 / 原因, rows 总额 / 其中：财政资金 / 财政专户管理
    资金 / 单位资金 / 其他资金, and indicators with separate 指标性质 and 度量单位 columns.
    `unscored`: the unit left every 得分 blank (nulls, not the weights)."""
    labels = [
        ("总额", "total"),
        ("其中：财政资金", "财政资金"),
        ("财政专户管理资金", "财政专户管理资金"),
        ("单位资金", "单位资金"),
        ("其他资金", "other"),
    ]
    rows = self_eval_block(rng, domain.budget, labels, zero_tail=2, sub_rates=True)
    rows[-1] = FundRow(rows[-1].printed, "other")  # printed empty: not a funding line
    for r in rows[1:-1]:
        if r.budget == 0:
            r.rate = 0.0  # printed "0.00%"
    specs = pick_specs(rng, domain, rng.randint(6, 9))
    totals = level1_totals(specs, 90)
    weights = weigh(rng, specs, totals)
    outs = outcomes(rng, specs, weights, 0 if unscored else rng.choice((0, 1, 2)))
    tb = TableBuilder(11)
    tb.row(C("项目名称", 2), C(name, 9))
    tb.row(C("主管部门", 2), C(org.department, 4), C("实施单位（盖章）", 2), C(org.implementer, 3))
    expected, achieved = goal_lines(rng, domain, fmt(rows[0].budget or 0, 2))
    tb.row(C("项目年度目标", 2), C(expected, 4), C("年度目标完成情况", 2), C(achieved, 3))
    tb.row(
        C("预算执行情况（万元）", 2, 1 + len(rows)),
        C("", 2),
        "年初预算数",
        "调整后预算数",
        "预算执行数",
        "预算执行率",
        "权重",
        "得分",
        "原因",
    )
    total_row = rows[0]
    if unscored:
        total_row.score = None
    for i, r in enumerate(rows):
        if r.empty:
            tb.row(C(r.printed, 2), "", "", "", "", "/", "/", "")
            continue
        first = i == 0
        reason = "" if (r.rate or 100) >= 95 or not first else "部分资金年底下达，未能全部支付"
        tb.row(
            C(r.printed, 2),
            _num(r.initial),
            _num(r.budget),
            _num(r.executed),
            pct(r.rate) if r.rate is not None else "",
            fmt_short(r.weight) if first and r.weight is not None else "/",
            (fmt(r.score, 2) if r.score is not None else "") if first else "/",
            reason,
        )
    head = [
        "绩效指标（90分）",
        "一级指标",
        "二级指标",
        "三级指标",
        "指标性质",
        "指标值",
        "度量单位",
        "完成值",
        "权重",
        "得分",
        "未完成原因和改进措施",
    ]
    ind_rows: list[list[str | C]] = [head]
    indicators: list[Indicator] = []
    flags: list[ExpectedFlag] = []
    notes: list[str] = []
    bump = rng.randrange(len(outs)) if error == "score_above_weight" else -1
    for i, o in enumerate(outs):
        nature = nature_of(o.spec)
        if o.spec.quantitative:
            assert o.target is not None and o.actual is not None
            t_num, unit, a_num = fmt(o.target, o.dec), o.spec.unit, fmt(o.actual, o.dec)
            target = value(t_num + unit, op=nature)
            actual = value(a_num + unit)
        else:
            t_num, unit, a_num = o.target_text, "", o.actual_text
            target, actual = value(t_num), value(a_num)
        score = None if unscored else o.score
        if i == bump:
            assert o.score is not None
            score = o.weight + 1
            flags.append(
                ExpectedFlag(
                    rule="indicator.score_above_weight",
                    project=None,
                    path=f"indicators[{i}].score",
                    note=f"得分 {fmt_short(score)} 高于权重 {fmt_short(o.weight)}",
                )
            )
            notes.append(f"indicator {i} scored above its weight (on purpose)")
        ind_rows.append(
            [
                head[0],
                o.spec.level1,
                o.spec.level2,
                o.spec.name,
                nature or "定性",
                t_num,
                unit,
                a_num,
                fmt_short(o.weight),
                "" if score is None else fmt_short(score),
                o.reason or "",
            ]
        )
        indicators.append(
            indicator(
                o,
                target,
                actual,
                nature=nature,
                score=score,
                scored=score is not None,
                reason=o.reason,
            )
        )
    first = tb.next_row
    for cells in merge_leading(ind_rows, 3):
        tb.row(*cells)
    tb.mark_header(first, first + 1)
    scores = [total_row.score, *(i.score for i in indicators)]
    t_score = None if unscored else total_score(scores)
    tb.row(C("合计", 8), "100", "" if t_score is None else fmt_short(t_score), "")
    proj = project(
        name,
        "project_self_evaluation",
        year,
        org.department,
        org.implementer,
        funding_lines=_funding_lines(rows, "万元", initial=True),
        indicators=indicators,
        total=(100, t_score),
    )
    if unscored:
        notes.append("得分 column left blank by the unit: every score null, total score null")
    return Form(
        title=["部门预算项目支出绩效自评表"],
        subtitle=[f"（{year}年度）"],
        table=tb.build(),
        project=proj,
        foot=[f"项目负责人：{person(rng)}    财务负责人：{person(rng)}"],
        flags=flags,
        notes=notes,
    )


# ---------------------------------------------------------------------------------------
# Funding by level of government (中央 / 省级 / 市级 / 县级)


def gov_level_form(
    rng: random.Random, org: Org, domain: Domain, name: str, year: int, *, error: str | None = None
) -> Form:
    """项目绩效自评表 with the funds by level of government: 预算安排 / 实际到位金额 / 到位率 /
    实际支出 / 支出率 / 结余结转金额, then indicators worth 100 points."""
    suffix = rng.choice(("资金", "财政资金"))
    levels = [(f"{lvl}{suffix}", f"{lvl}{suffix}") for lvl in ("中央", "省级", "市级", "县级")]
    total_budget = rng.uniform(*domain.budget)
    shares = [rng.uniform(0.2, 1.0) for _ in levels]
    if rng.random() < 0.5:
        shares[2] = 0.0  # no city money this year
    s = sum(shares)
    budgets = [rnd(total_budget * x / s, 2) for x in shares]
    rows: list[tuple[str, str, float, float, float]] = []
    for (printed, source), b in zip(levels, budgets, strict=True):
        received = b if rng.random() < 0.7 else rnd(b * rng.uniform(0.9, 1.0), 2)
        executed = rnd(received * rng.uniform(0.85, 1.0), 2)
        rows.append((printed, source, b, received, executed))
    tb_b = rnd(sum(r[2] for r in rows), 2)
    tb_r = rnd(sum(r[3] for r in rows), 2)
    tb_e = rnd(sum(r[4] for r in rows), 2)
    rows.insert(0, ("合计", "total", tb_b, tb_r, tb_e))
    lines: list[FundingLine] = []
    tb = TableBuilder(9)
    tb.row(C("项目名称", 2), C(name, 7))
    tb.row(C("主管部门", 2), C(org.department, 3), C("实施单位", 2), C(org.implementer, 2))
    tb.row(
        C("资金来源", 3), "预算安排", "实际到位金额", "到位率", "实际支出", "支出率", "结余结转金额"
    )
    for printed, source, b, r_, e in rows:
        rr = rnd(r_ / b * 100, 2) if b else None
        er = rnd(e / b * 100, 2) if b else None
        bal = rnd(r_ - e, 2)
        tb.row(
            C(printed, 3),
            fmt(b, 2),
            fmt(r_, 2),
            pct(rr) if rr is not None else "—",
            fmt(e, 2),
            pct(er) if er is not None else "—",
            fmt(bal, 2),
        )
        lines.append(
            funding(
                source,
                "万元",
                budget=b,
                received=r_,
                received_rate=rr,
                executed=e,
                execution_rate=er,
                balance=bal,
            )
        )
    expected, _ = goal_lines(rng, domain, fmt(tb_b, 2))
    tb.row(C("年度总体目标", 2), C(expected, 7))
    specs = pick_specs(rng, domain, rng.randint(7, 10))
    totals = {OUT: 50, EFF: 40, SAT: 10}
    weights = weigh(rng, specs, totals)
    outs = outcomes(rng, specs, weights, rng.choice((0, 1, 2)), score_dec=1)
    ind_rows: list[list[str | C]] = [
        [
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
    for cells in merge_leading(ind_rows, 2):
        tb.row(*cells)
    tb.mark_header(first, first + 1)
    t_score = total_score([o.score for o in outs], 1)
    tb.row(C("总分", 6), "100", fmt_short(t_score), "")
    proj = self_evaluation_project(name, year, org, lines, indicators, t_score)
    return Form(
        title=["项目绩效自评表"],
        subtitle=[f"（{year}年度）", "单位：万元"],
        table=tb.build(),
        project=proj,
    )


# ---------------------------------------------------------------------------------------
# 调整后预算数 / 预算执行数 / 自评得分 / 扣分原因, amounts in 元, two-level header


def adjusted_form(
    rng: random.Random,
    org: Org,
    domain: Domain,
    name: str,
    year: int,
    *,
    error: str | None = None,
) -> Form:
    """项目支出绩效自评表 in 元: 年初预算数 / 调整后预算数 / 预算执行数 / 执行率 / 分值 /
    自评得分; indicators under a two-level header (指标值 over 年度指标值 | 全年完成值) with
    the unit inside the cell ("≥13459.00(平方米)") and a 扣分原因 column."""
    labels = [
        ("资金总额", "total"),
        ("其中：财政拨款", "fiscal"),
        ("上年结转", "carryover"),
        ("其他资金", "other"),
    ]
    rows = self_eval_block(rng, domain.budget, labels, zero_tail=1, scale=10000)
    flags: list[ExpectedFlag] = []
    notes: list[str] = []
    printed_rate = rows[0].rate
    if error == "execution_rate":
        assert printed_rate is not None
        printed_rate = rnd(printed_rate - 3.17, 2)
        rows[0].rate = printed_rate
        flags.append(
            ExpectedFlag(
                rule="funding.execution_rate",
                project=None,
                path="funding[0].execution_rate",
                note=f"执行率印为 {printed_rate}%，预算执行数/调整后预算数不符",
            )
        )
        notes.append("total execution rate printed 3.17 points low (on purpose)")
    tb = TableBuilder(10)
    tb.row(C("项目名称", 2), C(name, 8))
    tb.row(C("主管部门", 2), C(org.department, 3), C("实施单位", 2), C(org.implementer, 3))
    tb.row(
        C("资金情况", 2, 1 + len(rows)),
        C("", 2),
        "年初预算数",
        "调整后预算数",
        "预算执行数",
        "执行率",
        "分值",
        "自评得分",
    )
    for i, r in enumerate(rows):
        first = i == 0
        tb.row(
            C(r.printed, 2),
            _num(r.initial, thousands=True),
            _num(r.budget, thousands=True),
            _num(r.executed, thousands=True),
            pct(r.rate) if first and r.rate is not None else "",
            fmt_short(r.weight) if first and r.weight is not None else "",
            fmt(r.score, 2) if first and r.score is not None else "",
        )
    specs = pick_specs(rng, domain, rng.randint(6, 9))
    totals = {OUT: 50, EFF: 30, SAT: 10}
    weights = weigh(rng, specs, totals)
    outs = outcomes(rng, specs, weights, rng.choice((1, 2)))
    first = tb.next_row
    tb.row(
        C("一级指标", 1, 2),
        C("二级指标", 1, 2),
        C("三级指标", 2, 2),
        C("指标值", 2),
        C("分值", 1, 2),
        C("自评得分", 1, 2),
        C("扣分原因", 2, 2),
    )
    tb.row("年度指标值", "全年完成值")
    tb.mark_header(first, first + 2)
    ind_rows: list[list[str | C]] = []
    indicators = []
    for o in outs:
        if o.spec.quantitative and o.spec.unit not in ("%", "‰") and "(" not in o.spec.unit:
            o_dec = 2
            assert o.target is not None and o.actual is not None
            t_cell = f"{o.spec.op}{fmt(o.target, o_dec)}({o.spec.unit})"
            a_cell = f"{fmt(o.actual, o_dec)}({o.spec.unit})"
        else:
            t_cell, a_cell = target_cell(o), actual_cell(o)
        ind_rows.append(
            [
                o.spec.level1,
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
    for cells in merge_leading(ind_rows, 2):
        tb.row(*cells)
    t_score = total_score([rows[0].score, *(o.score for o in outs)])
    tb.row(C("合计", 6), "100", fmt_short(t_score), C("", 2))
    proj = project(
        name,
        "project_self_evaluation",
        year,
        org.department,
        org.implementer,
        funding_lines=_funding_lines(rows, "元", initial=True),
        indicators=indicators,
        total=(100, t_score),
    )
    return Form(
        title=["项目支出绩效自评表"],
        subtitle=[f"（{year}年度）", "单位：元"],
        table=tb.build(),
        project=proj,
        flags=flags,
        notes=notes,
    )
