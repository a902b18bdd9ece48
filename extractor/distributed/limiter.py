"""One rate limiter for the whole cluster: a Ray actor every LLM request asks first.

    limiter = start_limiter(RateLimits(requests_per_minute=500, tokens_per_minute=200_000))
    delay = ray.get(limiter.reserve.remote(tokens))     # seconds to wait, then send

The actor only does arithmetic (`bucket.RateBuckets`): a reservation is one small call
and the caller sleeps on its own side, so the actor never blocks and a request waits
only for the quota, in the order it asked. Workers reach it through `gate.RateLimitGate`,
which each worker gives its LLM backend (`get_backend(name, llm=..., gate=gate)`).
"""

from __future__ import annotations

from typing import Any

from extractor.distributed.bucket import RateBuckets
from extractor.distributed.options import RateLimits

LIMITER_NAME = "extractor-llm-limiter"


class RateLimiter:
    """The actor's class (made remote by `start_limiter`; plain for tests)."""

    def __init__(self, limits: RateLimits) -> None:
        self.limits = limits
        self.buckets = RateBuckets.for_quota(
            limits.requests_per_minute,
            limits.tokens_per_minute,
            window=limits.window,
            request_burst=limits.request_burst,
            token_burst=limits.token_burst,
            jitter=limits.jitter,
        )

    def reserve(self, tokens: int = 0) -> float:
        return self.buckets.reserve(max(0, int(tokens)))

    def settle(self, estimated: int, used: int) -> None:
        self.buckets.settle(int(estimated), int(used))

    def stats(self) -> dict[str, Any]:
        return {**self.limits.public(), **self.buckets.stats()}


def start_limiter(limits: RateLimits, name: str | None = LIMITER_NAME) -> Any:
    """Start the limiter actor (no CPU reserved: it only adds and compares)."""
    import ray

    actor_class = ray.remote(num_cpus=0, max_concurrency=1)(RateLimiter)
    options: dict[str, Any] = {"max_restarts": 0}
    if name:
        options["name"] = name
    return actor_class.options(**options).remote(limits)
