"""Runs a document's calls concurrently: cache first, then the endpoint through an
instructor-patched AsyncOpenAI client, bounded by a semaphore.

Retries are the libraries' own:
- 408/409/429/5xx, timeouts and connection errors: the OpenAI SDK retries them
  (`max_retries`), waiting as the server's Retry-After / retry-after-ms says, else with
  exponential backoff and jitter;
- schema violations and malformed JSON: instructor asks the model again with the
  validation error (`validation_retries`).
What is still failing after that is recorded with the reason; the other calls go on.

Every HTTP request passes the client's event hooks: they count requests and retries per
call and, when a `RequestGate` is given (the cluster-wide rate limiter of
`extractor.distributed`), wait for it.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from pydantic import BaseModel, ValidationError

from extractor.llm.cache import CacheEntry, DiskCache
from extractor.llm.config import LLMConfig
from extractor.llm.errors import Failure, classify
from extractor.llm.requests import CallSpec
from extractor.llm.usage import Usage

if TYPE_CHECKING:
    import httpx2

T = TypeVar("T")
CALL_HEADER = "x-extractor-call"  # which call a request belongs to (for the counts)
RETRY_HEADER = "x-stainless-retry-count"  # set by the OpenAI SDK: 0 on a first attempt

# instructor logs every failed attempt at ERROR; a failed call is reported by this
# package (meta.llm.failures, the run summary), so its lines would only repeat it.
logging.getLogger("instructor").addHandler(logging.NullHandler())


class RequestGate(Protocol):
    """Asked around every HTTP request the LLM backends send (retries and re-asks
    included): e.g. the cluster-wide rate limiter of `extractor.distributed`."""

    async def before_request(self, request: httpx2.Request) -> None: ...

    async def after_response(self, response: httpx2.Response) -> None: ...


@dataclass
class CallOutcome:
    spec: CallSpec
    answer: BaseModel | None = None
    usage: Usage = field(default_factory=Usage)
    cached: bool = False
    batch: bool = False  # the answer came from an imported Batch API result
    failure: Failure | None = None
    attempts: int = 0  # HTTP requests this call made (SDK retries and re-asks included)
    retries: int = 0  # of which SDK retries (429/5xx/timeout/connection)

    @property
    def ok(self) -> bool:
        return self.answer is not None


class Caller:
    def __init__(
        self, config: LLMConfig, cache: DiskCache | None, *, gate: RequestGate | None = None
    ) -> None:
        self.config = config
        self.cache = cache
        self.gate = gate
        self.http_requests = 0
        self._requests: Counter[str] = Counter()
        self._retries: Counter[str] = Counter()

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
        import httpx2
        import instructor
        import openai

        hooks: dict[str, list[Any]] = {"request": [self._count_request], "response": []}
        if self.gate is not None:
            hooks["request"].append(self.gate.before_request)
            hooks["response"].append(self.gate.after_response)
        http = httpx2.AsyncClient(
            timeout=httpx2.Timeout(self.config.timeout),
            limits=httpx2.Limits(max_connections=self.config.concurrency * 2),
            event_hooks=hooks,
        )
        client = openai.AsyncOpenAI(
            base_url=self.config.base_url,
            api_key=self.config.key_value() or "unused",
            timeout=self.config.timeout,
            max_retries=self.config.max_retries,
            http_client=http,
        )
        patched = instructor.from_openai(client, mode=_mode(self.config.mode))
        try:
            return list(await asyncio.gather(*(self._one(s, patched, semaphore) for s in specs)))
        finally:
            await client.close()
            await http.aclose()

    # --- one call -------------------------------------------------------------------

    async def _count_request(self, request: httpx2.Request) -> None:
        self.http_requests += 1
        call = request.headers.get(CALL_HEADER)
        if call:
            self._requests[call] += 1
            if request.headers.get(RETRY_HEADER, "0") not in ("", "0"):
                self._retries[call] += 1

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
            except ValidationError:
                pass  # an entry from another schema version: ask again
            else:
                outcome.usage = entry.usage
                outcome.cached = True
                # an imported Batch answer is paid for once: by the first run that uses it
                outcome.batch = entry.source == "batch" and not entry.reported
                if outcome.batch and self.cache is not None:
                    self.cache.put(entry.model_copy(update={"reported": True}))
                return outcome
        if self.config.offline or client is None:
            outcome.failure = Failure(
                "offline_miss",
                "离线模式（--offline）下缓存中没有这一块的结果：先联网运行一次，或用 "
                "`extractor llm batch-import` 导入批处理结果",
            )
            return outcome
        async with semaphore:
            await self._call(spec, client, outcome)
        return outcome

    async def _call(self, spec: CallSpec, client: Any, outcome: CallOutcome) -> None:
        config = self.config
        call_id = f"{spec.key}:{spec.chunk_index}:{spec.part}:{id(outcome)}"
        kwargs: dict[str, Any] = {
            "model": config.model,
            "messages": [dict(m) for m in spec.messages],  # instructor appends re-asks
            "response_model": spec.answer_model,
            "max_retries": config.validation_retries,  # re-asks after a bad answer
            "temperature": config.temperature,
            "strict": False,
            "extra_headers": {CALL_HEADER: call_id},
        }
        if config.max_output_tokens:
            kwargs["max_tokens"] = config.max_output_tokens
        try:
            answer, completion = await client.chat.completions.create_with_completion(**kwargs)
        except Exception as exc:  # classified: every failure is recorded with its reason
            outcome.failure = classify(exc, config.timeout)
            spent = getattr(exc, "total_usage", None)
            if spent is not None:
                outcome.usage = Usage.of(spent)
        else:
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
        finally:
            outcome.attempts = self._requests.pop(call_id, 0)
            outcome.retries = self._retries.pop(call_id, 0)


def preload() -> None:
    """Import the client libraries now, with the parts they load on first use (seconds
    of start-up): a parent process that forks workers does it once for all of them. A
    client is built and dropped; nothing is sent."""
    import instructor
    import openai

    client = openai.AsyncOpenAI(base_url="http://127.0.0.1:9/v1", api_key="unused")
    instructor.from_openai(client, mode=instructor.Mode.TOOLS)


def _mode(name: str) -> Any:
    import instructor

    return {
        "tools": instructor.Mode.TOOLS,
        "json": instructor.Mode.JSON,
        "json_schema": instructor.Mode.JSON_SCHEMA,
        "md_json": instructor.Mode.MD_JSON,
    }[name]


def run_sync(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine from sync code, also when an event loop is already running."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()
