"""Batch runs over many documents: parallel workers, progress, a run report, resumable.
The one executor of every backend (rules, llm, hybrid); `extractor.distributed` runs the
same work on a Ray cluster.

    from extractor.batch import BatchOptions, run_batch
    report = run_batch(files, BatchOptions(out_dir=Path("out"), jobs=2))
    report = run_batch(files, BatchOptions(out_dir=Path("out"), backend="llm", llm=config))

- Documents go to N worker processes (default: the CPU count), each a long-lived
  process that loads the OCR models once and builds its backend once (with an LLM
  backend, each worker sends a document's calls concurrently: up to N × the LLM
  concurrency requests at once). Workers ignore Ctrl-C and never write files:
  they send the result back and the parent writes `<doc_id>.json` (and, with
  `save_ocr`, `<doc_id>.ocr.txt` / `.ocr.tsv` / `.ocr.pages.jsonl`) atomically. So an
  interrupted run leaves every finished output intact and no partial file.
- A progress bar counts pages (the page count of every input is read up front) with an
  ETA; each document gets a result line when it is done.
- Resumable: an input whose `<doc_id>.json` already records the same content hash,
  pipeline version and run settings (backend, OCR mode and engine; model and prompts
  for an LLM backend) is skipped, unless a model call failed in it (`meta.partial`);
  `force` redoes it.
- One bad, huge or encrypted file never stops the batch: its failure is recorded; a
  document that runs over the time limit has its worker killed (and replaced); a worker
  that dies (a crash in a native library, the memory killer) costs only its document.
- The run report: `run.json` (options, totals, one entry per document) and `run.csv`
  (one row per document: status, pages, OCR'd pages, forms, indicators, flags, seconds)
  in the output folder, written at the end and on Ctrl-C (which is said on screen, with
  the documents left undone).
"""

from __future__ import annotations

import csv
import io
import json
import multiprocessing as mp
import os
import signal
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from extractor import __version__
from extractor.ocr.settings import OcrSettings, threads_for

if TYPE_CHECKING:
    from extractor.backends import Backend
    from extractor.llm.config import LLMConfig
    from extractor.ocr.sidecar import SourceReading

Status = Literal["ok", "skipped", "failed", "timeout", "crashed", "interrupted"]
FAILED: frozenset[str] = frozenset({"failed", "timeout", "crashed"})
CSV_COLUMNS = (
    "path",
    "doc_id",
    "status",
    "pages",
    "ocr_pages",
    "forms",
    "indicators",
    "flags",
    "seconds",
    "partial",
    "reason",
)


@dataclass(frozen=True)
class BatchOptions:
    out_dir: Path
    jobs: int = 0  # worker processes; 0 = the CPU count
    backend: str = "rules"
    ocr: OcrSettings = field(default_factory=OcrSettings)
    save_ocr: bool = False
    force: bool = False  # redo documents that already have an up-to-date output
    timeout: float | None = 1800.0  # seconds per document; None or 0 = no limit
    recycle_after: int = 25  # a worker is replaced after this many documents
    report_name: str = "run"  # run.json / run.csv in out_dir
    llm: LLMConfig | None = None  # the model settings of the llm / hybrid backends
    # send each document's page texts and boxes back (`BatchReport.readings`): a review
    # store then takes them as read, instead of reading (and OCR-ing) the source again
    keep_pages: bool = False

    def workers(self, tasks: int) -> int:
        wanted = self.jobs if self.jobs > 0 else (os.cpu_count() or 1)
        return max(1, min(wanted, tasks))

    def run_key(self) -> dict[str, str]:
        """What an output must have been made with to be reused (besides hash/version)."""
        key = {"backend": self.backend, "ocr": self.ocr.mode, "ocr_engine": self.ocr.engine}
        from extractor.backends import uses_llm

        if uses_llm(self.backend):
            from extractor.llm.config import LLMConfig
            from extractor.llm.prompts import PromptSet

            config = self.llm or LLMConfig.from_env()
            prompts = PromptSet.load()
            key["llm_model"] = config.model or ""
            key["prompts"] = ",".join(f"{k}:{v}" for k, v in sorted(prompts.hashes.items()))
        return key

    def make_backend(self) -> Backend:
        """The backend a worker reads its documents with (built once per worker)."""
        from extractor.backends import get_backend

        return get_backend(self.backend, llm=self.llm)


