"""Narrative rules: sentences that restate figures, checked against each other and
against the tables.

- `narrative.sum`: "共计 X 万元，其中：A、B、C" whose parts do not add up to X.
- `narrative.rate`: a printed percentage that does not match its amounts — "完成年初预算
  的 P%", "占 Q%", "比上年增加 D 万元，增长 R%", "使用率 P%", "A/B*100%=P%",
  "得分率为 P%，评价标准分值 W 分，考评得分 S 分".
- `narrative.conflict`: two different figures for the same quantity, or a narrative
  figure that disagrees with the table it restates (score statements vs the scoring
  table, a project's budget/executed amounts vs its funding line). At most one
  conflict flag per prose unit and kind of check (a cell whose score statements
  disagree three ways is one problem for a reviewer), and a conflict found again in a
  later restatement is not reported twice.

All flags have path "narrative" and project null (the golden convention); the span
points at the figure in doubt when the document is at hand.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from rapidfuzz import fuzz

from extractor.figures import agrees, decimals, fmt, round_to, sums_agree, unit_of
from extractor.models import Indicator, Project
from extractor.validate.document_rules import name_key
from extractor.validate.prose import MONEY_UNITS, Figure, ProseUnit
from extractor.validate.report import Context

_EPS = 1e-9
_CHANGE_WORDS = re.compile(r"增加|减少|增长|下降|降低|提高|上升|比")


def check_narrative(ctx: Context, units: list[ProseUnit]) -> None:
    if not units:
        return
    emitter = _Emitter(ctx)
    for unit in units:
        check_sums(ctx, emitter, unit)
        check_budget_completion(ctx, emitter, unit)
        check_share(ctx, emitter, units, unit)
        check_change(ctx, emitter, unit)
        check_ratio_formula(ctx, emitter, unit)
        check_named_rate(ctx, emitter, unit)
        check_score_statements(ctx, emitter, unit)
    check_bare_execution_rate(ctx, emitter, units)
    check_repeated_sentences(ctx, emitter, units)
    check_paired_figures(ctx, emitter, units)
    check_restated_facts(ctx, emitter, units)
    check_project_amounts(ctx, emitter, units)


class _Emitter:
    """Writes narrative flags; keeps one `narrative.conflict` per prose unit and
    family of check (a cell whose score statements disagree three ways is one problem
    for a reviewer; two different facts restated wrongly are two).

    A sentence that contradicts a table field is reported on that field (`project`,
    `path`), once however often the sentence is restated; the review page shows it on
    the cell. Sentences that disagree with each other are reported on `narrative`."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.conflicted: set[tuple[int, str]] = set()
        self.fields: set[tuple[str, str | None, str]] = set()
        self.changed: set[frozenset[float]] = set()
        self.summed: set[tuple[int, int]] = set()  # (unit, figure start) in a sum flag

    def claim_change(self, old: float, new: float) -> bool:
        """True the first time a figure changed from `old` to `new` is reported: a
        sentence repeated with one figure changed is also a restated fact, one problem."""
        key = frozenset({old, new})
        if key in self.changed:
            return False
        self.changed.add(key)
        return True

    def emit(
        self,
        rule: str,
        unit: ProseUnit,
        start: int,
        end: int,
        message: str,
        *,
        expected: object = None,
        found: object = None,
        family: str = "",
        project: str | None = None,
        path: str = "narrative",
    ) -> None:
        if path != "narrative":
            if (rule, project, path) in self.fields:
                return
            self.fields.add((rule, project, path))
        elif rule == "narrative.conflict":
            key = (id(unit), family)
            if key in self.conflicted:
                return
            self.conflicted.add(key)
        doc_start, doc_end = unit.doc_range(start, end)
        self.ctx.flag(
            rule,
            project=project,
            path=path,
            message=message,
            expected=expected,
            found=found,
            span=self.ctx.locate(doc_start, doc_end),
        )


# --- helpers ------------------------------------------------------------------------


def sentence_bounds(text: str, pos: int, stops: str = "。") -> tuple[int, int]:
    """The sentence around `pos`: from after the previous stop to the next stop."""
    start = max((text.rfind(ch, 0, pos) for ch in stops), default=-1) + 1
    ends = [i for i in (text.find(ch, pos) for ch in stops) if i >= 0]
    return start, (min(ends) + 1 if ends else len(text))


def _excerpt(unit: ProseUnit, start: int, end: int, width: int = 40) -> str:
    text = unit.text[max(0, start) : end]
    return text if len(text) <= width else text[: width - 1] + "…"


def _same_family(a: Figure, b: Figure) -> bool:
    if a.kind == "money" and b.kind == "money":
        return True
    return a.kind == b.kind == "count" and a.unit == b.unit


def _amounts_agree(total: Figure, parts: list[Figure]) -> bool:
    """Sum check across figures, converting 元/万元/亿元 when they are mixed."""
    if all(p.unit == total.unit for p in parts):
        return sums_agree(total.value, [p.value for p in parts])
    # Mixed money units: compare in 万元, allowing one unit of the coarsest printed digit.
    figures = [total, *parts]
    tolerance = max(
        unit_of(decimals(f.value)) * MONEY_UNITS.get(f.unit or "", 1.0) for f in figures
    )
    return abs(total.in_wan() - math.fsum(p.in_wan() for p in parts)) <= tolerance + _EPS


def _ratio_agrees(printed: float, numerator: float, denominator: float) -> bool:
    return denominator > 0 and agrees(printed, numerator / denominator * 100)


# --- narrative.sum ------------------------------------------------------------------

_OF_WHICH = re.compile(r"其中")


def _of_which_total(unit: ProseUnit, pos: int) -> Figure | None:
    """The figure a "其中" breaks down: the last money or count figure before it, in its
    own sentence or (for "…万元。其中：…") the one before."""
    start, _ = sentence_bounds(unit.text, pos)
    # "46.56 万元，比上年增加 25 万元。其中：…" breaks down the 46.56, not the change.
    before = [
        f
        for f in unit.figures
        if f.start < pos and f.kind in ("money", "count") and not _CHANGE_WORDS.search(f.label)
    ]
    same = [f for f in before if f.start >= start]
    if same:
        return same[-1]
    if unit.text[start:pos].strip("：:，,") == "":
        previous_start, _ = sentence_bounds(unit.text, max(0, start - 2))
        earlier = [f for f in before if f.start >= previous_start]
        return earlier[-1] if earlier else None
    return None


_OPEN, _CLOSE = "（(", "）)"


def _inside_parens_until(text: str, start: int, pos: int, end: int) -> int | None:
    """Where the bracket enclosing `pos` closes ("地上 8013 平方米（其中计容 7998 …，不计容
    105 平方米）"), or None when `pos` is not inside one (looking back to `start`)."""
    depth = 0
    for ch in reversed(text[start:pos]):
        if ch in _CLOSE:
            depth += 1
        elif ch in _OPEN:
            if depth == 0:
                break
            depth -= 1
    else:
        return None
    depth = 0
    for index in range(pos, end):
        if text[index] in _OPEN:
            depth += 1
        elif text[index] in _CLOSE:
            if depth == 0:
                return index
            depth -= 1
    return None


