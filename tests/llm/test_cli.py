"""The --llm-* options a command gets from `llm_options`, and the run summary."""

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from typer.testing import CliRunner

from extractor.llm import make_backend
from extractor.llm.cli import (
    backend_from_options,
    config_from_options,
    llm_options,
    print_run_summary,
)
from extractor.llm.run import extract_document
from tests.llm.conftest import ConfigFactory
from tests.llm.fake_server import Error, FakeOpenAI
from tests.llm.samples import LIBRARY, SELF_EVALUATION

runner = CliRunner()
seen: dict[str, Any] = {}
app = typer.Typer()


@app.command()
@llm_options
def fake_run(
    paths: Annotated[list[Path], typer.Argument()],
    backend: Annotated[str, typer.Option()] = "rules",
    llm_overrides: dict[str, Any] | None = None,
) -> None:
    seen.update(paths=paths, backend=backend, overrides=llm_overrides)


def test_options_reach_the_command_as_overrides() -> None:
    result = runner.invoke(
        app,
        [
            "a.txt",
            "--backend",
            "llm",
            "--llm-model",
            "m",
            "--llm-mode",
            "json",
            "--llm-concurrency",
            "3",
            "--offline",
            "--llm-timeout",
            "9.5",
        ],
    )
    assert result.exit_code == 0, result.output
    overrides = seen["overrides"]
    assert seen["backend"] == "llm" and seen["paths"] == [Path("a.txt")]
    assert (
        overrides["model"] == "m" and overrides["mode"] == "json" and overrides["concurrency"] == 3
    )
    assert (
        overrides["offline"] is True
        and overrides["no_cache"] is False
        and overrides["timeout"] == 9.5
    )
    config = config_from_options(overrides, env={"EXTRACTOR_LLM_API_KEY": "k"})
    assert (config.model, config.mode, config.concurrency, config.offline) == ("m", "json", 3, True)
    help_text = runner.invoke(app, ["--help"]).output
    assert "--llm-base-url" in help_text and "--no-cache" in help_text


def test_backend_from_options_checks_before_work(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    for name in (
        "EXTRACTOR_LLM_BASE_URL",
        "OPENAI_BASE_URL",
        "EXTRACTOR_LLM_API_KEY",
        "OPENAI_API_KEY",
    ):
        monkeypatch.delenv(name, raising=False)
    assert backend_from_options("rules", {"model": "m"}).name == "rules"
    try:
        backend_from_options("llm", {"model": "m"})
    except ValueError as exc:
        assert "接口地址" in str(exc) and "API 密钥" in str(exc)
    else:
        raise AssertionError("expected a ConfigError")


def test_run_summary_prints_usage_and_failures(
    server: FakeOpenAI, make_config: ConfigFactory, tmp_path: Path
) -> None:
    server.script(LIBRARY, [Error(500)])
    path = tmp_path / "a.txt"
    path.write_text(SELF_EVALUATION, encoding="utf-8")
    backend = make_backend("llm", make_config(max_retries=0, narrative=False))
    result = extract_document(path, backend)
    console = Console(record=True, width=200)
    print_run_summary(console, backend, [result])
    text = console.export_text()
    assert "LLM 用量" in text and "fake-model" in text and "部分失败" in text and "HTTP 500" in text
