"""Pieces every family uses: who publishes the form, which indicators it reports, how
merged label cells are laid out, and how labels (`Project`, `Indicator`, `FundingLine`)
are written from what is printed."""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass

from eval.corpus.content import (
    DOMAINS,
    EFF,
    OUT,
    SAT,
    Domain,
    Spec,
    person,
)
from eval.corpus.layout import C, Para
from eval.corpus.values import Outcome, outcome, partition, rnd, value_of
from extractor.models import FundingLine, Indicator, Project, Subtotal, Total, Value

LEVEL1_ORDER = (OUT, EFF, SAT)
LEVEL2_ORDER = (
    "数量指标",
    "质量指标",
    "时效指标",
    "成本指标",
    "经济效益指标",
    "社会效益指标",
    "生态效益指标",
    "可持续影响指标",
    "服务对象满意度指标",
)


@dataclass(frozen=True)
class Org:
    """Who publishes a form: the place, the department (主管部门) and the unit that
    carries the project out (实施单位), with budget codes when the family prints them."""

    province: str
    city: str
    county: str
    department: str  # "临漳县交通运输局"
    implementer: str  # "临漳县公路事业发展中心"
    dept_code: str
    impl_code: str

    def dept_with_code(self) -> str:
        return f"{self.dept_code}-{self.department}"

    def impl_with_code(self) -> str:
        return f"{self.impl_code}-{self.implementer}"


def org_for(rng: random.Random, domain: Domain, place: tuple[str, str, str]) -> Org:
    province, city, county = place
    code = f"{rng.randint(101, 599)}"
    return Org(
        province,
        city,
        county,
        f"{county}{domain.department}",
        f"{county}{rng.choice(domain.implementers)}",
        code,
        f"{code}{rng.randint(1, 9):03d}",
    )


def project_name(rng: random.Random, domain: Domain, org: Org, year: int) -> str:
    name = rng.choice(domain.names).replace("{county}", org.county)
    if rng.random() < 0.25:
        name = f"{year}年{name}"
    return name


def domains_of(department: str) -> list[Domain]:
    return [d for d in DOMAINS if d.department == department]


def pick_specs(rng: random.Random, domain: Domain, n: int) -> list[Spec]:
    """`n` of the domain's indicators (at least one per level 1 present), in the order
    forms print them."""
    specs = list(domain.specs)
    chosen = {id(s): s for s in specs if s.level1 == SAT}
    pool = [s for s in specs if s.level1 != SAT]
    rng.shuffle(pool)
    for s in pool:
        if len(chosen) >= n:
            break
        chosen[id(s)] = s
    return order_specs(list(chosen.values()))


def pick_across(rng: random.Random, domains: Sequence[Domain], n: int) -> list[Spec]:
    """`n` indicators drawn from several domains (a long form: a department's projects
    reported together), distinct names, one satisfaction row, in print order."""
    pool: dict[str, Spec] = {}
    for d in domains:
        for s in d.specs:
            if s.level1 != SAT:
                pool.setdefault(s.name, s)
    picked = list(pool.values())
    rng.shuffle(picked)
    sat = [s for d in domains for s in d.specs if s.level1 == SAT]
    return order_specs([*picked[: n - 1], rng.choice(sat)])


def order_specs(specs: Sequence[Spec]) -> list[Spec]:
    def key(s: Spec) -> tuple[int, int]:
        l1 = LEVEL1_ORDER.index(s.level1) if s.level1 in LEVEL1_ORDER else 9
        l2 = LEVEL2_ORDER.index(s.level2) if s.level2 in LEVEL2_ORDER else 9
        return (l1, l2)

    return sorted(specs, key=key)


def weigh(
    rng: random.Random, specs: Sequence[Spec], totals: dict[str, float], step: float = 1.0
) -> list[float]:
    """Weights per indicator: each level 1's total split over its rows."""
    weights: list[float] = [0.0] * len(specs)
    for level1, total in totals.items():
        idx = [i for i, s in enumerate(specs) if s.level1 == level1]
        for i, w in zip(idx, partition(rng, total, len(idx), step), strict=True):
            weights[i] = w
    return weights


def level1_totals(specs: Sequence[Spec], budget: float) -> dict[str, float]:
    """Split `budget` over the level-1 groups present, about 5 : 3 : 1 (satisfaction
    gets 10 % at most), in whole points."""
    present = [l1 for l1 in LEVEL1_ORDER if any(s.level1 == l1 for s in specs)]
    if present == [OUT, EFF, SAT]:
        sat = round(budget / 9)
        out = round((budget - sat) * 5 / 8)
        return {OUT: out, EFF: budget - sat - out, SAT: sat}
    share = {OUT: 5, EFF: 3, SAT: 1}
    total_share = sum(share[p] for p in present)
    parts = {p: round(budget * share[p] / total_share) for p in present}
    parts[present[0]] += budget - sum(parts.values())
    return parts