def of_which_parts(unit: ProseUnit, pos: int, total: Figure) -> list[Figure]:
    """The parts listed after "其中" up to the end of the sentence, the next 其中, or the
    bracket the 其中 sits in; a bracket inside the list is a breakdown of its own part."""
    text = unit.text
    end = text.find("。", pos)
    end = len(text) if end < 0 else end
    sentence_start, _ = sentence_bounds(text, pos)
    closing = _inside_parens_until(text, sentence_start, pos, end)
    if closing is not None:
        end = closing
    depth_at: dict[int, int] = {}
    depth = 0
    for index in range(pos, end):
        depth_at[index] = depth
        if text[index] in _OPEN:
            depth += 1
        elif text[index] in _CLOSE:
            depth = max(0, depth - 1)
        elif depth == 0 and index > pos + 1 and text.startswith("其中", index):
            end = index
            break
    return [
        f
        for f in unit.figures
        if pos < f.start < end
        and depth_at.get(f.start, 0) == 0
        and _same_family(f, total)
        and not _CHANGE_WORDS.search(f.label)
    ]


_PARTIAL_AFTER = re.compile(r"^[^，,。；;]{0,6}?等")


def _partial_list(text: str, pos: int, last: Figure) -> bool:
    """ "其中主要…" or "…A、B 等" lists some parts, not all."""
    return text.startswith("其中主要", pos) or bool(_PARTIAL_AFTER.match(text[last.end :]))


def check_sums(ctx: Context, emitter: _Emitter, unit: ProseUnit) -> None:
    """ "共计 X，其中 A、B、C": with two or more parts they must add up to X; a single
    part ("其中：小微企业 29.96 万元") or a list that says it is partial ("其中主要…",
    "…C 等") may be a subset, so it only must not exceed X."""
    rule = "narrative.sum"
    for match in _OF_WHICH.finditer(unit.text):
        total = _of_which_total(unit, match.start())
        if total is None:
            continue
        parts = of_which_parts(unit, match.start(), total)
        if not parts:
            continue
        ctx.ran()
        if len(parts) == 1 or _partial_list(unit.text, match.start(), parts[-1]):
            if sum(p.in_wan() for p in parts) <= total.in_wan() + _EPS or _amounts_agree(
                total, parts
            ):
                continue
        elif _amounts_agree(total, parts):
            continue
        # One wrong figure breaks its own breakdown and the one it is part of: report it once.
        involved = {(id(unit), f.start) for f in (total, *parts)}
        if involved & emitter.summed:
            continue
        emitter.summed |= involved
        unit_name = total.unit or ""
        listed = " + ".join(f"{fmt(p.value)}{p.unit or ''}" for p in parts)
        emitter.emit(
            rule,
            unit,
            total.start,
            parts[-1].end,
            (
                f"“{_excerpt(unit, total.start, total.end + 4)}”：其中各项 {listed} = "
                f"{fmt(round_to(sum(p.value for p in parts), 4))}，不等于合计 "
                f"{fmt(total.value)}{unit_name}"
            ),
            expected=total.value,
            found=round_to(sum(p.value for p in parts), 4),
        )


# --- narrative.rate -----------------------------------------------------------------

_COMPLETION = re.compile(r"完成(?:了)?(年初|全年|调整后?)?预算(?:数)?的?(\d+(?:\.\d+)?)%")
_BUDGET_LABEL = re.compile(r"预算")
_SPENT_LABEL = re.compile(r"决算|执行|支出|完成")


def check_budget_completion(ctx: Context, emitter: _Emitter, unit: ProseUnit) -> None:
    """ "预算数为 A 万元，执行数为 B 万元，完成预算的 P%": P = B / A.

    "完成年初预算的 P%" is of the 年初预算 (全年 / 调整后 likewise) when the sentence gives
    it; an unnamed 预算 may be any budget the sentence gives. A rate of a 0 budget has no
    value: "年初预算为 0 万元 … 完成年初预算的 95.89%" is flagged, even when 95.89 % is
    the rate of the 全年预算 the sentence also gives."""
    rule = "narrative.rate"
    for match in _COMPLETION.finditer(unit.text):
        start, _ = sentence_bounds(unit.text, match.start())
        before = [f for f in unit.figures if start <= f.start < match.start()]
        budgets = [
            f
            for f in before
            if (f.kind == "money" or (f.kind == "bare" and f.value == 0))
            and _BUDGET_LABEL.search(f.label)
        ]
        spent = [
            f
            for f in before
            if f.kind == "money"
            and budgets
            and f.start > budgets[0].start
            and _SPENT_LABEL.search(f.label)
        ]
        identity = (match.group(1) or "").removesuffix("后")
        named = [b for b in budgets if identity and identity in b.label]
        candidates = [b for b in (named or budgets) if spent and b.start < spent[-1].start]
        if not candidates or not spent:
            ctx.skip(rule)
            continue
        printed = float(match.group(2))
        ctx.ran()
        nonzero = [b for b in candidates if b.value > 0]
        if not nonzero:
            others = [
                b
                for b in budgets
                if b.value > 0 and _ratio_agrees(printed, spent[-1].in_wan(), b.in_wan())
            ]
            hint = (
                f"（{fmt(printed)}% 是 {fmt(others[0].value)}{others[0].unit} 的比率）"
                if others
                else ""
            )
            emitter.emit(
                rule,
                unit,
                match.start(),
                match.end(),
                f"{match.group()}：{identity}预算为 0，比率无从计算{hint}",
                expected=None,
                found=printed,
            )
            continue
        if any(_ratio_agrees(printed, spent[-1].in_wan(), b.in_wan()) for b in nonzero):
            continue
        budget = nonzero[0]
        exact = spent[-1].in_wan() / budget.in_wan() * 100
        emitter.emit(
            rule,
            unit,
            match.start(),
            match.end(),
            (
                f"完成预算的 {fmt(printed)}% 与 {fmt(spent[-1].value)} / {fmt(budget.value)} = "
                f"{fmt(round_to(exact, 2))}% 不符"
            ),
            expected=round_to(exact, 2),
            found=printed,
        )


_SHARE = re.compile(r"占([^，,。；;%\d]{0,24}?)的?(\d+(?:\.\d+)?)%")
_YEAR_WORDS = re.compile(r"本年度|本年|全年|当年|\d{4}年度?|的")


def _label_key(label: str) -> str:
    return _YEAR_WORDS.sub("", name_key(label))


