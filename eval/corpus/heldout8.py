"""EIGHTH HELD-OUT SET (golden/heldout8): measured, never developed against.

If you are working on the reader (extractor/ingest, chunk, rows, backends/rules …), do not
read this file or the documents it makes (golden/heldout8/): their score is only worth
something while nobody has tuned to them. Generated like the development families and
scored with `extractor eval --golden golden/heldout8`. The last two documents of every
family are also scanned.

Layouts studied through published forms of other regions (layouts only, no text copied):
a 政府性基金 / 国有资本经营预算 项目支出绩效自评表 whose title is the first row of its table
(填报单位 / 金额单位：元 under it), funding rows by budget (政府性基金预算资金, 上年结转资金,
其他资金) with 调整后预算数 / 实际支出数 and a 自评得分 column; a 部门整体支出绩效自评表 whose
indicators are grouped 预算配置 / 预算执行 / 预算管理 / 履职效能 (weights in the level-1
label) with a 权重 column before 目标值 / 实际完成值 and 扣分原因, its funds in a
部门整体支出 block with a 结转结余数 column; a 乡镇（街道）项目绩效目标申报表 with 项目概况
rows, 实施期目标 / 年度目标, funds for the 实施期 and the year, and a 指标值（单位） column whose
cells carry the unit in brackets; a third-party evaluation's 绩效评价得分表 whose 二级 and
一级 weights stand in their own 小计 rows, scores with one decimal.
"""

from __future__ import annotations

import math
import random

