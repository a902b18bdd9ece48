"""Development families added to widen the corpus: layouts of further regions (a
年度指标值 group header over 指标性质 | 指标值 | 度量单位, a 序号 column with 得分 before 分值,
the 专项资金 form on two indicator levels, a 部门整体 form printed as three tables, a
target form with 中长期 and 年度 columns, a scoring table down to 四级指标)."""

from __future__ import annotations

from eval.corpus.content import DOMAINS, report_text
from eval.corpus.families import (
    Family,
    _department,
    _report,
    _scoring_family,
    _single,
    department,
    distinct_projects,
    first_domain,
    place_for,
    regional,
    rng_for,
    scoring,
    targets,
)
from eval.corpus.families.common import domains_of, org_for, pick_across, project_name
from eval.corpus.layout import DocSpec


def nature_split_self_eval() -> list[DocSpec]:
    fam = "nature_split_self_eval"
    rng = rng_for(fam, 1)
    year = rng.choice((2022, 2023, 2024))
    first = first_domain(rng, 2)
    org = org_for(rng, first, place_for(fam, 1))
    projects = distinct_projects(rng, first, 2, year, org)
    forms = [
        regional.nature_split_form(
            rng, org, d, name, year, error="missing_reason" if i == 1 else None
        )
        for i, (d, name) in enumerate(projects)
    ]
    doc1 = _report(
        f"{fam}-1",
        fam,
        [f"{org.department}{year}年度项目支出绩效自评报告"],
        [
            "一、项目基本情况",
            f"{year}年，{org.department}纳入绩效自评的项目共{len(forms)}个。",
            *report_text(rng, org.implementer, 2),
        ],
        forms,
    )
    # A long form: the department's projects reported together, continued over three
    # pages with the two-level indicator header printed again on each.
    rng = rng_for(fam, 2)
    d = rng.choice([x for x in DOMAINS if len(domains_of(x.department)) > 1])
    org = org_for(rng, d, place_for(fam, 2))
    year = rng.choice((2023, 2024))
    specs = pick_across(rng, domains_of(d.department), 13)
    long_form = regional.nature_split_form(
        rng, org, d, project_name(rng, d, org, year), year, specs=specs
    )
    long_form.font_size = 9.0
    # A5 landscape (595 x 420 pt): the form runs over three pages
    doc2 = _single(
        f"{fam}-2", fam, long_form, repeat_header=True, landscape=False, page_height=420.0
    )
    doc2.notes.append("one form continued over three pages, the indicator header repeated")
    rng = rng_for(fam, 3)
    d = rng.choice(DOMAINS)
    org = org_for(rng, d, place_for(fam, 3))
    year = rng.choice((2022, 2023))
    doc3 = _single(
        f"{fam}-3",
        fam,
        regional.nature_split_form(rng, org, d, project_name(rng, d, org, year), year),
    )
    return [doc1, doc2, doc3]


def numbered_self_eval() -> list[DocSpec]:
    fam = "numbered_self_eval"
    rng = rng_for(fam, 1)
    year = rng.choice((2022, 2023))
    first = first_domain(rng, 2)
    org = org_for(rng, first, place_for(fam, 1))
    forms = [
        regional.numbered_form(rng, org, d, name, year)
        for d, name in distinct_projects(rng, first, 2, year, org)
    ]
    doc1 = _report(
        f"{fam}-1",
        fam,
        [f"{org.county}财政支出项目绩效自评结果"],
        [f"填报单位：{org.implementer}", *report_text(rng, org.implementer, 2)],
        forms,
        summaries=False,
        break_each=False,
        annex_break=False,
    )
    docs = [doc1]
    for k in (2, 3):
        rng = rng_for(fam, k)
        d = rng.choice(DOMAINS)
        org = org_for(rng, d, place_for(fam, k))
        year = rng.choice((2022, 2023, 2024))
        form = regional.numbered_form(rng, org, d, project_name(rng, d, org, year), year)
        docs.append(_single(f"{fam}-{k}", fam, form, landscape=k == 3))
    return docs


