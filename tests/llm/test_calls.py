"""Structured-output calls against the scripted server: modes, re-asks, retries, errors."""

import asyncio
import socket
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from extractor.llm import LLMConfig, make_backend
from extractor.llm.run import extract_document
from extractor.models import DocumentResult
from tests.llm.conftest import ConfigFactory
from tests.llm.fake_server import Answer, Error, FakeOpenAI, Hang, Raw
from tests.llm.samples import LIBRARY, SELF_EVALUATION, library_answer

Write = Callable[[str, str], Path]


def run(config: LLMConfig, path: Path) -> DocumentResult:
    return extract_document(path, make_backend("llm", config))


def failures(result: DocumentResult) -> list[dict]:
    return result.meta["llm"]["failures"]


@pytest.mark.parametrize("mode", ["tools", "json", "json_schema", "md_json"])
def test_each_mode_returns_the_records(
    mode: str, server: FakeOpenAI, make_config: ConfigFactory, write: Write
) -> None:
    server.script(LIBRARY, [Answer(library_answer())])
    result = run(make_config(mode=mode, narrative=False), write("a.txt", SELF_EVALUATION))
    (project,) = result.projects
    assert (project.name, project.form, project.year) == (LIBRARY, "project_self_evaluation", 2023)
    assert [i.name for i in project.indicators][:2] == ["图书室覆盖村数", "图书上架合格率"]
    assert (
        project.indicators[2].target.number == 1.2 and project.indicators[2].target.unit == "万人次"
    )
    assert project.funding[0].execution_rate == 92 and project.total.score == 96.2
    assert not [f for f in result.flags if f.rule.startswith("llm.")]
    (request,) = server.requests_for(LIBRARY)
    if mode == "tools":
        assert (
            request["tools"][0]["function"]["name"] == "FormAnswer"
            and "response_format" not in request
        )
    else:
        assert "tools" not in request and "json_schema" in request["messages"][0]["content"]
    if mode == "json":
        assert request["response_format"] == {"type": "json_object"}
    assert request["temperature"] == 0


def test_malformed_json_is_asked_again(
    server: FakeOpenAI, make_config: ConfigFactory, write: Write
) -> None:
    server.script(
        LIBRARY, [Raw('{"name": "村级图书室运营补助", "funding": [ oops'), Answer(library_answer())]
    )
    result = run(make_config(narrative=False), write("a.txt", SELF_EVALUATION))
    assert result.projects[0].name == LIBRARY and not result.meta["partial"]
    first, second = server.requests_for(LIBRARY)
    assert len(second["messages"]) > len(first["messages"])  # the error went back to the model
    assert "Validation Error" in str(second["messages"][-1]) or "fix the errors" in str(
        second["messages"]
    )


def test_schema_violation_then_fix(
    server: FakeOpenAI, make_config: ConfigFactory, write: Write
) -> None:
    bad = library_answer()
    bad["indicators"][0]["weight"] = "二十五分"  # not a number
    server.script(LIBRARY, [Answer(bad), Answer(library_answer())])
    result = run(make_config(mode="json", narrative=False), write("a.txt", SELF_EVALUATION))
    assert result.projects[0].indicators[0].weight == 25
    reask = server.requests_for(LIBRARY)[1]["messages"][-1]["content"]
    assert "weight" in reask  # instructor sends the validation error back


def test_junk_every_time_fails_that_chunk_with_the_reason(
    server: FakeOpenAI, make_config: ConfigFactory, write: Write
) -> None:
    server.script(LIBRARY, [Raw("对不起，我无法完成。")])
    result = run(make_config(narrative=False), write("a.txt", SELF_EVALUATION))
    assert result.projects == [] and result.meta["partial"] is True
    (failure,) = failures(result)
    assert failure["error"] == "invalid_output" and "无法解析" in failure["reason"]
    assert len(server.requests_for(LIBRARY)) == 2  # validation_retries=1: asked twice, not more


def test_429_waits_for_retry_after(
    server: FakeOpenAI, make_config: ConfigFactory, write: Write
) -> None:
    server.script(LIBRARY, [Error(429, {"Retry-After": "1"}), Answer(library_answer())])
    start = time.monotonic()
    result = run(make_config(narrative=False), write("a.txt", SELF_EVALUATION))
    assert time.monotonic() - start >= 0.95  # backoff_max is 0.05: the header decided the wait
    assert result.projects[0].name == LIBRARY
    assert result.meta["llm"]["usage"]["retries"] == 1 and len(server.requests_for(LIBRARY)) == 2