from eval.corpus.content import (
    DOMAINS,
    EFF,
    OUT,
    SCORING_CRITERIA,
    Criterion,
    Domain,
    Spec,
    person,
    phone,
    report_text,
)
from eval.corpus.families import (
    Family,
    _department,
    distinct_projects,
    first_domain,
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
    org_for,
    outcomes,
    pick_across,
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
from eval.corpus.families.funds import amount, parts, self_eval_block
from eval.corpus.heldout_common import ProjectFunds as Funds
from eval.corpus.heldout_common import (
    draw_funds,
    evaluated_project,
    first_document_forms,
    grade_of,
    single_project_form,
)
from eval.corpus.layout import Block, C, DocSpec, Form, PageBreak, Para, TableBuilder
from eval.corpus.values import (
    Outcome,
    actual_cell,
    fmt,
    fmt_short,
    outcome,
    partition,
    pct,
    rnd,
    target_cell,
)
from extractor.models import ExpectedFlag, Indicator, Subtotal

SET = "heldout8"


# ---------------------------------------------------------------------------------------
# s1: 政府性基金 / 国有资本经营预算 项目支出绩效自评表, title inside the table, in 元

S1_BUDGETS = {
    "政府性基金预算": "政府性基金预算资金",
    "国有资本经营预算": "国有资本经营预算资金",
}


def _s1_form(
    rng: random.Random,
    org: Org,
    domain: Domain,
    name: str,
    year: int,
    kind: str,
    *,
    bad_total: bool,
) -> Form:
    labels = [
        ("年度资金总额", "total"),
        (f"其中：{S1_BUDGETS[kind]}", S1_BUDGETS[kind]),
        ("上年结转资金", "carryover"),
        ("其他资金", "other"),
    ]
    rows = self_eval_block(rng, domain.budget, labels, zero_tail=rng.choice((1, 2)), scale=10000)
    total = rows[0]
    tb = TableBuilder(8)
    tb.row(C(f"{year}年度{kind}项目支出绩效自评表", 8))
    tb.row(C(f"填报单位（盖章）：{org.implementer}", 5), C("金额单位：元", 3))
    tb.row("项目名称", C(name, 7))
    tb.row("主管部门", C(org.department, 3), "实施单位", C(org.implementer, 3))
    tb.row(
        C("项目资金", 1, 1 + len(rows)),
        "",
        "年初预算数",
        "调整后预算数",
        "实际支出数",
        "分值",
        "执行率",
        "得分",
    )
    for i, r in enumerate(rows):
        first = i == 0
        tb.row(
            r.printed,
            fmt(r.initial or 0, 2, True),
            fmt(r.budget or 0, 2, True),
            fmt(r.executed or 0, 2, True),
            fmt_short(r.weight or 0) if first else "",
            pct(r.rate or 0) if first else "",
            fmt_short(r.score or 0) if first else "",
        )
    expected, achieved = goal_lines(rng, domain, fmt((total.budget or 0) / 10000, 2))
    tb.row(C("年度总体目标", 1, 2), C("预期目标", 4), C("实际完成情况", 3))
    tb.row(C(expected, 4), C(achieved, 3))
    specs = pick_specs(rng, domain, rng.randint(7, 10))
    weights = weigh(rng, specs, split_levels(specs, 90))
    outs = outcomes(rng, specs, weights, rng.choice((1, 2)))
    first_row = tb.next_row
    tb.row(
        "一级指标",
        "二级指标",
        "三级指标",
        "年度指标值",
        "实际完成值",
        "分值",
        "自评得分",
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
    t_score = total_score([total.score, *(o.score for o in outs)])
    printed_score = rnd(t_score + 1.5, 2) if bad_total else t_score
    tb.row(C("总分", 5), "100", fmt_short(printed_score), "")
    lines = [
        funding(
            r.source,
            "元",
            initial_budget=r.initial,
            budget=r.budget,
            executed=r.executed,
            execution_rate=r.rate if i == 0 else None,
            weight=r.weight,
            score=r.score,
        )
        for i, r in enumerate(rows)
    ]
    notes = [
        f"title ({kind}) printed in the table's first row, 金额单位：元 beside 填报单位; "
        "调整后预算数 → budget, 实际支出数 → executed; parts printed 0.00 are lines of 0"
    ]
    flags: list[ExpectedFlag] = []
    if bad_total:
        flags.append(
            ExpectedFlag(
                rule="total.score_sum",
                project=None,
                path="total.score",
                note=f"总分得分印为 {fmt_short(printed_score)}，"
                f"各项得分之和为 {fmt_short(t_score)}",
            )
        )
        notes.append("the 总分 score printed 1.5 above the sum of the scores (on purpose)")
    proj = self_evaluation_project(name, year, org, lines, indicators, printed_score)
    return Form(
        [],
        tb.build(),
        proj,
        foot=[
            "注：执行率=实际支出数/调整后预算数；资金得分=分值×执行率。",
            f"填表人：{person(rng)}    联系电话：{phone(rng)}    填报日期：{year + 1}年3月",
        ],
        flags=flags,
        notes=notes,
    )


def s1() -> list[DocSpec]:
    fam = "s1"
    rng, org, year, forms = first_document_forms(
        fam,
        (2022, 2023, 2024),
        _s1_form,
        "政府性基金预算",
        bad_total=False,
    )
    blocks: list[Block] = [
        cover([f"{org.implementer}", f"{year}年度政府性基金预算项目绩效自评报告"]),
        Para(
            [
                "一、基本情况",
                f"{year}年度本单位政府性基金预算安排项目{len(forms)}个，"
                "按照预算绩效管理要求逐项开展了自评。",
                *report_text(rng, org.implementer, 1),
                "二、自评表",
            ]
        ),
    ]
    for i, form in enumerate(forms):
        if i:
            blocks.append(PageBreak())
        blocks.append(form)
    docs = [DocSpec(f"{fam}-1", fam, True, blocks, landscape=True)]
    for k in (2, 3):
        kind = "国有资本经营预算" if k == 2 else "政府性基金预算"
        form = single_project_form(
            fam,
            k,
            (2023, 2024),
            _s1_form,
            kind,
            bad_total=k == 2,
        )
        docs.append(DocSpec(f"{fam}-{k}", fam, True, [form], landscape=k == 3))
    return docs


# ---------------------------------------------------------------------------------------
# s2: 部门整体支出绩效自评表, 预算配置 / 预算执行 / 预算管理 / 履职效能, a 权重 column


def _pct_spec(level1: str, level2: str, name: str, op: str, lo: float, hi: float) -> Spec:
    better = "down" if op == "≤" else "eq" if op == "=" else "up"
    return Spec(level1, level2, name, op, lo, hi, "%", 0, better, bounded=True)


def _text_spec(level1: str, level2: str, name: str, target: str, actual: str) -> Spec:
    return Spec(level1, level2, name, target=target, actual=actual)


S2_SPLIT = {"预算配置": 10, "预算执行": 20, "预算管理": 20, "履职效能": 50}
EXECUTION = "预算执行率"
BALANCE = "结转结余率"
S2_FIXED: tuple[Spec, ...] = (
    _pct_spec("预算配置", "人员控制", "在职人员控制率", "≤", 100, 100),
    _pct_spec("预算配置", "三公经费控制", "“三公”经费控制率", "≤", 100, 100),
    _pct_spec("预算配置", "重点支出保障", "重点支出安排率", "≥", 80, 90),
    _pct_spec("预算执行", "预算完成", EXECUTION, "=", 100, 100),
    _pct_spec("预算执行", "预算调整", "预算调整率", "≤", 5, 10),
    _pct_spec("预算执行", "结转结余", BALANCE, "≤", 15, 15),
    _pct_spec("预算执行", "公用经费控制", "公用经费控制率", "≤", 100, 100),
    _text_spec("预算管理", "管理制度", "管理制度健全性", "健全", "健全"),
    _text_spec("预算管理", "资金管理", "资金使用合规性", "合规", "合规"),
    _text_spec("预算管理", "信息公开", "预决算信息公开性", "按规定公开", "已按规定公开"),
    _pct_spec("预算管理", "政府采购", "政府采购执行率", "=", 100, 100),
    _pct_spec("预算管理", "资产管理", "固定资产利用率", "≥", 90, 95),
)
S2_DUTY_LEVEL2 = {OUT: "重点工作履行情况", EFF: "履职效益"}


def _s2_specs(rng: random.Random, domains: list[Domain]) -> list[Spec]:
    drop = {s.name for s in S2_FIXED if s.name not in (EXECUTION, BALANCE) and rng.random() < 0.2}
    fixed = [s for s in S2_FIXED if s.name not in drop]
    for level1 in S2_SPLIT:  # every group keeps at least one row
        if level1 != "履职效能" and not any(s.level1 == level1 for s in fixed):
            fixed += [s for s in S2_FIXED if s.level1 == level1]
    fixed.sort(key=lambda s: list(S2_SPLIT).index(s.level1))
    duty = [
        Spec(
            "履职效能",
            S2_DUTY_LEVEL2.get(s.level1, "社会满意度"),
            s.name,
            s.op,
            s.lo,
            s.hi,
            s.unit,
            s.dec,
            s.better,
            s.target,
            s.actual,
            s.bounded,
        )
        for s in pick_across(rng, domains, rng.randint(5, 7))
    ]
    return fixed + duty


def _s2_form(
    rng: random.Random,
    department: str,
    domains: list[Domain],
    year: int,
    unit: str,
    *,
    over: bool = False,
) -> Form:
    scale = 10000 if unit == "元" else 1
    thousands = unit == "元"
    lo = sum(d.budget[0] for d in domains) * 2
    hi = sum(d.budget[1] for d in domains) * 2.5
    labels = [("部门整体支出总额", "total"), ("基本支出", "基本支出"), ("项目支出", "项目支出")]
    rows = self_eval_block(rng, (lo, hi), labels, zero_tail=0, sub_rates=True, scale=scale)
    total = rows[0]
    rate = total.rate or 0.0
    tb = TableBuilder(8)
    tb.row("部门名称", C(department, 7))
    tb.row(
        C("部门整体支出", 1, 1 + len(rows)),
        C("", 2),
        "年初预算数",
        "全年预算数",
        "全年执行数",
        "执行率",
        "结转结余数",
    )
    for r in rows:
        balance = rnd((r.budget or 0) - (r.executed or 0), 2)
        tb.row(
            C(r.printed, 2),
            fmt(r.initial or 0, 2, thousands),
            fmt(r.budget or 0, 2, thousands),
            fmt(r.executed or 0, 2, thousands),
            pct(r.rate if r.rate is not None else 0),
            fmt(balance, 2, thousands),
        )
    specs = _s2_specs(rng, domains)
    weights: list[float] = []
    for level1, share in S2_SPLIT.items():
        weights += partition(rng, share, sum(s.level1 == level1 for s in specs))
    duty = [i for i, s in enumerate(specs) if s.level1 == "履职效能" and s.name != "服务对象满意度"]
    missed = set(rng.sample(duty, rng.choice((1, 2))))
    first = tb.next_row
    tb.row("一级指标", "二级指标", "三级指标", "权重", "目标值", "实际完成值", "得分", "扣分原因")
    tb.mark_header(first, first + 1)
    body: list[list[str | C]] = []
    indicators: list[Indicator] = []
    scores: list[float] = []
    for i, (s, w) in enumerate(zip(specs, weights, strict=True)):
        reason: str | None
        if s.name == EXECUTION:
            t_cell, a_cell = "100%", pct(rate)
            score = rnd(w * rate / 100, 2)
            reason = "部分项目资金年底下达，当年未能全部支付" if score < w else None
        elif s.name == BALANCE:
            t_cell, a_cell = "≤15%", pct(rnd(100 - rate, 2))
            score, reason = w, None
        else:
            o: Outcome = outcome(rng, s, w, miss=i in missed)
            t_cell, a_cell = target_cell(o), actual_cell(o)
            score, reason = o.score or 0.0, o.reason
        scores.append(score)
        label = f"{s.level1}（{fmt_short(S2_SPLIT[s.level1])}分）"
        body.append([label, s.level2, s.name, fmt_short(w), t_cell, a_cell, "", reason or ""])
        indicators.append(
            Indicator(
                group=None,
                level1=s.level1,
                level2=s.level2,
                name=s.name,
                nature=None,
                target=value(t_cell),
                actual=value(a_cell),
                weight=w,
                score=score,
                deviation_reason=reason,
                span=None,
            )
        )
    bump = -1
    if over:  # one 得分 printed a point above its 权重
        bump = next(i for i, (w, sc) in enumerate(zip(weights, scores, strict=True)) if sc == w)
        scores[bump] = rnd(weights[bump] + 1, 2)
        indicators[bump] = indicators[bump].model_copy(update={"score": scores[bump]})
    for row, sc in zip(body, scores, strict=True):
        row[6] = fmt_short(sc)
    for cells in merge_leading(body, 2):
        tb.row(*cells)
    t_score = total_score(scores)
    tb.row(C("合计", 3), "100", C("", 2), fmt_short(t_score), "")
    lines = [
        funding(
            r.source,
            unit,
            initial_budget=r.initial,
            budget=r.budget,
            executed=r.executed,
            execution_rate=r.rate,
            balance=rnd((r.budget or 0) - (r.executed or 0), 2),
        )
        for r in rows
    ]
    flags: list[ExpectedFlag] = []
    notes = [
        "indicators grouped 预算配置/预算执行/预算管理/履职效能, level-1 weight in the label "
        f"(subtotals); 权重 column; 扣分原因 is the reason; funds in {unit}, "
        "结转结余数 → balance"
    ]
    if bump >= 0:
        flags.append(
            ExpectedFlag(
                rule="indicator.score_above_weight",
                project=None,
                path=f"indicators[{bump}].score",
                note=f"得分 {fmt_short(scores[bump])} 高于权重 {fmt_short(weights[bump])}",
            )
        )
        notes.append("one 得分 printed 1 point above its 权重 (on purpose)")
    proj = project(
        department,
        "department_self_evaluation",
        year,
        department,
        None,
        funding_lines=lines,
        indicators=indicators,
        subtotals=[Subtotal(level1=k, weight=v, score=None) for k, v in S2_SPLIT.items()],
        total=(100, t_score),
    )
    return Form(
        ["部门整体支出绩效自评表"],
        tb.build(),
        proj,
        subtitle=[f"（{year}年度）", f"金额单位：{unit}"],
        foot=[
            "说明：结转结余率=结转结余数/全年预算数×100%。",
            f"部门负责人：{person(rng)}    填表人：{person(rng)}",
        ],
        flags=flags,
        notes=notes,
    )


def s2() -> list[DocSpec]:
    fam = "s2"
    docs = []
    for k in (1, 2, 3):
        rng = rng_for(fam, k)
        dept, domains, year = _department(rng, fam, k)
        unit = "元" if k == 3 else "万元"
        form = _s2_form(rng, dept, domains, year, unit, over=k == 2)
        if k == 1:
            blocks: list[Block] = [
                cover([f"{dept}", f"{year}年度部门整体支出绩效自评报告"]),
                Para(
                    [
                        "一、部门基本情况",
                        *report_text(rng, dept, 2),
                        "二、部门整体支出绩效自评表",
                    ]
                ),
                form,
            ]
            doc = DocSpec(f"{fam}-{k}", fam, True, blocks, landscape=False, page_height=520.0)
            doc.notes.append("the indicator table continues on the next page, header not repeated")
            docs.append(doc)
        else:
            docs.append(
                DocSpec(f"{fam}-{k}", fam, True, [form], landscape=k == 2, repeat_header=k == 3)
            )
    return docs


# ---------------------------------------------------------------------------------------
# s3: 乡镇（街道）项目绩效目标申报表: 项目概况, 实施期 / 年度, 指标值（单位）

S3_TOWNS = ("城关镇", "新安镇", "桥头镇", "东城街道", "白沙乡", "河西街道", "青石镇")
S3_OFFICES = ("农业农村综合服务中心", "社会事务办公室", "村镇建设服务中心", "综合执法队")


def _bracket_unit(o: Outcome) -> str:
    """The 指标值（单位） cell: the unit in brackets after the figure ("≥1200（人次）")."""
    if not o.spec.quantitative:
        return o.target_text
    assert o.target is not None
    return f"{o.spec.op}{fmt(o.target, o.dec)}（{o.spec.unit}）"


def _s3_form(
    rng: random.Random,
    county: str,
    domain: Domain,
    name: str,
    year: int,
    *,
    bad_total: bool,
) -> Form:
    town = rng.choice(S3_TOWNS)
    department = f"{county}{town}人民政府"
    implementer = f"{county}{town}{rng.choice(S3_OFFICES)}"
    years = rng.choice((2, 3))
    period_total = amount(rng, *domain.budget) * years
    yearly = rnd(period_total / years * rng.uniform(0.8, 1.2), 2)
    period_total = rnd(period_total, 2)
    labels = [("其中：财政拨款", "fiscal"), ("其他资金", "other")]
    zero = rng.choice((0, 1))
    period_parts = parts(rng, period_total, labels, zero_tail=zero)
    year_parts = parts(rng, yearly, labels, zero_tail=zero)
    printed_yearly = rnd(yearly + 10, 2) if bad_total else yearly
    tb = TableBuilder(7)
    tb.row("项目名称", C(name, 6))
    tb.row("主管部门", C(department, 2), "实施单位", C(implementer, 3))
    tb.row(
        "项目属性",
        C(rng.choice(("新增项目", "延续项目")), 2),
        "项目期限",
        C(f"{year}年1月至{year + years - 1}年12月", 3),
    )
    tb.row(
        "项目概况",
        C(
            f"本项目由{town}组织实施，"
            + domain.goal.replace("{amount}", fmt(yearly, 2)).split("，")[0]
            + "，惠及辖区群众。",
            6,
        ),
    )
    tb.row(
        C("项目资金（万元）", 1, 4), C("资金来源", 2), C("实施期资金总额", 2), C("年度资金总额", 2)
    )
    tb.row(C("资金总额", 2), C(fmt(period_total, 2), 2), C(fmt(printed_yearly, 2), 2))
    for (printed, _, p_amount), (_, _, y_amount) in zip(period_parts, year_parts, strict=True):
        tb.row(
            C(printed, 2),
            C(fmt(p_amount, 2) if p_amount else "", 2),
            C(fmt(y_amount, 2) if y_amount else "", 2),
        )
    expected, _ = goal_lines(rng, domain, fmt(yearly, 2))
    tb.row(C("绩效目标", 1, 2), C("实施期目标", 3), C("年度目标", 3))
    tb.row(
        C(f"项目实施期内，{expected.rstrip('。')}，形成长效管护机制。", 3),
        C(expected, 3),
    )
    specs = pick_specs(rng, domain, rng.randint(7, 10))
    weights = weigh(rng, specs, split_levels(specs, 100))
    outs = outcomes(rng, specs, weights, 0, scored=False)
    first = tb.next_row
    tb.row("一级指标", "二级指标", C("三级指标", 2), C("指标值（单位）", 2), "分值")
    tb.mark_header(first, first + 1)
    body: list[list[str | C]] = []
    indicators: list[Indicator] = []
    for o in outs:
        cell = _bracket_unit(o)
        body.append(
            [o.spec.level1, o.spec.level2, C(o.spec.name, 2), C(cell, 2), fmt_short(o.weight)]
        )
        indicators.append(indicator(o, value(cell), None, scored=False))
    for cells in merge_leading(body, 2):
        tb.row(*cells)
    lines = [funding("total", "万元", budget=printed_yearly)]
    lines += [funding(source, "万元", budget=a) for _, source, a in year_parts if a]
    flags: list[ExpectedFlag] = []
    notes = [
        "项目概况 rows; funds for the 实施期 and the year (labelled from 年度资金总额); "
        "指标值（单位） cells carry the unit in brackets; 实施期目标 not read"
    ]
    if zero:
        notes.append("其他资金 printed empty: no line")
    if bad_total:
        flags.append(
            ExpectedFlag(
                rule="funding.total_sum",
                project=None,
                path="funding[0].budget",
                note=f"年度资金总额印为 {fmt(printed_yearly, 2)}，各项之和为 {fmt(yearly, 2)}",
            )
        )
        notes.append("年度资金总额 printed 10万元 above its parts (on purpose)")
    proj = project(
        name,
        "project_target",
        year,
        department,
        implementer,
        funding_lines=lines,
        indicators=indicators,
    )
    return Form(
        ["乡镇（街道）项目绩效目标申报表"],
        tb.build(),
        proj,
        subtitle=[f"（{year}年度）"],
        foot=[f"填报单位：{department}    联系人：{person(rng)}    联系电话：{phone(rng)}"],
        flags=flags,
        notes=notes,
    )


def s3() -> list[DocSpec]:
    fam = "s3"
    docs = []
    for k in (1, 2, 3):
        rng = rng_for(fam, k)
        county = place_for(fam, k)[2]
        year = rng.choice((2024, 2025))
        if k == 1:
            first = first_domain(rng, 2)
            org = org_for(rng, first, place_for(fam, k))
            forms = [
                _s3_form(rng, county, d, n.removeprefix(f"{year}年"), year, bad_total=False)
                for d, n in distinct_projects(rng, first, 2, year, org)
            ]
            blocks: list[Block] = [
                cover([f"{county}{year}年乡镇（街道）项目绩效目标"]),
                Para([f"根据{county}财政局预算编制要求，各乡镇（街道）填报了项目绩效目标。"]),
            ]
            for i, form in enumerate(forms):
                if i:
                    blocks.append(PageBreak())
                blocks.append(form)
            docs.append(DocSpec(f"{fam}-{k}", fam, True, blocks, landscape=False))
            continue
        d = rng.choice(DOMAINS)
        org = org_for(rng, d, place_for(fam, k))
        name = project_name(rng, d, org, year).removeprefix(f"{year}年")
        form = _s3_form(rng, county, d, name, year, bad_total=k == 2)
        docs.append(DocSpec(f"{fam}-{k}", fam, True, [form], landscape=k == 3))
    return docs


# ---------------------------------------------------------------------------------------
# s4: a third-party evaluation's 绩效评价得分表: 二级 and 一级 小计 rows, one decimal

S4_SPLITS = (
    {"决策": 20, "过程": 20, "产出": 35, "效益": 25},
    {"决策": 15, "过程": 25, "产出": 30, "效益": 30},
)
S4_FIRMS = ("会计师事务所有限公司", "工程咨询有限公司", "财务咨询有限公司", "绩效评价中心")


def _s4_form(
    rng: random.Random, name: str, year: int, org: Org, funds: Funds, *, bad_subtotal: bool
) -> Form:
    split = rng.choice(S4_SPLITS)
    chosen: list[Criterion] = []
    for level1 in split:
        rows = [c for c in SCORING_CRITERIA if c.level1 == level1]
        skip = set(rng.sample(range(len(rows)), 1 if len(rows) > 4 else 0))
        chosen += [c for i, c in enumerate(rows) if i not in skip or c.name == "预算执行率"]
    weights: list[float] = []
    for level1, total in split.items():
        weights += partition(rng, total, sum(c.level1 == level1 for c in chosen))
    cut = set(rng.sample(range(len(chosen)), rng.randint(2, 4)))
    scores: list[float] = []
    for i, (c, w) in enumerate(zip(chosen, weights, strict=True)):
        if c.name == "资金到位率":  # its 评分标准: 每低1个百分点扣0.2分 (cut to one decimal)
            allowed = w - 0.2 * (100 - funds.received_rate)
            scores.append(max(0.0, math.floor(allowed * 10 + 1e-6) / 10))
        elif c.name == "预算执行率":  # 按比例计算得分, cut to one decimal
            scores.append(math.floor(w * funds.execution_rate / 100 * 10 + 1e-6) / 10)
        elif i in cut:
            scores.append(rnd(max(w - rng.choice((0.5, 1.0, 1.5)), w * 0.5), 1))
        else:
            scores.append(w)
    tb = TableBuilder(6)
    first = tb.next_row
    tb.row("一级指标", "二级指标", "三级指标", "评分标准", "分值", "得分")
    tb.mark_header(first, first + 1)
    indicators: list[Indicator] = []
    subtotals: list[Subtotal] = []
    flags: list[ExpectedFlag] = []
    for level1 in split:
        idx = [i for i, c in enumerate(chosen) if c.level1 == level1]
        groups: dict[str, list[int]] = {}
        for i in idx:
            groups.setdefault(chosen[i].level2, []).append(i)
        n_rows = len(idx) + len(groups) + 1
        l1_weight = rnd(sum(weights[i] for i in idx), 1)
        l1_score = rnd(sum(scores[i] for i in idx), 1)
        printed = l1_score
        if bad_subtotal and level1 == "过程":
            printed = rnd(l1_score + 1, 1)
            flags.append(
                ExpectedFlag(
                    rule="subtotal.score_sum",
                    project=None,
                    path=f"subtotals[{len(subtotals)}].score",
                    note=f"{level1}小计得分印为 {fmt(printed, 1)}，"
                    f"其下各项之和为 {fmt(l1_score, 1)}",
                )
            )
        lead: list[str | C] = [C(level1, 1, n_rows)]
        for level2, members in groups.items():
            l2_lead: list[str | C] = [C(level2, 1, len(members) + 1)]
            for i in members:
                c = chosen[i]
                tb.row(
                    *lead, *l2_lead, c.name, c.standard, fmt_short(weights[i]), fmt(scores[i], 1)
                )
                lead, l2_lead = [], []
                indicators.append(scored_criterion(level1, level2, c.name, weights[i], scores[i]))
            w2 = rnd(sum(weights[i] for i in members), 1)
            s2_ = rnd(sum(scores[i] for i in members), 1)
            tb.row(C("小计", 2), fmt_short(w2), fmt(s2_, 1))
        tb.row(C("小计", 3), fmt_short(l1_weight), fmt(printed, 1))
        subtotals.append(Subtotal(level1=level1, weight=l1_weight, score=printed))
    t_score = rnd(sum(scores), 1)
    tb.row(C("合计", 4), "100", fmt(t_score, 1))
    notes = [
        "二级 and 一级 weights in their own 小计 rows: the 一级 小计 → subtotals (weight, score), "
        "the 二级 小计 not recorded; scores printed with one decimal; 评分标准 not read"
    ]
    if flags:
        notes.append("the 过程 小计 score printed 1 point above its rows (on purpose)")
    notes.append("funding line from the report's sentences (预算/到位/支出)")
    line = funds.line()
    proj = project(
        name,
        "evaluation_scoring",
        year,
        org.department,
        org.implementer,
        funding_lines=[line],
        indicators=indicators,
        subtotals=subtotals,
        total=(100, t_score),
    )
    return Form(
        [f"{name}项目绩效评价得分表"],
        tb.build(),
        proj,
        flags=flags,
        notes=notes,
    )


def s4() -> list[DocSpec]:
    fam = "s4"
    docs = []
    for k in (1, 2, 3):
        rng, org, year, name = evaluated_project(fam, k, (2022, 2023, 2024))
        funds = draw_funds(rng, (80, 1500), all_received=0.5, received_low=0.9, executed_low=0.82)
        form = _s4_form(rng, name, year, org, funds, bad_subtotal=k == 2)
        score = form.project.total.score or 0
        grade = grade_of(score)
        firm = f"{org.city.removesuffix('市')}{rng.choice(S4_FIRMS)}"
        blocks: list[Block] = [
            cover([f"{name}项目绩效评价报告", f"（{year}年度）", firm]),
            Para(
                [
                    "一、项目基本情况",
                    f"项目主管部门为{org.department}，实施单位为{org.implementer}。",
                    f"{year}年该项目预算资金{fmt(funds.budget, 2)}万元，"
                    f"实际到位资金{fmt(funds.received, 2)}万元，资金到位率"
                    f"{pct(funds.received_rate)}；实际支出{fmt(funds.executed, 2)}万元，"
                    f"预算执行率{pct(funds.execution_rate)}。",
                    "二、评价工作情况",
                    f"受{org.department.removeprefix(org.county)}委托，{firm}组成评价组开展了"
                    "本次第三方绩效评价。",
                    *report_text(rng, org.implementer, 1),
                    "三、评价结论",
                    f"项目综合得分{fmt(score, 1)}分，评价等级为“{grade}”。",
                    "附件：项目绩效评价得分表",
                ]
            ),
            PageBreak(),
            form,
        ]
        doc = DocSpec(f"{fam}-{k}", fam, True, blocks, landscape=k == 2, repeat_header=k == 3)
        if k == 3:
            doc.page_height = 480.0
            doc.notes.append("the score table continued over pages, its header printed again")
        docs.append(doc)
    return docs


HELD_OUT_8: tuple[Family, ...] = (
    Family("s1", "held out", s1, held_out=True, held_out_set=SET, scan_last=2),
    Family("s2", "held out", s2, held_out=True, held_out_set=SET, scan_last=2),
    Family("s3", "held out", s3, held_out=True, held_out_set=SET, scan_last=2),
    Family("s4", "held out", s4, held_out=True, held_out_set=SET, scan_last=2),
)
