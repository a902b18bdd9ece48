"""`extractor validate RESULT.json...`: re-check stored results (e.g. after a manual
edit), show the flags by severity, and with ``--write`` store them back.

The lead registers the command: ``app.command("validate")(validate_command)``.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table

from extractor.document import Document, Page
from extractor.errors import ExtractorError
from extractor.models import DocumentResult, Flag
from extractor.validate import validate_result
from extractor.validate.report import SEVERITIES, ValidationReport

# Sources this module can read itself when the ingest stage is unavailable.
TEXT_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".html", ".htm", ".csv", ".tsv"})
_SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
_SEVERITY_NAME = {"error": "错误", "warning": "警告", "info": "提示"}
# Keys a stored file may carry besides the DocumentResult (a golden's expected_flags);
# they are kept as they are when the file is rewritten.
_PASSTHROUGH_KEYS = ("expected_flags",)


class ResultFileError(ExtractorError):
    """A result file that cannot be read or is not a DocumentResult."""


def load_result(path: Path) -> tuple[DocumentResult, dict[str, Any]]:
    """The stored result and the extra top-level keys to keep on rewrite."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ResultFileError(f"无法读取：{exc.strerror or exc}") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ResultFileError(f"不是有效的 JSON：{exc}") from exc
    if not isinstance(data, dict):
        raise ResultFileError("不是结果文件（顶层不是对象）")
    extras = {key: data.pop(key) for key in _PASSTHROUGH_KEYS if key in data}
    try:
        return DocumentResult.model_validate(data), extras
    except ValidationError as exc:
        raise ResultFileError(f"不符合结果格式：{exc.error_count()} 处错误") from exc


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


def find_source(result: DocumentResult, result_path: Path) -> Path | None:
    """The source document named in the result: as stored, or relative to the result."""
    stored = Path(result.source.path)
    for candidate in (stored, result_path.parent / stored):
        if candidate.is_file():
            return candidate
    return None


def load_source(result: DocumentResult, result_path: Path) -> Document | None:
    """The source as a `Document`, read by the ingest stage (PDF, HTML/Markdown tables,
    text); a plain text file is read here if that fails. None when the source is gone
    or unreadable: the narrative checks are then skipped, nothing else."""
    source = find_source(result, result_path)
    if source is None:
        return None
    document = _ingest(source)
    if document is not None or source.suffix.lower() not in TEXT_SUFFIXES:
        return document
    try:
        text = _decode(source.read_bytes())
    except OSError:
        return None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    pages = [Page(number=i + 1, text=page) for i, page in enumerate(text.split("\f"))]
    return Document(
        doc_id=result.doc_id, path=str(source), sha256=result.source.sha256, pages=pages
    )


def _ingest(source: Path) -> Document | None:
    """Read a non-text source with the pipeline's reader; any failure only costs the
    narrative checks, so it is not an error here."""
    try:
        from extractor.pipeline import load_document

        return load_document(source)
    except Exception:  # a reader's failure must not stop re-validation
        return None


def write_flags(
    path: Path, result: DocumentResult, flags: list[Flag], extras: dict[str, Any]
) -> None:
    """Store the flags in the result file atomically: write a temp file beside it, then
    replace, so a crash never leaves half a file."""
    data = result.model_copy(update={"flags": flags}).model_dump(mode="json")
    data.update(extras)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, ensure_ascii=False, indent=2)
            handle.write("\n")
        # mkstemp creates 0600; keep the permissions the file had.
        os.chmod(tmp, path.stat().st_mode & 0o7777 if path.exists() else 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _flag_table(path: Path, report: ValidationReport, narrative: bool) -> Table:
    counts = report.by_severity()
    summary = "，".join(f"{_SEVERITY_NAME[s]} {counts[s]}" for s in SEVERITIES)
    note = "" if narrative else "（无源文本，未做正文检查）"
    table = Table(title=f"{path}：{summary}；已运行 {report.checks_run} 项检查{note}")
    for column in ("严重度", "规则", "项目", "路径", "说明"):
        table.add_column(column, overflow="fold")
    order = {severity: i for i, severity in enumerate(SEVERITIES)}
    for flag in sorted(report.flags, key=lambda f: order[f.severity]):
        table.add_row(
            f"[{_SEVERITY_STYLE[flag.severity]}]{_SEVERITY_NAME[flag.severity]}[/]",
            flag.rule,
            flag.project or "—",
            flag.path,
            flag.message,
        )
    return table


def _skipped_table(report: ValidationReport) -> Table | None:
    if not report.skipped:
        return None
    table = Table(title="因缺少输入而跳过的检查")
    table.add_column("规则")
    table.add_column("次数", justify="right")
    for rule, count in sorted(report.skipped.items()):
        table.add_row(rule, str(count))
    return table


def validate_command(
    paths: Annotated[list[Path], typer.Argument(help="结果 JSON 文件（extractor run 的输出）")],
    write: Annotated[
        bool, typer.Option("--write", help="把重新校验得到的 flags 写回结果文件")
    ] = False,
) -> None:
    """重新校验已保存的结果：按严重度列出问题，并列出因缺少输入而跳过的检查。"""
    console = Console()
    failed = 0
    for path in paths:
        try:
            result, extras = load_result(path)
        except ResultFileError as exc:
            console.print(f"[bold red]{path}[/]：{exc}")
            failed += 1
            continue
        document = load_source(result, path)
        report = validate_result(result, document)
        console.print(_flag_table(path, report, document is not None))
        skipped = _skipped_table(report)
        if skipped is not None:
            console.print(skipped)
        if write:
            try:
                write_flags(path, result, report.flags, extras)
            except OSError as exc:
                console.print(f"[bold red]{path}[/]：无法写回：{exc.strerror or exc}")
                failed += 1
                continue
            console.print(f"已写回 {len(report.flags)} 条 flags → {path}")
    if failed:
        raise typer.Exit(code=1)


if __name__ == "__main__":
    typer.run(validate_command)
