"""The worker side of the rate limiter: two httpx event hooks.

`before_request` estimates the request's tokens (prompt from the body, plus its
`max_tokens` or a guess for the answer), reserves them with the limiter actor and
sleeps as long as it says. `after_response` reads the `usage` the endpoint reports and
settles the difference, so the tokens bucket follows what was really spent.

Every HTTP request counts: retries after a 429 or 5xx and instructor's re-asks go
through the hooks like first attempts, which is what the endpoint counts too.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx2

from extractor.llm.tokens import estimate_messages

ESTIMATE_KEY = "extractor_estimated_tokens"


def estimate_request(body: bytes, output_guess: int) -> int:
    """Tokens a chat-completions request may spend: prompt estimate + answer budget."""
    try:
        data = json.loads(body or b"{}")
    except ValueError:
        return output_guess
    if not isinstance(data, dict):
        return output_guess
    messages = [m for m in data.get("messages") or [] if isinstance(m, dict)]
    extra = data.get("tools") or data.get("response_format")
    prompt = estimate_messages(messages, extra)
    answer = data.get("max_tokens") or data.get("max_completion_tokens") or output_guess
    return prompt + int(answer)


class RateLimitGate:
    """Hooks bound to one limiter actor handle; safe to share between event loops."""

    def __init__(self, limiter: Any, output_tokens_guess: int = 1024) -> None:
        self.limiter = limiter
        self.output_tokens_guess = output_tokens_guess

    async def before_request(self, request: httpx2.Request) -> None:
        tokens = estimate_request(request.content, self.output_tokens_guess)
        request.extensions = {**request.extensions, ESTIMATE_KEY: tokens}
        delay = float(await self.limiter.reserve.remote(tokens))
        if delay > 0:
            await asyncio.sleep(delay)

    async def after_response(self, response: httpx2.Response) -> None:
        estimated = response.request.extensions.get(ESTIMATE_KEY)
        if estimated is None:
            return
        try:
            await response.aread()
            usage = json.loads(response.content).get("usage") or {}
            used = int(usage["total_tokens"])
        except (ValueError, KeyError, TypeError, AttributeError, httpx2.HTTPError):
            return  # an error body or no usage: the estimate stands
        self.limiter.settle.remote(estimated, used)  # no need to wait for it
