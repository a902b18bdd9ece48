"""THIRD HELD-OUT SET (golden/heldout3): measured once blind, then developed against.

It was measured (field F1 0.879) before anyone working on the reader looked at it, then
the reader was developed against it (its text renderings are gated in
eval/thresholds.json, `held_out`); golden/heldout8 is the set still unseen. Generated
like the development families and scored with `extractor eval --golden golden/heldout3`.
The last two documents of every family are also scanned.

Layouts studied through published forms of regions the other sets do not draw from
(layouts only, no text copied).
"""

from __future__ import annotations

import random

from eval.corpus.content import EFF, OUT, SAT, Domain, person, phone, report_text
from eval.corpus.families import (
    Family,
    _evaluation_report,
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
    scored_criterion,
    self_evaluation_project,
    total_score,
    value,
    weigh,
)
from eval.corpus.families.common import level1_totals as split_levels
from eval.corpus.families.funds import amount, execution, parts, rate_of, target_block
from eval.corpus.families.scoring import scored_criteria
from eval.corpus.heldout_common import evaluated_project, first_document_forms, single_project_form
from eval.corpus.layout import Block, C, Captioned, DocSpec, Form, PageBreak, Para, TableBuilder
from eval.corpus.values import Outcome, fmt, fmt_short, pct, rnd
from extractor.models import FundingLine, Indicator, Subtotal

SET = "heldout3"


def _split_value(o: Outcome, *, sign: bool = True) -> tuple[str, str, str]:
    """An indicator's target number (with its sign), actual number and unit as three
    cells; qualitative rows: the two texts and no unit."""
    if not o.spec.quantitative:
        return o.target_text, o.actual_text, ""
    assert o.target is not None and o.actual is not None
    op = o.spec.op if sign and o.spec.op else ""
    return f"{op}{fmt(o.target, o.dec)}", fmt(o.actual, o.dec), o.spec.unit


def _blocks(title: list[str], intro: list[str], forms: list[Form], *, gap: bool) -> list[Block]:
    blocks: list[Block] = [cover(title), Para(intro), PageBreak(), Para(["附件"], heading=True)]
    for i, form in enumerate(forms):
        if i and gap:
            blocks.append(PageBreak())
        blocks.append(form)
    return blocks


# ---------------------------------------------------------------------------------------
# m1


def _m1_form(rng: random.Random, org: Org, domain: Domain, name: str, year: int) -> Form:
    sources = [("合计", "total"), ("财政拨款", "fiscal"), ("其他资金", "other")]
    total = amount(rng, *domain.budget)
    split = parts(rng, total, sources[1:], zero_tail=rng.choice((0, 1)))
    budgets = [b for _, _, b in split]
    spent = [execution(rng, b) for b in budgets]
    t_budget, t_spent = rnd(sum(budgets), 2), rnd(sum(spent), 2)
    t_rate = rate_of(t_spent, t_budget)
    assert t_rate is not None
    f_score = rnd(10 * t_rate / 100, 2)
    basic = TableBuilder(4)
    basic.row("项目名称", C(name, 3))
    basic.row("主管部门", org.department, "实施单位", org.implementer)
    basic.row("项目负责人", person(rng), "联系电话", phone(rng))
    money = TableBuilder(6)
    money.row("资金来源", "全年预算数", "实际支出数", "预算执行率", "分值", "得分")
    money.row("合计", fmt(t_budget, 2), fmt(t_spent, 2), pct(t_rate), "10", fmt(f_score, 2))
    lines: list[FundingLine] = [
        funding(
            "total",
            "万元",
            budget=t_budget,
            executed=t_spent,
            execution_rate=t_rate,
            weight=10,
            score=f_score,
        )
    ]
    for (printed, source, b), e in zip(split, spent, strict=True):
        r = rate_of(e, b)
        money.row(printed, fmt(b, 2), fmt(e, 2), pct(r) if r is not None else "—", "—", "—")
        lines.append(funding(source, "万元", budget=b, executed=e, execution_rate=r))
    specs = pick_specs(rng, domain, rng.randint(6, 9))
    weights = weigh(rng, specs, {OUT: 50, EFF: 30, SAT: 10})
    outs = outcomes(rng, specs, weights, rng.choice((1, 2)))
    tb = TableBuilder(9)
    first = tb.next_row
    tb.row(
        "一级指标",
        "二级指标",
        "三级指标",
        "年度指标值",
        "实际完成值",
        "单位",
        "分值",
        "得分",
        "未完成原因",
    )
    tb.mark_header(first, first + 1)
    body: list[list[str | C]] = []
    indicators: list[Indicator] = []
    for o in outs:
        target, done, unit = _split_value(o)
        body.append(
            [
                o.spec.level1,
                o.spec.level2,
                o.spec.name,
                target,
                done,
                unit,
                fmt_short(o.weight),
                fmt_short(o.score or 0),
                o.reason or "",
            ]
        )
        indicators.append(indicator(o, value(target + unit), value(done + unit), reason=o.reason))
    for cells in merge_leading(body, 2):
        tb.row(*cells)
    t_score = total_score([f_score, *(o.score for o in outs)])
    tb.row(C("合计", 6), "100", fmt_short(t_score), "")
    proj = self_evaluation_project(name, year, org, lines, indicators, t_score)
    return Form(
        ["项目支出绩效目标自评表"],
        tb.build(),
        proj,
        subtitle=[f"（{year}年度）", "金额单位：万元"],
        before=[
            Captioned(["一、项目基本情况"], basic.build()),
            Captioned(["二、项目资金使用情况"], money.build()),
        ],
        caption=["三、绩效指标完成情况"],
    )


