"""Template families of the development corpus and the documents drawn from each.

A family is a way a region prints a kind of form (its title, columns, column order,
funding rows, splits). Each family yields a few documents, each holding one or more forms
(sometimes with report text between them), all with invented content. The held-out
families live in `eval.corpus.heldout` and are kept out of sight while the reader is
developed.
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Callable
from dataclasses import dataclass

from eval.corpus.content import DOMAINS, PLACES, Domain, report_text
from eval.corpus.families import department, scoring, selfeval, targets
from eval.corpus.families.common import Org, cover, domains_of, org_for, project_name
from eval.corpus.families.common import funding as funding_line
from eval.corpus.layout import Block, DocSpec, Form, PageBreak, Para
from eval.corpus.values import fmt, fmt_short, pct, rnd


@dataclass(frozen=True)
class Family:
    name: str
    description: str
    build: Callable[[], list[DocSpec]]
    held_out: bool = False
    held_out_set: str = "heldout"  # the golden/ folder of a held-out family
    scan_every: bool = False  # every document also scanned (else the last ones only)
    scan_last: int = 1  # how many of the last documents are scanned

    @property
    def folder(self) -> str:
        return self.held_out_set if self.held_out else "corpus"


def rng_for(family: str, index: int) -> random.Random:
    return random.Random(f"corpus:{family}:{index}")


def place_for(family: str, index: int) -> tuple[str, str, str]:
    return PLACES[(zlib.crc32(family.encode()) + 7 * index) % len(PLACES)]


def distinct_projects(
    rng: random.Random, first: Domain, n: int, year: int, org: Org
) -> list[tuple[Domain, str]]:
    """`n` projects with distinct names, from the first domain, then from other domains of
    the same department, then from any domain."""
    pool = [first, *[d for d in domains_of(first.department) if d is not first]]
    pool += [d for d in DOMAINS if d not in pool]
    out: list[tuple[Domain, str]] = []
    names: set[str] = set()
    for d in pool:
        for _ in range(2 * len(d.names)):
            name = project_name(rng, d, org, year)
            base = name.removeprefix(f"{year}年")
            if base not in names:
                names.add(base)
                out.append((d, name))
            if len(out) == n:
                return out
    raise ValueError("not enough project names")


def first_domain(rng: random.Random, n: int) -> Domain:
    """A domain whose department runs at least `n` differently named projects."""
    fit = [d for d in DOMAINS if sum(len(x.names) for x in domains_of(d.department)) >= n]
    return rng.choice(fit)


def _summary(form: Form) -> str:
    """A report sentence restating a self-evaluation form's figures (as printed)."""
    p = form.project
    total = p.funding[0] if p.funding else None
    bits = [f"“{p.name}”"]
    if total is not None and total.budget is not None and total.executed is not None:
        bits.append(f"全年预算数{fmt(total.budget, 2)}万元，执行数{fmt(total.executed, 2)}万元")
        if total.execution_rate is not None:
            bits.append(f"执行率{pct(total.execution_rate)}")
    if p.total.score is not None:
        bits.append(f"自评得分{fmt_short(p.total.score)}分")
    return "，".join(bits) + "。"


def _report(
    key: str,
    family: str,
    title: list[str],
    intro: list[str],
    forms: list[Form],
    *,
    between: bool = False,
    summaries: bool = True,
    annex: str = "附件",
    break_each: bool = True,
    annex_break: bool = True,
    **options: object,
) -> DocSpec:
    """A report: a title, an introduction, a results paragraph per form, then the forms
    (each on a new page, or following each other, or with a sentence between them)."""
    blocks: list[Block] = [cover(title), Para(intro)]
    if summaries:
        lines = ["二、自评结果"] + [f"（{i}）{_summary(f)}" for i, f in enumerate(forms, 1)]
        blocks.append(Para(lines))
    if annex_break:
        blocks.append(PageBreak())
    blocks.append(Para([annex], heading=True))
    for i, form in enumerate(forms):
        if i and between:
            blocks.append(Para([f"{i + 1}. {form.project.name}自评情况如下表所示。"]))
        elif i and break_each and not form.title_at_foot:
            blocks.append(PageBreak())
        blocks.append(form)
    return DocSpec(key=key, family=family, held_out=False, blocks=blocks, **options)  # type: ignore[arg-type]


def _single(key: str, family: str, form: Form, **options: object) -> DocSpec:
    return DocSpec(key=key, family=family, held_out=False, blocks=[form], **options)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------
