"""`extractor llm …` commands (Batch API export/import, dry-run estimates) and the LLM
part of a run's summary.

    extractor llm batch-export reports/ -o requests.jsonl [--dry-run] [--include-cached]
    extractor llm batch-import results.jsonl
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from extractor.errors import ConfigError, InputError
from extractor.inputs import collect_inputs
from extractor.llm.batch import Plan
from extractor.llm.options import config_from_options, llm_options
from extractor.models import DocumentResult

# --- summaries ----------------------------------------------------------------------

USAGE_SUMS = (
    "calls",
    "batch_calls",
    "cache_hits",
    "failed_calls",
    "retries",
    "prompt_tokens",
    "completion_tokens",
)


def run_usage(results: list[DocumentResult]) -> dict[str, Any] | None:
    """Calls, tokens and estimated cost of these results added up (None: no model ran)."""
    usages = [(r.meta.get("llm") or {}).get("usage") for r in results]
    usages = [u for u in usages if u]
    if not usages:
        return None
    total: dict[str, Any] = {name: sum(u.get(name, 0) for u in usages) for name in USAGE_SUMS}
    costs = [u.get("estimated_cost") for u in usages]
    total["estimated_cost"] = None if None in costs else sum(costs)
    total["currency"] = usages[0].get("currency", "USD")
    models = {(r.meta.get("llm") or {}).get("model") for r in results} - {None}
    total["model"] = ", ".join(sorted(models))
    return total


def usage_table(usage: dict[str, Any], title: str = "LLM 用量") -> Table:
    table = Table(title=title)
    columns = ("模型", "调用", "其中批处理", "缓存命中", "失败", "重试")
    for column in (*columns, "输入 token", "输出 token", "估算费用"):
        table.add_column(column, justify="left" if column == "模型" else "right")
    cost = usage.get("estimated_cost")
    table.add_row(
        str(usage.get("model")),
        str(usage["calls"]),
        str(usage["batch_calls"]),
        str(usage["cache_hits"]),
        str(usage["failed_calls"]),
        str(usage["retries"]),
        str(usage["prompt_tokens"]),
        str(usage["completion_tokens"]),
        "未知（价格表中无此模型）" if cost is None else f"{cost:.4f} {usage['currency']}",
    )
    return table


def print_run_summary(console: Console, results: list[DocumentResult]) -> None:
    """The run's model usage and cost, then every failed chunk with its reason."""
    usage = run_usage(results)
    if usage is None:
        return
    console.print(usage_table(usage))
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
    for column in ("文档", "调用", "已缓存", "估算输入 token", "估算输出 token"):
        table.add_column(column, justify="left" if column == "文档" else "right")
    for doc_id, row in planned.per_document().items():
        table.add_row(
            doc_id,
            str(row["calls"]),
            str(row["cached"]),
            str(row["prompt_tokens"]),
            str(row["completion_tokens"]),
        )
    console.print(table)
    cost = totals["estimated_cost"]
    console.print(
        f"共 {totals['calls']} 次调用，其中 {totals['cached']} 次已缓存；"
        f"需发送 {totals['to_send']} 次（表格 {totals['form_calls']}，"
        f"正文 {totals['narrative_calls']}），约 {totals['prompt_tokens']} 输入 token、"
        f"{totals['completion_tokens']} 输出 token，估算费用 "
        + ("未知" if cost is None else f"{cost:.4f} {totals['currency']}")
        + "（经 Batch API 发送约为其一半）"
    )


# --- the `extractor llm` sub-app -----------------------------------------------------

llm_app = typer.Typer(
    help="LLM 后端：批处理（Batch API）导出/导入与调用估算。",
    no_args_is_help=True,
    add_completion=False,
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
        bool, typer.Option("--dry-run", help="只估算调用次数、token 和费用，不写文件")
    ] = False,
    include_cached: Annotated[
        bool, typer.Option("--include-cached", help="已在缓存中的请求也导出")
    ] = False,
    llm_overrides: dict[str, Any] | None = None,
) -> None:
    """写出一次运行会发送的全部请求（OpenAI Batch API JSONL）；--dry-run 只估算。"""
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
