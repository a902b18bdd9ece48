"""Where the rate limiter plugs into the LLM caller of a worker process.

The seam the LLM caller should offer (proposed for `extractor/llm/caller.py`):

    set_request_gate(gate)   # process-wide; gate.before_request / gate.after_response
                             # become the httpx "request" / "response" event hooks of
                             # every client `Caller.run_async` builds

`install_gate` uses that function when `extractor.llm.caller` has it. Until then it
falls back to wrapping `Caller._count_request` — the "request" hook the caller already
registers on its httpx client — so every request waits for the limiter (the response
side, the token correction, needs the real seam). If neither exists it raises: a run
that was asked to respect a quota never runs without the limiter.
"""

from __future__ import annotations

from typing import Any, Protocol

import httpx


class RequestGate(Protocol):
    async def before_request(self, request: httpx.Request) -> None: ...

    async def after_response(self, response: httpx.Response) -> None: ...


class SeamMissing(RuntimeError):
    """The LLM caller offers no place for the limiter."""


_FALLBACK_MARK = "_extractor_distributed_gate"


def install_gate(gate: RequestGate | None) -> str:
    """Route this process's LLM requests through `gate` (None removes it). Returns how
    it was installed: "seam" or "fallback"."""
    from extractor.llm import caller

    official = getattr(caller, "set_request_gate", None)
    if callable(official):
        official(gate)
        return "seam"
    cls = caller.Caller
    original = getattr(cls, "_count_request", None)
    if original is None:
        raise SeamMissing(
            "extractor.llm.caller 没有 set_request_gate，也没有 Caller._count_request："
            "无法接入限流器"
        )
    original = getattr(original, "__wrapped_count__", original)
    if gate is None:
        cls._count_request = original  # type: ignore[method-assign]
        return "fallback"

    async def gated(self: Any, request: httpx.Request) -> None:
        await original(self, request)
        await gate.before_request(request)

    gated.__wrapped_count__ = original  # type: ignore[attr-defined]
    setattr(gated, _FALLBACK_MARK, gate)
    cls._count_request = gated  # type: ignore[method-assign]
    return "fallback"
