"""Project target forms (绩效目标表 / 绩效目标申报表 / 绩效目标填报表): no actuals, no
scores; some without weights."""

from __future__ import annotations

import random

from eval.corpus.content import Domain, person, phone
from eval.corpus.families.common import (
    Org,
    funding,
    goal_lines,
    indicator,
    merge_leading,
    nature_of,
    outcomes,
    pick_specs,
    project,
    value,
    weigh,
)
from eval.corpus.families.common import level1_totals as split_levels
from eval.corpus.families.funds import amount, parts, target_block
from eval.corpus.layout import C, Form, TableBuilder
from eval.corpus.values import Outcome, fmt, fmt_short, rnd, target_cell
from extractor.models import FundingLine


def single_value_form(rng: random.Random, org: Org, domain: Domain, name: str, year: int) -> Form:
    """项目支出绩效目标表 in 元 with a single 指标值 column (sign and unit inside the
    cell) and no weights."""
    labels = [("年度资金总额", "total"), ("其中：财政拨款", "fiscal"), ("其他资金", "other")]
    rows = target_block(rng, domain.budget, labels, zero_tail=rng.choice((0, 1)), scale=10000)
    tb = TableBuilder(6)
    tb.row("项目名称", C(name, 5))
    tb.row("主管部门", C(org.department, 2), "实施单位", C(org.implementer, 2))
    tb.row(
        C("项目资金（元）", 1, len(rows)),
        C(rows[0].printed, 2),
        C(fmt(rows[0].budget or 0, 2, True), 3),
    )
    for r in rows[1:]:
        tb.row(C(r.printed, 2), C(fmt(r.budget or 0, 2, True), 3))
    expected, _ = goal_lines(rng, domain, fmt((rows[0].budget or 0) / 10000, 2))
    tb.row("年度绩效目标", C(expected, 5))
    specs = pick_specs(rng, domain, rng.randint(6, 9))
    outs = outcomes(rng, specs, [0.0] * len(specs), 0, scored=False)
    ind_rows: list[list[str | C]] = [
        ["绩效指标", "一级指标", "二级指标", C("三级指标", 2), "指标值"]
    ]
    indicators = []
    for o in outs:
        t_cell = target_cell(o)
        ind_rows.append(["绩效指标", o.spec.level1, o.spec.level2, C(o.spec.name, 2), t_cell])
        indicators.append(indicator(o, value(t_cell), None, scored=False, weighted=False))
    first = tb.next_row
    for cells in merge_leading(ind_rows, 3):
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
    return Form(
        title=["项目支出绩效目标表"],
        subtitle=[f"（{year}年度）", "单位：元"],
        table=tb.build(),
        project=proj,
    )


def declaration_form(rng: random.Random, org: Org, domain: Domain, name: str, year: int) -> Form:
    """绩效目标申报表: 项目负责人及电话, 资金情况（万元）, 年度目标, indicators with 指标性质 /
    指标值 / 度量单位 / 权重 (weights add up to 100)."""
    labels = [("年度资金总额：", "total"), ("其中：财政拨款", "fiscal"), ("其他资金", "other")]
    rows = target_block(rng, domain.budget, labels, zero_tail=rng.choice((0, 1)))
    tb = TableBuilder(9)
    tb.row(
        C("项目名称", 2), C(name, 3), C("项目负责人及电话", 2), C(f"{person(rng)} {phone(rng)}", 2)
    )
    tb.row(C("主管部门", 2), C(org.department, 3), C("实施单位", 2), C(org.implementer, 2))
    tb.row(
        C("资金情况（万元）", 2, len(rows)),
        C(rows[0].printed, 2),
        C(fmt(rows[0].budget or 0, 2), 5),
    )
    for r in rows[1:]:
        tb.row(C(r.printed, 2), C(fmt(r.budget or 0, 2), 5))
    expected, _ = goal_lines(rng, domain, fmt(rows[0].budget or 0, 2))
    tb.row(C("年度目标", 2), C(expected, 7))
    specs = pick_specs(rng, domain, rng.randint(6, 9))
    weights = weigh(rng, specs, split_levels(specs, 100))
    outs = outcomes(rng, specs, weights, 0, scored=False)
    head: list[str | C] = [
        "一级指标",
        "二级指标",
        C("三级指标", 3),
        "指标性质",
        "指标值",
        "度量单位",
        "权重",
    ]
    ind_rows: list[list[str | C]] = [head]
    indicators = []
    for o in outs:
        nature = nature_of(o.spec)
        if o.spec.quantitative:
            assert o.target is not None
            number, unit = fmt(o.target, o.dec), o.spec.unit
            target = value(number + unit, op=nature)
        else:
            number, unit = o.target_text, ""
            target = value(number)
        ind_rows.append(
            [
                o.spec.level1,
                o.spec.level2,
                C(o.spec.name, 3),
                nature or "定性",
                number,
                unit,
                fmt_short(o.weight),
            ]
        )
        indicators.append(indicator(o, target, None, nature=nature, scored=False))
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
        funding_lines=[funding(r.source, "万元", budget=r.budget) for r in rows],
        indicators=indicators,
    )
    return Form(
        title=["绩效目标申报表"],
        subtitle=[f"（{year}年度）"],
        table=tb.build(),
        project=proj,
    )


