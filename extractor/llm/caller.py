"""Runs a document's calls concurrently: cache first, then the endpoint through an
instructor-patched AsyncOpenAI client, bounded by a semaphore, with retries.

- Schema violations and malformed JSON: instructor re-asks the model with the
  validation error (`validation_retries`).
- 429, 5xx, timeouts, connection errors: retried here with exponential backoff and
  jitter, or after the server's Retry-After; `max_retries` times.
- Anything else, or retries exhausted: the call is recorded as failed with the reason;
  the other calls go on.
"""

from __future__ import annotations

import asyncio
import functools
import random
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

import httpx
import instructor
import openai
from pydantic import BaseModel, ValidationError
from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt

from extractor.llm.cache import CacheEntry, DiskCache
from extractor.llm.config import LLMConfig
from extractor.llm.errors import Failure, classify, is_transport_error
from extractor.llm.requests import CallSpec
from extractor.llm.usage import Usage

INSTRUCTOR_MODES: dict[str, instructor.Mode] = {
    "tools": instructor.Mode.TOOLS,
    "json": instructor.Mode.JSON,
    "json_schema": instructor.Mode.JSON_SCHEMA,
    "md_json": instructor.Mode.MD_JSON,
}
T = TypeVar("T")


class RequestGate(Protocol):
    """Asked around every HTTP request the LLM backends send (retries and re-asks
    included): e.g. the cluster-wide rate limiter of `extractor.distributed`."""

    async def before_request(self, request: httpx.Request) -> None: ...

    async def after_response(self, response: httpx.Response) -> None: ...


_request_gate: RequestGate | None = None


def set_request_gate(gate: RequestGate | None) -> None:
    """Route every request of this process through `gate` (None: no gate)."""
    global _request_gate
    _request_gate = gate


@dataclass
class CallOutcome:
    spec: CallSpec
    answer: BaseModel | None = None
    usage: Usage = field(default_factory=Usage)
    cached: bool = False
    failure: Failure | None = None
    attempts: int = 0  # requests our retry loop made (instructor re-asks not counted)
    retries: int = 0
    waits: list[float] = field(default_factory=list)  # seconds slept before each retry

    @property
    def ok(self) -> bool:
        return self.answer is not None