def m1() -> list[DocSpec]:
    fam = "m1"
    rng, org, year, forms = first_document_forms(fam, (2022, 2023, 2024), _m1_form)
    blocks = _blocks(
        [f"{org.implementer}{year}年度项目支出绩效自评报告"],
        ["一、基本情况", *report_text(rng, org.implementer, 3)],
        forms,
        gap=True,
    )
    docs = [DocSpec(f"{fam}-1", fam, True, blocks, landscape=False)]
    for k in (2, 3):
        form = single_project_form(fam, k, (2023, 2024), _m1_form)
        docs.append(DocSpec(f"{fam}-{k}", fam, True, [form], landscape=k == 3))
    return docs


# ---------------------------------------------------------------------------------------
# m2


def _m2_form(rng: random.Random, org: Org, domain: Domain, name: str, year: int) -> Form:
    labels = [("资金总额（万元）", "total"), ("财政资金", "财政资金"), ("其他资金", "other")]
    rows = target_block(rng, domain.budget, labels, zero_tail=rng.choice((0, 1)))
    tb = TableBuilder(6)
    tb.row("项目名称", C(name, 5))
    tb.row("主管部门", C(org.department, 2), "项目单位", C(org.implementer, 2))
    tb.row(*(cell for r in rows for cell in (r.printed, fmt(r.budget or 0, 2))))
    expected, _ = goal_lines(rng, domain, fmt(rows[0].budget or 0, 2))
    tb.row("年度目标", C(expected, 5))
    specs = pick_specs(rng, domain, rng.randint(6, 9))
    weights = weigh(rng, specs, split_levels(specs, 100))
    outs = outcomes(rng, specs, weights, 0, scored=False)
    first = tb.next_row
    tb.row("一级指标", "二级指标", "三级指标", "计量单位", "指标值", "权重")
    tb.mark_header(first, first + 1)
    body: list[list[str | C]] = []
    indicators: list[Indicator] = []
    for o in outs:
        target, _, unit = _split_value(o)
        body.append([o.spec.level1, o.spec.level2, o.spec.name, unit, target, fmt_short(o.weight)])
        indicators.append(indicator(o, value(target + unit), None, scored=False))
    for cells in merge_leading(body, 2):
        tb.row(*cells)
    proj = project(
        name,
        "project_target",
        year,
        org.department,
        org.implementer,
        funding_lines=[funding(r.source, "万元", budget=r.budget) for r in rows],
        indicators=indicators,
    )
    return Form(["财政支出项目绩效目标表"], tb.build(), proj, subtitle=[f"{year}年度"])


