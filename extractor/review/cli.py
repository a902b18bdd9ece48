"""Command line of the review store. The lead registers it on the main app:

    from extractor.review.cli import register
    register(app)        # extractor serve / export / review import|export-sheet|import-sheet

and `extractor run … --db review.db` calls `store_results(db, results)`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table

from extractor.models import DocumentResult
from extractor.ocr.sidecar import SourceReading, load_reading
from extractor.review.errors import ReviewError
from extractor.review.export import FORMATS, export_bytes, write_atomic
from extractor.review.overview import facts_for
from extractor.review.store import ImportOutcome, ReviewStore
from extractor.review.web.security import is_loopback

console = Console()
err = Console(stderr=True)
MIN_TOKEN = 16
STATUS_NAMES = {"new": "新导入", "updated": "已更新", "unchanged": "未变化"}
RUN_REPORT = "run.json"  # the run report `extractor run` writes beside the results

DbOption = Annotated[
    str, typer.Option("--db", help="审核库：SQLite 文件路径，或 SQLAlchemy 数据库 URL")
]

review_app = typer.Typer(
    help="审核库：导入抽取结果、Excel 往返审核。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _open(db: str) -> ReviewStore:
    try:
        return ReviewStore.open(db)
    except ReviewError as exc:
        err.print(f"[red]无法打开审核库[/red] {db}：{exc}")
        raise typer.Exit(2) from None


def ask_reviewer(given: str) -> str:
    """The reviewer's name as given, or asked for on a terminal; never guessed from
    the login (a shared account would sign every decision)."""
    name = " ".join(given.split())
    if name:
        return name
    if sys.stdin.isatty():
        name = " ".join(typer.prompt("审核人姓名（记入审核记录）").split())
    if not name:
        err.print("[red]请用 --reviewer 给出审核人姓名[/red]（记入每条审核记录）")
        raise typer.Exit(2)
    return name


def run_label(kind: str, results: list[DocumentResult]) -> str:
    """ "run 2024-05-01 10:00 · 5 个文档 · reports/" for the dashboard's run list."""
    folders = {str(Path(r.source.path).parent) for r in results}
    where = f" · {folders.pop()}" if len(folders) == 1 else ""
    stamp = datetime.now().strftime("%Y-%m-%d %H:%M")
    return f"{kind} {stamp} · {len(results)} 个文档{where}"


def store_results(
    db: str,
    results: list[DocumentResult],
    *,
    force: bool = False,
    readings: Mapping[str, SourceReading] | None = None,
    out_dir: Path | None = None,
) -> list[ImportOutcome]:
    """Put freshly extracted results (and their source text) into the review store,
    as one run. For `extractor run … --db`: raises ReviewError when a result cannot be
    stored. The source text is what the run read (`readings`, by doc_id), or what an
    earlier run saved in `out_dir` (`--save-ocr`): the source is not read (OCR'd)
    again for a document the run already read."""
    readings = readings or {}
    store = ReviewStore.open(db)
    try:
        run = store.start_run(run_label("run", results))
        outcomes = []
        for result in results:
            reading = readings.get(result.doc_id)
            if reading is None and out_dir is not None:
                reading = load_reading(out_dir, result.doc_id)
            outcomes.append(store.import_result(result, force=force, run=run, reading=reading))
        return outcomes
    finally:
        store.close()


def _outcome_table(outcomes: list[ImportOutcome]) -> Table:
    table = Table(title="导入审核库")
    for column in ("文档", "状态", "问题", "原文"):
        table.add_column(column)
    for outcome in outcomes:
        table.add_row(
            outcome.doc_id,
            STATUS_NAMES[outcome.status],
            str(outcome.flags),
            "已保存" if outcome.has_source else "[yellow]未找到[/yellow]",
        )
    return table


@review_app.command("import")
def import_command(
    out_dir: Annotated[Path, typer.Argument(help="extractor run 的输出目录（或单个结果 JSON）")],
    db: DbOption = "review.db",
    force: Annotated[
        bool, typer.Option("--force", help="文档已有审核记录时仍替换其抽取结果（记录保留）")
    ] = False,
) -> None:
    """把抽取结果 JSON 导入审核库（同时保存原文，供审核页面显示）。"""
    files = sorted(out_dir.glob("*.json")) if out_dir.is_dir() else [out_dir]
    files = [f for f in files if f.name != RUN_REPORT]
    if not files or not files[0].exists():
        err.print(f"[red]没有可导入的结果文件[/red]：{out_dir}")
        raise typer.Exit(2)
    store = _open(db)
    outcomes: list[ImportOutcome] = []
    failed = 0
    loaded: list[tuple[Path, DocumentResult]] = []
    for path in files:
        try:
            result = DocumentResult.model_validate_json(path.read_text(encoding="utf-8"))
        except (OSError, ValueError, ValidationError) as exc:
            err.print(f"[red]跳过[/red] {path}：不是有效的结果文件（{type(exc).__name__}）")
            failed += 1
            continue
        loaded.append((path, result))
    run = store.start_run(run_label("import", [r for _p, r in loaded])) if loaded else None
    for path, result in loaded:
        try:
            outcomes.append(store.import_result(result, base=path.parent, run=run, force=force))
        except ReviewError as exc:
            err.print(f"[red]未导入[/red] {path}：{exc}")
            failed += 1
    store.close()
    if outcomes:
        console.print(_outcome_table(outcomes))
    raise typer.Exit(1 if failed else 0)