def outcomes(
    rng: random.Random,
    specs: Sequence[Spec],
    weights: Sequence[float],
    misses: int,
    *,
    score_dec: int = 2,
    scored: bool = True,
) -> list[Outcome]:
    """Outcomes with `misses` targets missed (never a satisfaction row)."""
    candidates = [i for i, s in enumerate(specs) if s.level1 != SAT]
    missed = set(rng.sample(candidates, min(misses, len(candidates))))
    return [
        outcome(rng, s, w, miss=i in missed, score_dec=score_dec, scored=scored)
        for i, (s, w) in enumerate(zip(specs, weights, strict=True))
    ]


# ---------------------------------------------------------------------------------------
# Merged label cells


def merge_leading(rows: Sequence[Sequence[str | C]], columns: int) -> list[list[str | C]]:
    """Collapse vertical runs of equal text in the first `columns` cells of each row into
    one row-spanning cell (a run in column k also needs the same cells to its left)."""
    out: list[list[str | C]] = [[] for _ in rows]
    n = len(rows)
    keys = [[_text(r[k]) for k in range(columns)] for r in rows]
    for k in range(columns):
        i = 0
        while i < n:
            j = i + 1
            while j < n and keys[j][: k + 1] == keys[i][: k + 1]:
                j += 1
            item = rows[i][k]
            span = j - i
            if isinstance(item, C):
                out[i].append(C(item.text, item.cs, span))
            else:
                out[i].append(C(item, 1, span) if span > 1 else item)
            i = j
    for i, row in enumerate(rows):
        out[i].extend(row[columns:])
    return out


def _text(item: str | C) -> str:
    return item.text if isinstance(item, C) else item


# ---------------------------------------------------------------------------------------
# Labels

WEIGHT_SUFFIX = re.compile(r"[（(]\s*\d+(?:\.\d+)?\s*分\s*[)）]$")


def indicator(
    o: Outcome,
    target: Value | None,
    actual: Value | None,
    *,
    group: str | None = None,
    nature: str | None = None,
    level1: str | None = None,
    level2: str | None = None,
    name: str | None = None,
    weight: float | None = None,
    score: float | None = None,
    reason: str | None = None,
    scored: bool = True,
    weighted: bool = True,
) -> Indicator:
    return Indicator(
        group=group,
        level1=level1 or o.spec.level1,
        level2=level2 if level2 is not None else o.spec.level2,
        name=name or o.spec.name,
        nature=nature,  # type: ignore[arg-type]
        target=target,
        actual=actual,
        weight=(weight if weight is not None else o.weight) if weighted else None,
        score=(score if score is not None else o.score) if scored else None,
        deviation_reason=reason,
        span=None,
    )


def scored_criterion(
    level1: str | None, level2: str | None, name: str, weight: float | None, score: float | None
) -> Indicator:
    """A score table's criterion (评分表): a weight and a score, no target or actual."""
    return Indicator(
        group=None,
        level1=level1,
        level2=level2,
        name=name,
        nature=None,
        target=None,
        actual=None,
        weight=weight,
        score=score,
        deviation_reason=None,
        span=None,
    )


def funding(source: str, unit: str = "万元", **columns: float | None) -> FundingLine:
    return FundingLine(source=source, unit=unit, **columns)  # type: ignore[arg-type]


def project(
    name: str,
    form: str,
    year: int | None,
    department: str | None,
    implementer: str | None,
    *,
    funding_lines: Sequence[FundingLine] = (),
    indicators: Sequence[Indicator] = (),
    subtotals: Sequence[Subtotal] = (),
    total: tuple[float | None, float | None] = (None, None),
) -> Project:
    return Project(
        id="",
        name=name,
        form=form,  # type: ignore[arg-type]
        year=year,
        department=department,
        implementer=implementer,
        funding=list(funding_lines),
        indicators=list(indicators),
        subtotals=list(subtotals),
        total=Total(weight=total[0], score=total[1]),
        span=None,
    )


def self_evaluation_project(
    name: str,
    year: int | None,
    org: Org,
    funding_lines: Sequence[FundingLine],
    indicators: Sequence[Indicator],
    score: float | None,
) -> Project:
    """A 项目支出绩效自评表's project: run by the organisation, scored out of 100."""
    return project(
        name,
        "project_self_evaluation",
        year,
        org.department,
        org.implementer,
        funding_lines=funding_lines,
        indicators=indicators,
        total=(100, score),
    )


def total_score(values: Sequence[float | None], dec: int = 2) -> float:
    return rnd(sum(v for v in values if v is not None), dec)


def value(raw: str, op: str | None = None) -> Value:
    return value_of(raw, op)


def nature_of(spec: Spec) -> str | None:
    return spec.op if spec.quantitative else None


def goal_lines(rng: random.Random, domain: Domain, amount: str) -> tuple[str, str]:
    """The annual goal (预期目标) and what was achieved (实际完成情况)."""
    expected = domain.goal.replace("{amount}", amount)
    achieved = rng.choice(
        (
            "已按计划完成年度目标任务，资金使用规范，项目效益逐步显现。",
            "项目总体按计划推进，主要指标达到预期，个别指标略有差距。",
            "年度任务基本完成，资金支付及时，服务对象满意度较高。",
        )
    )
    return expected, achieved


def cover(lines: Sequence[str]) -> Para:
    return Para(list(lines), align="center", size=14, heading=True)


def people(rng: random.Random) -> str:
    return f"填报人：{person(rng)}    联系电话：{rng.randint(13000000000, 18999999999)}"