def m2() -> list[DocSpec]:
    fam = "m2"
    _, org, year, forms = first_document_forms(fam, (2024, 2025), _m2_form)
    blocks = [
        cover([f"{org.implementer}{year}年单位预算"]),
        Para(["第三部分 项目支出绩效目标", "本单位纳入绩效目标管理的项目如下。"]),
        *forms,
    ]
    docs = [DocSpec(f"{fam}-1", fam, True, blocks, landscape=False)]
    for k in (2, 3):
        form = single_project_form(fam, k, (2024, 2025), _m2_form)
        docs.append(DocSpec(f"{fam}-{k}", fam, True, [form], landscape=k == 2))
    return docs


# ---------------------------------------------------------------------------------------
# m3


def _m3_form(
    rng: random.Random, name: str, year: int, department: str | None, implementer: str | None
) -> Form:
    split, rows = scored_criteria(rng, rng.randint(2, 4))
    tb = TableBuilder(8)
    first = tb.next_row
    tb.row("序号", "一级指标", "二级指标", "三级指标", "分值", "评分标准", "评价得分", "得分率")
    tb.mark_header(first, first + 1)
    body: list[list[str | C]] = []
    for level1, weight in split.items():
        for s in (s for s in rows if s.criterion.level1 == level1):
            c = s.criterion
            body.append(
                [
                    f"{level1}（{fmt_short(weight)}分）",
                    c.level2,
                    c.name,
                    fmt_short(s.weight),
                    c.standard,
                    fmt_short(s.score),
                    pct(s.score / s.weight * 100),
                ]
            )
    for number, cells in enumerate(merge_leading(body, 2), start=1):
        tb.row(str(number), *cells)
    t_score = total_score([s.score for s in rows])
    tb.row(C("合计", 4), "100", "", fmt_short(t_score), pct(t_score))
    indicators = [
        scored_criterion(
            s.criterion.level1, s.criterion.level2, s.criterion.name, s.weight, s.score
        )
        for s in rows
    ]
    proj = project(
        name,
        "evaluation_scoring",
        year,
        department,
        implementer,
        indicators=indicators,
        subtotals=[Subtotal(level1=k, weight=v, score=None) for k, v in split.items()],
        total=(100, t_score),
    )
    return Form([f"{name}项目绩效评价得分表"], tb.build(), proj)


def m3() -> list[DocSpec]:
    fam = "m3"
    docs = []
    for k in (1, 2, 3):
        rng, org, year, name = evaluated_project(fam, k, (2022, 2023, 2024))
        form = _m3_form(rng, name, year, org.department, org.implementer)
        if k == 3:
            form.project.department = None
            form.project.implementer = None
            form.project.year = None
            docs.append(DocSpec(f"{fam}-{k}", fam, True, [form]))
            continue
        doc = _evaluation_report(
            rng,
            f"{fam}-{k}",
            fam,
            org,
            name,
            year,
            form,
            state_funds=k == 1,
            repeat_header=k == 2,
            landscape=k == 2,
        )
        doc.held_out = True
        docs.append(doc)
    return docs


# ---------------------------------------------------------------------------------------
# m4