@review_app.command("export-sheet")
def export_sheet_command(
    db: DbOption = "review.db",
    out: Annotated[Path, typer.Option("--out", "-o", help="输出的 Excel 文件")] = Path(
        "review-sheet.xlsx"
    ),
) -> None:
    """把待处理的问题导出为 Excel 表（填写“修正值”“处理”“备注”后用 import-sheet 导回）。"""
    from extractor.review.sheet import export_sheet

    store = _open(db)
    data, rows = export_sheet(store)
    store.close()
    write_atomic(out, data)
    console.print(f"已导出 {rows} 个待处理字段到 {out}")


@review_app.command("import-sheet")
def import_sheet_command(
    file: Annotated[Path, typer.Argument(help="填写好的 Excel 表（由 export-sheet 导出）")],
    db: DbOption = "review.db",
    reviewer: Annotated[
        str, typer.Option("--reviewer", help="记入审核记录的审核人姓名（必填；终端中可交互输入）")
    ] = "",
) -> None:
    """把 Excel 表中填写的处理结果导回审核库：逐行校验，被拒绝的行列出原因。"""
    from extractor.review.sheet import import_sheet

    name = ask_reviewer(reviewer)
    store = _open(db)
    try:
        report = import_sheet(store, file, name)
    except ReviewError as exc:
        err.print(f"[red]无法导入[/red]：{exc}")
        raise typer.Exit(2) from None
    finally:
        store.close()
    console.print(
        f"已应用 {len(report.applied)} 行，拒绝 {len(report.rejected)} 行，未填写 {report.blank} 行"
    )
    if report.rejected:
        console.print("被拒绝的行：")
        for row, reason in report.rejected:
            where = " / ".join(part for part in (row.doc_id, row.project, row.path) if part)
            console.print(f"  第 {row.number} 行（{where}）：{reason}", soft_wrap=True)
        raise typer.Exit(1)


def serve_command(
    db: DbOption = "review.db",
    host: Annotated[
        str, typer.Option("--host", help="监听地址（非本机地址须同时给出 --token）")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="端口")] = 8765,
    token: Annotated[
        str | None,
        typer.Option("--token", help=f"访问令牌（至少 {MIN_TOKEN} 个字符），每个请求都须携带"),
    ] = None,
    reviewer: Annotated[
        str, typer.Option("--reviewer", help="页面上预填的审核人姓名（默认不填，由审核人填写）")
    ] = "",
    page_cache: Annotated[
        Path | None,
        typer.Option("--page-cache", help="页面图像缓存目录（默认在审核库文件旁）"),
    ] = None,
) -> None:
    """启动本机审核页面（默认 http://127.0.0.1:8765）。"""
    import uvicorn

    from extractor.review.web.app import create_app

    if not is_loopback(host) and not token:
        err.print(
            f"[red]拒绝启动[/red]：监听 {host} 会让其他机器访问审核库，必须同时给出 --token。"
            '可用 python -c "import secrets; print(secrets.token_urlsafe())" 生成一个。'
        )
        raise typer.Exit(2)
    if token is not None and len(token) < MIN_TOKEN:
        err.print(f"[red]令牌太短[/red]：至少需要 {MIN_TOKEN} 个字符")
        raise typer.Exit(2)
    from extractor.review.workers import ValidationWorkers

    store = _open(db)
    # Re-validation beside the server, not in it: one worker, two on larger machines.
    store.workers = ValidationWorkers(max(1, min(2, os.cpu_count() or 1)))
    store.workers.warm()
    app = create_app(store, token=token, reviewer=reviewer, page_cache=page_cache)
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}/" + (f"?token={token}" if token else "")
    console.print(f"审核页面：{url}    （按 Ctrl+C 停止；每个决定在提交时即已保存）")
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning")
    finally:
        store.close()


def export_command(
    db: DbOption = "review.db",
    fmt: Annotated[str, typer.Option("--format", "-f", help="json、csv 或 xlsx")] = "xlsx",
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="输出文件（json/csv 可用 - 表示标准输出）")
    ] = None,
    run: Annotated[
        int | None, typer.Option("--run", help="只导出这一批次的文档（批次号见审核总览页）")
    ] = None,
) -> None:
    """导出审核后的数值及每个字段的审核状态（json / csv / xlsx；xlsx 含汇总图表）。"""
    if fmt not in FORMATS:
        err.print(f"[red]参数错误[/red]：--format 只能是 {'、'.join(FORMATS)}")
        raise typer.Exit(2)
    if out is not None and str(out) == "-" and fmt == "xlsx":
        err.print("[red]参数错误[/red]：xlsx 不能写到标准输出，请给出 --out 文件")
        raise typer.Exit(2)
    store = _open(db)
    try:
        if run is not None and all(r.id != run for r in store.runs()):
            err.print(f"[red]参数错误[/red]：审核库中没有批次 {run}")
            raise typer.Exit(2)
        views = store.views(run)
        data = export_bytes(views, fmt, facts_for(store, views))
    finally:
        store.close()
    if out is not None and str(out) == "-":
        sys.stdout.buffer.write(data)
        return
    target = out or Path(f"review-export.{fmt}")
    write_atomic(target, data)
    console.print(f"已导出到 {target}")


def register(app: typer.Typer) -> None:
    """Add `serve`, `export` and the `review` group to the main command line."""
    app.command("serve")(serve_command)
    app.command("export")(export_command)
    app.add_typer(review_app, name="review")


def main() -> None:
    """`python -m extractor.review.cli …` until the lead registers the commands."""
    app = typer.Typer(no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
    register(app)
    app()


if __name__ == "__main__":
    main()
