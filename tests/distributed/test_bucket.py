"""The rate limiter's arithmetic and its hooks, without Ray: token buckets on a fake
clock, the settings, the request estimate, and where the gate plugs into the caller."""

from __future__ import annotations

import asyncio
import json
import random
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest

from extractor.distributed.bucket import RateBuckets, TokenBucket
from extractor.distributed.gate import ESTIMATE_KEY, RateLimitGate, estimate_request
from extractor.distributed.limiter import RateLimiter
from extractor.distributed.options import RateLimits


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def busiest(times: list[float], window: float, weights: list[float] | None = None) -> float:
    """The most units any closed window of `window` seconds holds."""
    pairs = sorted(zip(times, weights or [1.0] * len(times), strict=True))
    best = 0.0
    for i, (start, _) in enumerate(pairs):
        best = max(best, sum(w for t, w in pairs[i:] if t <= start + window))
    return best


def _grants(buckets: RateBuckets, clock: FakeClock, asks: list[tuple[float, int]]) -> list[float]:
    times = []
    for at, tokens in asks:
        clock.now = max(clock.now, at)
        times.append(clock.now + buckets.reserve(tokens))
    return times


@pytest.mark.parametrize("quota,window,jitter", [(60, 60.0, 0.0), (5, 1.0, 0.0), (500, 60.0, 0.5)])
def test_no_window_ever_holds_more_requests_than_the_quota(
    quota: int, window: float, jitter: float
) -> None:
    clock = FakeClock()
    buckets = RateBuckets.for_quota(quota, None, window=window, jitter=jitter, clock=clock)
    rng = random.Random(4)
    asks = sorted((1000 + rng.random() * window * 3, 0) for _ in range(quota * 5))
    grants = _grants(buckets, clock, asks)
    assert grants == sorted(grants)  # first come, first served
    assert all(g >= a for g, (a, _) in zip(grants, asks, strict=True))
    assert busiest(grants, window) <= quota
    # requests that reach the endpoint up to `jitter` late still fit the quota
    late = [g + rng.random() * jitter for g in grants]
    assert busiest(late, window) <= quota
    # and the quota is used: a long queue drains at close to the full rate
    span = grants[-1] - grants[0]
    assert (len(grants) - 1) / span >= 0.75 * quota / window


def test_tokens_per_window_hold_and_settling_gives_back_what_was_not_spent() -> None:
    clock = FakeClock()
    buckets = RateBuckets.for_quota(None, 10_000, window=60.0, clock=clock)
    rng = random.Random(9)
    asks = [(1000 + i * 0.1, rng.randint(50, 400)) for i in range(300)]
    grants = _grants(buckets, clock, asks)
    assert busiest(grants, 60.0, [float(t) for _, t in asks]) <= 10_000
    # a request charged 400 that spent 100 returns 300 to the bucket
    later = FakeClock()
    small = RateBuckets.for_quota(None, 1000, window=60.0, token_burst=400, clock=later)
    assert small.reserve(400) == 0.0
    wait_before = RateBuckets.for_quota(None, 1000, window=60.0, token_burst=400, clock=later)
    wait_before.reserve(400)
    assert wait_before.reserve(400) > 0
    small.settle(400, 100)
    assert small.reserve(300) == 0.0
    assert small.stats()["tokens_corrected"] == -300


def test_a_request_larger_than_the_burst_goes_when_the_bucket_is_full() -> None:
    clock = FakeClock()
    bucket = TokenBucket.for_quota(1000, 60.0, burst=100)
    bucket.start(clock.now)
    assert bucket.earliest(5000, clock.now) == clock.now  # full: it goes, leaving debt
    bucket.take(5000, clock.now)
    assert bucket.earliest(10, clock.now) > clock.now + 60  # the debt is paid first


def test_requests_and_tokens_share_one_grant_time() -> None:
    clock = FakeClock()
    buckets = RateBuckets.for_quota(100, 1000, window=60.0, token_burst=500, clock=clock)
    assert buckets.reserve(500) == 0.0
    delay = buckets.reserve(500)  # tokens are short, requests are not
    assert delay > 0
    assert buckets.requests is not None and buckets.requests.updated == clock.now + delay