def _denominator(
    units: list[ProseUnit], unit: ProseUnit, numerator: Figure, key: str
) -> Figure | None:
    """What "占 <key> 的 Q%" is a share of.

    Inside a "其中" list it is the list's total. Otherwise the closest earlier money
    figure whose label ends with the named quantity ("占政府采购支出总额的 86.3%" →
    "政府采购支出总额 334.95 万元"), in this unit or the ones before it."""
    text = unit.text
    of_which = text.rfind("其中", 0, numerator.start)
    if of_which >= 0 and "。" not in text[of_which : numerator.start]:
        total = _of_which_total(unit, of_which)
        if total is not None and total.kind == "money":
            return total
    if len(key) < 2:
        return None
    index = next(i for i, u in enumerate(units) if u is unit)
    for k in range(index, -1, -1):
        candidates = units[k].figures
        if k == index:
            candidates = [f for f in candidates if f.start < numerator.start]
        for figure in reversed(candidates):
            if figure.kind == "money" and figure is not numerator:
                label = _label_key(figure.label)
                if label and label.endswith(key):
                    return figure
    return None


def check_share(ctx: Context, emitter: _Emitter, units: list[ProseUnit], unit: ProseUnit) -> None:
    """ "X 万元，占 <total> 的 Q%": Q = X / total."""
    rule = "narrative.rate"
    for match in _SHARE.finditer(unit.text):
        start, _ = sentence_bounds(unit.text, match.start(), "。；;")
        money = [f for f in unit.figures if start <= f.start < match.start() and f.kind == "money"]
        if not money:
            continue
        numerator = money[-1]
        denominator = _denominator(units, unit, numerator, _label_key(match.group(1)))
        if denominator is None:
            ctx.skip(rule)
            continue
        printed = float(match.group(2))
        ctx.ran()
        if _ratio_agrees(printed, numerator.in_wan(), denominator.in_wan()):
            continue
        exact = (
            numerator.in_wan() / denominator.in_wan() * 100 if denominator.value else float("nan")
        )
        emitter.emit(
            rule,
            unit,
            match.start(),
            match.end(),
            (
                f"{fmt(numerator.value)}{numerator.unit} 占 {fmt(denominator.value)}"
                f"{denominator.unit} 的比例应为 {fmt(round_to(exact, 2))}%，文中为 {fmt(printed)}%"
            ),
            expected=round_to(exact, 2),
            found=printed,
        )


_CHANGE = re.compile(
    r"(增加|减少)了?(\d+(?:\.\d+)?)(亿元|万元|元)[，,]?(?:同比)?(增长|下降)了?(\d+(?:\.\d+)?)%"
)


def check_change(ctx: Context, emitter: _Emitter, unit: ProseUnit) -> None:
    """ "C 万元 … 比上年增加 D 万元，增长 R%": R = D / (C − D) (减少: C + D)."""
    rule = "narrative.rate"
    for match in _CHANGE.finditer(unit.text):
        current = [f for f in unit.figures if f.end <= match.start() and f.unit == match.group(3)]
        if not current or not re.search(r"比|较|相比", unit.text[current[-1].end : match.end()]):
            ctx.skip(rule)
            continue
        now, delta = current[-1].value, float(match.group(2))
        previous = now - delta if match.group(1) == "增加" else now + delta
        printed = float(match.group(5))
        if previous < -_EPS:
            ctx.skip(rule)  # a negative base: the sentence was not read as "C … 增加 D"
            continue
        if previous <= _EPS:
            # Growth from nothing has no rate; "增加 307.82 万元，增长 100%" for a new
            # item restates the amount as a rate that does not exist.
            ctx.ran()
            emitter.emit(
                rule,
                unit,
                match.start(),
                match.end(),
                (
                    f"{match.group(1)} {fmt(delta)}{match.group(3)}，上年为 0，"
                    f"{match.group(4)}率无从计算，文中为 {fmt(printed)}%"
                ),
                expected=None,
                found=printed,
            )
            continue
        ctx.ran()
        if agrees(printed, delta / previous * 100):
            continue
        exact = delta / previous * 100
        emitter.emit(
            rule,
            unit,
            match.start(),
            match.end(),
            (
                f"{match.group(1)} {fmt(delta)}{match.group(3)}"
                f"（上年 {fmt(round_to(previous, 4))}），"
                f"{match.group(4)}应为 {fmt(round_to(exact, 2))}%，文中为 {fmt(printed)}%"
            ),
            expected=round_to(exact, 2),
            found=printed,
        )


_RATIO_FORMULA = re.compile(r"(\d+(?:\.\d+)?)/(\d+(?:\.\d+)?)(?:[*×]100%?)?=(\d+(?:\.\d+)?)%")


def check_ratio_formula(ctx: Context, emitter: _Emitter, unit: ProseUnit) -> None:
    """A worked ratio in the text: "10.95/11.09*100%=98.74%"."""
    rule = "narrative.rate"
    for match in _RATIO_FORMULA.finditer(unit.text):
        numerator, denominator, printed = (float(match.group(i)) for i in (1, 2, 3))
        ctx.ran()
        if _ratio_agrees(printed, numerator, denominator):
            continue
        exact = numerator / denominator * 100 if denominator else float("nan")
        emitter.emit(
            rule,
            unit,
            match.start(),
            match.end(),
            f"算式 {match.group(0)} 有误：{fmt(numerator)}/{fmt(denominator)} = "
            f"{fmt(round_to(exact, 2))}%",
            expected=round_to(exact, 2),
            found=printed,
        )


_NAMED_RATE = re.compile(r"(使用|结余|节余|执行|支出|到位)率(?:为|达到?|是)?(\d+(?:\.\d+)?)%")


# What each named rate divides: its own amount (numerator words) by a base amount.
_RATE_PARTS: dict[str, tuple[str, str]] = {
    "到位": (r"到位|到账|拨付", r"预算|计划|安排|下达|总额|总金额|合计|共计|总计|资金"),
    "结余": (r"结余|节余|结转", r"预算|总额|总金额|到位|安排|下达|合计|共计|总计|资金"),
}
_SPENDING_RATE = (
    r"支出|使用|执行|决算|拨付|完成",
    r"预算|总额|总金额|到位|安排|下达|计划|合计|共计|总计|资金",
)
# A base is never the spent, used or remaining amount itself.
_NOT_A_BASE = re.compile(r"支出|使用|执行|决算|结余|节余|截至")