@dataclass
class DocOutcome:
    path: str
    doc_id: str
    status: Status = "ok"
    reason: str | None = None
    pages: int = 0
    ocr_pages: int = 0
    forms: int = 0
    indicators: int = 0
    funding: int = 0
    flags: int = 0
    errors: int = 0
    warnings: int = 0
    infos: int = 0
    seconds: float = 0.0
    partial: bool = False  # a model call failed: the output lacks what it would have read
    output: str | None = None
    sha256: str | None = None
    worker_peak_mb: float | None = None


@dataclass
class BatchReport:
    options: dict[str, Any]
    outcomes: list[DocOutcome] = field(default_factory=list)
    started: str = ""
    seconds: float = 0.0
    interrupted: bool = False
    report_paths: list[Path] = field(default_factory=list)
    # doc_id → what the document was read as (`BatchOptions.keep_pages`), for this run's
    # documents only; not part of run.json
    readings: dict[str, SourceReading] = field(default_factory=dict)

    def count(self, *statuses: str) -> int:
        return sum(o.status in statuses for o in self.outcomes)

    @property
    def failed(self) -> list[DocOutcome]:
        return [o for o in self.outcomes if o.status in FAILED]

    def totals(self) -> dict[str, Any]:
        done = [o for o in self.outcomes if o.status in ("ok", "skipped")]
        return {
            "documents": len(self.outcomes),
            "ok": self.count("ok"),
            "skipped": self.count("skipped"),
            "failed": self.count("failed"),
            "timeout": self.count("timeout"),
            "crashed": self.count("crashed"),
            "interrupted": self.count("interrupted"),
            "partial": sum(o.partial for o in done),
            "pages": sum(o.pages for o in done),
            "ocr_pages": sum(o.ocr_pages for o in done),
            "forms": sum(o.forms for o in done),
            "indicators": sum(o.indicators for o in done),
            "flags": sum(o.flags for o in done),
            "peak_worker_mb": max((o.worker_peak_mb or 0.0 for o in self.outcomes), default=0.0),
        }

    @property
    def exit_code(self) -> int:
        """130 after Ctrl-C, 1 if any document failed or is partial, else 0."""
        if self.interrupted:
            return 130
        return 1 if self.failed or any(o.partial for o in self.outcomes) else 0

    def unfinished(self) -> list[DocOutcome]:
        return [o for o in self.outcomes if o.status == "interrupted"]


# ---------------------------------------------------------------------------------------
# One document (runs in a worker)


def _counts(result: Any) -> dict[str, Any]:
    severities = [f.severity for f in result.flags]
    return {
        "pages": result.source.pages,
        "ocr_pages": len(result.meta.get("ocr", {}).get("pages", [])),
        "forms": len(result.projects),
        "indicators": sum(len(p.indicators) for p in result.projects),
        "funding": sum(len(p.funding) for p in result.projects),
        "flags": len(result.flags),
        "errors": severities.count("error"),
        "warnings": severities.count("warning"),
        "infos": severities.count("info"),
        "partial": bool(result.meta.get("partial")),
    }


