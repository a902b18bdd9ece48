"""`--backend llm`: every form chunk (split by rows when too long) and every narrative
chunk that states figures in prose goes to a chat model; answers become the same
records the template parser produces, grounded in the chunk text.

`read(document, chunks)` returns the records with the grounding flags, and in `meta`:
`llm` (model, prompt versions and hashes, calls, usage and cost, failed chunks),
`narrative_figures` (for the validator's narrative checks) and `partial`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extractor.backends import Extraction, PendingFlag
from extractor.document import Chunk, Document
from extractor.errors import ConfigError, InputError
from extractor.llm.cache import DiskCache
from extractor.llm.caller import Caller, CallOutcome, RequestGate
from extractor.llm.config import LLMConfig
from extractor.llm.convert import merge_parts, to_figures, to_project
from extractor.llm.flags import UNGROUNDED
from extractor.llm.grounding import ChunkIndex, ground_project
from extractor.llm.pricing import PriceTable, load_prices
from extractor.llm.prompts import PromptSet
from extractor.llm.records import ChunkFailure, StatedFigureRecord
from extractor.llm.requests import CallSpec, RequestBuilder
from extractor.llm.schema import FormAnswer, NarrativeAnswer
from extractor.llm.usage import UsageTotals
from extractor.models import Project


@dataclass
class DocState:
    """What one document's reading collects besides its records."""

    document: Document
    chunks: list[Chunk]
    flags: list[PendingFlag] = field(default_factory=list)
    failures: list[ChunkFailure] = field(default_factory=list)
    figures: list[StatedFigureRecord] = field(default_factory=list)
    usage: UsageTotals = field(default_factory=UsageTotals)
    calls_planned: int = 0
    extra: dict[str, Any] = field(default_factory=dict)  # backend-specific meta (hybrid)


def chunk_index(chunk: Chunk, document: Document) -> ChunkIndex:
    """The chunk's text with the lines above it (titles, 部门名称), for grounding."""
    return ChunkIndex(chunk.context + chunk.text, chunk.start - len(chunk.context), document.locate)