def test_the_limiter_class_reports_its_figures() -> None:
    limiter = RateLimiter(RateLimits(requests_per_minute=120, tokens_per_minute=50_000))
    assert limiter.reserve(200) == 0.0
    limiter.settle(200, 150)
    stats = limiter.stats()
    assert stats["requests"] == 1 and stats["tokens_reserved"] == 200
    assert stats["tokens_corrected"] == -50 and stats["requests_per_minute"] == 120


def test_limits_from_the_environment() -> None:
    assert not RateLimits.from_env({}).active
    limits = RateLimits.from_env({"EXTRACTOR_LLM_RPM": "500", "EXTRACTOR_LLM_TPM": "0"})
    assert limits.requests_per_minute == 500 and limits.tokens_per_minute is None
    with pytest.raises(ValueError, match="EXTRACTOR_LLM_TPM"):
        RateLimits.from_env({"EXTRACTOR_LLM_TPM": "lots"})


def test_a_request_is_estimated_from_its_body() -> None:
    body = {"messages": [{"role": "user", "content": "项目名称" * 10}], "max_tokens": 300}
    estimate = estimate_request(json.dumps(body, ensure_ascii=False).encode(), 1024)
    assert 300 + 40 <= estimate <= 300 + 60
    body.pop("max_tokens")
    assert estimate_request(json.dumps(body).encode(), 1024) > 1024
    assert estimate_request(b"not json", 1024) == 1024


class _FakeMethod:
    """`actor.method.remote(...)`: an awaitable reply (or None, never awaited)."""

    def __init__(self, reply: Any, awaitable: bool = True) -> None:
        self.reply = reply
        self.awaitable = awaitable
        self.calls: list[tuple[Any, ...]] = []

    def remote(self, *args: Any) -> Any:
        self.calls.append(args)
        if not self.awaitable:
            return None

        async def answer() -> Any:
            return self.reply

        return answer()


class _FakeLimiter:
    def __init__(self, delay: float) -> None:
        self.reserve = _FakeMethod(delay)
        self.settle = _FakeMethod(None, awaitable=False)


def test_the_gate_waits_as_told_and_settles_with_the_reported_usage() -> None:
    limiter = _FakeLimiter(delay=0.05)
    gate = RateLimitGate(limiter, output_tokens_guess=100)
    body = json.dumps({"messages": [{"role": "user", "content": "abcd" * 10}]}).encode()
    request = httpx.Request("POST", "http://127.0.0.1:9/v1/chat/completions", content=body)

    async def exchange() -> float:
        loop = asyncio.get_running_loop()
        started = loop.time()
        await gate.before_request(request)
        waited = loop.time() - started
        usage = {"usage": {"total_tokens": 42}}
        response = httpx.Response(200, json=usage, request=request)
        await gate.after_response(response)
        return waited

    waited = asyncio.run(exchange())
    (estimated,) = limiter.reserve.calls[0]
    assert waited >= 0.05 and request.extensions[ESTIMATE_KEY] == estimated
    assert limiter.settle.calls == [(estimated, 42)]


def test_the_gate_sees_every_request_of_the_backend_it_is_given(tmp_path: Path) -> None:
    """No process-wide seam: the gate is an argument of the backend (and its caller)."""
    from extractor.backends import get_backend
    from extractor.llm.config import LLMConfig
    from extractor.pipeline import extract_document
    from tests.llm.conftest import default_reply
    from tests.llm.fake_server import Answer, FakeOpenAI
    from tests.llm.samples import LIBRARY, SELF_EVALUATION, library_answer

    limiter = _FakeLimiter(delay=0.0)
    gate = RateLimitGate(limiter, output_tokens_guess=100)
    path = tmp_path / "a.txt"
    path.write_text(SELF_EVALUATION, encoding="utf-8")
    with FakeOpenAI(default=default_reply) as server:
        server.script(LIBRARY, [Answer(library_answer())])
        config = LLMConfig(
            base_url=server.base_url, model="m", api_key="k", no_cache=True, narrative=False
        )
        extract_document(path, backend=get_backend("llm", llm=config, gate=gate))
        ungated = get_backend("llm", llm=config)  # another backend in the same process
        extract_document(path, backend=ungated)
        assert len(server.requests) == 2
    assert len(limiter.reserve.calls) == 1 and len(limiter.settle.calls) == 1
