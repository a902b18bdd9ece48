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
"""

from __future__ import annotations

import hmac
import re
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response

TOKEN_COOKIE = "review_token"
TOKEN_HEADER = "x-review-token"
CSRF_COOKIE = "review_csrf"
CSRF_HEADER = "x-csrf-token"
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
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
    return host.strip("[]") in LOOPBACK_HOSTS


def _host_name(host_header: str) -> str:
    if host_header.startswith("["):
        return host_header[1 : host_header.find("]")] if "]" in host_header else host_header
    return host_header.rsplit(":", 1)[0] if host_header.count(":") == 1 else host_header


def _same(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(str(a).encode(), str(b).encode())


@dataclass(frozen=True)
class Guard:
    token: str | None = None
    allowed_hosts: frozenset[str] | None = LOOPBACK_HOSTS  # None: any host name

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
        if self.allowed_hosts is not None and host not in self.allowed_hosts:
            return self._refuse(request, 400, f"不接受主机名 {host or '（空）'} 的请求")
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