def _rate_operands(unit: ProseUnit, kind: str, pos: int) -> tuple[Figure, list[Figure]] | None:
    """(numerator, bases) of "…率 P%" at `pos`: the rate's own amount in its clause (up
    to "；" or "。") and the earlier amounts named as a base (预算, 总金额, 到位 …), nearest
    first, in the clause or before it in the passage ("预算资金 300 万元 … 截至 12 月 31 日，
    支出 289.5 万元，执行率 96.5%"); with none named, the clause's first amount."""
    own, base_words = _RATE_PARTS.get(kind, _SPENDING_RATE)
    start, _ = sentence_bounds(unit.text, pos, "。；;")
    money = [f for f in unit.figures if f.kind == "money" and f.start < pos]
    clause = [f for f in money if f.start >= start]
    if not clause:
        return None
    numerator = next((f for f in reversed(clause) if re.search(own, f.label)), clause[-1])
    bases = [
        f
        for f in reversed(money)
        if f.start < numerator.start
        and re.search(base_words, f.label)
        and not _NOT_A_BASE.search(f.label)
    ]
    earlier = [f for f in clause if f.start < numerator.start]
    if not bases and not earlier:
        return None
    return numerator, bases or earlier[:1]


def check_named_rate(ctx: Context, emitter: _Emitter, unit: ProseUnit) -> None:
    """ "总金额 1848.87 万元 … 使用 1643.99 万元，使用率 88.92%": the rate is its own
    amount over one of its bases (`_rate_operands`). A rate with only its base before it
    ("总金额 X 万元，到位率 100%") says nothing checkable."""
    rule = "narrative.rate"
    for match in _NAMED_RATE.finditer(unit.text):
        operands = _rate_operands(unit, match.group(1), match.start())
        if operands is None:
            continue
        numerator, bases = operands
        printed = float(match.group(2))
        ctx.ran()
        # a rate of any of its bases is right: 预算执行率 of the 预算, though a 到位 amount
        # is printed nearer
        if any(_ratio_agrees(printed, numerator.in_wan(), b.in_wan()) for b in bases):
            continue
        base = bases[0]
        exact = numerator.in_wan() / base.in_wan() * 100 if base.value else float("nan")
        emitter.emit(
            rule,
            unit,
            match.start(),
            match.end(),
            (
                f"{match.group(1)}率 {fmt(printed)}% 与 {fmt(numerator.value)} / "
                f"{fmt(base.value)} = {fmt(round_to(exact, 2))}% 不符"
            ),
            expected=round_to(exact, 2),
            found=printed,
        )


# --- score statements ---------------------------------------------------------------

_NUM = r"(\d+(?:\.\d+)?)"
# "评价标准分值 4 分，考评得分 4 分" / "（分值5分，得分5分）"
_DECLARATION = re.compile(rf"(?:评价标准)?分值{_NUM}分[，,、]?(?:考评|评价|实际)?得分{_NUM}分")
_RATE_BEFORE = re.compile(rf"得分率为?{_NUM}%[，,]?$")
# "得 2 分", "得分2.5分", "本次得分为4分", "加权平均得分3.94分"; not "不得分", "共得"
_ITEM = re.compile(rf"(?<![不共总])得(?:分为|分)?{_NUM}分")
_DEDUCTION = re.compile(rf"扣{_NUM}分")
_NAME_STOP = "，,。；;：:\n"
_MARKER = re.compile(
    r"^(?:[（(][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+[、.．]|\d+[.、．]|[①-⑳])+"
)
_NAME_SUFFIX = re.compile(r"(?:情况分析|分析|情况|指标)+$")


@dataclass(frozen=True)
class Declaration:
    """A score statement in prose: 分值 W 分, 得分 S 分, and what it is about."""

    name: str
    weight: float
    score: float
    start: int
    end: int


def _declarations(text: str) -> list[Declaration]:
    found: list[Declaration] = []
    for match in _DECLARATION.finditer(text):
        head = match.start()
        # A heading puts the statement in brackets after the name: "…分析（分值5分…".
        if head > 0 and text[head - 1] in "（(":
            head -= 1
        name_start = max((text.rfind(ch, 0, head) for ch in _NAME_STOP), default=-1) + 1
        found.append(
            Declaration(
                name=_MARKER.sub("", text[name_start:head]),
                weight=float(match.group(1)),
                score=float(match.group(2)),
                start=match.start(),
                end=match.end(),
            )
        )
    return found


def _items(text: str, start: int, end: int) -> list[float]:
    return [float(m.group(1)) for m in _ITEM.finditer(text, start, end)]


def decl_key(name: str) -> str:
    """ "2、项目资金使用合规性情况分析" and the table's "资金使用合规性" compare equal."""
    key = name_key(_MARKER.sub("", name))
    key = _NAME_SUFFIX.sub("", key)
    return key.removeprefix("项目") or key


@dataclass(frozen=True)
class TableRef:
    """What the scoring table gives a named item and where it prints it: one indicator
    row (`indicators[i].weight`), a printed level-1 subtotal (`subtotals[k].score`), or
    the sum of a group's rows, which is no field of its own (path None)."""

    project: str
    weight: float | None
    score: float | None
    weight_path: str | None = None
    score_path: str | None = None


def _group_ref(project: Project, level: str, key: str, group: list[Indicator]) -> TableRef:
    weight, score = _sum_or_none(group, "weight"), _sum_or_none(group, "score")
    if level == "level1":
        for k, subtotal in enumerate(project.subtotals):
            if decl_key(subtotal.level1) != key:
                continue
            printed_weight, printed_score = subtotal.weight is not None, subtotal.score is not None
            return TableRef(
                project.id,
                subtotal.weight if printed_weight else weight,
                subtotal.score if printed_score else score,
                f"subtotals[{k}].weight" if printed_weight else None,
                f"subtotals[{k}].score" if printed_score else None,
            )
    return TableRef(project.id, weight, score)


def _table_match(projects: list[Project], name: str) -> TableRef | None:
    """What the scoring table gives the named item: one indicator of that name, or a
    二级/一级 group of that name. Ambiguous or unknown → None."""
    key = decl_key(name)
    if len(key) < 2:
        return None
    matches: list[TableRef] = []
    for project in projects:
        rows = [i for i, ind in enumerate(project.indicators) if decl_key(ind.name) == key]
        if len(rows) == 1:
            row = project.indicators[rows[0]]
            path = f"indicators[{rows[0]}]"
            matches.append(
                TableRef(project.id, row.weight, row.score, f"{path}.weight", f"{path}.score")
            )
            continue
        for level in ("level2", "level1"):
            group = [
                ind for ind in project.indicators if decl_key(getattr(ind, level) or "") == key
            ]
            if group:
                matches.append(_group_ref(project, level, key, group))
                break
    return matches[0] if len(matches) == 1 else None


def _sum_or_none(rows: list[Indicator], field: str) -> float | None:
    values = [getattr(row, field) for row in rows]
    if any(v is None for v in values):
        return None
    return round_to(math.fsum(v for v in values if v is not None), 4)


