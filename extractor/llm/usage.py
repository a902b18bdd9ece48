"""Token usage and estimated cost, per call, per document and per run."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from extractor.llm.pricing import PriceTable


class Usage(BaseModel):
    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0

    @classmethod
    def of(cls, raw: Any) -> Usage:
        """From an API `usage` object or dict (missing fields count 0)."""
        if raw is None:
            return cls()
        get = raw.get if isinstance(raw, dict) else (lambda k, d=None: getattr(raw, k, d))
        prompt = int(get("prompt_tokens", 0) or 0)
        completion = int(get("completion_tokens", 0) or 0)
        total = int(get("total_tokens", 0) or 0) or prompt + completion
        return cls(prompt_tokens=prompt, completion_tokens=completion, total_tokens=total)


class UsageTotals(BaseModel):
    """Calls made and tokens spent. Live calls and Batch API answers (imported with
    `extractor llm batch-import`, counted by the first run that uses them, at the Batch
    price) are paid for; cache hits are counted apart and cost nothing."""

    calls: int = 0  # answered calls (a call with re-asks counts once), Batch answers included
    batch_calls: int = 0  # of which answered through the Batch API
    http_requests: int = 0  # requests sent, retries and re-asks included
    retries: int = 0  # 429/5xx/timeout/connection retries
    failed_calls: int = 0
    cache_hits: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0
    cached_prompt_tokens: int = 0  # tokens the cache hits saved
    cached_completion_tokens: int = 0
    batch_prompt_tokens: int = 0  # of prompt_tokens / completion_tokens: the Batch answers'
    batch_completion_tokens: int = 0
    estimated_cost: float | None = None
    currency: str = "USD"
    by_kind: dict[str, int] = Field(default_factory=dict)  # calls per kind (form/narrative)

    def add_call(self, kind: str, usage: Usage, *, cached: bool, batch: bool = False) -> None:
        self.by_kind[kind] = self.by_kind.get(kind, 0) + 1
        if cached and not batch:
            self.cache_hits += 1
            self.cached_prompt_tokens += usage.prompt_tokens
            self.cached_completion_tokens += usage.completion_tokens
            return
        self.calls += 1
        self._spend(usage)
        if batch:
            self.batch_calls += 1
            self.batch_prompt_tokens += usage.prompt_tokens
            self.batch_completion_tokens += usage.completion_tokens

    def add_failed(self, usage: Usage) -> None:
        """A call that failed still spent what its attempts were billed."""
        self.failed_calls += 1
        self._spend(usage)

    def _spend(self, usage: Usage) -> None:
        self.prompt_tokens += usage.prompt_tokens
        self.completion_tokens += usage.completion_tokens
        self.total_tokens += usage.total_tokens

    def merge(self, other: UsageTotals) -> None:
        for name in (
            "calls",
            "batch_calls",
            "http_requests",
            "retries",
            "failed_calls",
            "cache_hits",
            "prompt_tokens",
            "completion_tokens",
            "total_tokens",
            "cached_prompt_tokens",
            "cached_completion_tokens",
            "batch_prompt_tokens",
            "batch_completion_tokens",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for kind, count in other.by_kind.items():
            self.by_kind[kind] = self.by_kind.get(kind, 0) + count

    def price(self, table: PriceTable, model: str | None) -> UsageTotals:
        self.currency = table.currency
        live = table.cost(
            model,
            self.prompt_tokens - self.batch_prompt_tokens,
            self.completion_tokens - self.batch_completion_tokens,
        )
        batch = table.cost(model, self.batch_prompt_tokens, self.batch_completion_tokens)
        self.estimated_cost = (
            None if live is None or batch is None else live + batch * table.batch_factor
        )
        return self
