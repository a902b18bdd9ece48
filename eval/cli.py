"""`extractor eval`: register with `app.command("eval")(eval_command)`."""

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.text import Text

from eval.harness import EvalError, evaluate
from eval.report import render, to_json, to_markdown
from extractor.llm.options import config_from_options, llm_options

DEFAULT_GOLDEN = Path("golden")


@llm_options
def eval_command(
    golden: Annotated[
        Path, typer.Option(help="金标准目录：<doc_id>.json，文档在其 docs/ 下")
    ] = DEFAULT_GOLDEN,
    backend: Annotated[str, typer.Option(help="评估的抽取后端：rules、llm 或 hybrid")] = "rules",
    pred: Annotated[
        Path | None,
        typer.Option(help="评估已有的输出（<doc_id>.json），不重新抽取"),
    ] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="完整报告写成 JSON")] = None,
    md_out: Annotated[
        Path | None, typer.Option("--md", help="摘要写成 Markdown（PR 评论）")
    ] = None,
    worst: Annotated[int, typer.Option(help="显示最差的几处不一致")] = 15,
    scanned: Annotated[
        bool,
        typer.Option(
            "--scanned",
            help="评估金标准文档的扫描版（只有图像，经 OCR 读取），与文字版对比"
            "（目标：每个文档 F1 ≥ 文字版 F1 × 0.9）",
        ),
    ] = False,
    scanned_dir: Annotated[
        Path | None,
        typer.Option(help="用于 --scanned：扫描件及其输出存放的目录"),
    ] = None,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs",
            "-j",
            help="抽取文档的工作进程数（0 = CPU 核数；默认：本进程，--scanned 时为 CPU 核数）",
        ),
    ] = None,
    llm_overrides: dict[str, Any] | None = None,
) -> None:
    """在金标准文件上评估抽取与校验：字段 P/R/F1、校验标记、最差的不一致。"""
    console = Console()
    if not console.is_terminal:  # CI logs: rich would wrap everything at 80 columns
        console = Console(width=160)
    if scanned:
        _scanned(golden, backend, jobs or 0, scanned_dir, json_out, md_out, worst, console)
        return
    llm = _llm_config(backend, llm_overrides) if pred is None else None
    try:
        report = evaluate(
            golden, pred_dir=pred, backend=backend, jobs=1 if jobs is None else jobs, llm=llm
        )
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


def _llm_config(backend: str, overrides: dict[str, Any] | None) -> Any:
    """The model settings of an llm / hybrid run, checked once before any document is
    read (None for the rules backend)."""
    from extractor.backends import get_backend, uses_llm

    try:
        config = config_from_options(overrides).require_ready() if uses_llm(backend) else None
        get_backend(backend, llm=config)
    except ValueError as exc:
        Console(stderr=True).print(Text.assemble(("eval: ", "red"), str(exc)))
        raise typer.Exit(code=2) from exc
    return config