def _segment_problems(
    unit: ProseUnit, decls: list[Declaration], k: int, *, one_row: bool = False
) -> list[str]:
    """What is wrong with declaration k judged by the text that follows it.

    Item scores that add up to more than the stated score are always wrong. Fewer is
    wrong only for a statement about one row of the scoring table (`one_row`): a
    paragraph about a group may name the scores of some of its rows only."""
    text = unit.text
    decl = decls[k]
    end = decls[k + 1].start if k + 1 < len(decls) else len(text)
    problems: list[str] = []
    if decl.score > decl.weight + _EPS:
        problems.append(f"{_about(decl)}得分 {fmt(decl.score)} 高于分值 {fmt(decl.weight)}")
    items = _items(text, decl.end, end)
    if items:
        total = math.fsum(items)
        complete = k + 1 < len(decls) or text[:end].rstrip().endswith(("。", "；", ";", "分"))
        short = one_row and complete and not sums_agree(decl.score, items)
        if total > decl.score + _EPS or short:
            listed = "+".join(fmt(i) for i in items)
            summed = f" = {fmt(round_to(total, 4))}" if len(items) > 1 else ""
            problems.append(
                f"{_about(decl)}称得分 {fmt(decl.score)} 分，而其后所述得分为 {listed}{summed} 分"
            )
    deductions = [float(m.group(1)) for m in _DEDUCTION.finditer(text, decl.end, end)]
    if len(deductions) == 1 and not sums_agree(decl.weight, [decl.score, deductions[0]]):
        problems.append(
            f"{_about(decl)}分值 {fmt(decl.weight)} 得分 {fmt(decl.score)}，"
            f"却称扣 {fmt(deductions[0])} 分"
        )
    if not items and k + 2 < len(decls):
        problems.extend(_children_problems(decls, k))
    return problems


def _about(decl: Declaration) -> str:
    return f"“{decl.name}”" if decl.name else ""


def _children_problems(decls: list[Declaration], k: int) -> list[str]:
    """A statement with no items of its own, followed by statements whose weights add up
    to its weight, is their parent: their scores must add up to its score too."""
    parent = decls[k]
    weights: list[float] = []
    children: list[Declaration] = []
    for child in decls[k + 1 :]:
        weights.append(child.weight)
        children.append(child)
        if math.fsum(weights) >= parent.weight - _EPS:
            break
    if len(children) < 2 or not sums_agree(parent.weight, weights):
        return []
    scores = [c.score for c in children]
    if sums_agree(parent.score, scores):
        return []
    return [
        f"{_about(parent)}称得分 {fmt(parent.score)} 分，其下各项得分 "
        f"{'+'.join(fmt(s) for s in scores)} = {fmt(round_to(math.fsum(scores), 4))}"
    ]


def _row_score(unit: ProseUnit) -> float | None:
    """A table row's own 得分 cell ("8 分") next to the prose cell, if any."""
    if unit.kind != "cell" or not unit.row_cells:
        return None
    last = unit.row_cells[-1]
    if last == unit.text:
        return None
    match = re.fullmatch(rf"{_NUM}分?", last)
    return float(match.group(1)) if match else None


_MAX_LABEL = 16  # a row label cell ("组织实施（8分）") is short; sentences are not
_PROSE_STOP = re.compile(r"[。，；,;]")


def _row_label(unit: ProseUnit) -> str:
    """The label of the table row a prose cell sits in: the nearest short cell before it
    ("组织实施（8分）"), or "" outside tables."""
    if unit.kind != "cell":
        return ""
    cells = unit.row_cells
    here = next((i for i, c in enumerate(cells) if c and c in unit.text), len(cells))
    for cell in reversed(cells[:here]):
        if cell and len(cell) <= _MAX_LABEL and not _PROSE_STOP.search(cell):
            return cell
    return ""


def check_score_statements(ctx: Context, emitter: _Emitter, unit: ProseUnit) -> None:
    """Score statements in prose ("评价标准分值 8 分，考评得分 6 分", "（分值5分，得分5分）")
    against the items that follow them, their own row's 得分 cell, the scoring table,
    and the 得分率 printed before them.

    A statement about an item the scoring table prints (a row, a printed subtotal) is
    reported on that table field: the weight when the weights differ, else the score.
    What concerns no table field (the analysis table's own 得分 cell, a group without a
    printed subtotal) is one `narrative` flag per unit, at the first statement in doubt."""
    decls = _declarations(unit.text)
    if not decls:
        return
    scoring = [p for p in ctx.result.projects if p.form == "evaluation_scoring"]
    problems: list[str] = []
    first_bad: Declaration | None = None
    for k, decl in enumerate(decls):
        ctx.ran()
        ref = _table_match(scoring, decl.name)
        one_row = ref is not None and (ref.weight_path or "").startswith("indicators[")
        text_problems = _segment_problems(unit, decls, k, one_row=one_row)
        table_problems, path = _table_problems(ctx, ref, decl)
        _check_score_rate(ctx, emitter, unit, decl)
        found = table_problems + text_problems
        if ref is not None and found and (path or ref.score_path):
            emitter.emit(
                "narrative.conflict",
                unit,
                decl.start,
                decl.end,
                "；".join(found),
                expected=[ref.weight, ref.score],
                found=[decl.weight, decl.score],
                project=ref.project,
                path=path or ref.score_path or "narrative",
            )
            continue
        if found and first_bad is None:
            first_bad = decl
        problems.extend(found)
    row_score = _row_score(unit)
    if row_score is not None:
        ctx.ran()
        if not sums_agree(row_score, [decls[0].score]):
            label = _about(decls[0]) or (f"“{_row_label(unit)}”" if _row_label(unit) else "")
            problems.append(
                f"{label}称得分 {fmt(decls[0].score)} 分，而本行得分栏为 {fmt(row_score)}"
            )
            first_bad = first_bad or decls[0]
    if problems and first_bad is not None:
        emitter.emit(
            "narrative.conflict",
            unit,
            first_bad.start,
            first_bad.end,
            "；".join(problems),
            found=[d.score for d in decls],
            family="scores",
        )


def _table_problems(
    ctx: Context, ref: TableRef | None, decl: Declaration
) -> tuple[list[str], str | None]:
    """The statement against the scoring table's row (or group) of the same name: the
    problems, and the table field in doubt (the weight when the weights differ)."""
    if ref is None:
        return [], None
    ctx.ran()
    problems: list[str] = []
    path: str | None = None
    if ref.weight is not None and not sums_agree(ref.weight, [decl.weight]):
        problems.append(f"“{decl.name}”分值 {fmt(decl.weight)}，评分表为 {fmt(ref.weight)}")
        path = ref.weight_path
    if ref.score is not None and not sums_agree(ref.score, [decl.score]):
        problems.append(f"“{decl.name}”得分 {fmt(decl.score)}，评分表为 {fmt(ref.score)}")
        path = path or ref.score_path
    return problems, path