# Project self-evaluation families


def national_self_eval() -> list[DocSpec]:
    fam = "national_self_eval"
    docs = []
    rng = rng_for(fam, 1)
    year = rng.choice((2022, 2023))
    first = first_domain(rng, 3)
    org = org_for(rng, first, place_for(fam, 1))
    projects = distinct_projects(rng, first, 3, year, org)
    forms = [
        selfeval.national_form(
            rng, org, d, name, year, numbered=(i == 1), error="total_score" if i == 2 else None
        )
        for i, (d, name) in enumerate(projects)
    ]
    forms[2].title_at_foot = True
    docs.append(
        _report(
            f"{fam}-1",
            fam,
            [f"{org.department}{year}年度项目支出绩效自评报告"],
            [
                "一、基本情况",
                f"根据财政部门工作安排，{org.department}对{year}年度项目支出开展了绩效自评，"
                f"纳入自评范围的项目共{len(forms)}个，分别为："
                + "、".join(f.project.name for f in forms)
                + "。",
                *report_text(rng, org.implementer, 3),
            ],
            forms,
            break_each=False,  # each form follows the last: the tables run over pages
        )
    )
    rng = rng_for(fam, 2)
    year = rng.choice((2021, 2022, 2023))
    d = rng.choice(DOMAINS)
    org = org_for(rng, d, place_for(fam, 2))
    name = project_name(rng, d, org, year)
    docs.append(
        _single(
            f"{fam}-2",
            fam,
            selfeval.national_form(rng, org, d, name, year, initial=False, full_width=True),
        )
    )
    return docs


def provincial_self_eval() -> list[DocSpec]:
    fam = "provincial_self_eval"
    rng = rng_for(fam, 1)
    year = rng.choice((2022, 2023, 2024))
    first = first_domain(rng, 3)
    org = org_for(rng, first, place_for(fam, 1))
    projects = distinct_projects(rng, first, 3, year, org)
    forms = [
        selfeval.provincial_form(
            rng,
            org,
            d,
            name,
            year,
            error="score_above_weight" if i == 1 else None,
            unscored=(i == 2),
        )
        for i, (d, name) in enumerate(projects)
    ]
    doc1 = _report(
        f"{fam}-1",
        fam,
        [f"{org.department}", f"{year}年度部门预算项目支出绩效自评情况"],
        [
            f"按照预算绩效管理要求，我单位对{year}年度部门预算项目开展了自评，现将自评表公开如下。",
            *report_text(rng, org.implementer, 2),
        ],
        forms,
        summaries=False,
        break_each=False,
        annex_break=False,
        repeat_header=True,
    )
    rng = rng_for(fam, 2)
    d = rng.choice(DOMAINS)
    org = org_for(rng, d, place_for(fam, 2))
    year = rng.choice((2022, 2023))
    doc2 = _single(
        f"{fam}-2",
        fam,
        selfeval.provincial_form(rng, org, d, project_name(rng, d, org, year), year),
    )
    return [doc1, doc2]


def gov_level_self_eval() -> list[DocSpec]:
    fam = "gov_level_self_eval"
    rng = rng_for(fam, 1)
    year = rng.choice((2021, 2022, 2023))
    first = first_domain(rng, 2)
    org = org_for(rng, first, place_for(fam, 1))
    projects = distinct_projects(rng, first, 2, year, org)
    forms = [selfeval.gov_level_form(rng, org, d, name, year) for d, name in projects]
    doc1 = _report(
        f"{fam}-1",
        fam,
        [f"{org.county}{year}年度财政专项资金绩效自评报告"],
        [
            "一、项目概况",
            f"{year}年，{org.department}共实施财政专项资金项目{len(forms)}个，"
            "资金来源包括中央、省、市、县各级财政。",
        ],
        forms,
        summaries=False,
        between=True,
    )
    rng = rng_for(fam, 2)
    d = rng.choice(DOMAINS)
    org = org_for(rng, d, place_for(fam, 2))
    year = rng.choice((2022, 2023))
    doc2 = _single(
        f"{fam}-2", fam, selfeval.gov_level_form(rng, org, d, project_name(rng, d, org, year), year)
    )
    return [doc1, doc2]


