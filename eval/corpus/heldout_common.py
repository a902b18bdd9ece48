"""What the held-out sets' generators share: how a project family draws its documents'
organisations and projects, what an evaluation report states of a project's money and
the grade it gives, and how a score table adds up its level-2 weights.

Each helper draws from the generator in the order the sets always did, so moving a set
onto it leaves its documents byte for byte the same (`python -m eval.corpus check`)."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from eval.corpus.content import DOMAINS, Domain
from eval.corpus.families import distinct_projects, first_domain, place_for, rng_for
from eval.corpus.families.common import Org, funding, org_for, project_name
from eval.corpus.layout import Form
from eval.corpus.values import rnd
from extractor.models import FundingLine

# A project form: (rng, organisation, domain, project name, year, *extra, **options) → the
# form; the extra arguments are the family's own (a unit, an error to print …).
ProjectForm = Callable[..., Form]


class Criterion(Protocol):
    """Anything a score table lists: a level-1 and a level-2 label."""

    @property
    def level1(self) -> str: ...

    @property
    def level2(self) -> str: ...


def first_document_forms(
    fam: str, years: Sequence[int], form_of: ProjectForm, *extra: object, **options: object
) -> tuple[random.Random, Org, int, list[Form]]:
    """Document 1 of a project family: one organisation's two projects of one year.
    Returns the document's generator (the report text around the forms draws on), the
    organisation, the year and the two forms."""
    rng = rng_for(fam, 1)
    year = rng.choice(years)
    first = first_domain(rng, 2)
    org = org_for(rng, first, place_for(fam, 1))
    projects = distinct_projects(rng, first, 2, year, org)
    forms = [form_of(rng, org, d, n, year, *extra, **options) for d, n in projects]
    return rng, org, year, forms


def single_project_form(
    fam: str,
    k: int,
    years: Sequence[int],
    form_of: ProjectForm,
    *extra: object,
    domains: Sequence[Domain] = DOMAINS,
    **options: object,
) -> Form:
    """Document `k` (2, 3 …) of a project family: one project of another organisation."""
    rng = rng_for(fam, k)
    d = rng.choice(domains)
    org = org_for(rng, d, place_for(fam, k))
    y = rng.choice(years)
    return form_of(rng, org, d, project_name(rng, d, org, y), y, *extra, **options)


def evaluated_project(
    fam: str, k: int, years: Sequence[int]
) -> tuple[random.Random, Org, int, str]:
    """Document `k` of an evaluation family: the document's generator, the organisation,
    the year and the evaluated project's name (without the 项目 its name may end in)."""
    rng = rng_for(fam, k)
    d = rng.choice(DOMAINS)
    org = org_for(rng, d, place_for(fam, k))
    year = rng.choice(years)
    name = rng.choice(d.names).replace("{county}", org.county).removesuffix("项目")
    return rng, org, year, name


def grade_of(score: float) -> str:
    """An evaluation's grade (评价等级) for its total score."""
    return "优" if score >= 90 else "良" if score >= 80 else "中"


def level2_weights(
    chosen: Iterable[Criterion], weights: Iterable[float], dec: int | None = None
) -> dict[tuple[str, str], float]:
    """Each (level 1, level 2) group's weight, the sum of its criteria's; rounded to `dec`
    places at every step where a set prints it so."""
    totals: dict[tuple[str, str], float] = {}
    for c, w in zip(chosen, weights, strict=True):
        key = (c.level1, c.level2)
        added = totals.get(key, 0.0) + w
        totals[key] = rnd(added, dec) if dec is not None else added
    return totals


@dataclass
class ProjectFunds:
    """What an evaluation report states of the project's money (万元): its budget, the
    funds received and spent, and their rates against the budget."""

    budget: float
    received: float
    executed: float

    @property
    def received_rate(self) -> float:
        return rnd(self.received / self.budget * 100, 2)

    @property
    def execution_rate(self) -> float:
        return rnd(self.executed / self.budget * 100, 2)

    def line(self) -> FundingLine:
        """The report's figures as the project's total funding line."""
        return funding(
            "total",
            "万元",
            budget=self.budget,
            received=self.received,
            received_rate=self.received_rate,
            executed=self.executed,
            execution_rate=self.execution_rate,
        )


def draw_funds(
    rng: random.Random,
    budget_range: tuple[float, float],
    *,
    all_received: float,
    received_low: float,
    executed_low: float,
) -> ProjectFunds:
    """A budget in `budget_range`; all of it received with chance `all_received`, else a
    share from `received_low` to 0.99; a share from `executed_low` to 1 of that spent."""
    budget = rnd(rng.uniform(*budget_range), 2)
    received = (
        budget if rng.random() < all_received else rnd(budget * rng.uniform(received_low, 0.99), 2)
    )
    executed = rnd(received * rng.uniform(executed_low, 1.0), 2)
    return ProjectFunds(budget, received, executed)