def _check_score_rate(ctx: Context, emitter: _Emitter, unit: ProseUnit, decl: Declaration) -> None:
    match = _RATE_BEFORE.search(unit.text, 0, decl.start)
    if match is None:
        return
    printed = float(match.group(1))
    ctx.ran()
    if _ratio_agrees(printed, decl.score, decl.weight):
        return
    exact = decl.score / decl.weight * 100 if decl.weight else float("nan")
    emitter.emit(
        "narrative.rate",
        unit,
        match.start(),
        decl.end,
        f"得分率 {fmt(printed)}% 与 {fmt(decl.score)}/{fmt(decl.weight)} = "
        f"{fmt(round_to(exact, 2))}% 不符",
        expected=round_to(exact, 2),
        found=printed,
    )


# --- the same statement twice with different figures ---------------------------------

_SENTENCE_STOPS = re.compile(r"[。；;：:！？!?\n]")
_MIN_TEMPLATE = 12  # characters of wording a repeated statement must share
# "本次得分6分，扣4分" and its like repeat for every scored item with other numbers.
_SCORE_WORDS = re.compile(r"得分|得\d|扣\d|分值")


def _sentences(unit: ProseUnit) -> Iterator[tuple[int, int]]:
    start = 0
    for match in _SENTENCE_STOPS.finditer(unit.text):
        if match.start() > start:
            yield start, match.start()
        start = match.end()
    if start < len(unit.text):
        yield start, len(unit.text)


def check_repeated_sentences(ctx: Context, emitter: _Emitter, units: list[ProseUnit]) -> None:
    """The same sentence printed twice with one figure changed ("发放30张…问卷，回收的
    10份" vs "发放31张…问卷，回收的10份"): one of them is wrong.

    Only sentences printed exactly twice, sharing at least one figure other than 0 or 1
    and enough wording, count: a wording used three or more times is boilerplate filled
    in for different items ("年初预算为 X 万元，支出决算为 Y 万元")."""
    groups: dict[str, list[tuple[ProseUnit, int, int, tuple[float, ...]]]] = defaultdict(list)
    for unit in units:
        for start, end in _sentences(unit):
            figures = [f for f in unit.figures if start <= f.start and f.end <= end]
            if len(figures) < 2:
                continue
            sentence = unit.text[start:end]
            if _SCORE_WORDS.search(sentence):
                continue  # score statements are check_score_statements' business
            template = re.sub(r"\d+(?:[.,]\d+)*", "#", sentence)
            if len(template.replace("#", "")) < _MIN_TEMPLATE:
                continue
            groups[template].append((unit, start, end, tuple(f.value for f in figures)))
    for occurrences in groups.values():
        if len(occurrences) != 2:
            continue
        (first_unit, first_start, first_end, first), (unit, start, end, second) = occurrences
        ctx.ran()
        if not _same_period(
            first_unit.text[first_start:first_end], unit.text[start:end]
        ):  # "2021年共办理…" and "2022年共办理…" are two years' figures
            continue
        # A shared 0 or 1 ("…用车 0 辆、…") does not make two lists the same statement.
        telling = {v for v in set(first) & set(second) if v > 1}
        if first == second or not telling:
            continue
        changes = [(a, b) for a, b in zip(first, second, strict=False) if a != b]
        claimed = [emitter.claim_change(a, b) for a, b in changes]  # claim every change
        if not any(claimed):
            continue
        emitter.emit(
            "narrative.conflict",
            unit,
            start,
            end,
            (
                f"同一表述前后数字不一致：“{_excerpt(unit, start, end)}”中为 "
                f"{'、'.join(fmt(v) for v in second)}，前文为 {'、'.join(fmt(v) for v in first)}"
            ),
            expected=list(first),
            found=list(second),
            family="repeated",
        )


# --- a count and its money, stated twice ---------------------------------------------

_SPENDING_LABEL = re.compile(r"支出|金额|费用|款")


def check_paired_figures(ctx: Context, emitter: _Emitter, units: list[ProseUnit]) -> None:
    """ "救助 11.09 万人次，支出 3734.80 万元" and later "11.09 万人次，支出医疗救助费用
    4730.8 万元": the same count paired with different spending is a conflict."""
    seen: dict[tuple[float, str], Figure] = {}
    for unit in units:
        for start, end in _sentences_by(unit, "。；;"):
            figures = [f for f in unit.figures if start <= f.start < end]
            for anchor, nxt in itertools.pairwise(figures):
                if anchor.kind != "count" or nxt.kind != "money":
                    continue
                if not _SPENDING_LABEL.search(nxt.label) or anchor.value <= 1:
                    continue
                key = (anchor.value, anchor.unit or "")
                first = seen.get(key)
                if first is None:
                    seen[key] = nxt
                    continue
                ctx.ran()
                if _amounts_agree(first, [nxt]):
                    continue
                emitter.emit(
                    "narrative.conflict",
                    unit,
                    nxt.start,
                    nxt.end,
                    (
                        f"同为 {fmt(anchor.value)}{anchor.unit}，"
                        f"此处{nxt.label} {fmt(nxt.value)}{nxt.unit}，"
                        f"前文为{first.label} {fmt(first.value)}{first.unit}"
                    ),
                    expected=first.value,
                    found=nxt.value,
                    family="paired",
                )


def _sentences_by(unit: ProseUnit, stops: str) -> Iterator[tuple[int, int]]:
    start = 0
    for i, ch in enumerate(unit.text):
        if ch in stops:
            if i > start:
                yield start, i
            start = i + 1
    if start < len(unit.text):
        yield start, len(unit.text)


# --- project amounts in prose vs the funding tables -----------------------------------

_FIELD_LABELS: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = (
    (re.compile(r"年初预算"), ("initial_budget",)),
    (re.compile(r"预算"), ("budget", "initial_budget")),
    (re.compile(r"执行数|决算|实际支出|支出数"), ("executed",)),
)
# Any amount of a project: the first printed one is the field a conflict is shown on.
_AMOUNT_FIELDS = ("budget", "executed", "received", "initial_budget")


def _projects_by_key(projects: list[Project]) -> dict[str, list[Project]]:
    keyed: dict[str, list[Project]] = defaultdict(list)
    for project in projects:
        if project.funding:
            keyed[name_key(project.name)].append(project)
    return keyed


Cell = tuple[float, str, str]  # (amount in 万元, project id, path of the field)


def _funding_cells(projects: list[Project], fields: tuple[str, ...]) -> list[Cell]:
    """(amount in 万元, project id, path) of the named columns of each project's total
    line (every line when there is none)."""
    cells: list[Cell] = []
    for project in projects:
        indexed = list(enumerate(project.funding))
        lines = [(i, ln) for i, ln in indexed if ln.source == "total"] or indexed
        for index, line in lines:
            # Tables in 元 are compared in 万元, like the prose figures.
            scale = MONEY_UNITS.get(line.unit, 1.0)
            for name in fields:
                amount = getattr(line, name)
                if amount is not None:
                    cells.append((amount * scale, project.id, f"funding[{index}].{name}"))
    return cells


