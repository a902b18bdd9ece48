"""Why a call failed, in words a reviewer understands, and whether to retry it."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Literal

import httpx
import openai

FailureKind = Literal[
    "rate_limit",
    "server_error",
    "timeout",
    "connection",
    "http_error",
    "invalid_output",
    "offline_miss",
]
RETRYABLE: frozenset[str] = frozenset({"rate_limit", "server_error", "timeout", "connection"})


@dataclass(frozen=True)
class Failure:
    kind: FailureKind
    reason: str  # Chinese, shown to the user and stored in meta
    retry_after: float | None = None

    @property
    def retryable(self) -> bool:
        return self.kind in RETRYABLE


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def is_transport_error(exc: BaseException) -> bool:
    """An HTTP/network problem (retried by our loop), not a bad answer (re-asked by instructor)."""
    return any(
        isinstance(e, openai.APIError | httpx.HTTPError | TimeoutError | asyncio.TimeoutError)
        and not isinstance(e, openai.APIResponseValidationError)
        for e in _chain(exc)
    )


def retry_after(response: httpx.Response | None) -> float | None:
    """Seconds the server asks us to wait: retry-after-ms, or Retry-After (seconds or a date)."""
    if response is None:
        return None
    headers = response.headers
    raw_ms = headers.get("retry-after-ms")
    if raw_ms:
        try:
            return max(0.0, float(raw_ms) / 1000)
        except ValueError:
            pass
    raw = headers.get("retry-after")
    if not raw:
        return None
    try:
        return max(0.0, float(raw))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _short(text: str, width: int = 200) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def classify(exc: BaseException, timeout: float) -> Failure:
    for e in _chain(exc):
        if isinstance(e, openai.RateLimitError):
            return Failure(
                "rate_limit", "接口限流（HTTP 429），重试后仍失败", retry_after(e.response)
            )
        if isinstance(e, openai.APIStatusError):
            status = e.status_code
            if status >= 500 or status in (408, 409):
                return Failure(
                    "server_error",
                    f"接口出错（HTTP {status}），重试后仍失败",
                    retry_after(e.response),
                )
            if status in (401, 403):
                return Failure("http_error", f"API 密钥无效或无权限（HTTP {status}）")
            return Failure("http_error", f"接口拒绝了请求（HTTP {status}）：{_short(e.message)}")
        if isinstance(
            e, openai.APITimeoutError | TimeoutError | asyncio.TimeoutError | httpx.TimeoutException
        ):
            return Failure("timeout", f"接口超时（{timeout:g} 秒内未返回）")
        if isinstance(e, openai.APIConnectionError | httpx.TransportError):
            return Failure("connection", f"无法连接接口：{_short(str(e.__cause__ or e))}")
    attempts = getattr(exc, "n_attempts", None)
    asked = f"（共请求 {attempts} 次）" if attempts else ""
    detail = _short(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
    return Failure(
        "invalid_output",
        f"模型返回的内容无法解析或不符合结构{asked}：{type(exc).__name__}: {detail}",
    )
