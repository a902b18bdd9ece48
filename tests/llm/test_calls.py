"""Structured-output calls against the scripted server: modes, re-asks (instructor),
retries and Retry-After (the OpenAI SDK), errors."""

import socket
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from extractor.llm import LLMConfig
from extractor.models import DocumentResult
from tests.llm.conftest import ConfigFactory, run_llm
from tests.llm.fake_server import Answer, Error, FakeOpenAI, Hang, Raw
from tests.llm.samples import LIBRARY, SELF_EVALUATION, library_answer

Write = Callable[[str, str], Path]
QUICK = {"retry-after-ms": "20"}  # the server asks for a short wait: the SDK honours it


def run(config: LLMConfig, path: Path) -> DocumentResult:
    return run_llm(config, path)


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
        assert "tools" not in request
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
    assert "Validation Error" in str(second["messages"][-1])  # instructor's re-ask


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
    server.script(LIBRARY, [Error(429, {"Retry-After": "1.2"}), Answer(library_answer())])
    start = time.monotonic()
    result = run(make_config(narrative=False), write("a.txt", SELF_EVALUATION))
    assert time.monotonic() - start >= 1.15  # the SDK's own first wait is at most 0.5 s
    assert result.projects[0].name == LIBRARY
    assert result.meta["llm"]["usage"]["retries"] == 1 and len(server.requests_for(LIBRARY)) == 2


def test_5xx_retried_then_recorded(
    server: FakeOpenAI, make_config: ConfigFactory, write: Write
) -> None:
    server.script(LIBRARY, [Error(500), Error(503, QUICK), Answer(library_answer())])
    result = run(make_config(narrative=False), write("a.txt", SELF_EVALUATION))
    assert result.projects and result.meta["llm"]["usage"]["retries"] == 2
    server.scripts.clear()
    server.script(LIBRARY, [Error(502, QUICK)])
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
    outcomes = Caller(config, None).run([s for s in specs if s])
    assert all(o.ok for o in outcomes)
    assert server.max_active == 4  # the calls overlapped, never more than the concurrency


def _chunk(text: str):
    from extractor.document import Chunk

    return Chunk(doc_id="d", kind="narrative", start=0, end=len(text), text=text)