def special_fund_self_eval() -> list[DocSpec]:
    fam = "special_fund_self_eval"
    rng = rng_for(fam, 1)
    year = rng.choice((2022, 2023, 2024))
    first = first_domain(rng, 2)
    org = org_for(rng, first, place_for(fam, 1))
    forms = [
        regional.special_fund_form(rng, org, d, name, year)
        for d, name in distinct_projects(rng, first, 2, year, org)
    ]
    doc1 = _report(
        f"{fam}-1",
        fam,
        [f"{org.province}{year}年度省级专项资金绩效自评报告"],
        [
            "一、专项资金基本情况",
            f"{org.department}管理的专项资金由中央、省、市县各级财政共同安排。",
            *report_text(rng, org.implementer, 3),
        ],
        forms,
    )
    docs = [doc1]
    for k in (2, 3):
        rng = rng_for(fam, k)
        d = rng.choice(DOMAINS)
        org = org_for(rng, d, place_for(fam, k))
        year = rng.choice((2023, 2024))
        form = regional.special_fund_form(rng, org, d, project_name(rng, d, org, year), year)
        docs.append(_single(f"{fam}-{k}", fam, form, landscape=k != 2))
    return docs


def dept_tables_self_eval() -> list[DocSpec]:
    fam = "dept_tables_self_eval"
    docs = []
    for k in (1, 2, 3):
        rng = rng_for(fam, k)
        dept, domains, year = _department(rng, fam, k)
        code = f"{rng.randint(100, 999)}{rng.randint(1, 99):03d}"
        form = department.tables_form(rng, dept, domains, year, code)
        if k == 2:
            docs.append(
                _report(
                    f"{fam}-{k}",
                    fam,
                    [f"{dept}{year}年度部门整体支出绩效自评报告"],
                    [
                        "一、部门概况",
                        f"{dept}是县政府工作部门，本报告反映{year}年度部门整体支出绩效自评情况。",
                        *report_text(rng, dept, 3),
                    ],
                    [form],
                    summaries=False,
                    landscape=False,
                )
            )
        else:
            docs.append(_single(f"{fam}-{k}", fam, form, landscape=False))
    return docs


def mid_long_target() -> list[DocSpec]:
    fam = "mid_long_target"
    rng = rng_for(fam, 1)
    year = rng.choice((2023, 2024, 2025))
    first = first_domain(rng, 2)
    org = org_for(rng, first, place_for(fam, 1))
    forms = [
        targets.mid_long_form(rng, org, d, name, year)
        for d, name in distinct_projects(rng, first, 2, year, org)
    ]
    doc1 = _report(
        f"{fam}-1",
        fam,
        [f"{org.department}{year}年部门预算公开"],
        [
            "第一部分 部门概况",
            f"{org.department}{year}年部门预算包括基本支出和项目支出。",
            "第二部分 项目支出绩效目标",
        ],
        forms,
        summaries=False,
        landscape=False,
    )
    docs = [doc1]
    for k in (2, 3):
        rng = rng_for(fam, k)
        d = rng.choice(DOMAINS)
        org = org_for(rng, d, place_for(fam, k))
        year = rng.choice((2024, 2025))
        form = targets.mid_long_form(rng, org, d, project_name(rng, d, org, year), year)
        docs.append(_single(f"{fam}-{k}", fam, form, landscape=False))
    return docs


def scoring_four_level() -> list[DocSpec]:
    return _scoring_family("scoring_four_level", scoring.four_level_form, state_funds=1)


FAMILIES: tuple[Family, ...] = (
    Family(
        "nature_split_self_eval",
        "年度项目支出绩效自评表, 年度指标值 over 指标性质/指标值/度量单位",
        nature_split_self_eval,
    ),
    Family(
        "numbered_self_eval",
        "财政支出项目绩效自评表, 序号 / 指标名称 / 得分 before 分值",
        numbered_self_eval,
    ),
    Family(
        "special_fund_self_eval",
        "专项资金绩效自评表, two indicator levels, range targets, '9.5分'",
        special_fund_self_eval,
    ),
    Family(
        "dept_tables_self_eval",
        "部门整体支出绩效自评表 as three tables, 人员经费/公用经费/项目支出 in 元",
        dept_tables_self_eval,
    ),
    Family("mid_long_target", "项目支出绩效目标申报表, 中长期 | 年度 columns", mid_long_target),
    Family("scoring_four_level", "评分明细表 down to 四级指标", scoring_four_level),
)
