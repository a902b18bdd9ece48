"""`--backend hybrid`: the template parser and the model both read every form chunk.

Fields where both agree are accepted. Where they differ the field is flagged
(`hybrid.disagreement`) with both candidates; where exactly one candidate satisfies the
validator's arithmetic (and, for the model's, is printed in the chunk) that one is
kept and the flag says why, else the template parser's value is kept. A chunk the
template parser cannot read goes to the model alone.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

from extractor.backends.rules import RulesBackend
from extractor.document import Chunk, Document
from extractor.llm.arithmetic import problems, takes_part
from extractor.llm.backend import DocState, LLMBackend, chunk_index
from extractor.llm.caller import CallOutcome
from extractor.llm.config import LLMConfig
from extractor.llm.flags import DISAGREEMENT, PendingFlag
from extractor.llm.grounding import (
    STANDARD_SOURCES,
    ChunkIndex,
    field_label,
    fold,
    ground_project,
    set_spans,
)
from extractor.llm.paths import get_path, set_path
from extractor.models import (
    FUNDING_NUMBER_FIELDS,
    INDICATOR_FIELDS,
    DocumentResult,
    FundingLine,
    Indicator,
    Project,
    Span,
    Subtotal,
    Value,
)

RULES, MODEL = "模板解析", "模型"
SIMILAR = 0.6  # name similarity at which two indicators are one read two ways
PROJECT_FIELDS = ("name", "year", "department", "implementer")


@dataclass
class MergeStats:
    agreed: int = 0
    disagreed: int = 0
    by_arithmetic: int = 0
    model_only_records: int = 0
    rules_only_records: int = 0
    model_only_chunks: list[int] = field(default_factory=list)
    rules_only_chunks: list[int] = field(default_factory=list)

    def meta(self) -> dict[str, Any]:
        return {
            "agreed_fields": self.agreed,
            "disagreements": self.disagreed,
            "preferred_by_arithmetic": self.by_arithmetic,
            "model_only_records": self.model_only_records,
            "rules_only_records": self.rules_only_records,
            "model_only_chunks": self.model_only_chunks,
            "rules_only_chunks": self.rules_only_chunks,
        }


def _show(value: Any) -> str:
    if value is None:
        return "空"
    if isinstance(value, Value):
        return value.raw
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _plain(value: Any) -> Any:
    return value.model_dump(mode="json") if isinstance(value, Value) else value


def same(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, Value) and isinstance(b, Value):
        return fold(a.raw) == fold(b.raw)
    if isinstance(a, int | float) and isinstance(b, int | float):
        return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(a)))
    if isinstance(a, str) and isinstance(b, str):
        return fold(a) == fold(b)
    return bool(a == b)


class Merger:
    """Merges the template parser's project and the model's project of one chunk."""

    def __init__(self, merged: Project, index: ChunkIndex, stats: MergeStats) -> None:
        self.merged = merged
        self.index = index
        self.stats = stats
        self.flags: list[PendingFlag] = []

    def grounded(self, value: Any) -> bool:
        if value is None:
            return True
        if isinstance(value, Value):
            return self.index.has_text(value.raw)
        if isinstance(value, str):
            return self.index.has_text(value)
        if isinstance(value, int | float):
            return self.index.has_number(float(value))
        return True

    def decide(self, path: str, rules: Any, model: Any) -> None:
        """Compare one field; keep, replace or flag."""
        if same(rules, model):
            self.stats.agreed += 1
            return
        self.stats.disagreed += 1
        label = field_label(path)
        both = f"{label}：模板解析为“{_show(rules)}”，模型为“{_show(model)}”"
        chosen, why = RULES, ""
        model_ok = self.grounded(model)
        if model is None:
            why = "模型未给出此项，保留模板解析的值"
        elif not model_ok:
            why = "模型的值在原文中找不到，保留模板解析的值"
        elif rules is None:
            chosen, why = MODEL, "模板解析未读出此项，采用模型的值（原文中可找到）"
        elif takes_part(path):
            chosen, why = self._by_arithmetic(path, rules, model)
        if not why:
            why = "两者无法由校验算术区分，暂用模板解析的值，请人工核对"
        if chosen == MODEL:
            set_path(self.merged, path, model)
        self.flags.append(
            PendingFlag(
                rule=DISAGREEMENT,
                project=self.merged,
                path=path,
                message=f"{both}；{why}",
                expected={"rules": _plain(rules), "model": _plain(model)},
                found={
                    "chosen": "rules" if chosen == RULES else "model",
                    "value": _plain(model if chosen == MODEL else rules),
                },
                span=self._span(path),
            )
        )

    def _by_arithmetic(self, path: str, rules: Any, model: Any) -> tuple[str, str]:
        try:
            with_rules = problems(self.merged, path, rules)
            with_model = problems(self.merged, path, model)
        except Exception:  # the validator cannot judge this record: no preference
            return RULES, ""
        common = {(f.rule, f.path) for f in with_rules} & {(f.rule, f.path) for f in with_model}
        rules_bad = [f for f in with_rules if (f.rule, f.path) not in common]
        model_bad = [f for f in with_model if (f.rule, f.path) not in common]
        if bool(rules_bad) == bool(model_bad):
            state = "都满足" if not rules_bad else "都不满足"
            return RULES, f"两者{state}校验算术，暂用模板解析的值，请人工核对"
        self.stats.by_arithmetic += 1
        if rules_bad:
            return (
                MODEL,
                f"模型的值满足校验算术，而模板解析的值不满足（{rules_bad[0].message}），采用模型的值",
            )
        return (
            RULES,
            f"模板解析的值满足校验算术，而模型的值不满足（{model_bad[0].message}），保留模板解析的值",
        )

    def _span(self, path: str) -> Span | None:
        """The span of the record a field path names (the project's for its own fields)."""
        return self._record_span(path.rsplit(".", 1)[0]) if "[" in path else self.merged.span

    def _record_span(self, record: str) -> Span | None:
        try:
            return get_path(self.merged, record).span
        except (AttributeError, IndexError):
            return None

    def record_note(self, record: str, message: str, value: Any) -> None:
        """A record only one side read (info): `record` is e.g. "indicators[3]"."""
        self.flags.append(
            PendingFlag(
                rule=DISAGREEMENT,
                project=self.merged,
                path=record,
                message=message,
                severity="info",
                found=value,
                span=self._record_span(record),
            )
        )


def _similar(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b).ratio()


def _align(rules_keys: list[str], model_keys: list[str]) -> list[tuple[int | None, int | None]]:
    """Pairs (rules index, model index); None where one side has no counterpart. Names
    that differ only a little (a misread character) still pair."""
    pairs: list[tuple[int | None, int | None]] = []
    matcher = difflib.SequenceMatcher(None, rules_keys, model_keys, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pairs.extend(zip(range(i1, i2), range(j1, j2), strict=True))
            continue
        used: set[int] = set()
        last = j1 - 1
        for i in range(i1, i2):
            candidates = [j for j in range(last + 1, j2) if j not in used]
            best = max(
                candidates, key=lambda j: _similar(rules_keys[i], model_keys[j]), default=None
            )
            if best is not None and _similar(rules_keys[i], model_keys[best]) >= SIMILAR:
                pairs.append((i, best))
                used.add(best)
                last = best
            else:
                pairs.append((i, None))
        pairs.extend((None, j) for j in range(j1, j2) if j not in used)
    return pairs


def merge_projects(
    rules: Project, model: Project, index: ChunkIndex, stats: MergeStats
) -> tuple[Project, list[PendingFlag]]:
    merged = rules.model_copy(deep=True)
    merger = Merger(merged, index, stats)
    for name in PROJECT_FIELDS:
        merger.decide(name, getattr(rules, name), getattr(model, name))
    _merge_funding(merger, rules.funding, model.funding)
    model_only = _merge_indicators(merger, rules.indicators, model.indicators)
    _merge_subtotals(merger, rules.subtotals, model.subtotals)
    for name in ("weight", "score"):
        merger.decide(f"total.{name}", getattr(rules.total, name), getattr(model.total, name))
    set_spans(merged, index)
    flags = merger.flags
    if model_only:
        flags += ground_project(merged, index, only=lambda path: path.split(".")[0] in model_only)
    return merged, flags


def _merge_funding(merger: Merger, rules: list[FundingLine], model: list[FundingLine]) -> None:
    merged = merger.merged
    for line in model:
        position = next((i for i, r in enumerate(rules) if r.source == line.source), None)
        if position is None:
            if line.source not in STANDARD_SOURCES and not merger.grounded(line.source):
                continue
            merged.funding.append(line.model_copy(deep=True))
            merger.stats.model_only_records += 1
            merger.record_note(
                f"funding[{len(merged.funding) - 1}]",
                f"资金行“{line.source}”仅模型读出，已采用",
                line.source,
            )
            continue
        merger.decide(f"funding[{position}].unit", rules[position].unit, line.unit)
        for name in FUNDING_NUMBER_FIELDS:
            merger.decide(
                f"funding[{position}].{name}", getattr(rules[position], name), getattr(line, name)
            )
    for i, line in enumerate(rules):
        if not any(m.source == line.source for m in model):
            merger.stats.rules_only_records += 1
            merger.record_note(
                f"funding[{i}]", f"资金行“{line.source}”模型未读出，保留模板解析结果", line.source
            )


def _position(indicator: Indicator) -> tuple[int, int] | None:
    return (indicator.span.page, indicator.span.start) if indicator.span else None


def _merge_indicators(merger: Merger, rules: list[Indicator], model: list[Indicator]) -> set[str]:
    """Merged indicators in document order (by row, where both sides' rows are known);
    returns the paths of the ones only the model read."""
    merged = merger.merged
    entries: list[tuple[Indicator, Indicator | None, Indicator | None]] = []
    for r, m in _align([fold(i.name) for i in rules], [fold(i.name) for i in model]):
        if r is not None:
            entries.append(
                (rules[r].model_copy(deep=True), rules[r], model[m] if m is not None else None)
            )
        elif m is not None and merger.grounded(model[m].name):
            record = model[m].model_copy(deep=True)
            texts = [record.name] + [v.raw for v in (record.target, record.actual) if v is not None]
            record.span, _ = merger.index.row_span(texts, [])
            entries.append((record, None, model[m]))
    if all(_position(record) for record, _r, _m in entries):
        entries.sort(key=lambda entry: _position(entry[0]) or (0, 0))
    merged.indicators = [record for record, _r, _m in entries]
    model_only: set[str] = set()
    for position, (record, rule_ind, model_ind) in enumerate(entries):
        path = f"indicators[{position}]"
        if rule_ind is not None and model_ind is not None:
            for name in INDICATOR_FIELDS:
                merger.decide(f"{path}.{name}", getattr(rule_ind, name), getattr(model_ind, name))
        elif rule_ind is not None:
            merger.stats.rules_only_records += 1
            message = f"指标“{record.name}”模型未读出，保留模板解析结果"
            merger.record_note(path, message, record.name)
        else:
            model_only.add(path)
            merger.stats.model_only_records += 1
            message = f"指标“{record.name}”仅模型读出（模板解析未读出），已采用，请核对"
            merger.record_note(path, message, record.name)
    return model_only


def _merge_subtotals(merger: Merger, rules: list[Subtotal], model: list[Subtotal]) -> None:
    merged = merger.merged
    for sub in model:
        position = next(
            (i for i, r in enumerate(rules) if fold(r.level1) == fold(sub.level1)), None
        )
        if position is None:
            if merger.grounded(sub.level1):
                merged.subtotals.append(sub.model_copy(deep=True))
                merger.stats.model_only_records += 1
                merger.record_note(
                    f"subtotals[{len(merged.subtotals) - 1}]",
                    f"小计“{sub.level1}”仅模型读出，已采用",
                    sub.level1,
                )
            continue
        for name in ("weight", "score"):
            merger.decide(
                f"subtotals[{position}].{name}", getattr(rules[position], name), getattr(sub, name)
            )


def readable(projects: list[Project]) -> bool:
    """The template parser read the chunk: a project with indicators or funding."""
    return any(p.indicators or p.funding for p in projects)


class HybridBackend(LLMBackend):
    name = "hybrid"

    def __init__(self, config: LLMConfig, *, rules: Any = None, **kwargs: Any) -> None:
        super().__init__(config, **kwargs)
        self.rules = rules or RulesBackend()

    def _rules(self, chunk: Chunk, document: Document) -> list[Project]:
        try:
            return list(self.rules.extract(chunk, document))
        except Exception:  # a template the parser cannot read: the model alone
            return []

    def form_records(
        self, chunk: Chunk, document: Document, outcomes: list[CallOutcome], state: DocState
    ) -> list[Project]:
        stats: MergeStats = state.extra.setdefault("_stats", MergeStats())
        index = chunk_index(chunk, document)
        chunk_no = state.chunks.index(chunk) if chunk in state.chunks else -1
        rules = self._rules(chunk, document)
        model = self.model_project(chunk, document, outcomes)
        if not readable(rules):
            if model is None:
                return rules
            stats.model_only_chunks.append(chunk_no)
            state.flags.extend(ground_project(model, index))
            return [model]
        if model is None:
            stats.rules_only_chunks.append(chunk_no)
            return rules
        merged, flags = merge_projects(rules[0], model, index, stats)
        state.flags.extend(flags)
        return [merged, *rules[1:]]

    def finalize(
        self,
        result: DocumentResult,
        document: Document | None = None,
        chunks: list[Chunk] | None = None,
    ) -> None:
        state = self.state_for(result.doc_id)
        if state is not None:
            stats = state.extra.pop("_stats", MergeStats())
            state.extra["hybrid"] = stats.meta()
        super().finalize(result, document, chunks)
