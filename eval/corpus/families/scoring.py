"""Evaluation scoring tables (评价指标体系评分表 / 评分表 / 评分情况表): 决策 / 过程 / 产出 /
效益 indicators, weights inside labels, text columns, 小计 and 合计 rows."""

from __future__ import annotations

import random
from dataclasses import dataclass

from eval.corpus.content import (
    FOUR_LEVEL_CRITERIA,
    OPINIONS_FULL,
    OPINIONS_PART,
    SCORING_CRITERIA,
    Criterion,
)
from eval.corpus.families.common import merge_leading, project, scored_criterion, total_score
from eval.corpus.layout import C, Form, TableBuilder
from eval.corpus.values import fmt_short, partition, rnd
from extractor.models import ExpectedFlag, Indicator, Project, Subtotal

LEVEL1_SPLITS = (
    {"决策": 15, "过程": 20, "产出": 35, "效益": 30},
    {"决策": 20, "过程": 20, "产出": 30, "效益": 30},
    {"决策": 15, "过程": 15, "产出": 40, "效益": 30},
    {"决策": 16, "过程": 24, "产出": 30, "效益": 30},
)


@dataclass
class Scored:
    criterion: Criterion
    weight: float
    score: float
    opinion: str


def scored_criteria(rng: random.Random, deductions: int) -> tuple[dict[str, float], list[Scored]]:
    """A subset of the indicator system with weights (each level 1's total split over
    its rows, in halves) and scores (a few deducted)."""
    split = rng.choice(LEVEL1_SPLITS)
    chosen: list[Criterion] = []
    for level1 in split:
        rows = [c for c in SCORING_CRITERIA if c.level1 == level1]
        keep = max(2, len(rows) - rng.randint(0, 2))
        picked = sorted(rng.sample(range(len(rows)), keep))
        chosen += [rows[i] for i in picked]
    out: list[Scored] = []
    for level1, total in split.items():
        rows = [c for c in chosen if c.level1 == level1]
        for c, w in zip(rows, partition(rng, total, len(rows), 0.5), strict=True):
            out.append(Scored(c, w, w, rng.choice(OPINIONS_FULL)))
    for i in rng.sample(range(len(out)), deductions):
        s = out[i]
        s.score = rnd(max(s.weight - rng.choice((0.5, 1.0, 1.5)), s.weight * 0.5), 2)
        s.opinion = rng.choice(OPINIONS_PART)
    return {k: float(v) for k, v in split.items()}, out


def _indicators(rows: list[Scored]) -> list[Indicator]:
    return [
        scored_criterion(
            s.criterion.level1, s.criterion.level2, s.criterion.name, s.weight, s.score
        )
        for s in rows
    ]


def _level2_weights(rows: list[Scored]) -> dict[tuple[str, str], float]:
    out: dict[tuple[str, str], float] = {}
    for s in rows:
        key = (s.criterion.level1, s.criterion.level2)
        out[key] = out.get(key, 0.0) + s.weight
    return out


def system_form(
    rng: random.Random,
    name: str,
    year: int,
    department: str | None,
    implementer: str | None,
    *,
    error: str | None = None,
) -> Form:
    """评价指标体系评分表: 一级 (with "（15分）") | 二级 (with "（5分）") | 三级 | 指标解释 |
    评分标准 | 分值 | 得分, a 小计 row after each level 1, and 合计."""
    split, rows = scored_criteria(rng, rng.randint(2, 4))
    l2w = _level2_weights(rows)
    tb = TableBuilder(7)
    first = tb.next_row
    tb.row("一级指标", "二级指标", "三级指标", "指标解释", "评分标准", "分值", "得分")
    tb.mark_header(first, first + 1)
    subtotals: list[Subtotal] = []
    flags: list[ExpectedFlag] = []
    notes: list[str] = []
    bad = rng.randrange(len(split)) if error == "subtotal_score" else -1
    for k, (level1, weight) in enumerate(split.items()):
        group = [s for s in rows if s.criterion.level1 == level1]
        body: list[list[str | C]] = []
        for s in group:
            c = s.criterion
            body.append(
                [
                    f"{level1}（{fmt_short(weight)}分）",
                    f"{c.level2}（{fmt_short(l2w[(level1, c.level2)])}分）",
                    c.name,
                    c.explain,
                    c.standard,
                    fmt_short(s.weight),
                    fmt_short(s.score),
                ]
            )
        for cells in merge_leading(body, 2):
            tb.row(*cells)
        sub = total_score([s.score for s in group])
        printed = sub
        if k == bad:
            printed = rnd(sub + 1, 2)
            flags.append(
                ExpectedFlag(
                    rule="subtotal.score_sum",
                    project=None,
                    path=f"subtotals[{k}].score",
                    note=f"{level1}小计得分印为 {fmt_short(printed)}，各行之和为 {fmt_short(sub)}",
                )
            )
            notes.append(f"小计 of {level1} printed 1 above its rows (on purpose)")
        tb.row(C("小计", 5), fmt_short(weight), fmt_short(printed))
        subtotals.append(Subtotal(level1=level1, weight=weight, score=printed))
    t_score = total_score([s.score for s in rows])
    tb.row(C("合计", 5), "100", fmt_short(t_score))
    proj = project(
        name,
        "evaluation_scoring",
        year,
        department,
        implementer,
        indicators=_indicators(rows),
        subtotals=subtotals,
        total=(100, t_score),
    )
    return Form(
        title=[f"{name}项目绩效评价指标体系评分表"],  # name: the project without 项目
        table=tb.build(),
        project=proj,
        flags=flags,
        notes=notes,
    )


LETTERS = "ABCD"


