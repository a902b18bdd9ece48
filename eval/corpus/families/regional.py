"""Project self-evaluation forms as further regions print them: the 年度指标值 group
header over 指标性质 / 指标值 / 度量单位, a 序号 column with 指标名称 and 得分 before 分值,
and the 专项资金 form with two indicator levels, range targets and "9.5分" scores."""

from __future__ import annotations

import random
from collections.abc import Sequence

from eval.corpus.content import EFF, OUT, SAT, Domain, Spec, person, phone
from eval.corpus.families.common import (
    Org,
    funding,
    goal_lines,
    indicator,
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
from eval.corpus.families.funds import FundRow, parts, rate_of, self_eval_block
from eval.corpus.layout import C, Form, TableBuilder
from eval.corpus.values import Outcome, actual_cell, fmt, fmt_short, pct, rnd, target_cell
from extractor.models import ExpectedFlag, FundingLine, Indicator

SMALL_EQUALS = "﹦"  # U+FE66, how some templates print the 指标性质 "="


def _blank_zero_rows(rows: list[FundRow]) -> list[FundRow]:
    """Part rows with no money printed empty (no funding line), the total kept."""
    return [rows[0]] + [r if r.budget else FundRow(r.printed, r.source) for r in rows[1:]]


def _lines(rows: Sequence[FundRow], unit: str, *, initial: bool = True) -> list[FundingLine]:
    return [
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
        for r in rows
        if not r.empty
    ]


def _rate(x: float | None) -> str:
    """A rate as these forms print it: "100%", "98.53%"."""
    return "" if x is None else f"{fmt_short(x)}%"


# ---------------------------------------------------------------------------------------
# 年度指标值 over 指标性质 | 指标值 | 度量单位 (two-level indicator header)


def nature_split_form(
    rng: random.Random,
    org: Org,
    domain: Domain,
    name: str,
    year: int,
    *,
    specs: Sequence[Spec] | None = None,
    error: str | None = None,
) -> Form:
    """ "{year}年度项目支出绩效自评表": funding 年初预算数 / 全年预算数 / 全年执行数 / 分值 /
    执行率 / 得分 over 年度资金总额 / 其中：当年财政拨款 / 上年结转资金 / 其他资金 (empty rows
    left blank); indicators under a two-level header whose 年度指标值 spans 指标性质 | 指标值
    | 度量单位, then 实际完成值 (a bare number: the unit column is its unit too) | 分值 | 得分
    | 偏差原因分析及改进措施. A "=" nature is printed as the small form "﹦"."""
    labels = [
        ("年度资金总额", "total"),
        ("其中：当年财政拨款", "fiscal"),
        ("上年结转资金", "carryover"),
        ("其他资金", "other"),
    ]
    rows = self_eval_block(rng, domain.budget, labels, zero_tail=rng.choice((1, 2)), sub_rates=True)
    rows = _blank_zero_rows(rows)
    specs = specs or pick_specs(rng, domain, rng.randint(7, 10))
    weights = weigh(rng, specs, {OUT: 50, EFF: 30, SAT: 10})
    outs = outcomes(rng, specs, weights, rng.choice((1, 2)))
    tb = TableBuilder(10)
    tb.row("项目名称", C(name, 9))
    tb.row("主管部门", C(org.department, 4), C("实施单位", 2), C(org.implementer, 3))
    tb.row(
        C("项目资金（万元）", 1, 1 + len(rows)),
        C("", 3),
        "年初预算数",
        "全年预算数",
        "全年执行数",
        "分值",
        "执行率",
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
            fmt(r.weight, 2) if first and r.weight is not None else "",
            _rate(r.rate),
            fmt(r.score, 2) if first and r.score is not None else "",
        )
    expected, achieved = goal_lines(rng, domain, fmt(rows[0].budget or 0, 2))
    tb.row(C("年度总体目标", 1, 2), C("预期目标", 4), C("实际完成情况", 5))
    tb.row(C(expected, 4), C(achieved, 5))
    first = tb.next_row
    tb.row(
        C("一级指标", 1, 2),
        C("二级指标", 1, 2),
        C("三级指标", 1, 2),
        C("年度指标值", 3),
        C("实际完成值", 1, 2),
        C("分值", 1, 2),
        C("得分", 1, 2),
        C("偏差原因分析及改进措施", 1, 2),
    )
    tb.row("指标性质", "指标值", "度量单位")
    tb.mark_header(first, first + 2)
    flags: list[ExpectedFlag] = []
    notes: list[str] = []
    silent = -1
    missed = [i for i, o in enumerate(outs) if o.reason]
    if error == "missing_reason" and missed:
        silent = missed[0]
    body: list[list[str | C]] = []
    indicators: list[Indicator] = []
    for i, o in enumerate(outs):
        nature = nature_of(o.spec)
        if o.spec.quantitative:
            assert o.target is not None and o.actual is not None
            number, unit, done = fmt(o.target, o.dec), o.spec.unit, fmt(o.actual, o.dec)
            target, actual = value(number + unit, op=nature), value(done + unit)
        else:
            number, unit, done = o.target_text, "", o.actual_text
            target, actual = value(number), value(done)
        reason = o.reason
        if i == silent:
            reason = None
            flags.append(
                ExpectedFlag(
                    rule="indicator.missing_deviation_reason",
                    project=None,
                    path=f"indicators[{i}].score",
                    note=f"得分 {fmt_short(o.score or 0)} 低于分值 {fmt_short(o.weight)}，"
                    "偏差原因未填写",
                )
            )
            notes.append(f"indicator {i} scored below its weight with no reason (on purpose)")
        shown = {"=": SMALL_EQUALS, None: "定性"}.get(nature, nature)
        body.append(
            [
                o.spec.level1,
                o.spec.level2,
                o.spec.name,
                shown or "定性",
                number,
                unit,
                done,
                fmt_short(o.weight),
                fmt_short(o.score or 0),
                reason or "",
            ]
        )
        indicators.append(indicator(o, target, actual, nature=nature, reason=reason))
    for cells in merge_leading(body, 2):
        tb.row(*cells)
    t_score = total_score([rows[0].score, *(o.score for o in outs)])
    tb.row(C("合计", 7), "100", fmt_short(t_score), "")
    proj = project(
        name,
        "project_self_evaluation",
        year,
        org.department,
        org.implementer,
        funding_lines=_lines(rows, "万元"),
        indicators=indicators,
        total=(100, t_score),
    )
    notes.append("nature '=' printed as '﹦'; 实际完成值 bare, its unit from 度量单位")
    return Form(
        title=[f"{year}年度项目支出绩效自评表"],
        subtitle=["金额单位：万元"],
        table=tb.build(),
        project=proj,
        foot=[people(rng)],
        flags=flags,
        notes=notes,
    )


# ---------------------------------------------------------------------------------------
# 序号 | 一级指标 | 二级指标 | 指标名称 | 年度目标值 | 实际完成值 | 得分 | 分值 | 扣分原因


def numbered_form(
    rng: random.Random,
    org: Org,
    domain: Domain,
    name: str,
    year: int,
    *,
    specs: Sequence[Spec] | None = None,
) -> Form:
    """财政支出项目绩效自评表: a 项目编码 / 项目负责人 header, funding 全年预算数（A）/
    全年执行数（B）/ 执行率（B/A）/ 分值 / 得分（分值×执行率） by 资金来源 (合计, 本级财政资金,
    上级补助资金, 其他资金), and indicators numbered in a 序号 column, named in 指标名称,
    with 得分 printed before 分值 (the 合计 row too)."""
    labels = [
        ("合计", "total"),
        ("本级财政资金", "本级财政资金"),
        ("上级补助资金", "上级补助资金"),
        ("其他资金", "other"),
    ]
    rows = self_eval_block(rng, domain.budget, labels, initial=False, zero_tail=1, sub_rates=True)
    specs = specs or pick_specs(rng, domain, rng.randint(7, 10))
    weights = weigh(rng, specs, {OUT: 50, EFF: 30, SAT: 10})
    outs = outcomes(rng, specs, weights, rng.choice((0, 1, 2)))
    code = f"{org.impl_code}{year}{rng.randint(10, 99)}{rng.randint(1000, 9999)}"
    tb = TableBuilder(9)
    tb.row(C("项目名称", 2), C(name, 7))
    tb.row(C("项目编码", 2), C(code, 3), C("项目负责人", 2), C(person(rng), 2))
    tb.row(C("主管部门", 2), C(org.department, 3), C("实施单位", 2), C(org.implementer, 2))
    tb.row(
        C("资金执行情况（万元）", 1, 1 + len(rows)),
        C("资金来源", 2),
        "全年预算数（A）",
        "全年执行数（B）",
        "执行率（B/A）",
        "分值",
        C("得分（分值×执行率）", 2),
    )
    for i, r in enumerate(rows):
        first = i == 0
        tb.row(
            C(r.printed, 2),
            fmt(r.budget or 0, 2),
            fmt(r.executed or 0, 2),
            pct(r.rate) if r.rate is not None else "—",
            fmt_short(r.weight) if first and r.weight is not None else "—",
            C(fmt(r.score, 2) if first and r.score is not None else "—", 2),
        )
    expected, achieved = goal_lines(rng, domain, fmt(rows[0].budget or 0, 2))
    tb.row(C("年度目标", 2), C(expected, 7))
    tb.row(C("目标完成情况", 2), C(achieved, 7))
    first = tb.next_row
    tb.row(
        "序号",
        "一级指标",
        "二级指标",
        "指标名称",
        "年度目标值",
        "实际完成值",
        "得分",
        "分值",
        "扣分原因",
    )
    tb.mark_header(first, first + 1)
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
                fmt_short(o.score or 0),
                fmt_short(o.weight),
                o.reason or "",
            ]
        )
        indicators.append(indicator(o, value(t_cell), value(a_cell), reason=o.reason))
    for number, cells in enumerate(merge_leading(body, 2), start=1):
        tb.row(str(number), *cells)
    lines = _lines(rows, "万元", initial=False)
    t_score = total_score([rows[0].score, *(o.score for o in outs)])
    tb.row(C("合计", 6), fmt_short(t_score), "100", "")
    proj = self_evaluation_project(name, year, org, lines, indicators, t_score)
    return Form(
        title=["财政支出项目绩效自评表"],
        subtitle=[f"（{year}年）", "单位：万元"],
        table=tb.build(),
        project=proj,
        foot=[people(rng)],
        notes=["序号 column; 指标名称 for 三级指标; 得分 printed before 分值"],
    )