def adjusted_self_eval() -> list[DocSpec]:
    fam = "adjusted_self_eval"
    rng = rng_for(fam, 1)
    year = rng.choice((2022, 2023, 2024))
    first = first_domain(rng, 2)
    org = org_for(rng, first, place_for(fam, 1))
    projects = distinct_projects(rng, first, 2, year, org)
    forms = [
        selfeval.adjusted_form(rng, org, d, name, year, error="execution_rate" if i == 0 else None)
        for i, (d, name) in enumerate(projects)
    ]
    doc1 = _report(
        f"{fam}-1",
        fam,
        [f"{org.implementer}{year}年度项目支出绩效自评表"],
        [f"填报单位：{org.implementer}"],
        forms,
        summaries=False,
        landscape=False,
    )
    docs = [doc1]
    for k in (2, 3):
        rng = rng_for(fam, k)
        d = rng.choice(DOMAINS)
        org = org_for(rng, d, place_for(fam, k))
        year = rng.choice((2022, 2023))
        form = selfeval.adjusted_form(rng, org, d, project_name(rng, d, org, year), year)
        docs.append(_single(f"{fam}-{k}", fam, form, landscape=(k == 3)))
    return docs


# ---------------------------------------------------------------------------------------
# Department-level families


def _department(rng: random.Random, fam: str, k: int) -> tuple[str, list[Domain], int]:
    d = rng.choice(DOMAINS)
    place = place_for(fam, k)
    department = f"{place[2]}{d.department}"
    return department, domains_of(d.department), rng.choice((2022, 2023, 2024))


def dept_self_eval() -> list[DocSpec]:
    fam = "dept_self_eval"
    docs = []
    rng = rng_for(fam, 1)
    dept, domains, year = _department(rng, fam, 1)
    unit = dept.replace("局", "局机关") if dept.endswith("局") else f"{dept}（本级）"
    forms = [
        department.overall_form(rng, dept, domains, year),
        department.overall_form(rng, unit, domains, year),
    ]
    docs.append(
        _report(
            f"{fam}-1",
            fam,
            [f"{dept}{year}年度部门整体支出绩效自评报告"],
            [
                "一、部门概况",
                f"{dept}内设机构若干，主要职责是贯彻落实有关方针政策，"
                "统筹推进本领域重点工作。本报告包括部门及机关本级整体支出自评结果。",
            ],
            forms,
        )
    )
    for k in (2, 3):
        rng = rng_for(fam, k)
        dept, domains, year = _department(rng, fam, k)
        docs.append(_single(f"{fam}-{k}", fam, department.overall_form(rng, dept, domains, year)))
    return docs


def dept_goal_self_eval() -> list[DocSpec]:
    fam = "dept_goal_self_eval"
    docs = []
    for k in (1, 2, 3):
        rng = rng_for(fam, k)
        dept, domains, year = _department(rng, fam, k)
        form = department.grouped_form(rng, dept, domains, year)
        if k == 1:
            docs.append(
                _report(
                    f"{fam}-{k}",
                    fam,
                    [f"{dept}{year}年度部门整体支出绩效自评报告"],
                    [
                        "一、部门基本情况",
                        f"{year}年，{dept}围绕年度目标，扎实推进各项重点工作。",
                        *report_text(rng, dept, 4),
                    ],
                    [form],
                    annex_break=False,
                    repeat_header=True,
                )
            )
        else:
            docs.append(_single(f"{fam}-{k}", fam, form))
    return docs


def dept_target() -> list[DocSpec]:
    fam = "dept_target"
    docs = []
    for k in (1, 2, 3):
        rng = rng_for(fam, k)
        dept, domains, year = _department(rng, fam, k)
        form = department.target_form(rng, dept, domains, year)
        if k == 1:
            docs.append(
                _report(
                    f"{fam}-{k}",
                    fam,
                    [f"{dept}{year}年部门预算"],
                    [
                        "第一部分 部门概况",
                        f"{dept}为县政府工作部门，{year}年部门预算包括基本支出和项目支出。",
                        "第二部分 部门整体支出绩效目标",
                    ],
                    [form],
                    summaries=False,
                    landscape=False,
                )
            )
        else:
            docs.append(_single(f"{fam}-{k}", fam, form, landscape=False))
    return docs


# ---------------------------------------------------------------------------------------
# Target families