def _m4_form(rng: random.Random, org: Org, domain: Domain, name: str, year: int) -> Form:
    sources = [("合计", "total"), ("上级补助", "上级补助"), ("本级安排", "本级安排")]
    total = amount(rng, *domain.budget)
    split = parts(rng, total, sources[1:], zero_tail=0)
    rows: list[tuple[str, str, float, float, float]] = []
    for printed, source, b in split:
        received = b if rng.random() < 0.6 else rnd(b * rng.uniform(0.9, 0.99), 2)
        rows.append((printed, source, b, received, execution(rng, received)))
    t = [rnd(sum(r[k] for r in rows), 2) for k in (2, 3, 4)]
    rows.insert(0, ("合计", "total", t[0], t[1], t[2]))
    tb = TableBuilder(11)
    tb.row(C("项目名称", 2), C(name, 9))
    tb.row(C("主管部门", 2), C(org.department, 4), C("实施单位", 2), C(org.implementer, 3))
    tb.row(
        C("资金情况（万元）", 2, len(rows) + 1),
        "",
        "预算数",
        "到位数",
        "执行数",
        "到位率",
        "执行率",
        "分值",
        C("得分", 2),
    )
    lines: list[FundingLine] = []
    for i, (printed, source, b, got, spent) in enumerate(rows):
        got_rate, rate = rate_of(got, b), rate_of(spent, b)
        assert got_rate is not None and rate is not None
        weight = 10 if i == 0 else None
        score = rnd(10 * rate / 100, 2) if i == 0 else None
        tb.row(
            printed,
            fmt(b, 2),
            fmt(got, 2),
            fmt(spent, 2),
            pct(got_rate),
            pct(rate),
            "10" if weight else "",
            C(fmt(score, 2) if score is not None else "", 2),
        )
        lines.append(
            funding(
                source,
                "万元",
                budget=b,
                received=got,
                received_rate=got_rate,
                executed=spent,
                execution_rate=rate,
                weight=weight,
                score=score,
            )
        )
    expected, achieved = goal_lines(rng, domain, fmt(t[0], 2))
    tb.row(C("年度目标", 2), C(expected, 4), C("完成情况", 2), C(achieved, 3))
    specs = pick_specs(rng, domain, rng.randint(6, 9))
    weights = weigh(rng, specs, {OUT: 50, EFF: 30, SAT: 10})
    outs = outcomes(rng, specs, weights, rng.choice((0, 1, 2)))
    first = tb.next_row
    tb.row(
        C("一级指标", 1, 2),
        C("二级指标", 1, 2),
        C("三级指标", 2, 2),
        C("年度目标", 2),
        C("实际完成", 2),
        C("分值", 1, 2),
        C("得分", 1, 2),
        C("偏差原因及改进措施", 1, 2),
    )
    tb.row("指标值", "单位", "完成值", "单位")
    tb.mark_header(first, first + 2)
    body: list[list[str | C]] = []
    indicators: list[Indicator] = []
    for o in outs:
        target, done, unit = _split_value(o)
        body.append(
            [
                o.spec.level1,
                o.spec.level2,
                C(o.spec.name, 2),
                target,
                unit,
                done,
                unit,
                fmt_short(o.weight),
                fmt_short(o.score or 0),
                o.reason or "",
            ]
        )
        indicators.append(indicator(o, value(target + unit), value(done + unit), reason=o.reason))
    for cells in merge_leading(body, 2):
        tb.row(*cells)
    t_score = total_score([lines[0].score, *(o.score for o in outs)])
    tb.row(C("总计", 8), "100", fmt_short(t_score), "")
    proj = self_evaluation_project(name, year, org, lines, indicators, t_score)
    return Form(["项目资金绩效自评表"], tb.build(), proj, subtitle=[f"（{year}年）"])


def m4() -> list[DocSpec]:
    fam = "m4"
    _, org, year, forms = first_document_forms(fam, (2022, 2023), _m4_form)
    blocks = _blocks(
        [f"{org.county}{year}年度项目资金绩效自评报告"],
        [f"{org.department}组织开展了{year}年度项目资金绩效自评，自评表附后。"],
        forms,
        gap=False,
    )
    docs = [DocSpec(f"{fam}-1", fam, True, blocks, repeat_header=True)]
    for k in (2, 3):
        form = single_project_form(fam, k, (2022, 2023, 2024), _m4_form)
        docs.append(DocSpec(f"{fam}-{k}", fam, True, [form]))
    return docs


HELD_OUT_3: tuple[Family, ...] = (
    Family("m1", "held out", m1, held_out=True, held_out_set=SET, scan_last=2),
    Family("m2", "held out", m2, held_out=True, held_out_set=SET, scan_last=2),
    Family("m3", "held out", m3, held_out=True, held_out_set=SET, scan_last=2),
    Family("m4", "held out", m4, held_out=True, held_out_set=SET, scan_last=2),
)
