"""A small OpenAI-compatible chat-completions server for tests and the bench.

It runs stdlib `http.server` in a thread on 127.0.0.1 (a free port) and answers from a
SCRIPT written by the tests: replies are chosen by a marker string found in the request's
first user message, in order (the last reply repeats). Nothing here is a real model's
output; the answers are the tests' own expectations for made-up forms.

Reply kinds: `Answer(obj)` (a tool call in tools mode, JSON text in JSON modes, a
```json block in md_json mode), `Raw(text)` (any text, e.g. malformed JSON),
`Error(status, headers)` and `Hang(seconds)`.

Token counts in `usage` are the planner's own estimate (`extractor.llm.tokens`) of what
was sent and answered, so the tests can compare the dry-run's estimates with what the
answers "cost" here; a real endpoint counts with its tokenizer.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Answer:
    obj: dict[str, Any]
    delay: float = 0.0


@dataclass
class Raw:
    text: str
    delay: float = 0.0


@dataclass
class Error:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    message: str = "scripted error"
    delay: float = 0.0


@dataclass
class Hang:
    seconds: float  # sleep this long before answering (bounded: tests pass small values)
    then: Answer | Raw | None = None


Reply = Answer | Raw | Error | Hang
Responder = Callable[[dict[str, Any]], Reply]


def first_user(body: dict[str, Any]) -> str:
    return next(
        (m.get("content") or "" for m in body.get("messages", []) if m.get("role") == "user"), ""
    )


def usage_for(body: dict[str, Any], completion: str) -> dict[str, int]:
    """Deterministic token counts: the planner's estimate of the request and answer."""
    from extractor.llm.tokens import estimate_messages, estimate_tokens

    messages = [m for m in body.get("messages", []) if isinstance(m, dict)]
    prompt = estimate_messages(messages, body.get("tools") or body.get("response_format"))
    done = max(1, estimate_tokens(completion))
    return {"prompt_tokens": prompt, "completion_tokens": done, "total_tokens": prompt + done}


def completion_body(body: dict[str, Any], reply: Answer | Raw) -> dict[str, Any]:
    text = json.dumps(reply.obj, ensure_ascii=False) if isinstance(reply, Answer) else reply.text
    message: dict[str, Any] = {"role": "assistant", "content": None}
    if body.get("tools"):
        name = body["tools"][0]["function"]["name"]
        message["tool_calls"] = [
            {"id": "call_1", "type": "function", "function": {"name": name, "arguments": text}}
        ]
    else:
        # md_json mode asks for a ```json block (and gets some chatter round it); the JSON
        # modes set response_format and get the bare object
        md = not body.get("response_format") and isinstance(reply, Answer)
        message["content"] = f"好的。\n```json\n{text}\n```" if md else text
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.get("model", "fake"),
        "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
        "usage": usage_for(body, text),
    }


class _Server(ThreadingHTTPServer):
    request_queue_size = 128  # the default backlog (5) drops bursts of connections


class FakeOpenAI:
    """`with FakeOpenAI() as server: server.script("marker", [Answer({...})])`."""

    def __init__(self, default: Responder | None = None, latency: float = 0.0) -> None:
        self.default = default
        self.latency = latency
        self.scripts: list[tuple[str, list[Reply]]] = []
        self.requests: list[dict[str, Any]] = []
        self.active = 0
        self.max_active = 0
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- scripting ------------------------------------------------------------------

    def script(self, marker: str, replies: list[Reply]) -> None:
        self.scripts.append((marker, list(replies)))

    def requests_for(self, marker: str) -> list[dict[str, Any]]:
        return [r for r in self.requests if marker in first_user(r)]

    def _choose(self, body: dict[str, Any]) -> Reply:
        text = first_user(body)
        with self._lock:
            for marker, replies in self.scripts:
                if marker in text:
                    return replies.pop(0) if len(replies) > 1 else replies[0]
        if self.default is not None:
            return self.default(body)
        return Error(404, message=f"no script for request: {text[:60]!r}")

    # --- serving --------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def start(self) -> FakeOpenAI:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # quiet
                return

            def do_GET(self) -> None:
                if self.path.rstrip("/").endswith("/stats"):
                    stats = {"requests": len(server.requests), "max_active": server.max_active}
                    self._send(200, stats, {})
                else:
                    self._send(404, {"error": {"message": "not found"}}, {})

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                with server._lock:
                    server.requests.append(body)
                    server.active += 1
                    server.max_active = max(server.max_active, server.active)
                try:
                    self._answer(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout test)
                finally:
                    with server._lock:
                        server.active -= 1

            def _answer(self, body: dict[str, Any]) -> None:
                reply = server._choose(body)
                if server.latency:
                    time.sleep(server.latency)
                if isinstance(reply, Hang):
                    time.sleep(min(reply.seconds, 10.0))
                    if reply.then is None:
                        return
                    reply = reply.then
                if reply.delay:
                    time.sleep(reply.delay)
                if isinstance(reply, Error):
                    payload = {
                        "error": {
                            "message": reply.message,
                            "type": "scripted",
                            "code": reply.status,
                        }
                    }
                    self._send(reply.status, payload, reply.headers)
                    return
                self._send(200, completion_body(body, reply), {})

            def _send(self, status: int, payload: dict[str, Any], headers: dict[str, str]) -> None:
                data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                for key, value in headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)

        httpd = _Server(("127.0.0.1", 0), Handler)
        httpd.daemon_threads = True
        httpd.block_on_close = False
        self._server = httpd
        self._thread = threading.Thread(target=httpd.serve_forever, args=(0.02,), daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