def target_single_value() -> list[DocSpec]:
    fam = "target_single_value"
    rng = rng_for(fam, 1)
    year = rng.choice((2023, 2024, 2025))
    first = first_domain(rng, 3)
    org = org_for(rng, first, place_for(fam, 1))
    projects = distinct_projects(rng, first, 3, year, org)
    forms = [targets.single_value_form(rng, org, d, name, year) for d, name in projects]
    forms[1].title_at_foot = True
    doc1 = _report(
        f"{fam}-1",
        fam,
        [f"{org.department}{year}年部门预算"],
        [
            "一、部门主要职责",
            f"{org.department}负责本行政区域内相关行业管理工作。",
            f"二、{year}年重点项目绩效目标",
            "重点项目绩效目标表如下（金额单位：元）。",
        ],
        forms,
        summaries=False,
        annex="附表：项目支出绩效目标表",
        break_each=False,
        landscape=False,
    )
    rng = rng_for(fam, 2)
    d = rng.choice(DOMAINS)
    org = org_for(rng, d, place_for(fam, 2))
    year = rng.choice((2023, 2024))
    doc2 = _single(
        f"{fam}-2",
        fam,
        targets.single_value_form(rng, org, d, project_name(rng, d, org, year), year),
        landscape=False,
    )
    return [doc1, doc2]


def target_declaration() -> list[DocSpec]:
    fam = "target_declaration"
    rng = rng_for(fam, 1)
    year = rng.choice((2023, 2024))
    first = first_domain(rng, 2)
    org = org_for(rng, first, place_for(fam, 1))
    projects = distinct_projects(rng, first, 2, year, org)
    forms = [targets.declaration_form(rng, org, d, name, year) for d, name in projects]
    doc1 = _report(
        f"{fam}-1",
        fam,
        [f"{org.department}{year}年度项目绩效目标"],
        [f"按照{org.county}财政局要求，现将{year}年度项目绩效目标申报情况公开如下。"],
        forms,
        summaries=False,
    )
    docs = [doc1]
    for k in (2, 3):
        rng = rng_for(fam, k)
        d = rng.choice(DOMAINS)
        org = org_for(rng, d, place_for(fam, k))
        year = rng.choice((2023, 2024))
        form = targets.declaration_form(rng, org, d, project_name(rng, d, org, year), year)
        docs.append(_single(f"{fam}-{k}", fam, form))
    return docs


def target_two_blocks() -> list[DocSpec]:
    fam = "target_two_blocks"
    rng = rng_for(fam, 1)
    year = rng.choice((2023, 2024))
    first = first_domain(rng, 2)
    org = org_for(rng, first, place_for(fam, 1))
    projects = distinct_projects(rng, first, 2, year, org)
    forms = [targets.two_block_form(rng, org, d, name, year) for d, name in projects]
    doc1 = _report(
        f"{fam}-1",
        fam,
        [f"{org.county}{year}年财政项目支出绩效目标"],
        [f"以下为{org.department}申报的财政项目支出绩效目标。"],
        forms,
        summaries=False,
        between=True,
    )
    docs = [doc1]
    for k in (2, 3):
        rng = rng_for(fam, k)
        d = rng.choice(DOMAINS)
        org = org_for(rng, d, place_for(fam, k))
        year = rng.choice((2023, 2024))
        form = targets.two_block_form(rng, org, d, project_name(rng, d, org, year), year)
        docs.append(_single(f"{fam}-{k}", fam, form))
    return docs


# ---------------------------------------------------------------------------------------
# Scoring families (evaluation reports)


def _evaluation_report(
    rng: random.Random,
    key: str,
    fam: str,
    org: Org,
    name: str,
    year: int,
    form: Form,
    *,
    state_funds: bool,
    annex_break: bool = True,
    **options: object,
) -> DocSpec:
    """An evaluation report: cover, basic facts (and the funds, when `state_funds`: the
    report's funding line is labelled from these sentences), conclusion, then the table."""
    intro = [
        "一、项目基本情况",
        f"项目主管部门：{org.department}",
        f"项目实施单位：{org.implementer}",
    ]
    if state_funds:
        budget = rnd(rng.uniform(150, 2000), 2)
        executed = rnd(budget * rng.uniform(0.88, 1.0), 2)
        rate = rnd(executed / budget * 100, 2)
        intro.append(
            f"{year}年该项目预算资金{fmt(budget, 2)}万元，实际到位资金{fmt(budget, 2)}万元，"
            f"实际支出{fmt(executed, 2)}万元，预算执行率{pct(rate)}。"
        )
        form.project.funding = [
            funding_line(
                "total",
                "万元",
                budget=budget,
                received=budget,
                executed=executed,
                execution_rate=rate,
            )
        ]
        form.notes.append("funding line from the report's sentences (预算/到位/支出/执行率)")
    total = form.project.total.score
    grade = "优" if (total or 0) >= 90 else "良"
    intro += report_text(rng, org.implementer, rng.randint(2, 5))
    intro += [
        "二、绩效评价结论",
        f"经综合评价，该项目绩效评价得分为{fmt_short(total or 0)}分，评价等级为“{grade}”。",
    ]
    blocks: list[Block] = [
        cover([f"{year}年度{name}项目绩效评价报告"]),
        Para([f"委托单位：{org.county}财政局", f"评价机构：{org.city}某会计师事务所"]),
        Para(intro),
        *([PageBreak()] if annex_break else []),
        Para(["附件"], heading=True),
        form,
    ]
    return DocSpec(key=key, family=fam, held_out=False, blocks=blocks, **options)  # type: ignore[arg-type]