def process_document(
    path: Path,
    options: BatchOptions,
    on_page: Callable[[int, int, bool], None] | None = None,
    *,
    backend: Backend | None = None,
    run_key: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Extract one document as `options` say (with `backend`, or one built from the
    options); returns what the parent writes: the result JSON, the OCR side files (if
    asked for) and the counts. Raises InputError for an input that cannot be read."""
    from extractor.ocr.model import ocr_pages
    from extractor.ocr.sidecar import SourceReading, ocr_lines_tsv, ocr_text
    from extractor.pipeline import extract_with_document

    extracted = extract_with_document(
        path, backend=backend or options.make_backend(), ocr=options.ocr, on_page=on_page
    )
    result, document = extracted.result, extracted.document
    result.meta["run"] = run_key if run_key is not None else options.run_key()
    payload: dict[str, Any] = {
        "doc_id": result.doc_id,
        "result": result.model_dump_json(indent=2),
        "counts": _counts(result),
    }
    save_ocr = options.save_ocr and bool(ocr_pages(document))
    if save_ocr:
        payload["ocr_txt"] = ocr_text(document)
        payload["ocr_tsv"] = ocr_lines_tsv(document)
    if save_ocr or options.keep_pages:
        payload["reading"] = SourceReading.of(document, result.meta)
    return payload


def _peak_mb() -> float:
    import resource

    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, 1)


def _worker_main(
    worker_id: int, inbox: Any, outbox: Connection, options: BatchOptions, run_key: dict[str, str]
) -> None:
    """Worker process: take (task, path) pairs until told to stop (None)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides what Ctrl-C does
    from extractor.errors import ExtractorError

    backend: Backend | None = None
    while True:
        item = inbox.get()
        if item is None:
            return
        task, path = item

        def on_page(number: int, count: int, ocr: bool, task: int = task) -> None:
            outbox.send(("page", worker_id, task, number, count, ocr))

        try:
            backend = backend or options.make_backend()  # once per worker: cache, clients
            payload = process_document(
                Path(path), options, on_page, backend=backend, run_key=run_key
            )
            outbox.send(("done", worker_id, task, payload, _peak_mb()))
        except ExtractorError as exc:
            outbox.send(("failed", worker_id, task, str(exc), _peak_mb()))
        except Exception as exc:  # one document's bug must not end the worker
            outbox.send(("failed", worker_id, task, f"{type(exc).__name__}: {exc}", _peak_mb()))


# ---------------------------------------------------------------------------------------
# Planning: hashes, resume, page counts


@dataclass
class _Task:
    index: int
    path: Path
    doc_id: str
    sha256: str = ""
    pages_estimate: int = 1
    pages_seen: int = 0
    started: float = 0.0


def count_pages(path: Path) -> int:
    """Pages of an input for the progress bar (1 when unknown)."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".pdf":
            import pymupdf

            with pymupdf.open(path) as doc:
                return max(doc.page_count, 1) if not doc.needs_pass else 1
        if suffix in (".txt", ".text"):
            return path.read_bytes().count(b"\f") + 1
    except Exception:  # a broken file is the worker's to report
        return 1
    return 1


def existing_output(out_dir: Path, doc_id: str) -> dict[str, Any] | None:
    target = out_dir / f"{doc_id}.json"
    if not target.is_file():
        return None
    try:
        data = json.loads(target.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def is_current(data: dict[str, Any], sha256: str, run_key: dict[str, str]) -> bool:
    """An output made from this content, by this version, with these settings, complete."""
    meta = data.get("meta") or {}
    return (
        (data.get("source") or {}).get("sha256") == sha256
        and meta.get("pipeline_version") == __version__
        and meta.get("run") == run_key
        and not meta.get("partial")
    )


def _skipped(task: _Task, data: dict[str, Any], out_dir: Path) -> DocOutcome:
    projects = data.get("projects") or []
    flags = data.get("flags") or []
    severities = [f.get("severity") for f in flags]
    meta = data.get("meta") or {}
    return DocOutcome(
        path=str(task.path),
        doc_id=task.doc_id,
        status="skipped",
        reason="已有相同内容、相同版本的输出（--force 重新处理）",
        pages=(data.get("source") or {}).get("pages", 0),
        ocr_pages=len((meta.get("ocr") or {}).get("pages", [])),
        forms=len(projects),
        indicators=sum(len(p.get("indicators") or []) for p in projects),
        funding=sum(len(p.get("funding") or []) for p in projects),
        flags=len(flags),
        errors=severities.count("error"),
        warnings=severities.count("warning"),
        infos=severities.count("info"),
        output=str(out_dir / f"{task.doc_id}.json"),
        sha256=task.sha256,
    )


def plan(
    files: Sequence[Path], options: BatchOptions, run_key: dict[str, str] | None = None
) -> tuple[list[_Task], list[DocOutcome], list[DocOutcome]]:
    """(tasks to run, outcomes decided up front — skipped / failed, in input order)."""
    from extractor.inputs import file_sha256

    run_key = run_key if run_key is not None else options.run_key()

    tasks: list[_Task] = []
    skipped: list[DocOutcome] = []
    refused: list[DocOutcome] = []
    owners: dict[str, Path] = {}
    for index, path in enumerate(files):
        doc_id = path.stem
        if doc_id in owners:
            refused.append(
                DocOutcome(
                    path=str(path),
                    doc_id=doc_id,
                    status="failed",
                    reason=f"与 {owners[doc_id]} 的输出同名（{doc_id}.json），请改名后单独处理",
                )
            )
            continue
        owners[doc_id] = path
        task = _Task(index=index, path=path, doc_id=doc_id)
        try:
            task.sha256 = file_sha256(path)
        except OSError as exc:
            refused.append(
                DocOutcome(
                    path=str(path), doc_id=doc_id, status="failed", reason=f"无法读取：{exc}"
                )
            )
            continue
        data = None if options.force else existing_output(options.out_dir, doc_id)
        if data is not None and is_current(data, task.sha256, run_key):
            skipped.append(_skipped(task, data, options.out_dir))
            continue
        task.pages_estimate = count_pages(path)
        tasks.append(task)
    return tasks, skipped, refused


# ---------------------------------------------------------------------------------------
# Writing (parent only)


def write_outputs(payload: dict[str, Any], out_dir: Path) -> Path:
    """OCR side files first, the JSON last: the JSON marks a finished document."""
    from extractor.models import DocumentResult
    from extractor.ocr.sidecar import atomic_write_text, reading_path, sidecar_paths
    from extractor.pipeline import write_result

    doc_id = payload["doc_id"]
    text_path, tsv_path = sidecar_paths(out_dir, doc_id)
    if "ocr_txt" in payload:
        atomic_write_text(text_path, payload["ocr_txt"])
        atomic_write_text(tsv_path, payload["ocr_tsv"])
        atomic_write_text(reading_path(out_dir, doc_id), payload["reading"].to_jsonl())
    return write_result(DocumentResult.model_validate_json(payload["result"]), out_dir)


def keep_reading(
    readings: dict[str, SourceReading], payload: dict[str, Any], options: BatchOptions
) -> None:
    """Keep a written document's reading for the run's report (`keep_pages`)."""
    if options.keep_pages and "reading" in payload:
        readings[payload["doc_id"]] = payload["reading"]


def remove_stale_temp_files(out_dir: Path, doc_ids: Sequence[str]) -> int:
    """Temporary files an earlier run left when it was killed mid-write."""
    removed = 0
    if not out_dir.is_dir():
        return 0
    for doc_id in doc_ids:
        for tmp in out_dir.glob(f".{doc_id}.*.tmp"):
            tmp.unlink(missing_ok=True)
            removed += 1
    return removed


def report_files(out_dir: Path, name: str, doc_ids: Sequence[str]) -> tuple[Path, Path]:
    stem = name if name not in doc_ids else f"{name}-report"  # never overwrite a result
    return out_dir / f"{stem}.json", out_dir / f"{stem}.csv"


def write_report(report: BatchReport, out_dir: Path, name: str = "run") -> list[Path]:
    from extractor.ocr.sidecar import atomic_write_text

    json_path, csv_path = report_files(out_dir, name, [o.doc_id for o in report.outcomes])
    body = {
        "pipeline_version": __version__,
        "started": report.started,
        "seconds": round(report.seconds, 2),
        "interrupted": report.interrupted,
        "options": report.options,
        "totals": report.totals(),
        "documents": [asdict(o) for o in report.outcomes],
    }
    atomic_write_text(json_path, json.dumps(body, ensure_ascii=False, indent=2) + "\n")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for o in report.outcomes:
        row = asdict(o)
        writer.writerow(["" if row[c] is None else row[c] for c in CSV_COLUMNS])
    atomic_write_text(csv_path, buffer.getvalue())
    return [json_path, csv_path]


# ---------------------------------------------------------------------------------------
# The pool


@dataclass
class _Worker:
    id: int
    process: Any
    inbox: Any  # parent → worker: (task, path) pairs, None to stop
    reader: Connection  # worker → parent: progress and results
    task: _Task | None = None
    done: int = 0


def start_method() -> str:
    """`fork` where the platform has it (fast, and safe here: the parent loads no model
    and starts no thread pool of its own), else `spawn`; EXTRACTOR_START_METHOD
    overrides."""
    wanted = os.environ.get("EXTRACTOR_START_METHOD")
    if wanted:
        return wanted
    return "fork" if "fork" in mp.get_all_start_methods() else "spawn"


class _Pool:
    """Long-lived worker processes, each fed one document at a time. Every worker has
    its own channels, so killing one (time limit) cannot leave a lock held that the
    others need."""

    def __init__(self, size: int, options: BatchOptions, run_key: dict[str, str]) -> None:
        self.ctx = mp.get_context(start_method())
        self.options = options
        self.run_key = run_key
        self.workers: list[_Worker] = []
        self.next_id = 0
        for _ in range(size):
            self.workers.append(self._spawn())

    def _spawn(self) -> _Worker:
        inbox = self.ctx.Queue()
        reader, writer = self.ctx.Pipe(duplex=False)
        worker_id = self.next_id
        self.next_id += 1
        process = self.ctx.Process(
            target=_worker_main,
            args=(worker_id, inbox, writer, self.options, self.run_key),
            daemon=True,
            name=f"extractor-worker-{worker_id}",
        )
        process.start()
        writer.close()  # the worker holds the only writing end
        return _Worker(worker_id, process, inbox, reader)

    def messages(self, timeout: float) -> list[tuple[Any, ...]]:
        """Whatever the workers have sent, waiting up to `timeout` for something."""
        readers = {w.reader: w for w in self.workers}
        out = []
        for reader in wait(list(readers), timeout=timeout):
            try:
                out.append(reader.recv())  # type: ignore[union-attr]
            except (EOFError, OSError):
                continue  # the worker is gone; `police` notices
        return out

    def by_id(self, worker_id: int) -> _Worker | None:
        return next((w for w in self.workers if w.id == worker_id), None)

    def idle(self) -> list[_Worker]:
        return [w for w in self.workers if w.task is None]

    def busy(self) -> list[_Worker]:
        return [w for w in self.workers if w.task is not None]

    def assign(self, worker: _Worker, task: _Task) -> None:
        task.started = time.monotonic()
        worker.task = task
        worker.inbox.put((task.index, str(task.path)))

    def replace(self, worker: _Worker, kill: bool) -> None:
        """Retire a worker (politely, or by force) and start a fresh one."""
        self._stop(worker, kill)
        self.workers[self.workers.index(worker)] = self._spawn()

    def _stop(self, worker: _Worker, kill: bool) -> None:
        if kill:
            worker.process.kill()
        else:
            worker.inbox.put(None)
        worker.process.join(timeout=5 if not kill else 2)
        if worker.process.is_alive():
            worker.process.kill()
            worker.process.join(timeout=2)
        worker.reader.close()
        worker.inbox.close()
        worker.inbox.join_thread()

    def close(self, kill: bool = False) -> None:
        for worker in self.workers:
            self._stop(worker, kill)
        self.workers = []


# ---------------------------------------------------------------------------------------
# The run


def progress_bar(console: Console) -> Progress:
    """Pages done, documents done, elapsed, ETA (also used by the Ray executor)."""
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("页"),
        TextColumn("· 文档 {task.fields[docs]}"),
        TimeElapsedColumn(),
        TextColumn("剩余"),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    )


def result_line(outcome: DocOutcome) -> str:
    name = Path(outcome.path).name
    if outcome.status in ("ok", "skipped"):
        mark = "[green]✓[/green]" if outcome.status == "ok" else "[dim]↷[/dim]"
        ocr = f"（OCR {outcome.ocr_pages}）" if outcome.ocr_pages else ""
        tail = "已是最新，跳过" if outcome.status == "skipped" else f"{outcome.seconds:.1f}s"
        partial = "  [yellow]部分失败（模型调用失败，见 meta.llm.failures）[/yellow]"
        return (
            f"{mark} {name}  {outcome.pages}页{ocr}  {outcome.forms}表 "
            f"{outcome.indicators}指标  {outcome.errors}错误 {outcome.warnings}警告  {tail}"
            + (partial if outcome.partial else "")
        )
    words = {"failed": "失败", "timeout": "超时", "crashed": "进程崩溃", "interrupted": "已中断"}
    return f"[red]✗[/red] {name}  {words[outcome.status]}：{outcome.reason}"


class _Run:
    def __init__(self, options: BatchOptions, console: Console, tasks: list[_Task]) -> None:
        self.options = options
        self.console = console
        self.pending: deque[_Task] = deque(tasks)
        self.outcomes: dict[int, DocOutcome] = {}
        self.readings: dict[str, SourceReading] = {}
        self.total_docs = len(tasks)
        self.progress = progress_bar(console)
        self.bar = self.progress.add_task(
            "处理中", total=sum(t.pages_estimate for t in tasks), docs=f"0/{len(tasks)}"
        )

    def finish(self, task: _Task, outcome: DocOutcome) -> None:
        self.outcomes[task.index] = outcome
        remaining = task.pages_estimate - task.pages_seen
        if remaining > 0:
            self.progress.advance(self.bar, remaining)
        self.progress.update(self.bar, docs=f"{len(self.outcomes)}/{self.total_docs}")
        self.progress.console.print(result_line(outcome), highlight=False)

    def on_page(self, task: _Task, number: int) -> None:
        if number > task.pages_seen and task.pages_seen < task.pages_estimate:
            step = min(number, task.pages_estimate) - task.pages_seen
            task.pages_seen += step
            self.progress.advance(self.bar, step)

    def handle(self, message: tuple[Any, ...], pool: _Pool) -> None:
        kind, worker_id = message[0], message[1]
        worker = pool.by_id(worker_id)
        if worker is None or worker.task is None or worker.task.index != message[2]:
            return  # from a worker already replaced
        task = worker.task
        if kind == "page":
            self.on_page(task, message[3])
            return
        seconds = round(time.monotonic() - task.started, 2)
        outcome = DocOutcome(
            path=str(task.path), doc_id=task.doc_id, sha256=task.sha256, seconds=seconds
        )
        outcome.worker_peak_mb = message[4]
        if kind == "done":
            payload = message[3]
            for key, value in payload["counts"].items():
                setattr(outcome, key, value)
            try:
                outcome.output = str(write_outputs(payload, self.options.out_dir))
            except OSError as exc:
                outcome.status, outcome.reason = "failed", f"无法写出结果：{exc}"
            else:
                keep_reading(self.readings, payload, self.options)
        else:
            outcome.status, outcome.reason = "failed", message[3]
        worker.task = None
        worker.done += 1
        self.finish(task, outcome)
        if worker.done >= self.options.recycle_after and self.pending:
            pool.replace(worker, kill=False)

    def police(self, pool: _Pool) -> None:
        """Kill documents over the time limit; notice workers that died."""
        now = time.monotonic()
        for worker in pool.busy():
            task = worker.task
            assert task is not None
            limit = self.options.timeout
            if limit and limit > 0 and now - task.started > limit:
                self._lose(pool, worker, "timeout", f"超过单个文档的时间限制（{limit:g} 秒）")
            elif not worker.process.is_alive():
                code = worker.process.exitcode
                self._lose(pool, worker, "crashed", f"处理进程意外退出（退出码 {code}）")

    def _lose(self, pool: _Pool, worker: _Worker, status: Status, reason: str) -> None:
        task = worker.task
        assert task is not None
        worker.task = None
        pool.replace(worker, kill=True)
        outcome = DocOutcome(
            path=str(task.path),
            doc_id=task.doc_id,
            status=status,
            reason=reason,
            sha256=task.sha256,
            seconds=round(time.monotonic() - task.started, 2),
        )
        self.finish(task, outcome)

    def loop(self, pool: _Pool) -> None:
        while self.pending or pool.busy():
            for worker in pool.idle():
                if not worker.process.is_alive():  # died between documents
                    pool.replace(worker, kill=True)
                    continue
                if self.pending:
                    pool.assign(worker, self.pending.popleft())
            for message in pool.messages(timeout=0.2):
                self.handle(message, pool)
            self.police(pool)

    def interrupted(self, pool: _Pool) -> None:
        for worker in pool.busy():
            task = worker.task
            assert task is not None
            self.outcomes[task.index] = DocOutcome(
                path=str(task.path),
                doc_id=task.doc_id,
                status="interrupted",
                reason="运行被中断（Ctrl-C），未写出结果",
                sha256=task.sha256,
            )
        for task in self.pending:
            self.outcomes[task.index] = DocOutcome(
                path=str(task.path),
                doc_id=task.doc_id,
                status="interrupted",
                reason="运行被中断（Ctrl-C），尚未处理",
                sha256=task.sha256,
            )
        self.pending.clear()


def _preload(options: BatchOptions) -> None:
    """Forked workers inherit what the parent imported: the LLM client libraries are
    imported once here instead of once per worker."""
    from extractor.backends import uses_llm

    if uses_llm(options.backend) and start_method() == "fork":
        from extractor.llm.caller import preload

        preload()


def interruption_lines(report: BatchReport) -> list[str]:
    """What the screen says after Ctrl-C: that the run stopped, and what is left."""
    if not report.interrupted:
        return []
    left = report.unfinished()
    done = report.count("ok", "skipped")
    lines = [
        f"[yellow]运行被中断（Ctrl-C）[/yellow]：{done} 个文档已完成并保存，"
        f"{len(left)} 个未完成（重新运行同一命令会跳过已完成的文档）"
    ]
    lines += [f"  未完成 {o.path}" for o in left]
    return lines


def run_batch(
    files: Sequence[Path],
    options: BatchOptions,
    console: Console | None = None,
) -> BatchReport:
    """Process `files` (see the module docstring). Never raises for a bad document;
    Ctrl-C ends the run with `report.interrupted` set (exit code 130)."""
    console = console or Console(stderr=True)
    started = time.monotonic()
    out_dir = options.out_dir
    out_dir.mkdir(parents=True, exist_ok=True)
    ocr = options.ocr
    if ocr.threads == 0 and ocr.enabled:
        ocr = replace(ocr, threads=threads_for(options.workers(len(files) or 1)))
    options = replace(options, ocr=ocr)
    report = BatchReport(
        options={
            "out_dir": str(out_dir),
            "jobs": options.workers(len(files) or 1),
            "backend": options.backend,
            "ocr": asdict(options.ocr),
            "save_ocr": options.save_ocr,
            "force": options.force,
            "timeout": options.timeout,
            "llm": options.llm.public() if options.llm else None,
        },
        started=datetime.now().astimezone().isoformat(timespec="seconds"),
    )
    run_key = options.run_key()
    tasks, skipped, refused = plan(files, options, run_key)
    remove_stale_temp_files(out_dir, [t.doc_id for t in tasks])
    by_index: dict[int, DocOutcome] = {}
    order = {str(p): i for i, p in enumerate(files)}
    for outcome in skipped + refused:
        by_index[order.get(outcome.path, len(order))] = outcome
        console.print(result_line(outcome), highlight=False)
    run = _Run(options, console, tasks)
    if tasks:
        _preload(options)
        pool = _Pool(options.workers(len(tasks)), options, run_key)
        try:
            with run.progress:
                run.loop(pool)
        except KeyboardInterrupt:
            report.interrupted = True
            run.interrupted(pool)
            pool.close(kill=True)
        else:
            pool.close(kill=False)
    by_index.update(run.outcomes)
    report.outcomes = [by_index[i] for i in sorted(by_index)]
    report.readings = run.readings
    report.seconds = time.monotonic() - started
    report.report_paths = write_report(report, out_dir, options.report_name)
    for line in interruption_lines(report):
        console.print(line, highlight=False)
    return report