def _named_project(keyed: dict[str, list[Project]], text: str) -> list[Project]:
    """Projects named in a sentence (the longest name wins: "城乡医疗救助资金" over
    "城乡医疗救助")."""
    key = name_key(text)
    names = [name for name in keyed if len(name) >= 4 and name in key]
    if not names:
        return []
    return keyed[max(names, key=len)]


def check_project_amounts(ctx: Context, emitter: _Emitter, units: list[ProseUnit]) -> None:
    """Amounts the prose gives for a named project against the project's funding line:
    "城乡医疗救助 3113 万元" (any of its amounts), and "城乡医疗救助项目…全年预算数为
    1505.48 万元，执行数为 709.41 万元" (the matching column). Reported on the table
    field the sentence restates."""
    keyed = _projects_by_key(ctx.result.projects)
    if not keyed:
        return
    for unit in units:
        problem: tuple[Figure, str, list[Cell]] | None = None
        for figure in unit.figures:
            if figure.kind != "money":
                continue
            checked = _check_labelled_amount(keyed, unit, figure)
            if checked is None:
                continue
            ctx.ran()
            if checked[1] and problem is None:
                problem = (figure, checked[0], checked[1])
        if problem is not None:
            figure, name, cells = problem
            values = sorted({round_to(v, 6) for v, _, _ in cells})
            _, project_id, path = cells[0]
            emitter.emit(
                "narrative.conflict",
                unit,
                figure.start,
                figure.end,
                (
                    f"正文称“{name}”{figure.label} {fmt(figure.value)}{figure.unit}，"
                    f"而表中为 {'、'.join(fmt(v) for v in values)}"
                ),
                expected=values,
                found=figure.value,
                family="table",
                project=project_id,
                path=path,
            )


def _check_labelled_amount(
    keyed: dict[str, list[Project]], unit: ProseUnit, figure: Figure
) -> tuple[str, list[Cell]] | None:
    """None when the figure is not a project amount; else (project name, the table
    cells it disagrees with — empty when it agrees with one)."""
    label = name_key(figure.label)
    fields: tuple[str, ...] | None = _AMOUNT_FIELDS if label in keyed else None
    projects = keyed.get(label, [])
    if fields is None:
        start, _ = sentence_bounds(unit.text, figure.start)
        projects = _named_project(keyed, unit.text[start : figure.start])
        fields = next((f for pat, f in _FIELD_LABELS if pat.search(figure.label)), None)
    if not projects or fields is None:
        return None
    cells = _funding_cells(projects, fields)
    if not cells:
        return None
    agree = any(_amounts_agree_value(figure, v) for v, _, _ in cells)
    return projects[0].name, ([] if agree else cells)


def _amounts_agree_value(figure: Figure, value: float) -> bool:
    """A prose amount against a table amount in 万元."""
    scale = MONEY_UNITS.get(figure.unit or "", 1.0)
    tolerance = max(unit_of(decimals(figure.value)) * scale, unit_of(decimals(value)))
    return abs(figure.in_wan() - value) <= tolerance / 2 + _EPS


# --- a bare 执行率 against the table ---------------------------------------------------

_BARE_RATE = re.compile(r"执行率[：:为是]?(\d+(?:\.\d+)?)%")
_CONTEXT_UNITS = 15  # how far back a report's subject (its title) may be


def _subject(
    keyed: dict[str, list[Project]], units: list[ProseUnit], index: int, pos: int
) -> list[Project]:
    """The project a report passage is about: the nearest project name before `pos`
    (in this unit, then the units before it — a report names its subject in its title)."""
    for k in range(index, max(-1, index - _CONTEXT_UNITS), -1):
        text = units[k].text if k != index else units[k].text[:pos]
        found = _named_project(keyed, text)
        if found:
            return found
    return []


def _table_rates(projects: list[Project]) -> list[tuple[float, Project, str]]:
    """(rate, project, path of the field it comes from) for each total line: the
    printed 执行率, and the rate its amounts give (path: the 执行数)."""
    rates: list[tuple[float, Project, str]] = []
    for project in projects:
        for index, line in enumerate(project.funding):
            if line.source != "total":
                continue
            if line.execution_rate is not None:
                rates.append((line.execution_rate, project, f"funding[{index}].execution_rate"))
            if line.executed is not None and line.budget:
                rate = line.executed / line.budget * 100
                rates.append((rate, project, f"funding[{index}].executed"))
    return rates


def check_bare_execution_rate(ctx: Context, emitter: _Emitter, units: list[ProseUnit]) -> None:
    """ "执行率：100%" with no amounts beside it restates the table's rate for the
    project the passage is about; it must match that project's funding line."""
    rule = "narrative.rate"
    keyed = _projects_by_key(ctx.result.projects)
    if not keyed:
        return
    for index, unit in enumerate(units):
        for match in _BARE_RATE.finditer(unit.text):
            start, _ = sentence_bounds(unit.text, match.start())
            if any(start <= f.start < match.start() and f.kind == "money" for f in unit.figures):
                continue  # "预算 X 万元 … 执行率 P%" is check_named_rate's
            projects = _subject(keyed, units, index, match.start())
            rates = _table_rates(projects)
            if not rates:
                continue
            printed = float(match.group(1))
            ctx.ran()
            if any(agrees(printed, rate) for rate, _, _ in rates):
                continue
            rate, project, path = rates[0]
            emitter.emit(
                rule,
                unit,
                match.start(),
                match.end(),
                (
                    f"正文称执行率 {fmt(printed)}%，而“{project.name}”表中执行率为 "
                    f"{fmt(round_to(rate, 2))}%"
                ),
                expected=round_to(rate, 2),
                found=printed,
                project=project.id,
                path=path,
            )


# --- the same facts restated with one figure changed ---------------------------------

_FOLLOW_STOP = re.compile(r"[，,。；;：:、（）()“”\"\d]")
_SHARED_FACTS = 2  # figures two passages must share to be telling the same story
_GENERIC_WORDS = re.compile(
    r"年初|全年|本年|上年|年度|预算|决算|执行|支出|收入|金额|资金|合计|总计|共计|小计|其中|实际|完成"
    r"|[为是达共约计额数]"
)


def _context_figures(unit: ProseUnit) -> set[tuple[float, str]]:
    """Telling figures of a passage: amounts and counts other than 0/1."""
    return {
        (f.value, f.unit or "")
        for f in unit.figures
        if (f.kind == "money" and f.value > 0) or (f.kind == "count" and f.value > 1)
    }


def _quantity_keys(unit: ProseUnit, figure: Figure) -> list[tuple[str, str, str]]:
    """What a figure counts: the last words of its label ("…市民热线 391 件") or the
    words right after its unit ("288 家定点医药机构开展…")."""
    keys: list[tuple[str, str, str]] = []
    tail = name_key(figure.label)[-4:]
    # "年初预算为 X" names a column, not a quantity: every item has one.
    if len(_GENERIC_WORDS.sub("", tail)) >= 2:
        keys.append(("label", figure.unit or "", tail))
    stop = _FOLLOW_STOP.search(unit.text, figure.end)
    follow = unit.text[figure.end : stop.start() if stop else len(unit.text)][:8]
    if len(follow) >= 3:
        keys.append(("follow", figure.unit or "", follow))
    return keys