def letter_form(
    rng: random.Random, name: str, year: int, department: str | None, implementer: str | None
) -> Form:
    """评分表 whose level-1 labels carry a letter code and the weight ("A决策15分"),
    with 分值 | 评价意见 | 得分 columns and a 合计 row."""
    split, rows = scored_criteria(rng, rng.randint(1, 3))
    tb = TableBuilder(6)
    first = tb.next_row
    tb.row("一级指标", "二级指标", "三级指标", "分值", "评价意见", "得分")
    tb.mark_header(first, first + 1)
    body: list[list[str | C]] = []
    for k, (level1, weight) in enumerate(split.items()):
        label = f"{LETTERS[k]}{level1}{fmt_short(weight)}分"
        for s in (s for s in rows if s.criterion.level1 == level1):
            c = s.criterion
            body.append(
                [label, c.level2, c.name, fmt_short(s.weight), s.opinion, fmt_short(s.score)]
            )
    for cells in merge_leading(body, 2):
        tb.row(*cells)
    t_score = total_score([s.score for s in rows])
    tb.row(C("合计", 3), "100", "", fmt_short(t_score))
    proj = project(
        name,
        "evaluation_scoring",
        year,
        department,
        implementer,
        indicators=_indicators(rows),
        subtotals=[Subtotal(level1=k, weight=v, score=None) for k, v in split.items()],
        total=(100, t_score),
    )
    return Form(
        title=[f"{name}项目绩效评价评分表"],
        table=tb.build(),
        project=proj,
        notes=["level-1 labels 'A决策15分': letter code and weight dropped from level1"],
    )


def situation_form(
    rng: random.Random, name: str, year: int, department: str | None, implementer: str | None
) -> Form:
    """评分情况表 under a two-level header (评价指标 over 一级 | 二级 | 三级, 评分情况 over
    分值 | 得分, 扣分说明), level-1 weights in the labels, some 三级 names with their
    weight ("（2分）"), and a 总分 row."""
    split, rows = scored_criteria(rng, rng.randint(2, 4))
    tb = TableBuilder(7)
    first = tb.next_row
    tb.row(C("评价指标", 3), C("评分情况", 2), C("扣分说明", 2, 2))
    tb.row("一级指标", "二级指标", "三级指标", "分值", "得分")
    tb.mark_header(first, first + 2)
    body: list[list[str | C]] = []
    suffixed = rng.random() < 0.6
    for level1, weight in split.items():
        for s in (s for s in rows if s.criterion.level1 == level1):
            c = s.criterion
            shown = f"{c.name}（{fmt_short(s.weight)}分）" if suffixed else c.name
            note = (
                "" if s.score == s.weight else f"{s.opinion}，扣{fmt_short(s.weight - s.score)}分"
            )
            body.append(
                [
                    f"{level1}（{fmt_short(weight)}分）",
                    c.level2,
                    shown,
                    fmt_short(s.weight),
                    fmt_short(s.score),
                    C(note, 2),
                ]
            )
    for cells in merge_leading(body, 2):
        tb.row(*cells)
    t_score = total_score([s.score for s in rows])
    tb.row(C("总分", 3), "100", fmt_short(t_score), C("", 2))
    proj = project(
        name,
        "evaluation_scoring",
        year,
        department,
        implementer,
        indicators=_indicators(rows),
        subtotals=[Subtotal(level1=k, weight=v, score=None) for k, v in split.items()],
        total=(100, t_score),
    )
    return Form(
        title=[f"{name}项目绩效评价评分情况表"],
        table=tb.build(),
        project=proj,
    )


def four_level_form(
    rng: random.Random, name: str, year: int, department: str | None, implementer: str | None
) -> Form:
    """评分明细表 printed down to a 四级指标: 一级 | 二级 | 三级 | 四级 | 分值 | 评分标准 |
    得分, the first three levels merged over their rows, and a 合计 row. The 四级指标
    carries the weight: it is the indicator's `name`; the 三级 above it is not recorded."""
    split = rng.choice(LEVEL1_SPLITS)
    tb = TableBuilder(7)
    first = tb.next_row
    tb.row("一级指标", "二级指标", "三级指标", "四级指标", "分值", "评分标准", "得分")
    tb.mark_header(first, first + 1)
    body: list[list[str | C]] = []
    indicators: list[Indicator] = []
    for level1, total in split.items():
        groups = [g for g in FOUR_LEVEL_CRITERIA if g[0] == level1]
        keep = sorted(rng.sample(range(len(groups)), max(2, len(groups) - rng.randint(0, 1))))
        items = [(g, item) for k in keep for g in [groups[k]] for item in g[3]]
        weights = partition(rng, total, len(items), 0.5)
        for ((_, level2, level3, _), (level4, standard)), w in zip(items, weights, strict=True):
            score = w
            if rng.random() < 0.2:
                score = rnd(max(w - rng.choice((0.5, 1.0)), w * 0.5), 2)
            body.append([level1, level2, level3, level4, fmt_short(w), standard, fmt_short(score)])
            indicators.append(scored_criterion(level1, level2, level4, w, score))
    for cells in merge_leading(body, 3):
        tb.row(*cells)
    t_score = total_score([i.score for i in indicators])
    tb.row(C("合计", 4), "100", "", fmt_short(t_score))
    proj = project(
        name,
        "evaluation_scoring",
        year,
        department,
        implementer,
        indicators=indicators,
        total=(100, t_score),
    )
    return Form(
        title=[f"{name}项目绩效评价评分明细表"],
        table=tb.build(),
        project=proj,
        notes=["四级指标 carry the weights: name = 四级指标, the 三级 not recorded"],
    )


def attach_funding(proj: Project, lines: list) -> Project:  # type: ignore[type-arg]
    proj.funding = list(lines)
    return proj