def two_block_form(rng: random.Random, org: Org, domain: Domain, name: str, year: int) -> Form:
    """财政项目支出绩效目标填报表: the project's funds (项目资金总额 / 其中：财政资金 / 单位
    自筹资金) beside the year's (年度资金申请总额 / 其中：当年财政拨款 / 上年结转资金 /
    其他资金); indicators with one 指标值 column and an empty 备注 column."""
    project_total = amount(rng, domain.budget[0] * 1.5, domain.budget[1] * 2.5)
    left = parts(
        rng, project_total, [("其中：财政资金", "财政资金"), ("单位自筹资金", "单位自筹资金")], 0
    )
    annual_total = rnd(project_total * rng.uniform(0.3, 0.8), 2)
    right = parts(
        rng,
        annual_total,
        [("其中：当年财政拨款", "fiscal"), ("上年结转资金", "carryover"), ("其他资金", "other")],
        rng.choice((0, 1)),
    )
    tb = TableBuilder(8)
    tb.row(C("项目名称", 2), C(name, 6))
    tb.row(C("主管部门", 2), C(org.department, 2), C("实施单位", 2), C(org.implementer, 2))
    tb.row(
        C("项目资金（万元）", 1, 4),
        C("项目资金总额", 2),
        fmt(project_total, 2),
        C("年度资金（万元）", 1, 4),
        C("年度资金申请总额", 2),
        fmt(annual_total, 2),
    )
    for k in range(3):
        lp = left[k] if k < len(left) else None
        rp = right[k]
        tb.row(
            C(lp[0] if lp else "", 2),
            fmt(lp[2], 2) if lp else "",
            C(rp[0], 2),
            fmt(rp[2], 2),
        )
    expected, _ = goal_lines(rng, domain, fmt(annual_total, 2))
    tb.row(C("年度绩效目标", 2), C(expected, 6))
    specs = pick_specs(rng, domain, rng.randint(6, 9))
    outs = outcomes(rng, specs, [0.0] * len(specs), 0, scored=False)
    ind_rows: list[list[str | C]] = [
        ["一级指标", "二级指标", C("三级指标", 3), "指标值", C("备注", 2)]
    ]
    indicators = []
    for o in outs:
        t_cell = target_cell(o)
        ind_rows.append([o.spec.level1, o.spec.level2, C(o.spec.name, 3), t_cell, C("", 2)])
        indicators.append(indicator(o, value(t_cell), None, scored=False, weighted=False))
    first = tb.next_row
    for cells in merge_leading(ind_rows, 2):
        tb.row(*cells)
    tb.mark_header(first, first + 1)
    lines: list[FundingLine] = [funding("total", "万元", budget=project_total)]
    lines += [funding(src, "万元", budget=a) for _, src, a in left]
    lines.append(funding("年度资金申请总额", "万元", budget=annual_total))
    lines += [funding(src, "万元", budget=a) for _, src, a in right]
    proj = project(
        name,
        "project_target",
        year,
        org.department,
        org.implementer,
        funding_lines=lines,
        indicators=indicators,
    )
    return Form(
        title=["财政项目支出绩效目标填报表"],
        subtitle=[f"（{year}年度）"],
        table=tb.build(),
        project=proj,
        notes=["two funding blocks side by side (项目资金 | 年度资金); 备注 column empty"],
    )