def _quantities(unit: ProseUnit) -> dict[tuple[str, str, str], list[Figure]]:
    table: dict[tuple[str, str, str], list[Figure]] = defaultdict(list)
    for figure in unit.figures:
        if figure.kind in ("money", "count"):
            for key in _quantity_keys(unit, figure):
                table[key].append(figure)
    return table


_CLAUSE_STOP = re.compile(r"[。；;！？!?]|\d+、|\d+[.．](?!\d)|[①-⑳]|[一二三四五六七八九十]+是")
_CLAUSE_WIDTH = 80  # how far back a figure's clause may reach
_YEAR = re.compile(r"(?:19|20)\d{2}(?=年)")
# How alike two clauses must be (rapidfuzz ratio, figures and the shared words left out)
# for two figures among several of the same kind to be the same fact.
_SAME_CLAUSE = 70.0


def _clause_before(unit: ProseUnit, figure: Figure) -> str:
    """The clause a figure closes: back to the previous sentence stop or list marker
    ("1、", "①", "三是")."""
    text = unit.text[max(0, figure.start - _CLAUSE_WIDTH) : figure.start]
    stops = [m.end() for m in _CLAUSE_STOP.finditer(text)]
    return text[stops[-1] :] if stops else text


def _statement(unit: ProseUnit, figure: Figure, key: tuple[str, str, str], width: int = 36) -> str:
    """ "…组织辖区288家定点医药机构开展": the figure with its clause (and the words after
    it when those name the quantity)."""
    clause = _clause_before(unit, figure)
    clause = clause if len(clause) <= width else "…" + clause[-(width - 1) :]
    follow = key[2] if key[0] == "follow" else ""
    return f"{clause}{fmt(figure.value)}{figure.unit or ''}{follow}"


def _years(clause: str) -> set[str]:
    return set(_YEAR.findall(clause))


def _same_period(a: str, b: str) -> bool:
    """Clauses that both name years speak of the same period only if they share one."""
    ya, yb = _years(a), _years(b)
    return not (ya and yb and ya.isdisjoint(yb))


def _clause_likeness(a: str, b: str, key: str) -> float:
    def strip(clause: str) -> str:
        return re.sub(r"[\d.,，、%]+", "", clause.replace(key, ""))

    return fuzz.ratio(strip(a), strip(b))


def _restated_pairs(
    here: ProseUnit,
    mine: list[Figure],
    earlier: ProseUnit,
    theirs: list[Figure],
    key: tuple[str, str, str],
) -> list[tuple[Figure, Figure]]:
    """Figures of one kind (same key) that state the same fact differently.

    A figure printed anywhere in the other passage is restated there, whatever its
    words (142.95 "金额共计" and 142.95 "追回违规医保基金"). With one figure of the kind on
    each side, they are the same fact. With several ("追回违规医保基金" 90.50, 269.54 and
    42.62 — different actions), the one figure found nowhere in the other passage is
    paired only with the one whose clause reads alike ("对2021年…抽查复查结果进行处理，
    追回违规医保基金"). Clauses naming different years never speak of the same thing."""
    # A figure whose clause names another year than every figure on the other side
    # ("2022年培训人员 2800 人次" beside "2023年…3200 人次") is another period's.
    mine = [
        f
        for f in mine
        if any(_same_period(_clause_before(here, f), _clause_before(earlier, o)) for o in theirs)
    ]
    unit_name = key[1]
    there_all = {f.value for f in earlier.figures if (f.unit or "") == unit_name}
    here_all = {f.value for f in here.figures if (f.unit or "") == unit_name}
    lonely = [f for f in mine if f.value not in there_all]
    orphans = [f for f in theirs if f.value not in here_all]
    single = len({f.value for f in mine}) == 1 and len({f.value for f in theirs}) == 1
    # Several figures of the kind that all differ are a list of other items ("2023年预算
    # 执行数为 X 万元" for each 科目), not one fact restated with one figure changed.
    if not lonely or not orphans or (not single and len({f.value for f in lonely}) > 1):
        return []
    pairs: list[tuple[Figure, Figure]] = []
    for figure in lonely:
        clause = _clause_before(here, figure)
        if single:
            other = orphans[0]
        else:
            other = max(
                orphans, key=lambda o: _clause_likeness(clause, _clause_before(earlier, o), key[2])
            )
            if _clause_likeness(clause, _clause_before(earlier, other), key[2]) < _SAME_CLAUSE:
                continue
        if _same_period(clause, _clause_before(earlier, other)):
            pairs.append((figure, other))
    return pairs


def check_restated_facts(ctx: Context, emitter: _Emitter, units: list[ProseUnit]) -> None:
    """Two passages that share several figures tell the same story (a summary and its
    detail, a report and its form); a quantity both name (same unit, same words) with
    different figures is a conflict: "组织辖区 288 家定点医药机构开展…自查自纠 … 119 家
    … 142.95 万元" vs "指导辖区 283 家定点医药机构开展自查自纠 … 119 家 … 142.95 万元".
    Which figures state the same fact is `_restated_pairs`' business. The same pair of
    figures is reported once however often it recurs."""
    facts = [_context_figures(unit) for unit in units]
    quantities = [_quantities(unit) for unit in units]
    by_fact: dict[tuple[float, str], list[int]] = defaultdict(list)
    reported: set[tuple[tuple[str, str, str], frozenset[float]]] = set()
    for index, unit in enumerate(units):
        shared: dict[int, int] = defaultdict(int)
        for fact in facts[index]:
            for earlier in by_fact[fact]:
                shared[earlier] += 1
            by_fact[fact].append(index)
        for earlier, count in sorted(shared.items()):
            if count < _SHARED_FACTS:
                continue
            for key in sorted(quantities[index].keys() & quantities[earlier].keys()):
                ctx.ran()
                pairs = _restated_pairs(
                    unit, quantities[index][key], units[earlier], quantities[earlier][key], key
                )
                for here, there in pairs:
                    signature = (key, frozenset({here.value, there.value}))
                    if signature in reported or not emitter.claim_change(there.value, here.value):
                        continue
                    reported.add(signature)
                    mine = _statement(unit, here, key)
                    theirs = _statement(units[earlier], there, key)
                    emitter.emit(
                        "narrative.conflict",
                        unit,
                        here.start,
                        here.end,
                        f"同一事项前后数字不一致：此处“{mine}”，前文“{theirs}”",
                        expected=there.value,
                        found=here.value,
                        family=f"fact:{key}:{here.value}",
                    )
