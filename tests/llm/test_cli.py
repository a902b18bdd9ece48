"""The --llm-* options a command gets from `llm_options`, and the run summary."""

from __future__ import annotations  # the wrapped commands' option settings must survive it

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from typer.testing import CliRunner

from extractor.llm.cli import print_run_summary
from extractor.llm.options import config_from_options, llm_options
from tests.llm.conftest import ConfigFactory, run_llm
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
    out: Annotated[Path, typer.Option("--out", "-o", help="写到这里")] = Path("x"),
    llm_overrides: dict[str, Any] | None = None,
) -> None:
    seen.update(paths=paths, backend=backend, out=out, overrides=llm_overrides)


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
            "-o",
            "there",
        ],
    )
    assert result.exit_code == 0, result.output
    overrides = seen["overrides"]
    assert seen["backend"] == "llm" and seen["paths"] == [Path("a.txt")]
    assert seen["out"] == Path("there")  # the command's own option settings survive
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
    help_text = runner.invoke(app, ["--help"], terminal_width=200).output
    assert "--llm-base-url" in help_text and "--no-cache" in help_text and "写到这里" in help_text


def test_run_summary_prints_usage_and_failures(
    server: FakeOpenAI, make_config: ConfigFactory, tmp_path: Path
) -> None:
    server.script(LIBRARY, [Error(500)])
    path = tmp_path / "a.txt"
    path.write_text(SELF_EVALUATION, encoding="utf-8")
    result = run_llm(make_config(max_retries=0, narrative=False), path)
    console = Console(record=True, width=200)
    print_run_summary(console, [result, result])
    text = console.export_text()
    assert "LLM 用量" in text and "fake-model" in text and "部分失败" in text and "HTTP 500" in text
    assert "│ fake-model │    0 │          0 │        0 │    2 │" in text  # two documents' sums