def _mid_term(o: Outcome, years: int) -> str:
    """The 中长期指标值 beside a 年度指标值: counts and amounts over the whole period,
    rates and standards as they are, qualitative targets the same text."""
    if not o.spec.quantitative:
        return o.target_text
    assert o.target is not None
    per_year = o.spec.unit not in ("%", "‰") and o.spec.better == "up" and o.spec.op == "≥"
    number = o.target * years if per_year else o.target
    op = o.spec.op if o.spec.op != "=" else ""
    return f"{op}{fmt(number, o.dec)}{o.spec.unit}"


def mid_long_form(rng: random.Random, org: Org, domain: Domain, name: str, year: int) -> Form:
    """项目支出绩效目标申报表 with the project's period beside the year: 主管部门及代码,
    项目属性 / 项目期, funds in two columns (中长期资金总额 | 年度资金总额) over 资金总额 /
    其中：财政拨款 / 其他资金, 总体目标 as 中长期目标 | 年度目标, and indicators with
    中长期指标值 | 年度指标值. The year's columns are the labels (budget, target)."""
    years = rng.choice((2, 3, 3, 5))
    labels = [("资金总额", "total"), ("其中：财政拨款", "fiscal"), ("其他资金", "other")]
    rows = target_block(rng, domain.budget, labels, zero_tail=rng.choice((0, 1)))
    factor = years * rng.uniform(0.85, 1.1)
    mid = [rnd((r.budget or 0) * factor, 2) for r in rows[1:]]
    mid.insert(0, rnd(sum(mid), 2))
    tb = TableBuilder(8)
    tb.row(C("项目名称", 2), C(name, 6))
    tb.row(
        C("主管部门及代码", 2), C(org.dept_with_code(), 2), C("实施单位", 2), C(org.implementer, 2)
    )
    kind = rng.choice(("延续项目", "新增项目"))
    tb.row(C("项目属性", 2), C(kind, 2), C("项目期", 2), C(f"{year}年-{year + years - 1}年", 2))
    tb.row(
        C("项目资金（万元）", 2, 1 + len(rows)),
        C("", 2),
        C("中长期资金总额", 2),
        C("年度资金总额", 2),
    )
    for r, m in zip(rows, mid, strict=True):
        tb.row(C(r.printed, 2), C(fmt(m, 2), 2), C(fmt(r.budget or 0, 2), 2))
    expected, _ = goal_lines(rng, domain, fmt(rows[0].budget or 0, 2))
    tb.row(C("总体目标", 2, 2), C("中长期目标", 3), C("年度目标", 3))
    long_term = domain.goal.replace("{amount}", fmt(mid[0], 2))
    tb.row(C(f"项目期内持续实施，{long_term}", 3), C(expected, 3))
    specs = pick_specs(rng, domain, rng.randint(6, 9))
    outs = outcomes(rng, specs, [0.0] * len(specs), 0, scored=False)
    first = tb.next_row
    tb.row("一级指标", "二级指标", C("三级指标", 2), C("中长期指标值", 2), C("年度指标值", 2))
    tb.mark_header(first, first + 1)
    body: list[list[str | C]] = []
    indicators = []
    for o in outs:
        t_cell = target_cell(o)
        body.append(
            [
                o.spec.level1,
                o.spec.level2,
                C(o.spec.name, 2),
                C(_mid_term(o, years), 2),
                C(t_cell, 2),
            ]
        )
        indicators.append(indicator(o, value(t_cell), None, scored=False, weighted=False))
    for cells in merge_leading(body, 2):
        tb.row(*cells)
    proj = project(
        name,
        "project_target",
        year,
        org.dept_with_code(),
        org.implementer,
        funding_lines=[funding(r.source, "万元", budget=r.budget) for r in rows],
        indicators=indicators,
    )
    return Form(
        title=["项目支出绩效目标申报表"],
        subtitle=[f"（{year}年度）"],
        table=tb.build(),
        project=proj,
        notes=[
            "中长期资金总额 and 中长期指标值 columns are no field: budget from 年度资金总额, "
            "target from 年度指标值"
        ],
    )
