"""`--backend hybrid`: the template parser and the model both read every form chunk, and
the merge prefers, record by record and field by field, the reading that is right.

For each pair of records read from the same row (funding lines by source, indicators by
name once glued numbers and signs are removed, subtotals by 一级指标):

1. **whole records**: each side's record is checked by the validator's arithmetic inside
   its own side's project (sums, rates, scores against weights). When exactly one side's
   record holds, that record is taken whole: a line never mixes the two readings;
2. **field by field** otherwise: agreement is accepted; a model value not printed in the
   chunk loses; a value that is one clean cell of the record's row beats one that is a
   cell elsewhere, which beats one with other cells glued into it (`cells.ChunkCells`);
   for the numbers the arithmetic reads, the value that makes it hold wins;
3. what is left is flagged `hybrid.disagreement` (warning) with both candidates, and the
   model's value is kept: on the forms the template parser has not seen it reads far
   better (field F1 0.955 against 0.34 on three unseen layouts), and where the parser is
   right its value is nearly always a clean cell that wins at step 2.

Every choice made at steps 1–2 leaves an info flag with both candidates and the reason.
A chunk the template parser cannot read goes to the model alone; a chunk the model
failed on keeps the parser's records.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from extractor.backends import FormReader
from extractor.document import Chunk, Document
from extractor.llm.arithmetic import ARITHMETIC_RULES, problems, takes_part
from extractor.llm.backend import DocState, LLMBackend, chunk_index
from extractor.llm.caller import CallOutcome
from extractor.llm.cells import ChunkCells
from extractor.llm.config import LLMConfig
from extractor.llm.flags import DISAGREEMENT, PendingFlag
from extractor.llm.grounding import (
    STANDARD_SOURCES,
    ChunkIndex,
    field_label,
    fold,
    ground_project,
)
from extractor.llm.paths import get_path, set_path
from extractor.models import (
    FUNDING_NUMBER_FIELDS,
    INDICATOR_FIELDS,
    DocumentResult,
    Indicator,
    Project,
    Source,
    Span,
    Value,
)

RULES, MODEL = "rules", "model"
SIMILAR = 0.6  # name similarity at which two indicators are one read two ways
PROJECT_FIELDS = ("name", "year", "department", "implementer")
FUNDING_FIELDS = ("unit", *FUNDING_NUMBER_FIELDS)
_GLUE = re.compile(r"[\d.%％≥≤=<>＞＜+\-*/:：,，、;；()（）\[\]【】]")


@dataclass
class MergeStats:
    agreed: int = 0
    disagreed: int = 0
    by_record_arithmetic: int = 0  # whole records chosen by the arithmetic
    by_grounding: int = 0
    by_cells: int = 0
    by_arithmetic: int = 0
    unresolved: int = 0
    model_only_records: int = 0
    rules_only_records: int = 0
    rules_only_dropped: int = 0
    model_only_chunks: list[int] = field(default_factory=list)
    rules_only_chunks: list[int] = field(default_factory=list)

    def meta(self) -> dict[str, Any]:
        return {
            "agreed_fields": self.agreed,
            "disagreements": self.disagreed,
            "records_preferred_by_arithmetic": self.by_record_arithmetic,
            "preferred_by_grounding": self.by_grounding,
            "preferred_by_cells": self.by_cells,
            "preferred_by_arithmetic": self.by_arithmetic,
            "unresolved": self.unresolved,
            "model_only_records": self.model_only_records,
            "rules_only_records": self.rules_only_records,
            "rules_only_dropped": self.rules_only_dropped,
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


def name_key(name: str) -> str:
    """An indicator name for alignment: folded, without glued numbers and signs."""
    return _GLUE.sub("", fold(name))


def arithmetic_problems(project: Project) -> dict[str, list[str]]:
    """The validator's arithmetic flags of a project read by one side alone, by record
    ("funding[0]", "indicators[3]") → messages."""
    from extractor.validate import validate_result

    candidate = project.model_copy(deep=True)
    candidate.id = candidate.id or "p"
    result = DocumentResult(
        doc_id="candidate", source=Source(path="", sha256="", pages=0), projects=[candidate]
    )
    try:
        report = validate_result(result)
    except Exception:  # the validator cannot judge this record set: no preference
        return {}
    found: dict[str, list[str]] = {}
    for flag in report.flags:
        if flag.rule in ARITHMETIC_RULES and flag.path.startswith(("funding[", "indicators[")):
            found.setdefault(flag.path.split(".")[0], []).append(flag.message)
    return found


class Merger:
    """Merges the template parser's project and the model's project of one chunk."""

    def __init__(
        self,
        rules: Project,
        model: Project,
        index: ChunkIndex,
        cells: ChunkCells,
        stats: MergeStats,
        complete: bool = True,
    ) -> None:
        self.rules = rules
        self.complete = complete  # the model answered every part of the chunk
        self.model = model
        self.merged = rules.model_copy(deep=True)
        self.index = index
        self.cells = cells
        self.stats = stats
        self.flags: list[PendingFlag] = []
        self.rules_bad = arithmetic_problems(rules)
        self.model_bad = arithmetic_problems(model)

    # --- values -------------------------------------------------------------------------

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

    def decide(self, path: str, rules: Any, model: Any, row: int | None = None) -> None:
        """One field: keep, replace, and say why (see the module docstring)."""
        if same(rules, model):
            self.stats.agreed += 1
            return
        self.stats.disagreed += 1
        chosen, why, settled = self._choose(path, rules, model, row)
        if chosen == MODEL:
            set_path(self.merged, path, model)
        label = field_label(path)
        self.flags.append(
            PendingFlag(
                rule=DISAGREEMENT,
                project=self.merged,
                path=path,
                message=f"{label}：模板解析为“{_show(rules)}”，模型为“{_show(model)}”；{why}",
                severity="info" if settled else "warning",
                expected={"rules": _plain(rules), "model": _plain(model)},
                found={"chosen": chosen, "value": _plain(model if chosen == MODEL else rules)},
                span=self._span(path),
            )
        )

    def _choose(self, path: str, rules: Any, model: Any, row: int | None) -> tuple[str, str, bool]:
        """(side, reason, settled): settled choices are info, the rest warnings."""
        grounded = self.grounded(model)
        if rules is not None and not grounded and self.cells.fit(rules, row) > 0:
            self.stats.by_grounding += 1
            return RULES, "模型的值在原文中找不到，保留模板解析的值", True
        if takes_part(path):
            decided = self._by_arithmetic(path, rules, model)
            if decided is not None:
                self.stats.by_arithmetic += 1
                return decided[0], decided[1], True
        if model is None:
            if self.cells.fit(rules, row) >= (2 if row is not None else 1):
                self.stats.unresolved += 1
                return (
                    RULES,
                    "模型认为此格为空，模板解析读出了本行的单元格，暂用模板解析的值，请人工核对",
                    False,
                )
            self.stats.by_cells += 1
            return MODEL, "模板解析的值不是本行的单元格，模型认为此格为空，采用空值", True
        if rules is None:
            self.stats.by_grounding += 1
            if grounded:
                return MODEL, "模板解析未读出此项，采用模型的值（原文中可找到）", True
            return MODEL, "模板解析未读出此项，采用模型的值，但它在原文中找不到，请人工核对", False
        rules_fit, model_fit = self.cells.fit(rules, row), self.cells.fit(model, row)
        if grounded and rules_fit != model_fit:
            self.stats.by_cells += 1
            side = MODEL if model_fit > rules_fit else RULES
            return (
                side,
                _cell_reason(side, max(rules_fit, model_fit), min(rules_fit, model_fit)),
                True,
            )
        self.stats.unresolved += 1
        if not grounded:
            return (
                MODEL,
                "模型的值在原文中找不到，模板解析的值也不是单独的单元格，暂用模型的值，请人工核对",
                False,
            )
        return MODEL, "两者都是原文中的单元格，校验算术也无法区分，暂用模型的值，请人工核对", False

    def _by_arithmetic(self, path: str, rules: Any, model: Any) -> tuple[str, str] | None:
        try:
            with_rules = problems(self.merged, path, rules)
            with_model = problems(self.merged, path, model)
        except Exception:  # the validator cannot judge this record: no preference
            return None
        common = {(f.rule, f.path) for f in with_rules} & {(f.rule, f.path) for f in with_model}
        rules_bad = [f for f in with_rules if (f.rule, f.path) not in common]
        model_bad = [f for f in with_model if (f.rule, f.path) not in common]
        if bool(rules_bad) == bool(model_bad):
            return None
        if rules_bad:
            return MODEL, f"模型的值满足校验算术，而模板解析的值不满足（{rules_bad[0].message}）"
        return RULES, f"模板解析的值满足校验算术，而模型的值不满足（{model_bad[0].message}）"

    # --- records ------------------------------------------------------------------------

    def whole_record(self, path: str, rules_key: str, model_key: str) -> str | None:
        """The side whose record alone holds the arithmetic (the other's fails), or None."""
        rules_bad = self.rules_bad.get(rules_key)
        model_bad = self.model_bad.get(model_key)
        if bool(rules_bad) == bool(model_bad):
            return None
        self.stats.by_record_arithmetic += 1
        side = RULES if model_bad else MODEL
        failed = model_bad if model_bad else rules_bad
        assert failed is not None
        loser = "模型" if side == RULES else "模板解析"
        winner = "模板解析" if side == RULES else "模型"
        self.flags.append(
            PendingFlag(
                rule=DISAGREEMENT,
                project=self.merged,
                path=path,
                message=f"{loser}读出的这一行不满足校验算术（{failed[0]}），整行采用{winner}的结果",
                severity="info",
                found={"chosen": side},
                span=self._record_span(path),
            )
        )
        return side

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


def _cell_reason(side: str, better: int, worse: int) -> str:
    words = {
        2: "是本行的一个单元格",
        1: "是表中的一个单元格",
        0: "不是表中的单独单元格（可能粘连了其他单元格）",
    }
    winner, loser = ("模型", "模板解析") if side == MODEL else ("模板解析", "模型")
    return f"{winner}的值{words[better]}，{loser}的值{words[worse]}，采用{winner}的值"


def _similar(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b).ratio()


def align(rules_keys: list[str], model_keys: list[str]) -> list[tuple[int | None, int | None]]:
    """Pairs (rules index, model index) in order; None where one side has no
    counterpart. Names that differ only a little (a misread character) still pair."""
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


def pair_by_row(
    pairs: list[tuple[int | None, int | None]], same_row: Any
) -> list[tuple[int | None, int | None]]:
    """A rules-only entry next to a model-only one that `same_row(r, m)` puts on the same
    row of the form is one row read two ways (a name too garbled to align)."""
    out: list[tuple[int | None, int | None]] = []
    for r, m in pairs:
        if out and out[-1][1] is None and r is None and m is not None:
            prev = out[-1][0]
            if prev is not None and same_row(prev, m):
                out[-1] = (prev, m)
                continue
        if out and out[-1][0] is None and m is None and r is not None:
            prev_m = out[-1][1]
            if prev_m is not None and same_row(r, prev_m):
                out[-1] = (r, prev_m)
                continue
        out.append((r, m))
    return out


def merge_projects(
    rules: Project,
    model: Project,
    index: ChunkIndex,
    cells: ChunkCells,
    stats: MergeStats,
    complete: bool = True,
) -> tuple[Project, list[PendingFlag]]:
    """The merged project and its flags; `complete`: the model answered the whole chunk."""
    merger = Merger(rules, model, index, cells, stats, complete)
    for name in PROJECT_FIELDS:
        merger.decide(name, getattr(rules, name), getattr(model, name))
    model_only = _merge_funding(merger) | _merge_indicators(merger)
    _merge_subtotals(merger)
    for name in ("weight", "score"):
        merger.decide(f"total.{name}", getattr(rules.total, name), getattr(model.total, name))
    flags = merger.flags
    if model_only:
        flags += ground_project(
            merger.merged, index, only=lambda path: path.split(".")[0] in model_only
        )
    return merger.merged, flags


def _funding_key(source: str) -> str:
    return source if source in STANDARD_SOURCES else name_key(source)


def _merge_funding(merger: Merger) -> set[str]:
    rules, model = merger.rules.funding, merger.model.funding
    merged = merger.merged
    merged.funding = []
    model_only: set[str] = set()
    keys = [_funding_key(m.source) for m in model]
    taken: set[int] = set()
    for i, line in enumerate(rules):
        j = next(
            (j for j, k in enumerate(keys) if j not in taken and k == _funding_key(line.source)),
            None,
        )
        path = f"funding[{len(merged.funding)}]"
        if j is None:
            merged.funding.append(line.model_copy(deep=True))
            merger.stats.rules_only_records += 1
            merger.record_note(
                path, f"资金行“{line.source}”模型未读出，保留模板解析结果", line.source
            )
            continue
        taken.add(j)
        other = model[j]
        side = merger.whole_record(path, f"funding[{i}]", f"funding[{j}]")
        chosen = other if side == MODEL else line
        record = chosen.model_copy(deep=True)
        record.span = line.span or other.span
        merged.funding.append(record)
        if side is not None:
            continue
        row = merger.cells.row_of(record.span)
        for name in FUNDING_FIELDS:
            merger.decide(f"{path}.{name}", getattr(line, name), getattr(other, name), row)
    for j, line in enumerate(model):
        if j in taken:
            continue
        path = f"funding[{len(merged.funding)}]"
        merged.funding.append(line.model_copy(deep=True))
        model_only.add(path)
        merger.stats.model_only_records += 1
        merger.record_note(path, f"资金行“{line.source}”仅模型读出，已采用", line.source)
    return model_only


def _position(indicator: Indicator) -> tuple[int, int] | None:
    return (indicator.span.page, indicator.span.start) if indicator.span else None


def _merge_indicators(merger: Merger) -> set[str]:
    """Merged indicators in document order (by row, where every row is known); returns
    the paths of the ones only the model read."""
    rules, model = merger.rules.indicators, merger.model.indicators
    cells = merger.cells

    def same_row(r: int, m: int) -> bool:
        row = cells.row_of(rules[r].span)
        return row is not None and row == cells.row_of(model[m].span)

    pairs = align([name_key(i.name) for i in rules], [name_key(i.name) for i in model])
    entries: list[tuple[Indicator, int | None, int | None]] = []
    for r, m in pair_by_row(pairs, same_row):
        if r is not None and m is None and merger.complete and cells.fit(rules[r].name) == 0:
            _drop(merger, rules[r])  # glued text only the parser saw in a fully read form
            continue
        if r is not None:
            entries.append((rules[r].model_copy(deep=True), r, m))
        elif m is not None:  # kept as the model read it; its ungrounded values are flagged
            entries.append((model[m].model_copy(deep=True), None, m))
    if all(_position(record) for record, _r, _m in entries):
        entries.sort(key=lambda entry: _position(entry[0]) or (0, 0))
    merger.merged.indicators = [record for record, _r, _m in entries]
    model_only: set[str] = set()
    for position, (record, r, m) in enumerate(entries):
        path = f"indicators[{position}]"
        if r is not None and m is not None:
            _merge_indicator(merger, path, position, rules[r], model[m], (r, m))
        elif r is not None:
            merger.stats.rules_only_records += 1
            merger.record_note(
                path, f"指标“{record.name}”模型未读出，保留模板解析结果", record.name
            )
        else:
            model_only.add(path)
            merger.stats.model_only_records += 1
            message = f"指标“{record.name}”仅模型读出（模板解析未读出），已采用，请核对"
            merger.record_note(path, message, record.name)
    return model_only


def _drop(merger: Merger, record: Indicator) -> None:
    merger.stats.rules_only_dropped += 1
    merger.flags.append(
        PendingFlag(
            rule=DISAGREEMENT,
            project=merger.merged,
            path="indicators",
            message=(
                f"模板解析读出的指标“{record.name}”不是表中的单元格（粘连了其他单元格），"
                "模型完整读过此表而未读出它，已略去"
            ),
            severity="info",
            found=record.name,
            span=record.span,
        )
    )


def _merge_indicator(
    merger: Merger, path: str, position: int, rule: Indicator, model: Indicator, at: tuple[int, int]
) -> None:
    side = merger.whole_record(path, f"indicators[{at[0]}]", f"indicators[{at[1]}]")
    if side == MODEL:
        record = model.model_copy(deep=True)
        record.span = rule.span or model.span
        merger.merged.indicators[position] = record
        return
    if side == RULES:
        return
    row = merger.cells.row_of(rule.span or model.span)
    for name in INDICATOR_FIELDS:
        merger.decide(f"{path}.{name}", getattr(rule, name), getattr(model, name), row)


def _merge_subtotals(merger: Merger) -> None:
    rules = merger.rules.subtotals
    merged = merger.merged
    for sub in merger.model.subtotals:
        position = next(
            (i for i, r in enumerate(rules) if fold(r.level1) == fold(sub.level1)), None
        )
        if position is None:
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

    def __init__(
        self, config: LLMConfig, *, rules: FormReader | None = None, **kwargs: Any
    ) -> None:
        super().__init__(config, **kwargs)
        if rules is None:
            from extractor.backends.rules import RulesBackend

            rules = RulesBackend()
        self.rules = rules

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
        if model is not None:
            grounding = ground_project(model, index)  # also gives the model's rows spans
        if not readable(rules):
            if model is None:
                return rules
            stats.model_only_chunks.append(chunk_no)
            state.flags.extend(grounding)
            return [model]
        if model is None:
            stats.rules_only_chunks.append(chunk_no)
            return rules
        cells = ChunkCells.of(chunk, document.locate)
        complete = bool(outcomes) and all(o.ok for o in outcomes)
        merged, flags = merge_projects(rules[0], model, index, cells, stats, complete)
        state.flags.extend(flags)
        return [merged, *rules[1:]]

    def extraction(self, projects: list[Project], state: DocState) -> Any:
        stats = state.extra.pop("_stats", MergeStats())
        state.extra["hybrid"] = stats.meta()
        return super().extraction(projects, state)