def test_5xx_retried_with_backoff_then_recorded(
    server: FakeOpenAI, make_config: ConfigFactory, write: Write
) -> None:
    server.script(LIBRARY, [Error(500), Error(503), Answer(library_answer())])
    result = run(make_config(narrative=False), write("a.txt", SELF_EVALUATION))
    assert result.projects and result.meta["llm"]["usage"]["retries"] == 2
    server.scripts.clear()
    server.script(LIBRARY, [Error(502)])
    result = run(make_config(narrative=False, no_cache=True), write("b.txt", SELF_EVALUATION))
    (failure,) = failures(result)
    assert failure["error"] == "server_error" and "HTTP 502" in failure["reason"]
    assert failure["attempts"] == 3  # max_retries=2


def test_client_errors_are_not_retried(
    server: FakeOpenAI, make_config: ConfigFactory, write: Write
) -> None:
    server.script(LIBRARY, [Error(401)])
    result = run(make_config(narrative=False), write("a.txt", SELF_EVALUATION))
    assert failures(result)[0]["reason"].startswith("API 密钥无效")
    assert len(server.requests_for(LIBRARY)) == 1


def test_hang_past_the_timeout(
    server: FakeOpenAI, make_config: ConfigFactory, write: Write
) -> None:
    server.script(LIBRARY, [Hang(3.0, then=Answer(library_answer()))])
    start = time.monotonic()
    result = run(
        make_config(narrative=False, timeout=0.4, max_retries=1), write("a.txt", SELF_EVALUATION)
    )
    assert time.monotonic() - start < 2.5
    (failure,) = failures(result)
    assert (
        failure["error"] == "timeout" and "0.4 秒" in failure["reason"] and failure["attempts"] == 2
    )


def test_endpoint_down(make_config: ConfigFactory, write: Write) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    config = make_config(base_url=f"http://127.0.0.1:{port}/v1", narrative=False, max_retries=1)
    result = run(config, write("a.txt", SELF_EVALUATION))
    assert failures(result)[0]["error"] == "connection" and result.meta["partial"]


def test_backoff_is_exponential_with_jitter(make_config: ConfigFactory) -> None:
    from extractor.llm.caller import Caller

    caller = Caller(make_config(backoff_base=1.0, backoff_max=100.0), None)
    waits = [caller.backoff(attempt, None) for attempt in range(5)]
    for attempt, wait in enumerate(waits):
        assert 2**attempt * 0.5 <= wait <= 2**attempt
    assert Caller(make_config(backoff_max=3.0, backoff_base=1.0), None).backoff(10, None) <= 3.0
    assert 7.0 <= caller.backoff(0, 7.0) <= 7.7  # Retry-After wins, with a little jitter


def test_calls_run_concurrently(
    server: FakeOpenAI, make_config: ConfigFactory, write: Write
) -> None:
    from extractor.llm.caller import Caller
    from extractor.llm.prompts import PromptSet
    from extractor.llm.requests import RequestBuilder

    server.latency = 0.2
    config = make_config(concurrency=4, no_cache=True)
    builder = RequestBuilder(config, PromptSet.load())
    specs = [builder.narrative_spec(i, _chunk(f"收到资金{i}万元。")) for i in range(8)]
    start = time.monotonic()
    outcomes = Caller(config, None, sleep=asyncio.sleep).run([s for s in specs if s])
    assert all(o.ok for o in outcomes)
    assert server.max_active == 4 and time.monotonic() - start < 1.2  # serial: 1.6 s


def _chunk(text: str):
    from extractor.document import Chunk

    return Chunk(doc_id="d", kind="narrative", start=0, end=len(text), text=text)


def test_retry_after_forms() -> None:
    from email.utils import format_datetime

    import httpx

    from extractor.llm.errors import retry_after

    def response(**headers: str) -> httpx.Response:
        return httpx.Response(429, headers=headers)

    assert retry_after(response(**{"retry-after-ms": "250"})) == 0.25
    assert retry_after(response(**{"retry-after": "3"})) == 3.0
    from datetime import UTC, datetime, timedelta

    later = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    assert 25 <= (retry_after(response(**{"retry-after": later})) or 0) <= 30
    assert (
        retry_after(response()) is None and retry_after(response(**{"retry-after": "soon"})) is None
    )
