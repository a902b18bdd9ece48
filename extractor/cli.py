"""`extractor` command line: a thin layer over `extractor.pipeline` and `extractor.batch`.

Commands other than `run` and `schema` are imported when used (`cli_support.LazyGroup`),
and `run` imports the pipeline only when it runs: start-up stays short.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, ClassVar

import typer
from rich.console import Console
from rich.markup import escape

from extractor.cli_support import LazyCommand, LazyGroup, speak_chinese
from extractor.llm.options import config_from_options, llm_options

if TYPE_CHECKING:
    from rich.table import Table

    from extractor.batch import BatchOptions, BatchReport
    from extractor.models import DocumentResult

speak_chinese()


class ExtractorGroup(LazyGroup):
    lazy: ClassVar[dict[str, LazyCommand]] = {
        "eval": LazyCommand("eval.cli:eval_command", "在金标准文件上评估抽取与校验的准确率。"),
        "validate": LazyCommand(
            "extractor.validate.cli:validate_command",
            "重新校验已保存的结果文件（例如人工修改之后）。",
        ),
        "serve": LazyCommand("extractor.review.cli:register", "启动本地审核页面。", pick="serve"),
        "export": LazyCommand(
            "extractor.review.cli:register", "导出审核后的结果（json、csv、xlsx）。", pick="export"
        ),
        "review": LazyCommand(
            "extractor.review.cli:register", "审核库：导入结果、Excel 表导出与导回。", pick="review"
        ),
        "llm": LazyCommand(
            "extractor.llm.cli:llm_app", "LLM 后端：批处理（Batch API）导出/导入与调用估算。"
        ),
    }


app = typer.Typer(
    cls=ExtractorGroup,
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


def _store(db: str, results: list[DocumentResult], report: BatchReport, out: Path) -> None:
    from extractor.review.cli import store_results
    from extractor.review.errors import ReviewError

    try:  # the pages as this run read them: no document is read (OCR'd) twice
        outcomes = store_results(db, results, readings=report.readings, out_dir=out)
    except ReviewError as exc:
        err.print(f"[red]审核库[/red]: {exc}")
        raise typer.Exit(1) from None
    console.print(f"已导入审核库 {db}：{len(outcomes)} 个文档")


def _summary_table(results: list[DocumentResult]) -> Table:
    from rich.table import Table

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
        typer.Option(help="抽取后端：rules（离线模板解析）、llm（大模型）、hybrid（两者择优）"),
    ] = "rules",
    jobs: Annotated[
        int,
        typer.Option(
            "--jobs",
            "-j",
            help="同时处理的文档数（工作进程数，0 = CPU 核数）；LLM 后端每个进程另有并发调用",
        ),
    ] = 0,
    force: Annotated[bool, typer.Option("--force", help="已有最新结果的文档也重新处理")] = False,
    timeout: Annotated[float, typer.Option(help="每个文档的时间上限（秒，0 = 不限）")] = 1800.0,
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
    """抽取并校验报告，把 <doc_id>.json 写入输出目录，运行报告写入 run.json / run.csv。"""
    from extractor.errors import ConfigError
    from extractor.inputs import collect_inputs

    try:
        options = _batch_options(
            backend, llm_overrides, ocr, ocr_engine, out, jobs, save_ocr, force, timeout
        )
        options = replace(options, keep_pages=bool(db))  # for the review store
        ray_options = _ray_options(
            executor, ray_address, ocr_workers, backend, llm_rpm, llm_tpm, ray_inputs
        )
    except ConfigError as exc:
        err.print(f"[red]参数错误[/red]: {escape(str(exc))}")
        raise typer.Exit(2) from None
    files, problems = collect_inputs(paths)
    report = _run_batch(files, options, ray_options)
    results, done_now = _results(report)
    if results:
        from extractor.llm.cli import print_run_summary

        print_run_summary(console, done_now)  # this run's model usage, cost, failed chunks
        console.print(_summary_table(results))
        console.print(f"结果在 {out}/")
    if db and results:
        _store(db, results, report, out)
    failed = [(Path(o.path), o.reason or o.status) for o in report.failed]
    for path, reason in [*problems, *failed]:
        err.print(f"[red]失败[/red] {path}: {reason}")
    raise typer.Exit(report.exit_code or (1 if problems else 0))


def _batch_options(
    backend: str,
    llm_overrides: dict[str, Any] | None,
    ocr: str,
    ocr_engine: str | None,
    out: Path,
    jobs: int,
    save_ocr: bool,
    force: bool,
    timeout: float,
) -> BatchOptions:
    """The run's settings, every one checked before any work (ConfigError)."""
    from extractor.backends import get_backend, uses_llm
    from extractor.batch import BatchOptions
    from extractor.errors import ConfigError
    from extractor.ocr.settings import parse_ocr_option

    if jobs < 0:
        raise ConfigError(f"--jobs 不能为负数，收到 {jobs}")
    llm = config_from_options(llm_overrides).require_ready() if uses_llm(backend) else None
    get_backend(backend, llm=llm)  # an unknown name or a setting the backend refuses
    return BatchOptions(
        out_dir=out,
        jobs=jobs,
        backend=backend,
        ocr=parse_ocr_option(ocr, ocr_engine),
        save_ocr=save_ocr,
        force=force,
        timeout=timeout,
        llm=llm,
    )


def _ray_options(
    executor: str,
    ray_address: str | None,
    ocr_workers: int,
    backend: str,
    llm_rpm: int | None,
    llm_tpm: int | None,
    ray_inputs: str,
) -> Any:
    from extractor.distributed.cli import executor_problem, ray_options_from_cli
    from extractor.errors import ConfigError

    problem = executor_problem(executor)
    if problem is None and executor == "local" and (ray_address or ocr_workers):
        problem = "--ray-address、--ocr-workers 只用于 --executor ray"
    if problem:
        raise ConfigError(problem)
    if executor != "ray":
        return None
    try:
        return ray_options_from_cli(
            ray_address=ray_address,
            ocr_workers=ocr_workers,
            backend=backend,
            llm_rpm=llm_rpm,
            llm_tpm=llm_tpm,
            ray_inputs=ray_inputs,
        )
    except ValueError as exc:
        raise ConfigError(str(exc)) from None


def _run_batch(files: list[Path], options: BatchOptions, ray_options: Any) -> BatchReport:
    if ray_options is None:
        from extractor.batch import run_batch

        return run_batch(files, options, console=err)
    from extractor.distributed import RayUnavailable
    from extractor.distributed.cli import run_on_ray

    try:
        return run_on_ray(files, options, ray_options, console=err)
    except RayUnavailable as exc:
        err.print(f"[red]Ray[/red]: {escape(str(exc))}")
        raise typer.Exit(2) from None


def _results(report: BatchReport) -> tuple[list[DocumentResult], list[DocumentResult]]:
    """The results of the run's documents (done now, or already up to date), and those
    done now (what this run spent)."""
    from extractor.models import DocumentResult

    results, done_now = [], []
    for outcome in report.outcomes:
        if outcome.status in ("ok", "skipped") and outcome.output:
            text = Path(outcome.output).read_text(encoding="utf-8")
            result = DocumentResult.model_validate_json(text)
            results.append(result)
            if outcome.status == "ok":
                done_now.append(result)
    return results, done_now


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


def main() -> None:
    """The `extractor` console script."""
    app(prog_name="extractor")
