"""Token buckets that hand out reservations: "you may go at time T".

A bucket holds at most `capacity` units and refills at `rate` units per second. A
reservation of `amount` waits until the bucket holds it, then takes it; reservations
are granted in order (grant times never go backwards), so no caller starves.

Sizing for a quota of Q units per window W: capacity b and rate (Q − b) / (W + J).
After every grant the level is ≥ 0, so any window of W + J seconds of grants holds at
most b + (Q − b) = Q units. J (`jitter`) is the lateness tolerated between a grant and
the request reaching the endpoint (the reply's trip back, an event loop, a new
connection): requests that arrive within any W seconds were granted within W + J, so
the endpoint never counts more than Q either. The cost is a steady rate of
(Q − b) / (W + J): with b = Q/50, W = 60 s and J = 0.5 s, 97 % of the quota. An amount
larger than the whole capacity (one huge prompt) is let through once the bucket is
full and leaves it in debt; only then can a window exceed Q, by that request's excess
over b.

`RateBuckets` joins a requests bucket and a tokens bucket: one grant time for both.
Pure Python with an injectable clock: the Ray actor in `limiter.py` wraps it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Clock = Callable[[], float]


@dataclass
class TokenBucket:
    capacity: float
    rate: float  # units per second
    level: float = field(init=False)
    updated: float = field(init=False, default=0.0)

    def __post_init__(self) -> None:
        if self.capacity <= 0 or self.rate <= 0:
            raise ValueError("capacity and rate must be positive")
        self.level = self.capacity

    @classmethod
    def for_quota(
        cls, quota: float, window: float, burst: float | None = None, jitter: float = 0.0
    ) -> TokenBucket:
        """A bucket that never lets more than `quota` units through in `window` s,
        even when a request arrives up to `jitter` s after its grant."""
        if quota <= 0 or window <= 0 or jitter < 0:
            raise ValueError("quota and window must be positive, jitter not negative")
        b = float(burst) if burst else max(1.0, float(quota // 50))
        b = min(b, quota / 2)  # keep a refill rate: at least half the quota
        return cls(capacity=b, rate=(quota - b) / (window + jitter))

    def start(self, now: float) -> None:
        self.updated = now

    def _level_at(self, when: float) -> float:
        return min(self.capacity, self.level + self.rate * max(0.0, when - self.updated))

    def earliest(self, amount: float, not_before: float) -> float:
        """The first time ≥ `not_before` (and ≥ the last grant) it can take `amount`."""
        t0 = max(not_before, self.updated)
        need = min(amount, self.capacity)
        level = self._level_at(t0)
        if level >= need:
            return t0
        return t0 + (need - level) / self.rate

    def take(self, amount: float, when: float) -> None:
        self.level = self._level_at(when) - amount
        self.updated = max(self.updated, when)

    def give_back(self, amount: float) -> None:
        """Correct a reservation afterwards: + returns unused units, − charges more."""
        self.level = min(self.capacity, self.level + amount)


@dataclass
class RateBuckets:
    """Requests and tokens per window; either may be unlimited (None)."""

    requests: TokenBucket | None
    tokens: TokenBucket | None
    clock: Clock = time.monotonic
    granted_requests: int = 0
    granted_tokens: int = 0
    corrected_tokens: int = 0
    waited: float = 0.0  # seconds of delay handed out, summed
    longest_wait: float = 0.0

    def __post_init__(self) -> None:
        now = self.clock()
        for bucket in (self.requests, self.tokens):
            if bucket is not None:
                bucket.start(now)

    @classmethod
    def for_quota(
        cls,
        requests_per_window: int | None,
        tokens_per_window: int | None,
        window: float = 60.0,
        request_burst: int | None = None,
        token_burst: int | None = None,
        jitter: float = 0.0,
        clock: Clock = time.monotonic,
    ) -> RateBuckets:
        requests = tokens = None
        if requests_per_window:
            requests = TokenBucket.for_quota(requests_per_window, window, request_burst, jitter)
        if tokens_per_window:
            burst = token_burst if token_burst is not None else max(1, tokens_per_window // 20)
            tokens = TokenBucket.for_quota(tokens_per_window, window, burst, jitter)
        return cls(requests, tokens, clock)

    def reserve(self, tokens: int = 0) -> float:
        """Reserve one request of `tokens` tokens; returns seconds to wait before sending."""
        now = self.clock()
        when = now
        if self.requests is not None:
            when = max(when, self.requests.earliest(1, now))
        if self.tokens is not None:
            when = max(when, self.tokens.earliest(tokens, now))
        if self.requests is not None:
            self.requests.take(1, when)
        if self.tokens is not None:
            self.tokens.take(tokens, when)
        delay = when - now
        self.granted_requests += 1
        self.granted_tokens += tokens
        self.waited += delay
        self.longest_wait = max(self.longest_wait, delay)
        return delay

    def settle(self, estimated: int, used: int) -> None:
        """The endpoint reported `used` tokens for a request reserved as `estimated`."""
        self.corrected_tokens += used - estimated
        if self.tokens is not None:
            self.tokens.give_back(estimated - used)

    def stats(self) -> dict[str, Any]:
        return {
            "requests": self.granted_requests,
            "tokens_reserved": self.granted_tokens,
            "tokens_corrected": self.corrected_tokens,
            "waited_seconds": round(self.waited, 3),
            "longest_wait_seconds": round(self.longest_wait, 3),
        }
