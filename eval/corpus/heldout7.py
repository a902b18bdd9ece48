"""SEVENTH HELD-OUT SET (golden/heldout7): measured once blind, then developed against.

It was measured (field F1 0.975) before anyone working on the reader looked at it, then
the reader may be developed against it; golden/heldout8 is the set still unseen. Generated
like the development families and scored with `extractor eval --golden golden/heldout7`.
The last two documents of every family are also scanned.

Layouts studied through published forms of other regions (layouts only, no text copied):
a 项目支出绩效自评表 whose 分值 / 得分 come before the 年度指标值 / 实际完成值 pair, with a
未完成原因分析 column and notes lines under the table; a 部门整体绩效目标表 with 部门总体资金情况
split 财政拨款 / 其他资金, indicators under a 年度绩效指标 column over 一级 / 二级 / 三级 with
指标值 and a 备注 column; an evaluation report's 绩效评价指标体系及评分表 with a 权重（%）
column after each level and a 评分依据 column; a 专项资金绩效自评表 in 元 whose funding runs
across a 资金来源 row (合计 and each level of government as columns) with 年度预算数 /
实际到位数 / 实际执行数 / 执行率 as rows.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from eval.corpus.content import DOMAINS, Domain, person, phone, report_text
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
from eval.corpus.families.funds import amount, execution, parts, rate_of, self_eval_block
from eval.corpus.heldout_common import ProjectFunds as Funds
from eval.corpus.heldout_common import (
    draw_funds,
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
    partition,
    pct,
    rnd,
    target_cell,
)
from extractor.models import ExpectedFlag, Indicator, Subtotal

SET = "heldout7"


# ---------------------------------------------------------------------------------------
# r1: 项目支出绩效自评表, 分值 / 得分 before the values, 未完成原因分析, notes lines

R1_FUNDS = [("年度资金总额", "total"), ("其中：财政拨款", "fiscal"), ("其他资金", "other")]


def _r1_form(
    rng: random.Random, org: Org, domain: Domain, name: str, year: int, *, bad_rate: bool
) -> Form:
    rows = self_eval_block(rng, domain.budget, R1_FUNDS, zero_tail=rng.choice((0, 1)))
    total = rows[0]
    printed_rate = total.rate
    if bad_rate:  # the total's 执行率 printed 2.4 points low
        assert total.rate is not None
        printed_rate = rnd(total.rate - 2.4, 2)
    tb = TableBuilder(8)
    tb.row("项目名称", C(name, 7))
    tb.row("主管部门", C(org.department, 3), "实施单位", C(org.implementer, 3))
    tb.row(
        C("项目资金（万元）", 1, 1 + len(rows)),
        "",
        "年初预算数",
        "全年预算数",
        "全年执行数",
        "分值",
        "执行率",
        "得分",
    )
    for i, r in enumerate(rows):
        if not r.budget:  # a part with nothing in it: printed with dashes only
            tb.row(r.printed, "—", "—", "—", "", "", "")
            continue
        first = i == 0
        tb.row(
            r.printed,
            fmt(r.initial or 0, 2),
            fmt(r.budget, 2),
            fmt(r.executed or 0, 2),
            fmt_short(r.weight or 0) if first else "",
            pct(printed_rate or 0) if first else "",
            fmt_short(r.score or 0) if first else "",
        )
    expected, achieved = goal_lines(rng, domain, fmt(total.budget or 0, 2))
    tb.row(C("年度总体目标", 1, 2), C("预期目标", 4), C("实际完成情况", 3))
    tb.row(C(expected, 4), C(achieved, 3))
    specs = pick_specs(rng, domain, rng.randint(7, 10))
    weights = weigh(rng, specs, split_levels(specs, 90))
    outs = outcomes(rng, specs, weights, rng.choice((1, 2)))
    first = tb.next_row
    tb.row(
        "一级指标",
        "二级指标",
        "三级指标",
        "分值",
        "得分",
        "年度指标值",
        "实际完成值",
        "未完成原因分析",
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
                fmt_short(o.weight),
                fmt_short(o.score or 0),
                t_cell,
                a_cell,
                o.reason or "",
            ]
        )
        indicators.append(indicator(o, value(t_cell), value(a_cell), reason=o.reason))
    for cells in merge_leading(body, 2):
        tb.row(*cells)
    t_score = total_score([total.score, *(o.score for o in outs)])
    tb.row(C("总分", 3), "100", fmt_short(t_score), C("", 3))
    lines = [
        funding(
            r.source,
            "万元",
            initial_budget=r.initial,
            budget=r.budget,
            executed=r.executed,
            execution_rate=printed_rate if i == 0 else None,
            weight=r.weight,
            score=r.score,
        )
        for i, r in enumerate(rows)
        if r.budget
    ]
    flags: list[ExpectedFlag] = []
    notes = ["分值/得分 printed before 年度指标值/实际完成值; reason column 未完成原因分析"]
    if len(lines) < len(rows):
        notes.append("其他资金 printed with dashes only: no line")
    if bad_rate:
        flags.append(
            ExpectedFlag(
                rule="funding.execution_rate",
                project=None,
                path="funding[0].execution_rate",
                note=f"执行率印为 {pct(printed_rate or 0)}，"
                f"全年执行数/全年预算数为 {pct(total.rate or 0)}",
            )
        )
        notes.append("the total's 执行率 printed 2.4 points low (on purpose)")
    proj = self_evaluation_project(name, year, org, lines, indicators, t_score)
    return Form(
        ["项目支出绩效自评表"],
        tb.build(),
        proj,
        subtitle=[f"（{year}年度）", "单位：万元"],
        foot=[
            "备注：1.执行率=全年执行数/全年预算数，资金得分=分值×执行率；",
            "2.未完成年度指标值的，须在未完成原因分析栏说明原因。",
            f"单位负责人：{person(rng)}    填表人：{person(rng)}    联系电话：{phone(rng)}",
        ],
        flags=flags,
        notes=notes,
    )


def r1() -> list[DocSpec]:
    fam = "r1"
    rng, org, year, forms = first_document_forms(
        fam,
        (2022, 2023, 2024),
        _r1_form,
        bad_rate=False,
    )
    blocks: list[Block] = [
        cover([f"{org.implementer}{year}年度项目支出绩效自评报告"]),
        Para(
            [
                "一、项目概况",
                f"{year}年度本单位对"
                + "、".join(f.project.name for f in forms)
                + "开展了绩效自评。",
                *report_text(rng, org.implementer, 2),
            ]
        ),
    ]
    for i, form in enumerate(forms, 1):
        blocks += [PageBreak(), Para([f"附表{i}"]), form]
    docs = [DocSpec(f"{fam}-1", fam, True, blocks, landscape=True)]
    for k in (2, 3):
        form = single_project_form(
            fam,
            k,
            (2023, 2024),
            _r1_form,
            bad_rate=k == 2,
        )
        docs.append(DocSpec(f"{fam}-{k}", fam, True, [form], landscape=k == 2))
    return docs


# ---------------------------------------------------------------------------------------
# r2: 部门整体绩效目标表, 部门总体资金情况 财政拨款 / 其他资金, 指标值 and 备注

R2_REMARKS = ("较上年持平", "参照上年完成情况设定", "按省定标准", "新增指标", "")


def _r2_form(
    rng: random.Random,
    department: str,
    domains: list[Domain],
    year: int,
    unit: str,
    *,
    bad_total: bool = False,
) -> Form:
    scale = 10000 if unit == "元" else 1
    lo = sum(d.budget[0] for d in domains) * 2 * scale
    hi = sum(d.budget[1] for d in domains) * 2.5 * scale
    total = amount(rng, lo, hi)
    split = parts(
        rng, total, [("财政拨款", "fiscal"), ("其他资金", "other")], zero_tail=rng.choice((0, 1))
    )
    printed_total = rnd(total + 10 * scale, 2) if bad_total else total
    thousands = unit == "元"
    tb = TableBuilder(7)
    tb.row("部门名称", C(department, 6))
    tb.row(
        C(f"部门总体资金情况（{unit}）", 1, 2),
        C("资金总额", 2),
        C("财政拨款", 2),
        C("其他资金", 2),
    )
    tb.row(
        C(fmt(printed_total, 2, thousands), 2),
        C(fmt(split[0][2], 2, thousands), 2),
        C(fmt(split[1][2], 2, thousands) if split[1][2] else "—", 2),
    )
    tb.row(
        "部门职责",
        C(
            "贯彻执行国家和上级有关方针政策，按照职责分工负责本行政区域内相关行业管理和公共服务工作。",
            6,
        ),
    )
    clauses = [c.rstrip("。") for d in domains[:3] for c in d.goal.split("，")]
    clauses = [c for c in clauses if "{amount}" not in c][:3]
    goals = "；".join(f"{i}.{c}" for i, c in enumerate(clauses, 1))
    tb.row("年度总体目标", C(goals + "。", 6))
    specs = pick_across(rng, domains, rng.randint(9, 13))
    outs = outcomes(rng, specs, [0.0] * len(specs), 0, scored=False)
    first = tb.next_row
    n_body = len(outs)
    tb.row(
        C("年度绩效指标", 1, 1 + n_body),
        "一级指标",
        "二级指标",
        "三级指标",
        C("指标值", 2),
        "备注",
    )
    tb.mark_header(first, first + 1)
    body: list[list[str | C]] = []
    indicators: list[Indicator] = []
    for o in outs:
        t_cell = target_cell(o)
        body.append(
            [o.spec.level1, o.spec.level2, o.spec.name, C(t_cell, 2), rng.choice(R2_REMARKS)]
        )
        indicators.append(indicator(o, value(t_cell), None, scored=False, weighted=False))
    for cells in merge_leading(body, 2):
        tb.row(*cells)
    lines = [funding("total", unit, budget=printed_total)]
    lines += [funding(source, unit, budget=a) for _, source, a in split if a]
    flags: list[ExpectedFlag] = []
    notes = [
        "部门总体资金情况 across one row (资金总额 | 财政拨款 | 其他资金); 年度绩效指标 column "
        "spanning the indicator rows; 备注 cells (not read)"
    ]
    if not split[1][2]:
        notes.append("其他资金 printed as a dash: no line")
    if bad_total:
        flags.append(
            ExpectedFlag(
                rule="funding.total_sum",
                project=None,
                path="funding[0].budget",
                note=f"资金总额印为 {fmt(printed_total, 2, thousands)}，"
                f"财政拨款与其他资金之和为 {fmt(total, 2, thousands)}",
            )
        )
        notes.append(f"资金总额 printed 10万元 above its parts (on purpose, in {unit})")
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
        subtitle=[f"（{year}年度）"],
        foot=[f"填报单位（盖章）：{department}    填报日期：{year - 1}年12月"],
        flags=flags,
        notes=notes,
    )


def r2() -> list[DocSpec]:
    fam = "r2"
    docs = []
    for k in (1, 2, 3):
        rng = rng_for(fam, k)
        dept, domains, year = _department(rng, fam, k)
        unit = "元" if k == 2 else "万元"
        form = _r2_form(rng, dept, domains, year + 1, unit, bad_total=k == 2)
        if k == 1:
            blocks: list[Block] = [
                cover([f"{dept}{year + 1}年部门预算公开"]),
                Para(
                    [
                        "第三部分 其他重要事项的情况说明",
                        f"按照预算绩效管理要求，{dept}编制了{year + 1}年部门整体绩效目标。",
                    ]
                ),
                form,
            ]
            doc = DocSpec(f"{fam}-{k}", fam, True, blocks, landscape=False, page_height=400.0)
            doc.notes.append("the indicator table continues on the next page, header not repeated")
            docs.append(doc)
        else:
            docs.append(
                DocSpec(f"{fam}-{k}", fam, True, [form], landscape=k == 3, repeat_header=k == 3)
            )
    return docs


# ---------------------------------------------------------------------------------------
# r3: 绩效评价指标体系及评分表: a 权重（%） column after each level, 评分依据


@dataclass(frozen=True)
class Criterion:
    """A 三级指标 of the evaluation's system with its 评分依据 (invented wording).
    `rate`: the row scores a funding rate (得分=rate×权重)."""

    level1: str
    level2: str
    name: str
    basis: str
    rate: str = ""


R3_CRITERIA: tuple[Criterion, ...] = (
    Criterion("项目决策", "项目立项", "立项规范性", "查阅立项批复、会议纪要，程序规范得满分。"),
    Criterion("项目决策", "项目立项", "立项必要性", "对照部门职责与发展规划，必要性充分得满分。"),
    Criterion(
        "项目决策", "绩效目标", "绩效目标合理性", "目标明确、细化、量化得满分，否则酌情扣分。"
    ),
    Criterion("项目决策", "资金投入", "预算编制科学性", "预算经过测算且与任务匹配得满分。"),
    Criterion(
        "项目管理", "资金管理", "资金到位率", "资金到位率×权重，依据资金下达文件。", rate="received"
    ),
    Criterion(
        "项目管理", "资金管理", "预算执行率", "预算执行率×权重，依据会计账簿。", rate="executed"
    ),
    Criterion("项目管理", "资金管理", "资金使用合规性", "抽查凭证，发现一笔不合规扣1分。"),
    Criterion("项目管理", "组织实施", "管理制度健全性", "制度健全且执行有效得满分。"),
    Criterion("项目管理", "组织实施", "项目质量可控性", "有质量检查、验收记录得满分。"),
    Criterion("项目绩效", "项目产出", "实际完成率", "实际完成量/计划量×权重。"),
    Criterion("项目绩效", "项目产出", "质量达标率", "以验收报告为依据，全部达标得满分。"),
    Criterion("项目绩效", "项目产出", "完成及时性", "按期完成得满分，逾期一月扣1分。"),
    Criterion("项目绩效", "项目效益", "社会效益", "结合走访调查，效益明显得满分。"),
    Criterion("项目绩效", "项目效益", "可持续影响", "有长效管护机制得满分。"),
    Criterion("项目绩效", "满意度", "服务对象满意度", "问卷调查满意率≥90%得满分。"),
)
R3_SPLITS = (
    {"项目决策": 20, "项目管理": 20, "项目绩效": 60},
    {"项目决策": 15, "项目管理": 25, "项目绩效": 60},
)


def _r3_funds(rng: random.Random) -> Funds:
    return draw_funds(rng, (60, 1200), all_received=0.5, received_low=0.88, executed_low=0.8)


def _r3_form(
    rng: random.Random,
    name: str,
    year: int,
    department: str,
    implementer: str,
    funds: Funds,
    *,
    over: bool = False,
) -> Form:
    split = rng.choice(R3_SPLITS)
    chosen: list[Criterion] = []
    for level1 in split:
        rows = [c for c in R3_CRITERIA if c.level1 == level1]
        skip = set(rng.sample(range(len(rows)), rng.randint(0, 1) if len(rows) > 4 else 0))
        chosen += [c for i, c in enumerate(rows) if i not in skip]
    weights: list[float] = []
    for level1, total in split.items():
        weights += partition(rng, total, sum(c.level1 == level1 for c in chosen))
    cut = set(rng.sample(range(len(chosen)), rng.randint(2, 4)))
    scores: list[float] = []
    for i, (c, w) in enumerate(zip(chosen, weights, strict=True)):
        if c.rate:
            rate = funds.received_rate if c.rate == "received" else funds.execution_rate
            scores.append(rnd(w * rate / 100, 2))
        elif i in cut:
            scores.append(rnd(max(w - rng.choice((0.5, 1.0, 1.5)), w * 0.5), 2))
        else:
            scores.append(w)
    bump = -1
    if over:  # one 得分 printed above its 权重
        bump = next(i for i, (w, s) in enumerate(zip(weights, scores, strict=True)) if s == w)
        scores[bump] = rnd(weights[bump] + 1, 2)
    level2_weight = level2_weights(chosen, weights)
    tb = TableBuilder(8)
    first = tb.next_row
    tb.row(
        "一级指标",
        "权重（%）",
        "二级指标",
        "权重（%）",
        "三级指标",
        "权重（%）",
        "评分依据",
        "评价得分",
    )
    tb.mark_header(first, first + 1)
    body: list[list[str | C]] = []
    indicators: list[Indicator] = []
    for c, w, s in zip(chosen, weights, scores, strict=True):
        body.append(
            [
                c.level1,
                fmt_short(split[c.level1]),
                c.level2,
                fmt_short(level2_weight[(c.level1, c.level2)]),
                c.name,
                fmt_short(w),
                c.basis,
                fmt_short(s),
            ]
        )
        indicators.append(scored_criterion(c.level1, c.level2, c.name, w, s))
    for cells in merge_leading(body, 4):
        tb.row(*cells)
    t_score = total_score(scores)
    tb.row("合计", "100", C("", 4), "", fmt_short(t_score))
    flags: list[ExpectedFlag] = []
    notes = ["a 权重（%） column after each level: level-1 → subtotals, level-2 dropped"]
    if bump >= 0:
        flags.append(
            ExpectedFlag(
                rule="indicator.score_above_weight",
                project=None,
                path=f"indicators[{bump}].score",
                note=f"评价得分 {fmt_short(scores[bump])} 高于权重 {fmt_short(weights[bump])}",
            )
        )
        notes.append("one 评价得分 printed 1 point above its 权重 (on purpose)")
    line = funds.line()
    notes.append("funding line from the report's sentences (预算/到位/支出)")
    proj = project(
        name,
        "evaluation_scoring",
        year,
        department,
        implementer,
        funding_lines=[line],
        indicators=indicators,
        subtotals=[Subtotal(level1=k, weight=v, score=None) for k, v in split.items()],
        total=(100, t_score),
    )
    return Form(
        [f"{name}绩效评价指标体系及评分表"],
        tb.build(),
        proj,
        foot=["注：评分依据栏列明各三级指标的评分方法及佐证资料。"],
        flags=flags,
        notes=notes,
    )


def r3() -> list[DocSpec]:
    fam = "r3"
    docs = []
    for k in (1, 2, 3):
        rng = rng_for(fam, k)
        d = rng.choice(DOMAINS)
        org = org_for(rng, d, place_for(fam, k))
        year = rng.choice((2022, 2023, 2024))
        name = rng.choice(d.names).replace("{county}", org.county)
        if not name.endswith("项目"):
            name += "项目"
        funds = _r3_funds(rng)
        form = _r3_form(rng, name, year, org.department, org.implementer, funds, over=k == 2)
        score = form.project.total.score or 0
        grade = grade_of(score)
        blocks: list[Block] = [
            cover([f"{name}", f"{year}年度财政支出绩效评价报告"]),
            Para(
                [
                    "一、基本情况",
                    f"该项目由{org.department}主管，{org.implementer}具体实施。",
                    f"{year}年项目预算资金{fmt(funds.budget, 2)}万元，"
                    f"实际到位{fmt(funds.received, 2)}万元，到位率{pct(funds.received_rate)}；"
                    f"实际支出{fmt(funds.executed, 2)}万元，"
                    f"预算执行率{pct(funds.execution_rate)}。",
                    "二、评价工作开展情况",
                    *report_text(rng, org.implementer, 2),
                    "三、综合评价结论",
                    f"经评价，项目得分{fmt_short(score)}分，绩效等级为“{grade}”。",
                    "四、绩效评价指标体系及评分",
                ]
            ),
            form,
        ]
        doc = DocSpec(f"{fam}-{k}", fam, True, blocks, landscape=k == 3, repeat_header=k == 2)
        if k == 2:
            doc.page_height = 460.0
            doc.notes.append("the score table continued over pages, its header printed again")
        docs.append(doc)
    return docs


# ---------------------------------------------------------------------------------------
# r4: 专项资金绩效自评表 in 元: 资金来源 across one row, 预算/到位/执行 as rows

R4_SOURCES = ("中央资金", "省级资金", "市级资金", "县级资金", "其他资金")


@dataclass
class SourceColumn:
    label: str  # printed in the 资金来源 row; the golden source ("total" for 合计)
    budget: float
    received: float
    executed: float

    @property
    def rate(self) -> float | None:
        return rate_of(self.executed, self.budget)


def _r4_columns(rng: random.Random, domain: Domain) -> list[SourceColumn]:
    total = amount(rng, *domain.budget) * 10000
    zero = rng.choice((1, 2))
    labels = [(s, s) for s in R4_SOURCES]
    split = parts(rng, total, labels, zero_tail=zero)
    cols: list[SourceColumn] = []
    for _, label, b in split:
        received = b if rng.random() < 0.7 else rnd(b * rng.uniform(0.9, 0.99), 2)
        executed = execution(rng, received)
        cols.append(SourceColumn(label, b, received, executed))
    t = SourceColumn(
        "合计",
        rnd(sum(c.budget for c in cols), 2),
        rnd(sum(c.received for c in cols), 2),
        rnd(sum(c.executed for c in cols), 2),
    )
    return [t, *cols]


def _r4_form(
    rng: random.Random, org: Org, domain: Domain, name: str, year: int, *, silent: bool
) -> Form:
    cols = _r4_columns(rng, domain)
    tb = TableBuilder(8)
    tb.row("专项资金名称", C(name, 7))
    tb.row("主管部门及代码", C(org.dept_with_code(), 3), "资金使用单位", C(org.implementer, 3))
    tb.row(C("资金情况（元）", 1, 5), "资金来源", *(c.label for c in cols))

    def money(c: SourceColumn, x: float) -> str:
        return fmt(x, 2, True) if c.budget else "—"

    tb.row("年度预算数", *(money(c, c.budget) for c in cols))
    tb.row("实际到位数", *(money(c, c.received) for c in cols))
    tb.row("实际执行数", *(money(c, c.executed) for c in cols))
    tb.row("执行率", *(pct(c.rate) if c.rate is not None else "—" for c in cols))
    expected, achieved = goal_lines(rng, domain, fmt(cols[0].budget / 10000, 2))
    tb.row("年度绩效目标", C(expected, 3), "目标完成情况", C(achieved, 3))
    specs = pick_specs(rng, domain, rng.randint(6, 9))
    weights = weigh(rng, specs, split_levels(specs, 100))
    outs: list[Outcome] = outcomes(rng, specs, weights, 2 if silent else rng.choice((1, 2)))
    quiet = -1
    if silent:  # a row scored below its 分值 with its 偏差原因 cell left empty
        quiet = next(i for i, o in enumerate(outs) if o.reason)
        outs[quiet] = Outcome(**{**outs[quiet].__dict__, "reason": None})
    first = tb.next_row
    tb.row(
        "一级指标", "二级指标", "三级指标", "年度目标值", "实际完成值", "分值", "得分", "偏差原因"
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
                fmt_short(o.weight),
                fmt_short(o.score or 0),
                o.reason or "",
            ]
        )
        indicators.append(indicator(o, value(t_cell), value(a_cell), reason=o.reason))
    for cells in merge_leading(body, 2):
        tb.row(*cells)
    t_score = total_score([o.score for o in outs])
    tb.row(C("总分", 5), "100", fmt_short(t_score), "")
    lines = [
        funding(
            "total" if c.label == "合计" else c.label,
            "元",
            budget=c.budget,
            received=c.received,
            executed=c.executed,
            execution_rate=c.rate,
        )
        for c in cols
        if c.budget
    ]
    flags: list[ExpectedFlag] = []
    notes = [
        "funding transposed: 资金来源 across one row (合计 and each level), "
        "年度预算数/实际到位数/实际执行数/执行率 as rows, in 元; a column of dashes is no line"
    ]
    if quiet >= 0:
        flags.append(
            ExpectedFlag(
                rule="indicator.missing_deviation_reason",
                project=None,
                path=f"indicators[{quiet}].score",
                note=f"得分 {fmt_short(outs[quiet].score or 0)} 低于分值 "
                f"{fmt_short(outs[quiet].weight)}，偏差原因未填写",
            )
        )
        notes.append("one row scored below its 分值 with 偏差原因 empty (on purpose)")
    proj = project(
        name,
        "project_self_evaluation",
        year,
        org.dept_with_code(),
        org.implementer,
        funding_lines=lines,
        indicators=indicators,
        total=(100, t_score),
    )
    return Form(
        [f"{year}年度专项资金绩效自评表"],
        tb.build(),
        proj,
        foot=[
            "说明：1.执行率=实际执行数/年度预算数×100%；",
            "2.无该级资金的，相应栏次填“—”。",
            f"填报人：{person(rng)}    审核人：{person(rng)}",
        ],
        flags=flags,
        notes=notes,
    )


def r4() -> list[DocSpec]:
    fam = "r4"
    rng, org, year, forms = first_document_forms(
        fam,
        (2023, 2024),
        lambda rng, org, d, n, year: _r4_form(
            rng, org, d, n.removeprefix(f"{year}年") + "专项资金", year, silent=False
        ),
    )
    blocks: list[Block] = [
        cover([f"{org.department}", f"{year}年度专项资金绩效自评报告"]),
        Para(
            [
                "一、专项资金基本情况",
                f"{year}年{org.department}共管理专项资金{len(forms)}项。",
                *report_text(rng, org.department, 1),
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
        rng = rng_for(fam, k)
        d = rng.choice(DOMAINS)
        org = org_for(rng, d, place_for(fam, k))
        y = rng.choice((2022, 2023, 2024))
        name = project_name(rng, d, org, y).removeprefix(f"{y}年") + "专项资金"
        form = _r4_form(rng, org, d, name, y, silent=k == 2)
        docs.append(DocSpec(f"{fam}-{k}", fam, True, [form], landscape=k == 2))
    return docs


HELD_OUT_7: tuple[Family, ...] = (
    Family("r1", "held out", r1, held_out=True, held_out_set=SET, scan_last=2),
    Family("r2", "held out", r2, held_out=True, held_out_set=SET, scan_last=2),
    Family("r3", "held out", r3, held_out=True, held_out_set=SET, scan_last=2),
    Family("r4", "held out", r4, held_out=True, held_out_set=SET, scan_last=2),
)