def _scoring_family(
    fam: str, make: Callable[..., Form], *, state_funds: int = 0, repeat: tuple[int, ...] = ()
) -> list[DocSpec]:
    docs = []
    for k in (1, 2, 3):
        rng = rng_for(fam, k)
        d = rng.choice(DOMAINS)
        org = org_for(rng, d, place_for(fam, k))
        year = rng.choice((2021, 2022, 2023))
        name = rng.choice(d.names).replace("{county}", org.county).removesuffix("项目")
        kwargs = {"error": "subtotal_score"} if make is scoring.system_form and k == 2 else {}
        form = make(rng, name, year, org.department, org.implementer, **kwargs)
        options = {"repeat_header": k in repeat, "landscape": k != 2}
        if k == 3:  # the table alone: no report to name the departments or the year
            form.project.department = None
            form.project.implementer = None
            form.project.year = None
            docs.append(_single(f"{fam}-{k}", fam, form, **options))
        else:
            docs.append(
                _evaluation_report(
                    rng,
                    f"{fam}-{k}",
                    fam,
                    org,
                    name,
                    year,
                    form,
                    state_funds=k <= state_funds,
                    annex_break=False,
                    **options,
                )
            )
    return docs


def scoring_system() -> list[DocSpec]:
    return _scoring_family("scoring_system", scoring.system_form, state_funds=1, repeat=(2,))


def scoring_letter() -> list[DocSpec]:
    return _scoring_family("scoring_letter", scoring.letter_form, repeat=(1,))


def scoring_situation() -> list[DocSpec]:
    return _scoring_family("scoring_situation", scoring.situation_form, repeat=(1,))


# The families added later live in `wider`, which builds on the helpers above.
from eval.corpus.families import varied, wider  # noqa: E402

DEVELOPMENT: tuple[Family, ...] = (
    Family("national_self_eval", "项目支出绩效自评表 (财预〔2020〕10号)", national_self_eval),
    Family(
        "provincial_self_eval",
        "部门预算项目支出绩效自评表, 指标性质/度量单位",
        provincial_self_eval,
    ),
    Family(
        "gov_level_self_eval", "项目绩效自评表, funds by level of government", gov_level_self_eval
    ),
    Family(
        "adjusted_self_eval",
        "调整后预算数/自评得分/扣分原因, 元, two-level header",
        adjusted_self_eval,
    ),
    Family("dept_self_eval", "部门（单位）整体支出绩效自评表, 基本支出/项目支出", dept_self_eval),
    Family("dept_goal_self_eval", "部门整体绩效自评表 grouped by 年度目标", dept_goal_self_eval),
    Family("dept_target", "部门整体支出绩效目标申报表", dept_target),
    Family("target_single_value", "项目支出绩效目标表, single 指标值, 元", target_single_value),
    Family(
        "target_declaration", "绩效目标申报表, 指标性质/指标值/度量单位/权重", target_declaration
    ),
    Family(
        "target_two_blocks", "财政项目支出绩效目标填报表, two funding blocks", target_two_blocks
    ),
    Family("scoring_system", "评价指标体系评分表 with 指标解释/评分标准/小计", scoring_system),
    Family("scoring_letter", "评分表 with 'A决策15分' labels and 评价意见", scoring_letter),
    Family("scoring_situation", "评分情况表 with a two-level header", scoring_situation),
    *wider.FAMILIES,
    *varied.FAMILIES,
)
