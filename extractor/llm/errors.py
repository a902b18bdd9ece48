"""Why a call failed, in words a reviewer understands.

Retrying is the OpenAI SDK's (429/5xx/timeouts/connection, with Retry-After) and
instructor's (bad answers); what reaches here has failed for good."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Literal

FailureKind = Literal[
    "rate_limit",
    "server_error",
    "timeout",
    "connection",
    "http_error",
    "invalid_output",
    "offline_miss",
]


@dataclass(frozen=True)
class Failure:
    kind: FailureKind
    reason: str  # Chinese, shown to the user and stored in meta


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def _short(text: str, width: int = 200) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def classify(exc: BaseException, timeout: float) -> Failure:
    import httpx2
    import openai

    for e in _chain(exc):
        if isinstance(e, openai.RateLimitError):
            return Failure("rate_limit", "接口限流（HTTP 429），重试后仍失败")
        if isinstance(e, openai.APIStatusError):
            status = e.status_code
            if status >= 500 or status in (408, 409):
                return Failure("server_error", f"接口出错（HTTP {status}），重试后仍失败")
            if status in (401, 403):
                return Failure("http_error", f"API 密钥无效或无权限（HTTP {status}）")
            return Failure("http_error", f"接口拒绝了请求（HTTP {status}）：{_short(e.message)}")
        if isinstance(
            e,
            openai.APITimeoutError | TimeoutError | asyncio.TimeoutError | httpx2.TimeoutException,
        ):
            return Failure("timeout", f"接口超时（{timeout:g} 秒内未返回）")
        if isinstance(e, openai.APIConnectionError | httpx2.TransportError):
            return Failure("connection", f"无法连接接口：{_short(str(e.__cause__ or e))}")
    attempts = getattr(exc, "n_attempts", None)
    asked = f"（共请求 {attempts} 次）" if attempts else ""
    detail = _short(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
    return Failure(
        "invalid_output",
        f"模型返回的内容无法解析或不符合结构{asked}：{type(exc).__name__}: {detail}",
    )
