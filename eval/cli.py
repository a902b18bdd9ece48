"""`extractor eval`: register with `app.command("eval")(eval_command)`."""

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.text import Text

from eval.harness import EvalError, evaluate
from eval.report import render, to_json, to_markdown
from extractor.llm.cli import llm_options

DEFAULT_GOLDEN = Path("golden")


@llm_options
def eval_command(
    golden: Annotated[
        Path, typer.Option(help="Folder of golden <doc_id>.json files, documents in docs/.")
    ] = DEFAULT_GOLDEN,
    backend: Annotated[
        str, typer.Option(help="Extraction backend to run: rules, llm or hybrid.")
    ] = "rules",
    pred: Annotated[
        Path | None,
        typer.Option(help="Score existing outputs (<doc_id>.json) instead of running."),
    ] = None,
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Write the full report as JSON here.")
    ] = None,
    md_out: Annotated[
        Path | None, typer.Option("--md", help="Write a Markdown summary (PR comment) here.")
    ] = None,
    worst: Annotated[int, typer.Option(help="How many of the worst mismatches to show.")] = 15,
    scanned: Annotated[
        bool,
        typer.Option(
            "--scanned",
            help="Score scanned (image-only) versions of the golden documents, read by OCR, "
            "against their text versions (target: F1 >= 0.9 x text F1 per document).",
        ),
    ] = False,
    scanned_dir: Annotated[
        Path | None,
        typer.Option(help="With --scanned: where the scans and their outputs are kept."),
    ] = None,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs",
            "-j",
            help="Worker processes extracting the documents (0 = CPUs; default: this "
            "process, or the CPUs with --scanned).",
        ),
    ] = None,
    llm_overrides: dict[str, Any] | None = None,
) -> None:
    """Score the extractor against the golden files: field P/R/F1, flags, worst mismatches."""
    console = Console()
    if not console.is_terminal:  # CI logs: rich would wrap everything at 80 columns
        console = Console(width=160)
    if scanned:
        _scanned(golden, backend, jobs or 0, scanned_dir, json_out, md_out, worst, console)
        return
    if backend in ("llm", "hybrid") and pred is None:
        _configure_llm(backend, llm_overrides)
    try:
        report = evaluate(golden, pred_dir=pred, backend=backend, jobs=1 if jobs is None else jobs)
    except EvalError as exc:
        Console(stderr=True).print(Text.assemble(("eval: ", "red"), str(exc)))
        raise typer.Exit(code=2) from exc
    render(report, console, worst=worst)
    if json_out is not None:
        json_out.write_text(to_json(report) + "\n", encoding="utf-8")
        console.print(f"JSON report written to {json_out}", highlight=False)
    if md_out is not None:
        md_out.write_text(to_markdown(report, worst=worst), encoding="utf-8")
        console.print(f"Markdown report written to {md_out}", highlight=False)


def _scanned(
    golden: Path,
    backend: str,
    jobs: int,
    scanned_dir: Path | None,
    json_out: Path | None,
    md_out: Path | None,
    worst: int,
    console: Console,
) -> None:
    """`--scanned`: OCR the scanned fixtures, report them beside the text versions."""
    from eval.scanned_eval import evaluate_scanned, scanned_markdown, scanned_table

    try:
        result = evaluate_scanned(golden, backend=backend, jobs=jobs, cache_dir=scanned_dir)
    except EvalError as exc:
        Console(stderr=True).print(Text.assemble(("eval: ", "red"), str(exc)))
        raise typer.Exit(code=2) from exc
    render(result.scanned, console, worst=worst)
    console.print(scanned_table(result))
    console.print(f"scans in {result.fixtures} · {result.seconds:.0f} s", highlight=False)
    if json_out is not None:
        json_out.write_text(to_json(result.scanned) + "\n", encoding="utf-8")
        console.print(f"JSON report written to {json_out}", highlight=False)
    if md_out is not None:
        body = scanned_markdown(result) + "\n" + to_markdown(result.scanned, worst=worst)
        md_out.write_text(body, encoding="utf-8")
        console.print(f"Markdown report written to {md_out}", highlight=False)
    if not result.ok:
        raise typer.Exit(code=1)


def _configure_llm(backend: str, overrides: dict[str, Any] | None) -> None:
    """Check the model settings once, before any document is read, and make them the
    default the pipeline's backend picks up."""
    from extractor.backends import get_backend
    from extractor.llm import set_default_config
    from extractor.llm.cli import config_from_options

    try:
        config = config_from_options(overrides).require_ready()
        get_backend(backend, config)
    except ValueError as exc:
        Console(stderr=True).print(Text.assemble(("eval: ", "red"), str(exc)))
        raise typer.Exit(code=2) from exc
    set_default_config(config)
