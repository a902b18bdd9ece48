"""Batch export → (a stand-in batch service) → batch import → an offline run, whose
usage reports what the Batch answers cost."""

import json
from collections.abc import Callable
from pathlib import Path

import httpx
from typer.testing import CliRunner

from extractor.llm.batch import export_requests, import_results, plan
from extractor.llm.cli import llm_app
from tests.llm.conftest import ConfigFactory, run_llm
from tests.llm.fake_server import Answer, FakeOpenAI
from tests.llm.samples import (
    CANTEEN,
    LIBRARY,
    REPORT,
    canteen_answer,
    library_answer,
    narrative_answer,
)

Write = Callable[[str, str], Path]
runner = CliRunner()


def script_all(server: FakeOpenAI) -> None:
    server.script(LIBRARY, [Answer(library_answer())])
    server.script(CANTEEN, [Answer(canteen_answer())])
    server.script("全年共收到补助资金", [Answer(narrative_answer())])


def serve_batch(server: FakeOpenAI, requests_file: Path, out: Path) -> None:
    """What the Batch API does with the file: each body POSTed, each answer one output line.
    The scripted server stands in for the service (its answers are the tests' own)."""
    lines = []
    for number, line in enumerate(requests_file.read_text(encoding="utf-8").splitlines()):
        request = json.loads(line)
        response = httpx.post(
            server.base_url + "/chat/completions", json=request["body"], timeout=5
        )
        lines.append(
            json.dumps(
                {
                    "id": f"batch_req_{number}",
                    "custom_id": request["custom_id"],
                    "response": {
                        "status_code": response.status_code,
                        "request_id": str(number),
                        "body": response.json(),
                    },
                    "error": None,
                },
                ensure_ascii=False,
            )
        )
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_export_import_then_offline_run(
    server: FakeOpenAI, make_config: ConfigFactory, write: Write, tmp_path: Path
) -> None:
    script_all(server)
    path = write("report.txt", REPORT)
    config = make_config()
    planned = plan([path], config)
    requests_file = tmp_path / "requests.jsonl"
    written = export_requests(planned, requests_file, config)
    lines = [json.loads(x) for x in requests_file.read_text(encoding="utf-8").splitlines()]
    assert written == len(lines) == len(planned.calls) == 3
    assert {x["custom_id"].split("-")[0] for x in lines} == {"form", "narrative"}
    assert all(x["method"] == "POST" and x["url"] == "/v1/chat/completions" for x in lines)
    assert all(x["body"]["model"] == "fake-model" and x["body"]["tools"] for x in lines)
    assert server.requests == []  # exporting sends nothing

    results = tmp_path / "results.jsonl"
    serve_batch(server, requests_file, results)
    report = import_results(results, config)
    assert report.imported == 3 and report.failed == []

    sent = len(server.requests)
    prices = tmp_path / "prices.json"
    prices.write_text(json.dumps({"models": {"fake-model": {"input": 1, "output": 4}}}))
    offline = make_config(offline=True, base_url=None, api_key=None, prices=prices)
    result = run_llm(offline, path)
    assert len(server.requests) == sent  # completed from the cache alone
    assert [p.name for p in result.projects] == [LIBRARY, CANTEEN] and result.meta[
        "partial"
    ] is False
    assert len(result.meta["narrative_figures"]) == 2
    # the Batch answers are this run's calls, with their tokens and (half-price) cost
    usage = result.meta["llm"]["usage"]
    answered = [
        json.loads(x)["response"]["body"]["usage"] for x in results.read_text().splitlines()
    ]
    assert usage["calls"] == usage["batch_calls"] == 3 and usage["cache_hits"] == 0
    assert usage["prompt_tokens"] == sum(u["prompt_tokens"] for u in answered)
    assert usage["completion_tokens"] == sum(u["completion_tokens"] for u in answered)
    expected = (usage["prompt_tokens"] * 1 + usage["completion_tokens"] * 4) / 1e6 * 0.5
    assert abs(usage["estimated_cost"] - expected) < 1e-12
    # ... once: a second run over the same answers spends nothing
    again = run_llm(offline, path)
    assert again.meta["llm"]["usage"]["calls"] == 0
    assert again.meta["llm"]["usage"]["cache_hits"] == 3
    # and the next export has nothing left to send
    assert plan([path], config).to_send == []


def test_json_mode_bodies_and_bad_result_lines(
    make_config: ConfigFactory, write: Write, tmp_path: Path
) -> None:
    path = write("report.txt", REPORT)
    config = make_config(mode="json")
    out = tmp_path / "requests.jsonl"
    export_requests(plan([path], config), out, config)
    body = json.loads(out.read_text(encoding="utf-8").splitlines()[0])["body"]
    assert body["response_format"] == {"type": "json_object"} and "tools" not in body
    assert "json_schema" in body["messages"][0]["content"]
    results = tmp_path / "results.jsonl"
    good = {"choices": [{"message": {"role": "assistant", "content": json.dumps({"figures": []})}}]}
    results.write_text(
        "\n".join(
            [
                json.dumps(
                    {
                        "custom_id": "narrative-" + "a" * 40,
                        "response": {"status_code": 200, "body": good},
                    }
                ),
                json.dumps(
                    {"custom_id": "form-" + "b" * 40, "response": {"status_code": 500, "body": {}}}
                ),
                json.dumps({"custom_id": "form-" + "c" * 40, "error": {"code": "expired"}}),
                json.dumps(
                    {
                        "custom_id": "form-" + "d" * 40,
                        "response": {
                            "status_code": 200,
                            "body": {
                                "choices": [{"message": {"content": '```json\n{"name": 1}\n```'}}]
                            },
                        },
                    }
                ),
                "not json",
            ]
        )
        + "\n"
    )
    report = import_results(results, config)
    assert report.imported == 1 and len(report.failed) == 4


def test_cli_dry_run_and_import(
    server: FakeOpenAI, make_config: ConfigFactory, write: Write, tmp_path: Path
) -> None:
    script_all(server)
    path = write("report.txt", REPORT)
    cache = tmp_path / "cli-cache"
    out = tmp_path / "requests.jsonl"
    args = ["--llm-model", "fake-model", "--llm-cache-dir", str(cache)]
    dry = runner.invoke(llm_app, ["batch-export", str(path), "-o", str(out), "--dry-run", *args])
    assert dry.exit_code == 0, dry.output
    assert "共 3 次调用" in dry.output and "dry run" in dry.output and not out.exists()
    assert server.requests == []
    done = runner.invoke(llm_app, ["batch-export", str(path), "-o", str(out), *args])
    assert done.exit_code == 0 and "已写入 3 条请求" in done.output
    results = tmp_path / "results.jsonl"
    serve_batch(server, out, results)
    imported = runner.invoke(llm_app, ["batch-import", str(results), *args])
    assert imported.exit_code == 0 and "已导入 3 条结果" in imported.output
    again = runner.invoke(llm_app, ["batch-export", str(path), "-o", str(out), "--dry-run", *args])
    assert "其中 3 次已缓存；需发送 0 次" in again.output


def test_cli_without_a_model_fails_clearly(write: Write, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    for name in ("EXTRACTOR_LLM_MODEL", "OPENAI_MODEL"):
        monkeypatch.delenv(name, raising=False)
    result = runner.invoke(llm_app, ["batch-export", str(write("r.txt", REPORT)), "--dry-run"])
    assert result.exit_code == 2 and "模型名" in result.output
