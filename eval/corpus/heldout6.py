"""SIXTH HELD-OUT SET (golden/heldout6): measured once blind, then developed against.

It was measured (field F1 0.980) before anyone working on the reader looked at it, then
the reader was developed against it (its text renderings are gated in
eval/thresholds.json, `held_out`); golden/heldout8 is the set still unseen. Generated
like the development families and scored with `extractor eval --golden golden/heldout6`.
The last two documents of every family are also scanned.

Layouts studied through published forms of other regions (layouts only, no text copied):
a 部门整体支出绩效自评表 whose indicators are grouped 部门管理 / 履职效能 / 社会效益, with
分值 before a 年度指标值 / 实际完成值 pair and an 评分 column, its spending in 元; a
province's 项目支出绩效自评表 with its title and unit line inside the table's first rows and
预算执行 printed as one row (年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分); a
项目绩效目标表 (申报) with the year in brackets in the title, 长期目标 / 年度目标 rows and the
unit inside the 指标值 cell; an evaluation report's 综合评分表 with 评价指标 over the three
levels, a 分值 column after each level, 指标解释 and 评价标准.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from eval.corpus.content import (
    DEPARTMENT_SPECS,
    DOMAINS,
    SAT,
    Domain,
    Spec,
    person,
    phone,
    report_text,
)
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
    scored_criterion,
    self_evaluation_project,
    total_score,
    value,
    weigh,
)
from eval.corpus.families.common import level1_totals as split_levels
from eval.corpus.families.funds import amount, execution, parts, rate_of, self_eval_block
from eval.corpus.heldout_common import ProjectFunds as Funds
from eval.corpus.heldout_common import (
    draw_funds,
    evaluated_project,
    first_document_forms,
    grade_of,
    level2_weights,
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

SET = "heldout6"


# ---------------------------------------------------------------------------------------
# q1: 部门整体支出绩效自评表, indicators grouped 部门管理 / 履职效能 / 社会效益, in 元

MANAGE, DUTY, BENEFIT = "部门管理", "履职效能", "社会效益"


def _spec(level1: str, level2: str, name: str, op: str | None = None, **kw: object) -> Spec:
    if op is None:
        return Spec(level1, level2, name, **kw)  # type: ignore[arg-type]
    better = "down" if op in ("≤", "<") else "eq" if op == "=" else "up"
    return Spec(level1, level2, name, op, better=better, **kw)  # type: ignore[arg-type]


Q1_MANAGE: tuple[Spec, ...] = (
    _spec(MANAGE, "资金投入", "预算调整率", "≤", lo=10, hi=15, unit="%"),
    _spec(MANAGE, "资金投入", "“三公”经费控制率", "≤", lo=100, hi=100, unit="%"),
    _spec(MANAGE, "财务管理", "财务管理制度健全性", target="健全", actual="健全"),
    _spec(MANAGE, "财务管理", "资金使用合规性", target="合规", actual="合规"),
    _spec(MANAGE, "采购管理", "政府采购执行率", "=", lo=100, hi=100, unit="%", bounded=True),
    _spec(MANAGE, "资产管理", "固定资产利用率", "≥", lo=90, hi=98, unit="%", bounded=True),
    _spec(MANAGE, "人员管理", "在职人员控制率", "≤", lo=100, hi=100, unit="%"),
)


def _q1_specs(rng: random.Random, domains: list[Domain]) -> list[Spec]:
    """部门管理 rows of the department's own running, 履职效能 rows from its projects'
    outputs, 社会效益 rows from their effects and one satisfaction row."""
    manage = rng.sample(Q1_MANAGE, rng.randint(3, 4))
    manage.sort(key=Q1_MANAGE.index)
    pool = {s.name: s for d in domains for s in d.specs}
    outs = [s for s in pool.values() if s.level1 == "产出指标"]
    effs = [s for s in pool.values() if s.level1 == "效益指标"]
    duty = [
        _spec(DUTY, "重点工作", "重点工作任务完成率", "≥", lo=95, hi=100, unit="%", bounded=True)
    ]
    duty += [
        Spec(
            DUTY,
            s.level2,
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
        for s in rng.sample(outs, min(len(outs), rng.randint(2, 3)))
    ]
    sat = rng.choice([s for s in DEPARTMENT_SPECS if s.level1 == SAT])
    benefit = [
        Spec(
            BENEFIT,
            s.level2,
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
        for s in rng.sample(effs, min(len(effs), rng.randint(1, 2)))
    ]
    benefit.append(
        Spec(
            BENEFIT,
            "社会公众满意度",
            sat.name,
            sat.op,
            sat.lo,
            sat.hi,
            sat.unit,
            sat.dec,
            sat.better,
            sat.target,
            sat.actual,
            sat.bounded,
        )
    )
    return [*manage, *duty, *benefit]


Q1_SPLITS = ({MANAGE: 30, DUTY: 40, BENEFIT: 30}, {MANAGE: 20, DUTY: 50, BENEFIT: 30})
Q1_FUNDS = [("合计", "total"), ("基本支出", "基本支出"), ("项目支出", "项目支出")]


def _q1_form(
    rng: random.Random, department: str, domains: list[Domain], year: int, *, over: bool
) -> Form:
    lo = sum(d.budget[0] for d in domains) * 2
    hi = sum(d.budget[1] for d in domains) * 2.5
    rows = self_eval_block(rng, (lo, hi), Q1_FUNDS, zero_tail=0, sub_rates=True, scale=10000)
    specs = _q1_specs(rng, domains)
    split = rng.choice(Q1_SPLITS)
    weights: list[float] = []
    for level1, total in split.items():
        weights += partition(rng, total, sum(s.level1 == level1 for s in specs))
    missable = [i for i, s in enumerate(specs) if s.level2 != "社会公众满意度"]
    missed = set(rng.sample(missable, 3 if over else rng.randint(1, 2)))
    outs = [
        outcome(rng, s, w, miss=i in missed)
        for i, (s, w) in enumerate(zip(specs, weights, strict=True))
    ]
    tb = TableBuilder(8)
    tb.row("部门（单位）名称", C(department, 7))
    tb.row(
        C("部门整体支出（元）", 1, 1 + len(rows)),
        "支出类别",
        C("年初预算数", 2),
        C("全年预算数", 2),
        "全年执行数",
        "执行率",
    )
    for r in rows:
        tb.row(
            r.printed,
            C(fmt(r.initial or 0, 2, True), 2),
            C(fmt(r.budget or 0, 2, True), 2),
            fmt(r.executed or 0, 2, True),
            pct(r.rate) if r.rate is not None else "—",
        )
    tb.row(
        "年度总体目标完成情况",
        C("部门围绕年度重点工作履行职责，各项工作任务基本完成，资金使用规范有效。", 7),
    )
    first = tb.next_row
    tb.row(
        "一级指标", "二级指标", "三级指标", "分值", "年度指标值", "实际完成值", "评分", "未完成原因"
    )
    tb.mark_header(first, first + 1)
    bump = -1
    if over:
        bump = next(i for i, o in enumerate(outs) if o.met and o.spec.quantitative)
    body: list[list[str | C]] = []
    indicators: list[Indicator] = []
    scores: list[float] = []
    for i, o in enumerate(outs):
        score = rnd((o.score or 0) + 1, 2) if i == bump else (o.score or 0)
        scores.append(score)
        t_cell, a_cell = target_cell(o), actual_cell(o)
        body.append(
            [
                o.spec.level1,
                o.spec.level2,
                o.spec.name,
                fmt_short(o.weight),
                t_cell,
                a_cell,
                fmt_short(score),
                o.reason or "",
            ]
        )
        indicators.append(indicator(o, value(t_cell), value(a_cell), score=score, reason=o.reason))
    for cells in merge_leading(body, 2):
        tb.row(*cells)
    t_score = total_score(scores)
    assert t_score <= 100
    tb.row(C("总分", 3), "100", C("", 2), fmt_short(t_score), "")
    flags: list[ExpectedFlag] = []
    notes = ["评分 is the score; 分值 printed before the target/actual pair; no funding weight"]
    if bump >= 0:
        o = outs[bump]
        flags.append(
            ExpectedFlag(
                rule="indicator.score_above_weight",
                project=None,
                path=f"indicators[{bump}].score",
                note=f"评分 {fmt_short(scores[bump])} 高于分值 {fmt_short(o.weight)}",
            )
        )
        notes.append("one 评分 printed 1 point above its 分值 (on purpose)")
    lines = [
        funding(
            r.source,
            "元",
            initial_budget=r.initial,
            budget=r.budget,
            executed=r.executed,
            execution_rate=r.rate,
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
        ["部门整体支出绩效自评表"],
        tb.build(),
        proj,
        subtitle=[f"（{year}年度）", "金额单位：元"],
        foot=[f"填表人：{person(rng)}    联系电话：{phone(rng)}    填报日期：{year + 1}年3月"],
        flags=flags,
        notes=notes,
    )


def q1() -> list[DocSpec]:
    fam = "q1"
    docs = []
    for k in (1, 2, 3):
        rng = rng_for(fam, k)
        dept, domains, year = _department(rng, fam, k)
        form = _q1_form(rng, dept, domains, year, over=k == 2)
        if k == 1:
            blocks: list[Block] = [
                cover([f"{dept}{year}年度部门整体支出绩效自评报告"]),
                Para(
                    [
                        "一、部门基本情况",
                        f"{dept}是主管本行政区域相关工作的政府工作部门，内设股室若干。",
                        *report_text(rng, dept, 2),
                        "二、自评结论",
                        f"经自评，{dept}{year}年度部门整体支出绩效自评得分"
                        f"{fmt_short(form.project.total.score or 0)}分。",
                    ]
                ),
                PageBreak(),
                Para(["附件2："]),
                form,
            ]
            docs.append(DocSpec(f"{fam}-{k}", fam, True, blocks, landscape=False))
        else:
            docs.append(
                DocSpec(f"{fam}-{k}", fam, True, [form], landscape=k == 2, repeat_header=k == 3)
            )
    return docs


# ---------------------------------------------------------------------------------------
# q2: a province's 项目支出绩效自评表: the title inside the table, 预算执行 as one row


def _q2_form(
    rng: random.Random,
    org: Org,
    domain: Domain,
    name: str,
    year: int,
    *,
    unmet: bool = False,
) -> Form:
    budget = amount(rng, *domain.budget)
    initial = rnd(budget * rng.choice((1.0, rng.uniform(0.8, 0.97))), 2)
    executed = execution(rng, budget)
    rate = rate_of(executed, budget)
    assert rate is not None
    f_score = rnd(10 * rate / 100, 2)
    tb = TableBuilder(10)
    tb.row(C(f"{year}年度项目支出绩效自评表", 10))
    tb.row(C(f"填报单位（盖章）：{org.implementer}", 7), C("金额单位：万元", 3))
    tb.row("项目名称", C(name, 9))
    tb.row("主管部门", C(org.department, 4), "实施单位", C(org.implementer, 4))
    tb.row(
        C("预算执行", 1, 2),
        C("年初预算数", 2),
        C("全年预算数", 2),
        C("全年执行数", 2),
        "分值",
        "执行率",
        "得分",
    )
    tb.row(
        C(fmt(initial, 2), 2),
        C(fmt(budget, 2), 2),
        C(fmt(executed, 2), 2),
        "10",
        pct(rate),
        fmt_short(f_score),
    )
    expected, achieved = goal_lines(rng, domain, fmt(budget, 2))
    tb.row(C("年度总体目标", 1, 2), C("预期目标", 5), C("实际完成情况", 4))
    tb.row(C(expected, 5), C(achieved, 4))
    specs = pick_specs(rng, domain, rng.randint(7, 10))
    weights = weigh(rng, specs, split_levels(specs, 90))
    outs = outcomes(rng, specs, weights, rng.choice((1, 2)))
    wrong = -1
    if unmet:  # a quantitative target clearly missed, yet scored full marks
        wrong = next(
            i for i, o in enumerate(outs) if o.met and o.spec.op == "≥" and o.spec.level1 != SAT
        )
        missed = outs[wrong]
        while True:
            missed = outcome(rng, specs[wrong], weights[wrong], miss=True)
            assert missed.target is not None and missed.actual is not None
            if missed.actual <= missed.target * 0.95:
                break
        outs[wrong] = Outcome(**{**missed.__dict__, "score": missed.weight, "reason": None})
    first = tb.next_row
    tb.row(
        "一级指标",
        "二级指标",
        "三级指标",
        "年度指标值（A）",
        "实际完成值（B）",
        "分值",
        "得分",
        C("偏差原因分析及改进措施", 3),
    )
    tb.mark_header(first, first + 1)
    body: list[list[str | C]] = []
    indicators: list[Indicator] = []
    scores: list[float] = []
    for o in outs:
        score = o.score or 0
        scores.append(score)
        t_cell, a_cell = target_cell(o), actual_cell(o)
        body.append(
            [
                o.spec.level1,
                o.spec.level2,
                o.spec.name,
                t_cell,
                a_cell,
                fmt_short(o.weight),
                fmt_short(score),
                C(o.reason or "", 3),
            ]
        )
        indicators.append(indicator(o, value(t_cell), value(a_cell), score=score, reason=o.reason))
    for cells in merge_leading(body, 2):
        tb.row(*cells)
    t_score = total_score([f_score, *scores])
    tb.row(C("总分", 5), "100", fmt_short(t_score), C("", 3))
    flags: list[ExpectedFlag] = []
    notes = [
        "title and unit line inside the table's first rows (no title above it)",
        "预算执行 printed as one unlabelled row → one total line with the funding weight",
    ]
    if wrong >= 0:
        o = outs[wrong]
        assert o.target is not None and o.actual is not None
        flags.append(
            ExpectedFlag(
                rule="indicator.target_not_met",
                project=None,
                path=f"indicators[{wrong}].score",
                note=f"指标值 {target_cell(o)}，实际完成 {actual_cell(o)}，"
                f"未达标却得满分 {fmt_short(o.weight)}",
            )
        )
        notes.append("one missed quantitative target scored full marks (on purpose)")
    line = funding(
        "total",
        "万元",
        initial_budget=initial,
        budget=budget,
        executed=executed,
        execution_rate=rate,
        weight=10,
        score=f_score,
    )
    proj = self_evaluation_project(name, year, org, [line], indicators, t_score)
    return Form(
        [],
        tb.build(),
        proj,
        foot=[
            "注：1.得分=分值×实际完成值（B）/年度指标值（A），反向指标得分=分值×A/B；",
            "2.偏差原因分析及改进措施须填写未完成指标的原因。",
        ],
        flags=flags,
        notes=notes,
    )


def q2() -> list[DocSpec]:
    fam = "q2"
    rng, org, year, forms = first_document_forms(fam, (2022, 2023, 2024), _q2_form)
    blocks: list[Block] = [
        cover([f"{org.implementer}", f"{year}年度项目支出绩效自评报告"]),
        Para(
            [
                "一、基本情况",
                f"本单位{year}年度纳入自评的项目共{len(forms)}个："
                + "、".join(f.project.name for f in forms)
                + "。",
                *report_text(rng, org.implementer, 2),
                "二、自评表",
            ]
        ),
        *forms,  # the second table follows the first on the same page
    ]
    doc = DocSpec(f"{fam}-1", fam, True, blocks, landscape=False, page_height=620.0)
    doc.notes.append("two forms run on over the pages, headers not repeated")
    docs = [doc]
    for k in (2, 3):
        form = single_project_form(
            fam,
            k,
            (2023, 2024),
            _q2_form,
            unmet=k == 2,
            domains=[x for x in DOMAINS if sum(s.op == "≥" for s in x.specs) >= 4],
        )
        docs.append(
            DocSpec(f"{fam}-{k}", fam, True, [form], landscape=k == 3, repeat_header=k == 3)
        )
    return docs


# ---------------------------------------------------------------------------------------
# q3: 项目绩效目标表 (申报), year in brackets, 长期目标 / 年度目标 rows, unit in the value


def _q3_form(rng: random.Random, org: Org, domain: Domain, name: str, year: int, unit: str) -> Form:
    scale = 10000 if unit == "元" else 1
    total = rnd(amount(rng, *domain.budget) * scale, 2)
    labels = [("财政拨款", "fiscal"), ("其他资金", "other")]
    split = parts(rng, total, labels, zero_tail=rng.choice((0, 1)))
    thousands = unit == "元"
    tb = TableBuilder(6)
    tb.row("项目名称", C(name, 5))
    tb.row("主管部门", C(org.dept_with_code(), 2), "实施单位", C(org.implementer, 2))
    kind = rng.choice(("其他运转类", "特定目标类"))
    tb.row("项目类别", C(kind, 2), "项目期限", C(f"{year}年1月-{year}年12月", 2))
    tb.row(C(f"项目资金（{unit}）", 1, 2), C("资金总额", 2), "财政拨款", C("其他资金", 2))
    tb.row(
        C(fmt(total, 2, thousands), 2),
        fmt(split[0][2], 2, thousands),
        C(fmt(split[1][2], 2, thousands) if split[1][2] else "", 2),
    )
    clauses = [c.rstrip("。") for c in domain.goal.split("，") if "{amount}" not in c]
    lasting = f"持续推进{name.removeprefix(f'{year}年')}实施，" + "，".join(clauses) + "。"
    tb.row("长期目标", C(lasting, 5))
    tb.row("年度目标", C("；".join(f"{i}.{c}" for i, c in enumerate(clauses[:3], 1)) + "。", 5))
    specs = pick_specs(rng, domain, rng.randint(6, 9))
    weights = weigh(rng, specs, split_levels(specs, 100))
    outs: list[Outcome] = outcomes(rng, specs, weights, 0, scored=False)
    first = tb.next_row
    tb.row("一级指标", "二级指标", C("三级指标", 2), C("指标值（包含数字及文字描述）", 2))
    tb.mark_header(first, first + 1)
    body: list[list[str | C]] = []
    indicators: list[Indicator] = []
    for o in outs:
        t_cell = target_cell(o)
        body.append([o.spec.level1, o.spec.level2, C(o.spec.name, 2), C(t_cell, 2)])
        indicators.append(indicator(o, value(t_cell), None, scored=False, weighted=False))
    for cells in merge_leading(body, 2):
        tb.row(*cells)
    lines = [funding("total", unit, budget=total)]
    lines += [funding(source, unit, budget=a) for _, source, a in split if a]
    proj = project(
        name,
        "project_target",
        year,
        org.dept_with_code(),
        org.implementer,
        funding_lines=lines,
        indicators=indicators,
    )
    notes = [f"funds in {unit} across one row; 长期目标/年度目标 rows; unit inside 指标值"]
    if not split[1][2]:
        notes.append("其他资金 printed empty: no line")
    return Form(
        [f"项目绩效目标表（{year}年度）"],
        tb.build(),
        proj,
        foot=[f"填报单位：{org.implementer}    填报人：{person(rng)}"],
        notes=notes,
    )


def q3() -> list[DocSpec]:
    fam = "q3"
    _, org, year, forms = first_document_forms(fam, (2024, 2025), _q3_form, "万元")
    blocks: list[Block] = [
        cover([f"{org.department}{year}年部门预算"]),
        Para(
            [
                "第四部分 附件",
                f"{org.department}{year}年项目支出绩效目标如下。",
            ]
        ),
    ]
    for i, form in enumerate(forms, 1):
        if i > 1:
            blocks.append(PageBreak())
        blocks += [Para([f"附件{i + 2}："]), form]
    docs = [DocSpec(f"{fam}-1", fam, True, blocks, landscape=False)]
    for k in (2, 3):
        unit = "元" if k == 2 else "万元"
        form = single_project_form(fam, k, (2024, 2025), _q3_form, unit)
        docs.append(DocSpec(f"{fam}-{k}", fam, True, [form], landscape=k == 3))
    return docs


# ---------------------------------------------------------------------------------------
# q4: an evaluation report's 综合评分表: 评价指标 over the levels, a 分值 column per level


@dataclass(frozen=True)
class Measure:
    """A 三级指标 of the evaluation's system with its 指标解释 and 评价标准 (invented
    wording). `rate`: the row scores a funding rate (得分=rate×分值)."""

    level1: str
    level2: str
    name: str
    explain: str
    standard: str
    rate: str = ""


Q4_MEASURES: tuple[Measure, ...] = (
    Measure(
        "决策",
        "项目立项",
        "立项依据",
        "项目设立是否有政策依据并与部门职能相符。",
        "有依据且相符得满分，否则不得分。",
    ),
    Measure(
        "决策",
        "项目立项",
        "立项程序",
        "是否经过可行性研究、集体决策等程序。",
        "程序完整得满分，缺一项扣1分。",
    ),
    Measure(
        "决策",
        "绩效目标",
        "目标设定",
        "是否设定绩效目标，目标是否与项目内容相关。",
        "设定且相关得满分，部分相关得50%。",
    ),
    Measure(
        "决策",
        "资金投入",
        "资金分配",
        "资金分配办法是否明确，分配结果是否合理。",
        "分配合理得满分，发现不合理扣1分。",
    ),
    Measure(
        "过程",
        "资金管理",
        "资金到位",
        "实际到位资金占计划投入资金的比例。",
        "得分=资金到位率×分值。",
        rate="received",
    ),
    Measure(
        "过程",
        "资金管理",
        "预算执行",
        "项目实际支出占预算资金的比例。",
        "得分=预算执行率×分值。",
        rate="executed",
    ),
    Measure(
        "过程",
        "资金管理",
        "使用规范",
        "资金拨付是否履行审批手续，有无挪用。",
        "无违规得满分，一处违规扣2分。",
    ),
    Measure(
        "过程",
        "组织实施",
        "制度建设",
        "是否制定项目管理办法和资金管理办法。",
        "制度齐全得满分，缺一项扣1分。",
    ),
    Measure(
        "过程",
        "组织实施",
        "档案管理",
        "项目招投标、合同、验收资料是否完整。",
        "资料完整得满分，缺失酌情扣分。",
    ),
    Measure(
        "产出",
        "产出数量",
        "任务完成程度",
        "实际完成工作量与计划工作量的比例。",
        "全部完成得满分，按完成比例计分。",
    ),
    Measure(
        "产出",
        "产出质量",
        "验收合格情况",
        "项目完成后验收合格的比例。",
        "全部合格得满分，每降低1%扣0.5分。",
    ),
    Measure(
        "产出",
        "产出时效",
        "进度控制",
        "各阶段任务是否在计划时间内完成。",
        "按时完成得满分，延迟酌情扣分。",
    ),
    Measure(
        "产出", "产出成本", "成本节约", "实际成本与预算成本的比较。", "不超预算得满分，超支不得分。"
    ),
    Measure(
        "效益",
        "实施效益",
        "社会效益发挥",
        "项目对改善民生、促进发展的作用。",
        "作用明显得满分，一般得60%。",
    ),
    Measure(
        "效益",
        "实施效益",
        "长效机制",
        "后续管护责任是否落实，能否持续发挥作用。",
        "落实得满分，未落实扣50%。",
    ),
    Measure(
        "效益",
        "满意度",
        "受益群众满意率",
        "问卷调查受益群众对项目的满意比例。",
        "满意率≥90%得满分，每低1%扣0.5分。",
    ),
)
Q4_SPLITS = (
    {"决策": 15, "过程": 25, "产出": 35, "效益": 25},
    {"决策": 20, "过程": 20, "产出": 40, "效益": 20},
)


def _q4_funds(rng: random.Random) -> Funds:
    return draw_funds(rng, (80, 1500), all_received=0.6, received_low=0.9, executed_low=0.85)


def _q4_form(
    rng: random.Random,
    name: str,
    year: int | None,
    department: str | None,
    implementer: str | None,
    funds: Funds | None,
    *,
    error: bool = False,
) -> Form:
    split = rng.choice(Q4_SPLITS)
    chosen: list[Measure] = []
    for level1 in split:
        rows = [m for m in Q4_MEASURES if m.level1 == level1 and (m.rate == "" or funds)]
        skip = set(rng.sample(range(len(rows)), 1 if len(rows) > 3 else 0))
        chosen += [m for i, m in enumerate(rows) if i not in skip]
    weights: list[float] = []
    for level1, total in split.items():
        weights += partition(rng, total, sum(m.level1 == level1 for m in chosen))
    cut = set(rng.sample(range(len(chosen)), rng.randint(3, 5)))
    scores: list[float] = []
    for i, (m, w) in enumerate(zip(chosen, weights, strict=True)):
        if m.rate and funds is not None:
            rate = funds.received_rate if m.rate == "received" else funds.execution_rate
            scores.append(rnd(w * rate / 100, 2))
        elif i in cut:
            scores.append(rnd(max(w - rng.choice((0.5, 1.0, 2.0)), w * 0.5), 2))
        else:
            scores.append(w)
    level2_weight = level2_weights(chosen, weights)
    tb = TableBuilder(9)
    first = tb.next_row
    tb.row(C("评价指标", 6), C("指标解释", 1, 2), C("评价标准", 1, 2), C("得分", 1, 2))
    tb.row("一级指标", "分值", "二级指标", "分值", "三级指标", "分值")
    tb.mark_header(first, first + 2)
    body: list[list[str | C]] = []
    indicators: list[Indicator] = []
    for m, w, s in zip(chosen, weights, scores, strict=True):
        body.append(
            [
                m.level1,
                fmt_short(split[m.level1]),
                m.level2,
                fmt_short(level2_weight[(m.level1, m.level2)]),
                m.name,
                fmt_short(w),
                m.explain,
                m.standard,
                fmt_short(s),
            ]
        )
        indicators.append(scored_criterion(m.level1, m.level2, m.name, w, s))
    for cells in merge_leading(body, 4):
        tb.row(*cells)
    t_score = total_score(scores)
    printed = rnd(t_score - 0.5, 2) if error else t_score
    tb.row("合计", "100", C("", 4), C("", 2), fmt_short(printed))
    flags: list[ExpectedFlag] = []
    notes = ["a 分值 column after each level: level-1 → subtotals, level-2 dropped"]
    if error:
        flags.append(
            ExpectedFlag(
                rule="total.score_sum",
                project=None,
                path="total.score",
                note=f"合计得分印为 {fmt_short(printed)}，各项得分之和为 {fmt_short(t_score)}",
            )
        )
        notes.append("合计 score printed 0.5 below the sum of the scores (on purpose)")
    lines = []
    if funds is not None:
        lines.append(funds.line())
        notes.append("funding line from the report's sentences (预算/到位/支出)")
    proj = project(
        name,
        "evaluation_scoring",
        year,
        department,
        implementer,
        funding_lines=lines,
        indicators=indicators,
        subtotals=[Subtotal(level1=k, weight=v, score=None) for k, v in split.items()],
        total=(100, printed),
    )
    return Form(
        ["项目绩效评价综合评分表"],
        tb.build(),
        proj,
        subtitle=[f"项目名称：{name}"],
        flags=flags,
        notes=notes,
    )


def q4() -> list[DocSpec]:
    fam = "q4"
    docs = []
    for k in (1, 2, 3):
        rng, org, year, name = evaluated_project(fam, k, (2022, 2023, 2024))
        if k == 3:  # the score table alone, as an annex file
            form = _q4_form(rng, name, None, None, None, None)
            docs.append(DocSpec(f"{fam}-{k}", fam, True, [form], landscape=True))
            continue
        funds = _q4_funds(rng)
        form = _q4_form(rng, name, year, org.department, org.implementer, funds, error=k == 2)
        score = form.project.total.score or 0
        grade = grade_of(score)
        blocks: list[Block] = [
            cover([f"{name}项目", f"{year}年度绩效评价报告"]),
            Para(
                [
                    "一、项目基本情况",
                    f"项目主管部门为{org.department}，实施单位为{org.implementer}。",
                    f"{year}年该项目预算资金{fmt(funds.budget, 2)}万元，"
                    f"实际到位{fmt(funds.received, 2)}万元，到位率{pct(funds.received_rate)}；"
                    f"实际支出{fmt(funds.executed, 2)}万元，"
                    f"预算执行率{pct(funds.execution_rate)}。",
                    "二、绩效评价工作情况",
                    *report_text(rng, org.implementer, 2),
                    "三、评价结论",
                    f"项目综合评分{fmt_short(score)}分，评价等级为“{grade}”。",
                ]
            ),
            PageBreak(),
            Para(["附件2："]),
            form,
        ]
        doc = DocSpec(f"{fam}-{k}", fam, True, blocks, landscape=False, repeat_header=k == 2)
        if k == 2:
            doc.page_height = 440.0
            doc.notes.append("the score table continued over pages, its header printed again")
        docs.append(doc)
    return docs


HELD_OUT_6: tuple[Family, ...] = (
    Family("q1", "held out", q1, held_out=True, held_out_set=SET, scan_last=2),
    Family("q2", "held out", q2, held_out=True, held_out_set=SET, scan_last=2),
    Family("q3", "held out", q3, held_out=True, held_out_set=SET, scan_last=2),
    Family("q4", "held out", q4, held_out=True, held_out_set=SET, scan_last=2),
)