class Caller:
    def __init__(
        self,
        config: LLMConfig,
        cache: DiskCache | None,
        *,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.config = config
        self.cache = cache
        self.sleep = sleep
        self.rng = rng or random.Random()
        self.http_requests = 0

    # --- public -------------------------------------------------------------------

    def run(self, specs: list[CallSpec]) -> list[CallOutcome]:
        return run_sync(self.run_async(specs))

    async def run_async(self, specs: list[CallSpec]) -> list[CallOutcome]:
        if not specs:
            return []
        semaphore = asyncio.Semaphore(self.config.concurrency)
        needs_network = not self.config.offline and any(not self._cached(s) for s in specs)
        if not needs_network:
            return list(await asyncio.gather(*(self._one(s, None, semaphore) for s in specs)))
        hooks: dict[str, list[Any]] = {"request": [self._count_request], "response": []}
        if _request_gate is not None:
            hooks["request"].append(_request_gate.before_request)
            hooks["response"].append(_request_gate.after_response)
        http = httpx.AsyncClient(
            timeout=httpx.Timeout(self.config.timeout),
            limits=httpx.Limits(max_connections=self.config.concurrency * 2),
            event_hooks=hooks,
        )
        client = openai.AsyncOpenAI(
            base_url=self.config.base_url,
            api_key=self.config.key_value() or "unused",
            timeout=self.config.timeout,
            max_retries=0,  # our loop retries, with Retry-After and jitter
            http_client=http,
        )
        patched = instructor.from_openai(client, mode=INSTRUCTOR_MODES[self.config.mode])
        try:
            return list(await asyncio.gather(*(self._one(s, patched, semaphore) for s in specs)))
        finally:
            await client.close()
            await http.aclose()

    # --- one call -------------------------------------------------------------------

    async def _count_request(self, request: httpx.Request) -> None:
        self.http_requests += 1

    def _cached(self, spec: CallSpec) -> CacheEntry | None:
        if self.cache is None or self.config.no_cache:
            return None
        return self.cache.get(spec.key)

    async def _one(self, spec: CallSpec, client: Any, semaphore: asyncio.Semaphore) -> CallOutcome:
        outcome = CallOutcome(spec=spec)
        entry = self._cached(spec)
        if entry is not None:
            try:
                outcome.answer = spec.answer_model.model_validate(entry.answer)
                outcome.usage = entry.usage
                outcome.cached = True
                return outcome
            except ValidationError:
                pass  # an entry from another schema version: ask again
        if self.config.offline or client is None:
            outcome.failure = Failure(
                "offline_miss",
                "离线模式（--offline）下缓存中没有这一块的结果：先联网运行一次，或用 "
                "`extractor llm batch-import` 导入批处理结果",
            )
            return outcome
        async with semaphore:
            await self._call_with_retries(spec, client, outcome)
        return outcome

    async def _call_with_retries(self, spec: CallSpec, client: Any, outcome: CallOutcome) -> None:
        config = self.config
        hard_limit = config.timeout * (config.validation_retries + 1) + 5
        for attempt in range(config.max_retries + 1):
            outcome.attempts += 1
            try:
                answer, completion = await asyncio.wait_for(self._create(spec, client), hard_limit)
            except Exception as exc:  # classified below: every failure is recorded
                failure = classify(exc, config.timeout)
                spent = getattr(exc, "total_usage", None)
                if spent is not None:
                    outcome.usage = Usage.of(spent)
                if failure.retryable and attempt < config.max_retries:
                    wait = self.backoff(attempt, failure.retry_after)
                    outcome.retries += 1
                    outcome.waits.append(wait)
                    await self.sleep(wait)
                    continue
                outcome.failure = failure
                return
            outcome.answer = answer
            outcome.usage = Usage.of(getattr(completion, "usage", None))
            if self.cache is not None and not config.no_cache:
                self.cache.put(
                    CacheEntry(
                        key=spec.key,
                        kind=spec.kind,
                        model=config.model,
                        answer=answer.model_dump(mode="json"),
                        usage=outcome.usage,
                    )
                )
            return

    async def _create(self, spec: CallSpec, client: Any) -> tuple[BaseModel, Any]:
        config = self.config
        kwargs: dict[str, Any] = {
            "model": config.model,
            "messages": [dict(m) for m in spec.messages],  # instructor appends re-asks
            "response_model": instructor_model(spec.answer_model),
            "max_retries": AsyncRetrying(
                stop=stop_after_attempt(config.validation_retries + 1),
                retry=retry_if_exception(lambda e: not is_transport_error(e)),
                reraise=True,
            ),
            "temperature": config.temperature,
            "strict": False,
        }
        if config.max_output_tokens:
            kwargs["max_tokens"] = config.max_output_tokens
        answer, completion = await client.chat.completions.create_with_completion(**kwargs)
        return answer, completion

    def backoff(self, attempt: int, retry_after: float | None) -> float:
        """Seconds to wait before retry `attempt + 1`: the server's Retry-After (plus up
        to 10 % jitter), else exponential backoff with jitter, capped at backoff_max."""
        config = self.config
        if retry_after is not None:
            return retry_after * (1 + 0.1 * self.rng.random())
        base = min(config.backoff_max, config.backoff_base * (2**attempt))
        return base * (0.5 + 0.5 * self.rng.random())


@functools.cache
def instructor_model(model: type[BaseModel]) -> type[BaseModel]:
    """The answer model wrapped by instructor once (it would wrap it on every call)."""
    wrapped: type[BaseModel] = instructor.openai_schema(model)  # type: ignore[arg-type, assignment]
    return wrapped


def run_sync(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine from sync code, also when an event loop is already running."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()
