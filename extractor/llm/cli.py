"""`extractor llm …` commands and the LLM options of `extractor run` / `eval`.

from extractor.llm.cli import llm_app, llm_options, backend_from_options
app.add_typer(llm_app, name="llm")

@app.command()
@llm_options                      # adds --llm-base-url … --offline to the command
def run(..., backend: str = "rules", llm_overrides: dict | None = None) -> None:
    engine = backend_from_options(backend, llm_overrides)   # ConfigError before any work
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from extractor.backends import Backend, get_backend
from extractor.llm.batch import Plan
from extractor.llm.config import MODES, ConfigError, LLMConfig

PANEL = "LLM 后端（--backend llm / hybrid）"
F = TypeVar("F", bound=Callable[..., Any])

# parameter name → (config field, annotation)
OPTIONS: dict[str, tuple[str, Any]] = {
    "llm_base_url": (
        "base_url",
        Annotated[
            str | None,
            typer.Option(
                "--llm-base-url",
                help="OpenAI 兼容接口地址（EXTRACTOR_LLM_BASE_URL，默认取 OPENAI_BASE_URL）",
                rich_help_panel=PANEL,
            ),
        ],
    ),
    "llm_model": (
        "model",
        Annotated[
            str | None,
            typer.Option(
                "--llm-model", help="模型名（EXTRACTOR_LLM_MODEL）", rich_help_panel=PANEL
            ),
        ],
    ),
    "llm_api_key": (
        "api_key",
        Annotated[
            str | None,
            typer.Option(
                "--llm-api-key",
                help="API 密钥（EXTRACTOR_LLM_API_KEY，默认取 OPENAI_API_KEY）",
                rich_help_panel=PANEL,
            ),
        ],
    ),
    "llm_mode": (
        "mode",
        Annotated[
            str | None,
            typer.Option(
                "--llm-mode",
                help=f"结构化输出方式：{' / '.join(MODES)}（EXTRACTOR_LLM_MODE，默认 tools）",
                rich_help_panel=PANEL,
            ),
        ],
    ),
    "llm_temperature": (
        "temperature",
        Annotated[
            float | None,
            typer.Option("--llm-temperature", help="温度（默认 0）", rich_help_panel=PANEL),
        ],
    ),
    "llm_timeout": (
        "timeout",
        Annotated[
            float | None,
            typer.Option(
                "--llm-timeout", help="每次调用的超时秒数（默认 60）", rich_help_panel=PANEL
            ),
        ],
    ),
    "llm_max_retries": (
        "max_retries",
        Annotated[
            int | None,
            typer.Option(
                "--llm-max-retries", help="429/5xx/超时的重试次数（默认 4）", rich_help_panel=PANEL
            ),
        ],
    ),
    "llm_concurrency": (
        "concurrency",
        Annotated[
            int | None,
            typer.Option(
                "--llm-concurrency", help="同时进行的调用数（默认 8）", rich_help_panel=PANEL
            ),
        ],
    ),
    "llm_cache_dir": (
        "cache_dir",
        Annotated[
            Path | None,
            typer.Option(
                "--llm-cache-dir", help="缓存目录（EXTRACTOR_LLM_CACHE_DIR）", rich_help_panel=PANEL
            ),
        ],
    ),
    "llm_prices": (
        "prices",
        Annotated[
            Path | None,
            typer.Option(
                "--llm-prices", help="价格表 JSON（每百万 token 的价格）", rich_help_panel=PANEL
            ),
        ],
    ),
    "no_cache": (
        "no_cache",
        Annotated[bool, typer.Option("--no-cache", help="不读也不写缓存", rich_help_panel=PANEL)],
    ),
    "offline": (
        "offline",
        Annotated[
            bool,
            typer.Option(
                "--offline", help="只用缓存，不联网；缓存缺失的块记为失败", rich_help_panel=PANEL
            ),
        ],
    ),
}


def config_from_options(
    overrides: dict[str, Any] | None, env: dict[str, str] | None = None
) -> LLMConfig:
    """The config from collected options (None/False = not given) over the environment."""
    values = {k: v for k, v in (overrides or {}).items() if v is not None and v is not False}
    return LLMConfig.resolve(values, env)


def backend_from_options(name: str, overrides: dict[str, Any] | None) -> Backend:
    """`get_backend` with the LLM options applied; raises ValueError/ConfigError early."""
    if name in ("llm", "hybrid"):
        return get_backend(name, config_from_options(overrides).require_ready())
    return get_backend(name)


def llm_options(func: F) -> F:
    """Give a typer command the --llm-* options; it receives them as `llm_overrides`
    (config field → value or None)."""
    signature = inspect.signature(func)
    kept = [p for p in signature.parameters.values() if p.name != "llm_overrides"]
    added = [
        inspect.Parameter(
            name,
            inspect.Parameter.KEYWORD_ONLY,
            default=False if field in ("no_cache", "offline") else None,
            annotation=annotation,
        )
        for name, (field, annotation) in OPTIONS.items()
    ]

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        overrides = {field: kwargs.pop(name, None) for name, (field, _a) in OPTIONS.items()}
        return func(*args, llm_overrides=overrides, **kwargs)

    wrapper.__signature__ = signature.replace(parameters=kept + added)  # type: ignore[attr-defined]
    hints = {k: v for k, v in func.__annotations__.items() if k != "llm_overrides"}
    hints.update({name: annotation for name, (_f, annotation) in OPTIONS.items()})
    wrapper.__annotations__ = hints
    return wrapper  # type: ignore[return-value]


# --- summaries ----------------------------------------------------------------------


def usage_table(summary: dict[str, Any], title: str = "LLM 用量") -> Table:
    usage = summary["usage"]
    table = Table(title=title)
    for column in (
        "模型",
        "调用",
        "缓存命中",
        "失败",
        "重试",
        "输入 token",
        "输出 token",
        "估算费用",
    ):
        table.add_column(column, justify="left" if column == "模型" else "right")
    cost = usage.get("estimated_cost")
    table.add_row(
        str(summary.get("model")),
        str(usage["calls"]),
        str(usage["cache_hits"]),
        str(usage["failed_calls"]),
        str(usage["retries"]),
        str(usage["prompt_tokens"]),
        str(usage["completion_tokens"]),
        "未知（价格表中无此模型）" if cost is None else f"{cost:.4f} {usage['currency']}",
    )
    return table


def print_run_summary(console: Console, backend: Any, results: list[Any]) -> None:
    """Per-run usage and cost, then every failed chunk with its reason."""
    if not hasattr(backend, "run_summary"):
        return
    console.print(usage_table(backend.run_summary()))
    for result in results:
        for failure in (result.meta.get("llm") or {}).get("failures", []):
            where = failure.get("title") or failure.get("kind")
            console.print(
                f"[yellow]部分失败[/yellow] {result.doc_id} {where}（第 {failure['part']} 部分，"
                f"偏移 {failure['start']}-{failure['end']}）：{failure['reason']}"
            )


def print_plan(console: Console, planned: Plan, *, dry_run: bool = True) -> None:
    """How many calls and roughly how many tokens a run would take (for --dry-run)."""
    totals = planned.totals()
    table = Table(title="预计调用" + ("（dry run，未发送任何请求）" if dry_run else ""))
    for column in ("文档", "调用", "已缓存", "估算输入 token"):
        table.add_column(column, justify="left" if column == "文档" else "right")
    for doc_id, row in planned.per_document().items():
        table.add_row(doc_id, str(row["calls"]), str(row["cached"]), str(row["prompt_tokens"]))
    console.print(table)
    cost = totals["estimated_cost"]
    console.print(
        f"共 {totals['calls']} 次调用，其中 {totals['cached']} 次已缓存；"
        f"需发送 {totals['to_send']} 次（表格 {totals['form_calls']}，"
        f"正文 {totals['narrative_calls']}），约 {totals['prompt_tokens']} 输入 token、"
        f"{totals['completion_tokens']} 输出 token，估算费用 "
        + ("未知" if cost is None else f"{cost:.4f} {totals['currency']}")
    )


# --- the `extractor llm` sub-app -----------------------------------------------------

llm_app = typer.Typer(
    help="LLM 后端：批处理导出/导入与调用估算。", no_args_is_help=True, add_completion=False
)


def _fail(console: Console, message: str, code: int = 2) -> typer.Exit:
    console.print(f"[red]错误[/red]: {message}")
    return typer.Exit(code)


@llm_app.command("batch-export")
@llm_options
def batch_export(
    paths: Annotated[list[Path], typer.Argument(help="报告文件或目录")],
    out: Annotated[Path, typer.Option("--out", "-o", help="写出的批处理请求 JSONL")] = Path(
        "batch_requests.jsonl"
    ),
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="只估算调用次数和 token，不写文件")
    ] = False,
    include_cached: Annotated[
        bool, typer.Option("--include-cached", help="已在缓存中的请求也导出")
    ] = False,
    llm_overrides: dict[str, Any] | None = None,
) -> None:
    """写出一次运行会发送的全部请求（OpenAI Batch API JSONL）；--dry-run 只估算。"""
    from extractor.cli import collect_inputs
    from extractor.llm.batch import export_requests, plan

    console = Console()
    err = Console(stderr=True)
    try:
        config = config_from_options(llm_overrides)
        if not config.model:
            raise ConfigError("LLM 后端缺少配置：模型名（--llm-model 或 EXTRACTOR_LLM_MODEL）")
    except ConfigError as exc:
        raise _fail(err, str(exc)) from None
    files, problems = collect_inputs(paths)
    planned = plan(files, config)
    print_plan(console, planned, dry_run=dry_run)
    for path, reason in [*problems, *planned.problems]:
        err.print(f"[red]失败[/red] {path}: {reason}")
    if not dry_run:
        written = export_requests(planned, out, config, include_cached=include_cached)
        console.print(f"已写入 {written} 条请求到 {out}")
    raise typer.Exit(1 if problems or planned.problems else 0)


@llm_app.command("batch-import")
@llm_options
def batch_import(
    results: Annotated[Path, typer.Argument(help="批处理输出文件（JSONL）")],
    llm_overrides: dict[str, Any] | None = None,
) -> None:
    """把批处理结果导入缓存；之后 `run --backend llm --offline` 不再联网。"""
    from extractor.errors import InputError
    from extractor.llm.batch import import_results

    console = Console()
    err = Console(stderr=True)
    try:
        config = config_from_options(llm_overrides)
        report = import_results(results, config)
    except (ConfigError, InputError) as exc:
        raise _fail(err, str(exc)) from None
    console.print(f"已导入 {report.imported} 条结果到缓存 {config.cache_dir}")
    for cid, reason in report.failed:
        err.print(f"[red]未导入[/red] {cid}: {reason}")
    raise typer.Exit(1 if report.failed else 0)
