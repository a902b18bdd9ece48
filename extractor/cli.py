"""`extractor` command line: a thin layer over `extractor.pipeline`."""

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from extractor.batch import BatchOptions, run_batch
from extractor.errors import InputError
from extractor.llm.cli import backend_from_options, llm_app, llm_options, print_run_summary
from extractor.models import DocumentResult
from extractor.ocr.settings import OcrSettings, ocr_session, parse_ocr_option
from extractor.pipeline import SUPPORTED_SUFFIXES, extract_document, write_result

app = typer.Typer(
    help="从预算绩效报告（自评表、目标表、评价报告）中抽取指标与资金记录，并校验其中的算术。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
err = Console(stderr=True, soft_wrap=True)  # one line per failure, never wrapped


@app.callback()
def _main() -> None:
    """预算绩效报告抽取与校验工具。"""


def collect_inputs(paths: list[Path]) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Files to process, and the paths that could not be used with the reason."""
    files: list[Path] = []
    problems: list[tuple[Path, str]] = []
    for path in paths:
        if not path.exists():
            problems.append((path, "文件或目录不存在"))
        elif path.is_dir():
            found = sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES
            )
            if not found:
                problems.append(
                    (path, "目录中没有可处理的报告（.txt .pdf .md .html .png .jpg .tif）")
                )
            files.extend(found)
        else:
            files.append(path)
    return files, problems


def _store(db: str, results: list[DocumentResult]) -> None:
    from extractor.review.cli import store_results
    from extractor.review.errors import ReviewError

    try:
        outcomes = store_results(db, results)
    except ReviewError as exc:
        err.print(f"[red]审核库[/red]: {exc}")
        raise typer.Exit(1) from None
    console.print(f"已导入审核库 {db}：{len(outcomes)} 个文档")


def _summary_table(results: list[DocumentResult]) -> Table:
    table = Table(title="抽取结果", show_lines=False)
    for column in ("文档", "表单", "指标", "资金行", "错误", "警告", "提示", "跳过的检查"):
        table.add_column(column, justify="right" if column != "文档" else "left")
    for result in results:
        severities = [f.severity for f in result.flags]
        # checks whose inputs were missing are skipped, not failed: say how many
        skipped = sum((result.meta.get("validation") or {}).get("skipped", {}).values())
        table.add_row(
            result.doc_id,
            str(len(result.projects)),
            str(sum(len(p.indicators) for p in result.projects)),
            str(sum(len(p.funding) for p in result.projects)),
            str(severities.count("error")),
            str(severities.count("warning")),
            str(severities.count("info")),
            str(skipped),
        )
    return table


@app.command()
@llm_options
def run(
    paths: Annotated[
        list[Path],
        typer.Argument(help="报告文件或目录（.txt .pdf .md .html，或扫描图像 .png .jpg .tif）"),
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="输出目录，每个文档一个 JSON")] = Path(
        "out"
    ),
    backend: Annotated[
        str,
        typer.Option(help="抽取后端：rules（离线模板解析）、llm（大模型）、hybrid（两者对照）"),
    ] = "rules",
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="并行工作进程数（0 = CPU 核数）")] = 0,
    force: Annotated[bool, typer.Option("--force", help="已有最新结果的文档也重新处理")] = False,
    timeout: Annotated[float, typer.Option(help="每个文档的时间上限（秒）")] = 1800.0,
    ocr: Annotated[
        str,
        typer.Option(help="OCR：auto（无文字层的页）、always、never；tesseract 见 --ocr-engine"),
    ] = "auto",
    ocr_engine: Annotated[
        str | None, typer.Option(help="OCR 引擎：rapidocr（默认）或 tesseract")
    ] = None,
    save_ocr: Annotated[
        bool, typer.Option("--save-ocr", help="把 OCR 读出的文字保存在 JSON 旁边")
    ] = False,
    db: Annotated[
        str | None, typer.Option("--db", help="同时导入审核库（SQLite 文件或数据库 URL）")
    ] = None,
    executor: Annotated[
        str, typer.Option(help="执行方式：local（本机多进程）或 ray（Ray 集群，需安装 ray 扩展）")
    ] = "local",
    ray_address: Annotated[
        str | None,
        typer.Option(
            "--ray-address",
            help="Ray 集群地址：auto 或 ray://主机:10001；不填按 Ray 的默认规则（RAY_ADDRESS、"
            "本机已启动的集群，否则在本机新起一个）",
        ),
    ] = None,
    ocr_workers: Annotated[
        int, typer.Option("--ocr-workers", help="Ray 上的 OCR 工作进程数（0 = 集群 CPU 数）")
    ] = 0,
    ray_inputs: Annotated[
        str,
        typer.Option(
            "--ray-inputs",
            help="输入如何到达 Ray 节点：auto、shared（各节点同一路径可读）、object（经对象存储）",
        ),
    ] = "auto",
    llm_rpm: Annotated[
        int | None,
        typer.Option("--llm-rpm", help="Ray 上所有节点合计的每分钟请求数上限（EXTRACTOR_LLM_RPM）"),
    ] = None,
    llm_tpm: Annotated[
        int | None,
        typer.Option(
            "--llm-tpm", help="Ray 上所有节点合计的每分钟 token 上限（EXTRACTOR_LLM_TPM）"
        ),
    ] = None,
    llm_overrides: dict[str, Any] | None = None,
) -> None:
    """抽取并校验报告，把 <doc_id>.json 写入输出目录。"""
    from extractor.distributed.cli import executor_problem, ray_options_from_cli

    try:
        engine = backend_from_options(backend, llm_overrides)  # one clear error before any work
        settings = parse_ocr_option(ocr, ocr_engine)
        problem = executor_problem(executor)
        if problem is None and executor == "local" and (ray_address or ocr_workers):
            problem = "--ray-address、--ocr-workers 只用于 --executor ray"
        if problem:
            raise ValueError(problem)
        ray_options = (
            ray_options_from_cli(
                ray_address=ray_address,
                ocr_workers=ocr_workers,
                backend=backend,
                llm_rpm=llm_rpm,
                llm_tpm=llm_tpm,
                ray_inputs=ray_inputs,
                llm_config=getattr(engine, "config", None),
            )
            if executor == "ray"
            else None
        )
    except ValueError as exc:
        err.print(f"[red]参数错误[/red]: {escape(str(exc))}")
        raise typer.Exit(2) from None
    files, problems = collect_inputs(paths)
    if ray_options is not None:  # documents on a Ray cluster, any backend
        options = BatchOptions(
            out_dir=out,
            jobs=jobs,
            backend=backend,
            ocr=settings,
            save_ocr=save_ocr,
            force=force,
            timeout=timeout,
        )
        results, failed, code = _run_batch(files, options, ray_options)
        if any(r.meta.get("partial") for r in results):  # a model call failed, as locally
            code = code or 1
    elif backend == "rules":
        options = BatchOptions(
            out_dir=out,
            jobs=jobs,
            backend=backend,
            ocr=settings,
            save_ocr=save_ocr,
            force=force,
            timeout=timeout,
        )
        results, failed, code = _run_batch(files, options)
    else:  # the model backends run their calls concurrently inside one process
        results, failed = _run_in_process(files, engine, settings, out)
        code = 1 if failed or any(r.meta.get("partial") for r in results) else 0
        print_run_summary(console, engine, results)  # model usage, cost and failed chunks
    if results:
        console.print(_summary_table(results))
        console.print(f"结果在 {out}/")
    if db and results:
        _store(db, results)
    for path, reason in [*problems, *failed]:
        err.print(f"[red]失败[/red] {path}: {reason}")
    raise typer.Exit(code or (1 if problems else 0))


def _run_batch(
    files: list[Path], options: BatchOptions, ray_options: Any = None
) -> tuple[list[DocumentResult], list[tuple[Path, str]], int]:
    if ray_options is None:
        report = run_batch(files, options, console=err)
    else:
        from extractor.distributed import RayUnavailable
        from extractor.distributed.cli import run_on_ray

        try:
            report = run_on_ray(files, options, ray_options, console=err)
        except RayUnavailable as exc:
            err.print(f"[red]Ray[/red]: {escape(str(exc))}")
            raise typer.Exit(2) from None
    results = []
    for outcome in report.outcomes:
        if outcome.status in ("ok", "skipped") and outcome.output:
            text = Path(outcome.output).read_text(encoding="utf-8")
            results.append(DocumentResult.model_validate_json(text))
    failed = [(Path(o.path), o.reason or o.status) for o in report.failed]
    return results, failed, report.exit_code


def _run_in_process(
    files: list[Path], engine: Any, settings: OcrSettings, out: Path
) -> tuple[list[DocumentResult], list[tuple[Path, str]]]:
    results: list[DocumentResult] = []
    failed: list[tuple[Path, str]] = []
    with (
        Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=err,
            transient=True,
            disable=len(files) < 2,
        ) as progress,
        ocr_session(settings),
    ):
        task = progress.add_task("抽取中", total=len(files))
        for path in files:
            progress.update(task, description=f"抽取 {path.name}")
            try:
                result = extract_document(path, backend=engine)
                write_result(result, out)
                results.append(result)
            except InputError as exc:
                failed.append((path, str(exc)))
            progress.advance(task)
    return results, failed


@app.command("schema")
def schema_command(
    write: Annotated[bool, typer.Option("--write", help="重新生成 schemas/ 下的文件")] = False,
) -> None:
    """打印（或重新生成）输出结果的 JSON Schema。"""
    from extractor import schema

    if write:
        for path in schema.write():
            console.print(f"已写入 {path}")
        return
    console.print_json(schema.generate()["result.schema.json"])


def _register_optional_commands() -> None:
    """Commands whose modules live outside the core stages."""
    from eval.cli import eval_command
    from extractor.validate.cli import validate_command

    app.command("eval", help="在金标准文件上评估抽取与校验的准确率。")(eval_command)
    app.command("validate", help="重新校验已保存的结果文件（例如人工修改之后）。")(validate_command)

    from extractor.review.cli import register as register_review

    register_review(app)  # serve, export, review {import, export-sheet, import-sheet}
    app.add_typer(llm_app, name="llm")  # batch-export, batch-import


_register_optional_commands()