# ---------------------------------------------------------------------------------------
# 专项资金绩效自评表: two indicator levels, range targets, "9.5分"


def _range_target(rng: random.Random, o: Outcome) -> str | None:
    """A rate target printed as a range ("90%-95%") in about half the forms' rate rows
    (met: the actual inside the range); None to keep the ordinary cell."""
    spec = o.spec
    if not (spec.quantitative and spec.unit == "%" and spec.better == "up" and spec.op == "≥"):
        return None
    assert o.target is not None and o.actual is not None
    if o.target >= 100 or rng.random() < 0.5:
        return None
    high = min(o.target + rng.choice((3, 5, 5, 10)), 100.0)
    if o.met:
        o.actual = min(o.actual, high)
    return f"{fmt(o.target, o.dec)}%-{fmt(high, o.dec)}%"


def special_fund_form(
    rng: random.Random,
    org: Org,
    domain: Domain,
    name: str,
    year: int,
    *,
    specs: Sequence[Spec] | None = None,
) -> Form:
    """专项资金绩效自评表: 专项资金名称 / 主管部门 / 资金使用单位; funding by level of
    government (合计, 中央补助资金, 省级财政资金, 市县配套资金) with 预算安排数 / 实际支出数 /
    全年执行率 / 分值 / 得分 and an empty 备注 column, the weight and score printed as
    "10分" / "9.74分"; indicators on two levels only (一级指标 | 指标名称: level2 null),
    rate targets sometimes a range ("90%-95%"), scores printed with 分."""
    labels = [
        ("合计", "total"),
        ("中央补助资金", "中央补助资金"),
        ("省级财政资金", "省级财政资金"),
        ("市县配套资金", "市县配套资金"),
    ]
    total = rnd(rng.uniform(*domain.budget), 2)
    split = parts(rng, total, labels[1:], zero_tail=rng.choice((0, 1)))
    rows: list[FundRow] = []
    for printed, source, b in split:
        executed = rnd(b * rng.uniform(0.85, 1.0), 2) if b else 0.0
        rows.append(FundRow(printed, source, budget=b, executed=executed))
    t_budget = rnd(sum(r.budget or 0 for r in rows), 2)
    t_exec = rnd(sum(r.executed or 0 for r in rows), 2)
    t_rate = rate_of(t_exec, t_budget)
    assert t_rate is not None
    t_fund_score = rnd(10 * t_rate / 100, 2)
    rows.insert(0, FundRow("合计", "total", None, t_budget, t_exec, t_rate, 10, t_fund_score))
    specs = specs or pick_specs(rng, domain, rng.randint(6, 9))
    weights = weigh(rng, specs, {OUT: 50, EFF: 30, SAT: 10})
    outs = outcomes(rng, specs, weights, rng.choice((1, 2)), score_dec=1)
    tb = TableBuilder(8)
    tb.row(C("专项资金名称", 2), C(name, 6))
    tb.row(C("主管部门", 2), C(org.department, 2), C("资金使用单位", 2), C(org.implementer, 2))
    tb.row(
        C("资金投入及使用情况（万元）", 1, 1 + len(rows)),
        "资金来源",
        "预算安排数",
        "实际支出数",
        "全年执行率",
        "分值",
        "得分",
        "备注",
    )
    for i, r in enumerate(rows):
        first = i == 0
        tb.row(
            r.printed,
            fmt(r.budget or 0, 2),
            fmt(r.executed or 0, 2),
            pct(r.rate) if first and r.rate is not None else "",
            f"{fmt_short(r.weight)}分" if first and r.weight is not None else "",
            f"{fmt_short(r.score)}分" if first and r.score is not None else "",
            "",
        )
    expected, _ = goal_lines(rng, domain, fmt(t_budget, 2))
    tb.row(C("绩效目标", 2), C(expected, 6))
    first = tb.next_row
    tb.row("一级指标", C("指标名称", 2), "目标值", "完成值", "权重", "得分", "偏差说明")
    tb.mark_header(first, first + 1)
    body: list[list[str | C]] = []
    indicators: list[Indicator] = []
    ranged = 0
    for o in outs:
        shown = _range_target(rng, o)
        ranged += shown is not None
        t_cell = shown or target_cell(o)
        a_cell = actual_cell(o)
        body.append(
            [
                o.spec.level1,
                C(o.spec.name, 2),
                t_cell,
                a_cell,
                fmt_short(o.weight),
                f"{fmt_short(o.score or 0)}分",
                o.reason or "",
            ]
        )
        two_level = indicator(o, value(t_cell), value(a_cell), reason=o.reason)
        indicators.append(two_level.model_copy(update={"level2": None}))
    for cells in merge_leading(body, 1):
        tb.row(*cells)
    t_score = total_score([t_fund_score, *(o.score for o in outs)])
    tb.row(C("总分", 5), "100", f"{fmt_short(t_score)}分", "")
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
    proj = self_evaluation_project(name, year, org, lines, indicators, t_score)
    notes = ["two indicator levels (level2 null); scores printed '9.5分'; empty 备注 column"]
    if ranged:
        notes.append(f"{ranged} range target(s) '90%-95%': number and unit null")
    return Form(
        title=["专项资金绩效自评表"],
        subtitle=[f"（{year}年度）"],
        table=tb.build(),
        project=proj,
        foot=[f"填报单位（盖章）：{org.implementer}    联系电话：{phone(rng)}"],
        notes=notes,
    )