class LLMBackend:
    name = "llm"

    def __init__(
        self,
        config: LLMConfig,
        *,
        prompts: PromptSet | None = None,
        gate: RequestGate | None = None,
    ) -> None:
        self.config = config.require_ready()
        if config.mode == "json_schema" and "api.openai.com" in (config.base_url or ""):
            raise ConfigError("json_schema 模式不适用于 OpenAI 官方接口，请改用 tools 或 json")
        self.prompts = prompts or PromptSet.load()
        self.builder = RequestBuilder(self.config, self.prompts)
        self.cache = None if config.no_cache else DiskCache(config.cache_dir)
        self.prices: PriceTable = load_prices(config.prices)
        self.gate = gate
        self.run_usage = UsageTotals()
        self.documents = 0
        self._prefetched: dict[str, list[CallOutcome]] = {}

    # --- the Backend interface --------------------------------------------------------

    def read(self, document: Document, chunks: list[Chunk]) -> Extraction:
        """All of a document's chunks: the calls run concurrently."""
        state = DocState(document=document, chunks=list(chunks))
        outcomes = self.call(self.builder.specs(chunks), state)
        by_chunk: dict[int, list[CallOutcome]] = defaultdict(list)
        for outcome in outcomes:
            by_chunk[outcome.spec.chunk_index].append(outcome)
        projects: list[Project] = []
        for i, chunk in enumerate(chunks):
            answers = by_chunk.get(i, [])
            if chunk.kind == "form":
                projects.extend(self.form_records(chunk, document, answers, state))
            else:
                self.narrative_records(chunk, document, answers, state)
        return self.extraction(projects, state)

    # --- calls ------------------------------------------------------------------------

    def prefetch(self, paths: list[Path]) -> int:
        """Send the calls of several documents at once (one semaphore for all), so a
        run over many documents overlaps their waits; `read` then takes the answers
        from memory. Returns the number of calls sent. Unreadable inputs are skipped
        here and reported when their turn comes."""
        from extractor.chunk import chunk_document
        from extractor.inputs import load_document

        specs: list[CallSpec] = []
        for path in paths:
            try:
                specs.extend(self.builder.specs(chunk_document(load_document(Path(path)))))
            except InputError:
                continue
        outcomes = Caller(self.config, self.cache, gate=self.gate).run(specs)
        for outcome in outcomes:
            self._prefetched.setdefault(outcome.spec.key, []).append(outcome)
        return sum(not o.cached for o in outcomes)

    def _take_prefetched(self, specs: list[CallSpec]) -> tuple[list[CallOutcome], list[CallSpec]]:
        done: list[CallOutcome] = []
        rest: list[CallSpec] = []
        for spec in specs:
            waiting = self._prefetched.get(spec.key)
            if waiting:
                outcome = waiting.pop(0)
                outcome.spec = spec  # the same text at this document's chunk index
                done.append(outcome)
            else:
                rest.append(spec)
        return done, rest

    def call(self, specs: list[CallSpec], state: DocState) -> list[CallOutcome]:
        outcomes, rest = self._take_prefetched(specs)
        state.usage.http_requests += sum(o.attempts for o in outcomes)
        caller = Caller(self.config, self.cache, gate=self.gate)
        outcomes += caller.run(rest)
        state.calls_planned += len(specs)
        state.usage.http_requests += caller.http_requests
        for outcome in outcomes:
            state.usage.retries += outcome.retries
            if outcome.ok:
                state.usage.add_call(
                    outcome.spec.kind, outcome.usage, cached=outcome.cached, batch=outcome.batch
                )
            else:
                state.usage.add_failed(outcome.usage)
                self.record_failure(outcome, state.chunks[outcome.spec.chunk_index], state)
        return outcomes

    def record_failure(self, outcome: CallOutcome, chunk: Chunk, state: DocState) -> None:
        spec, failure = outcome.spec, outcome.failure
        assert failure is not None
        state.failures.append(
            ChunkFailure(
                chunk=spec.chunk_index,
                kind=spec.kind,
                form=chunk.form,
                title=chunk.title,
                part=f"{spec.part}/{spec.parts}",
                start=chunk.start,
                end=chunk.end,
                span=state.document.locate(chunk.start, chunk.end),
                error=failure.kind,
                reason=failure.reason,
                attempts=outcome.attempts,
            )
        )

    # --- records ----------------------------------------------------------------------

    def model_project(
        self, chunk: Chunk, document: Document, outcomes: list[CallOutcome]
    ) -> Project | None:
        """The model's record of a form chunk from the parts that were answered (a
        failed part loses only its own rows); None when no part was."""
        answers = [o.answer for o in sorted(outcomes, key=lambda o: o.spec.part) if o.ok]
        forms = [a for a in answers if isinstance(a, FormAnswer)]
        if not forms:
            return None
        return to_project(merge_parts(forms), chunk, document)

    def form_records(
        self, chunk: Chunk, document: Document, outcomes: list[CallOutcome], state: DocState
    ) -> list[Project]:
        project = self.model_project(chunk, document, outcomes)
        if project is None:
            return []
        state.flags.extend(ground_project(project, chunk_index(chunk, document)))
        return [project]

    def narrative_records(
        self, chunk: Chunk, document: Document, outcomes: list[CallOutcome], state: DocState
    ) -> None:
        index = ChunkIndex(chunk.text, chunk.start, document.locate)
        for outcome in outcomes:
            if not outcome.ok or not isinstance(outcome.answer, NarrativeAnswer):
                continue
            figures = to_figures(outcome.answer, chunk, index)
            state.figures.extend(figures)
            for figure in figures:
                if figure.grounded:
                    continue
                state.flags.append(
                    PendingFlag(
                        rule=UNGROUNDED,
                        path="narrative",
                        message=(
                            f"模型从正文读出的“{figure.quantity}”"
                            f"{figure.amount:g}{figure.unit or ''}"
                            "在原文中找不到，未用于核对"
                        ),
                        found=figure.amount,
                        span=document.locate(chunk.start, chunk.end),
                    )
                )

    def extraction(self, projects: list[Project], state: DocState) -> Extraction:
        """The records with this backend's flags and meta."""
        usage = state.usage.price(self.prices, self.config.model)
        self.documents += 1
        self.run_usage.merge(state.usage)
        return Extraction(
            projects=projects,
            flags=state.flags,
            partial=bool(state.failures),
            meta={
                "llm": {
                    "backend": self.name,
                    "model": self.config.model,
                    "settings": self.config.public(),
                    "prompt_versions": self.prompts.versions,
                    "prompt_hashes": self.prompts.hashes,
                    "schema_hashes": self.builder.schema_hashes,
                    "calls_planned": state.calls_planned,
                    "usage": usage.model_dump(mode="json"),
                    "failures": [f.model_dump(mode="json") for f in state.failures],
                    **state.extra,
                },
                "narrative_figures": [f.model_dump(mode="json") for f in state.figures],
                "partial": bool(state.failures),
            },
        )

    def run_summary(self) -> dict[str, Any]:
        """Usage and estimated cost of everything this backend object read."""
        usage = self.run_usage.model_copy(deep=True).price(self.prices, self.config.model)
        return {
            "backend": self.name,
            "model": self.config.model,
            "documents": self.documents,
            "usage": usage.model_dump(mode="json"),
        }
