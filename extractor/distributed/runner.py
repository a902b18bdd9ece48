"""`run_batch_ray`: the local batch (`extractor.batch.run_batch`) spread over a Ray cluster.

Same planning (content-hash skip, `--force`), same payloads (`process_document`), same
writing (`write_outputs`, by the driver, atomically) and the same report
(`write_report`), so a folder gives the same files whichever executor read it, and
either executor resumes the other's run. What differs:

- documents are Ray actor tasks on a pool of OCR actors (`pool.py`), largest first;
- a document whose actor dies (killed, out of memory, node lost) is retried on another
  actor, at most `max_retries` times; the driver writes only what an attempt returned,
  so every document ends with exactly one output (or one failure) whatever happened;
- with the llm / hybrid backends and a quota, every request of every actor waits on
  one rate-limiter actor (`limiter.py`).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime
from pathlib import Path

from rich.console import Console

from extractor.backends import uses_llm
from extractor.batch import (
    BatchOptions,
    DocOutcome,
    interruption_lines,
    plan,
    remove_stale_temp_files,
    write_report,
)
from extractor.distributed.cluster import Cluster, connect
from extractor.distributed.limiter import start_limiter
from extractor.distributed.options import RayOptions
from extractor.distributed.pool import ActorPool, pool_size
from extractor.distributed.report import RayBatchReport, ray_result_line
from extractor.distributed.scheduler import AssignHook, RayRun
from extractor.distributed.worker import worker_options


def _inputs_by_object(ray_options: RayOptions, cluster: Cluster) -> bool:
    if ray_options.inputs != "auto":
        return ray_options.inputs == "object"
    return cluster.client or cluster.nodes() > 1


def run_batch_ray(
    files: Sequence[Path],
    options: BatchOptions,
    ray_options: RayOptions | None = None,
    console: Console | None = None,
    on_assign: AssignHook | None = None,
) -> RayBatchReport:
    """Process `files` on Ray (see the module docstring); never raises for a bad
    document. Connects as `ray_options.address` says, or uses the connection already
    made (and then leaves it open). Raises `RayUnavailable` when Ray is missing or the
    cluster cannot be reached."""
    ray_options = ray_options or RayOptions()
    console = console or Console(stderr=True)
    started = time.monotonic()
    out_dir = options.out_dir
    out_dir.mkdir(parents=True, exist_ok=True)
    cluster = connect(ray_options)
    try:
        return _run(files, options, ray_options, console, on_assign, cluster, started)
    finally:
        cluster.close()


def _run(
    files: Sequence[Path],
    options: BatchOptions,
    ray_options: RayOptions,
    console: Console,
    on_assign: AssignHook | None,
    cluster: Cluster,
    started: float,
) -> RayBatchReport:
    import ray

    facts = cluster.describe()
    if cluster.dashboard:
        console.print(f"Ray 仪表板：{cluster.dashboard}", highlight=False)
    run_key = options.run_key()
    tasks, skipped, refused = plan(files, options, run_key)
    size = pool_size(ray_options, facts["cpus"], len(tasks))
    by_object = _inputs_by_object(ray_options, cluster)
    report = RayBatchReport(
        options={
            "executor": "ray",
            "out_dir": str(options.out_dir),
            "jobs": size,
            "backend": options.backend,
            "ocr": asdict(worker_options(options, ray_options.cpus_per_worker).ocr),
            "save_ocr": options.save_ocr,
            "force": options.force,
            "timeout": options.timeout,
            "llm": options.llm.public() if options.llm else None,
            "ray": {**ray_options.public(), "inputs": "object" if by_object else "shared"},
            "cluster": facts,
        },
        started=datetime.now().astimezone().isoformat(timespec="seconds"),
    )
    remove_stale_temp_files(options.out_dir, [t.doc_id for t in tasks])
    by_index: dict[int, DocOutcome] = {}
    order = {str(p): i for i, p in enumerate(files)}
    for outcome in skipped + refused:
        by_index[order.get(outcome.path, len(order))] = outcome
        console.print(ray_result_line(outcome), highlight=False)
    if tasks:
        limiter = None
        if uses_llm(options.backend) and ray_options.limits.active:
            limiter = start_limiter(ray_options.limits)
        pool = ActorPool(size, options, ray_options, limiter, run_key)
        run = RayRun(options, ray_options, console, tasks, pool, by_object, on_assign)
        try:
            with run.progress:
                run.loop()
        except KeyboardInterrupt:
            report.interrupted = True
            run.interrupted()
        finally:
            pool.close()
            report.workers_replaced = pool.replaced
            if limiter is not None:
                try:
                    report.limiter = ray.get(limiter.stats.remote(), timeout=10)
                except Exception:  # the figures are a courtesy; the run is done
                    report.limiter = None
                ray.kill(limiter)
        by_index.update(run.outcomes)
        report.readings = run.readings
    report.outcomes = [by_index[i] for i in sorted(by_index)]
    report.seconds = time.monotonic() - started
    report.report_paths = write_report(report, options.out_dir, options.report_name)
    for line in interruption_lines(report):
        console.print(line, highlight=False)
    return report
