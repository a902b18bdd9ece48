"""Funding blocks: amounts drawn so that the arithmetic holds (总额 = the sum of its
parts in every column, 执行率 = 执行数 / 预算数, 得分 = 分值 × 执行率)."""

from __future__ import annotations

import random
from dataclasses import dataclass

from eval.corpus.values import rnd


@dataclass
class FundRow:
    """One printed funding row and its label."""

    printed: str  # the row label as printed ("其中：本年财政拨款")
    source: str  # its label in the golden ("fiscal", "基本支出" …)
    initial: float | None = None  # 年初预算数
    budget: float | None = None  # 全年预算数 / 调整后预算数
    executed: float | None = None  # 全年执行数
    rate: float | None = None  # 执行率 (percent)
    weight: float | None = None
    score: float | None = None
    received: float | None = None
    received_rate: float | None = None
    balance: float | None = None

    @property
    def empty(self) -> bool:
        return all(
            v is None
            for v in (self.initial, self.budget, self.executed, self.rate, self.weight, self.score)
        )


def amount(rng: random.Random, lo: float, hi: float, dec: int = 2) -> float:
    return rnd(rng.uniform(lo, hi), dec)


def parts(
    rng: random.Random, total: float, labels: list[tuple[str, str]], zero_tail: int, dec: int = 2
) -> list[tuple[str, str, float]]:
    """Split `total` over the rows `labels` (printed, source); the last `zero_tail` rows
    get 0 (a carry-over or other-funds row with nothing in it)."""
    live = len(labels) - zero_tail
    shares = [rng.uniform(0.15, 1.0) for _ in range(live)]
    shares[0] += 1.5  # the fiscal row carries most of it
    s = sum(shares)
    amounts = [rnd(total * x / s, dec) for x in shares[:-1]]
    amounts.append(rnd(total - sum(amounts), dec))
    amounts += [0.0] * zero_tail
    return [(p, src, a) for (p, src), a in zip(labels, amounts, strict=True)]


def execution(rng: random.Random, budget: float, dec: int = 2, low: float = 0.86) -> float:
    if budget == 0:
        return 0.0
    return rnd(budget * rng.uniform(low, 1.0), dec)


def rate_of(executed: float, budget: float, dec: int = 2) -> float | None:
    if not budget:
        return None
    return rnd(executed / budget * 100, dec)


def self_eval_block(
    rng: random.Random,
    budget_range: tuple[float, float],
    labels: list[tuple[str, str]],
    *,
    weight: float = 10,
    initial: bool = True,
    zero_tail: int = 1,
    sub_rates: bool = False,
    dec: int = 2,
    scale: float = 1.0,
    score_cap: bool = False,
) -> list[FundRow]:
    """A self-evaluation funding block: the total row first, then its parts. Each part's
    budget, initial budget and execution are drawn, the total row sums them; the total
    row carries the weight, the rate and the score (`sub_rates`: parts print rates too).
    `scale` turns 万元 into 元 (10000)."""
    total_budget = amount(rng, *budget_range) * scale
    rows = parts(rng, total_budget, labels[1:], zero_tail, dec)
    out: list[FundRow] = []
    for printed, source, b in rows:
        init = rnd(b * rng.choice((1.0, 1.0, rng.uniform(0.8, 1.0))), dec) if initial else None
        ex = execution(rng, b, dec)
        out.append(
            FundRow(
                printed,
                source,
                init,
                b,
                ex,
                rate_of(ex, b) if sub_rates and b else None,
            )
        )
    t_init = rnd(sum(r.initial or 0 for r in out), dec) if initial else None
    t_budget = rnd(sum(r.budget or 0 for r in out), dec)
    t_exec = rnd(sum(r.executed or 0 for r in out), dec)
    t_rate = rate_of(t_exec, t_budget)
    assert t_rate is not None
    score = rnd(weight * t_rate / 100, 2)
    if score_cap:
        score = min(score, weight)
    total = FundRow(labels[0][0], labels[0][1], t_init, t_budget, t_exec, t_rate, weight, score)
    return [total, *out]


def target_block(
    rng: random.Random,
    budget_range: tuple[float, float],
    labels: list[tuple[str, str]],
    *,
    zero_tail: int = 1,
    dec: int = 2,
    scale: float = 1.0,
) -> list[FundRow]:
    """A target form's funding: the total row and its parts, budgets only."""
    total = amount(rng, *budget_range) * scale
    total = rnd(total, dec)
    rows = parts(rng, total, labels[1:], zero_tail, dec)
    return [FundRow(labels[0][0], labels[0][1], budget=total)] + [
        FundRow(p, s, budget=a) for p, s, a in rows
    ]
