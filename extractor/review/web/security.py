"""Request guards of the review server.

- Host check: without a token the server only answers to loopback host names, so a
  web page elsewhere cannot reach it through DNS rebinding.
- Token: with ``--token`` every request must carry it (``Authorization: Bearer``,
  ``X-Review-Token``, or the cookie set when the page is first opened with ``?token=``).
- CSRF: every POST needs the ``X-CSRF-Token`` header equal to the SameSite=Strict
  cookie the page was served with (double submit), a JSON body, and, when the browser
  sends one, an Origin equal to the server's own.
- Headers: a strict Content-Security-Policy (scripts and styles from this server
  only, no inline script), no framing, no referrer, no caching.
- Size: a request body above `MAX_BODY` is refused before it is read (by its
  Content-Length) or as soon as that much has arrived; errors name the problem and
  never repeat what was sent.
"""

from __future__ import annotations

import hmac
import ipaddress
import re
import secrets
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

TOKEN_COOKIE = "review_token"
TOKEN_HEADER = "x-review-token"
CSRF_COOKIE = "review_csrf"
CSRF_HEADER = "x-csrf-token"
MAX_BODY = 64 * 1024  # bytes: a decision is a few hundred; a 2000-character note ~6 KB
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_CSRF_SHAPE = re.compile(r"^[A-Za-z0-9_-]{32,64}$")
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}

Handler = Callable[[Request], Awaitable[Response]]


def is_loopback(host: str) -> bool:
    """localhost, or an IP literal of the loopback network (127.0.0.0/8, ::1)."""
    name = host.strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _host_name(host_header: str) -> str:
    if host_header.startswith("["):
        return host_header[1 : host_header.find("]")] if "]" in host_header else host_header
    return host_header.rsplit(":", 1)[0] if host_header.count(":") == 1 else host_header


def _same(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(str(a).encode(), str(b).encode())


@dataclass(frozen=True)
class Guard:
    token: str | None = None
    loopback_only: bool = True  # answer only requests addressed to a loopback name

    def _wants_json(self, request: Request) -> bool:
        return request.url.path.startswith("/api/") or request.method not in SAFE_METHODS

    def _refuse(self, request: Request, status: int, message: str) -> Response:
        if self._wants_json(request):
            return JSONResponse({"error": message}, status_code=status)
        return PlainTextResponse(message, status_code=status)

    def _supplied_token(self, request: Request) -> str | None:
        auth = request.headers.get("authorization", "")
        if auth.lower().startswith("bearer "):
            return auth[7:].strip()
        return request.headers.get(TOKEN_HEADER) or request.cookies.get(TOKEN_COOKIE)

    async def __call__(self, request: Request, call_next: Handler) -> Response:
        host = _host_name(request.headers.get("host", ""))
        if self.loopback_only and not is_loopback(host):
            return self._secure(
                self._refuse(request, 400, "不接受发往此主机名的请求（只接受本机地址）")
            )
        if self.token is not None:
            query_token = request.query_params.get("token")
            if (
                query_token is not None
                and request.method == "GET"
                and _same(query_token, self.token)
            ):
                # First visit with ?token=…: keep it in a cookie and drop it from the URL.
                rest = [(k, v) for k, v in request.query_params.multi_items() if k != "token"]
                target = request.url.path + (f"?{urlencode(rest)}" if rest else "")
                response: Response = RedirectResponse(target, status_code=303)
                response.set_cookie(TOKEN_COOKIE, self.token, httponly=True, samesite="strict")
                return self._secure(response)
            if not _same(self._supplied_token(request), self.token):
                return self._secure(
                    self._refuse(
                        request,
                        401,
                        "需要访问令牌：请使用启动服务时给出的完整链接（含 ?token=…）打开",
                    )
                )
        if request.method not in SAFE_METHODS:
            problem = self._csrf_problem(request)
            if problem:
                return self._secure(self._refuse(request, 403, problem))
        csrf = request.cookies.get(CSRF_COOKIE, "")
        fresh = not _CSRF_SHAPE.match(csrf)
        if fresh:
            csrf = secrets.token_urlsafe(32)
        request.state.csrf = csrf
        response = await call_next(request)
        if fresh:
            response.set_cookie(CSRF_COOKIE, csrf, httponly=True, samesite="strict")
        return self._secure(response)

    def _csrf_problem(self, request: Request) -> str | None:
        cookie = request.cookies.get(CSRF_COOKIE)
        header = request.headers.get(CSRF_HEADER)
        if not _same(cookie, header):
            return "请求被拒绝：缺少或不匹配的防跨站令牌（CSRF），请刷新页面后重试"
        origin = request.headers.get("origin")
        if origin and urlsplit(origin).netloc != request.headers.get("host", ""):
            return "请求被拒绝：来自其他网站的提交（Origin 不符）"
        if not request.headers.get("content-type", "").startswith("application/json"):
            return "请求被拒绝：只接受 JSON 提交"
        return None

    @staticmethod
    def _secure(response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response


FIELD_NAMES = {
    "project": "项目",
    "path": "字段路径",
    "action": "操作",
    "value": "值",
    "note": "说明",
    "reviewer": "审核人",
    "version": "版本",
    "decision_id": "撤销的记录",
}


def request_problem(errors: Sequence[Any]) -> str:
    """What is wrong with a request body, in Chinese, without repeating any of it."""
    problems: list[str] = []
    for error in errors:
        kind = str(error.get("type", ""))
        loc = [str(part) for part in error.get("loc", ())]
        name = next((FIELD_NAMES[p] for p in reversed(loc) if p in FIELD_NAMES), "")
        if kind == "json_invalid":
            text = "请求内容不是有效的 JSON"
        elif kind == "missing" and name:
            text = f"缺少「{name}」"
        elif kind in ("model_attributes_type", "dict_type") or not name:
            text = "请求内容应为一个 JSON 对象"
        elif kind.endswith("too_long"):
            text = f"「{name}」过长"
        else:
            text = f"「{name}」的格式不对"
        if text not in problems:
            problems.append(text)
    return "请求格式错误：" + "；".join(problems or ["内容无效"])


class BodyLimit:
    """ASGI middleware: refuse a request body above `limit` bytes (413) before the
    application parses any of it."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await self._too_large(scope, receive, send)
            return
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            if len(body) > self.limit:
                await self._too_large(scope, receive, send)
                return
            if not message.get("more_body", False):
                break
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": bytes(body), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        message = f"请求内容过大（上限 {self.limit // 1024} KB），未处理"
        response = JSONResponse(
            {"error": message}, status_code=413, headers={"Connection": "close"}
        )
        await Guard._secure(response)(scope, receive, send)
