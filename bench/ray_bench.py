"""Ray's cost on this machine: the same folder through `--executor local -j N` and
`--executor ray` (N OCR actors), documents/s and pages/s of each, the overhead Ray
adds per document, and a throughput model for sizing a cluster.

    python bench/ray_bench.py                       # 6 scanned documents of 2 pages
    python bench/ray_bench.py --docs 4 --pages-per-doc 1 --tiny 100 --json ray.json
    python bench/ray_bench.py --repeat 3            # alternating pairs, median times

The OCR'd documents are cut from the golden documents' scanned fixtures
(eval/scanned.py: ruled forms drawn from the goldens, rendered at 200 dpi with mild
skew, blur and noise, image-only PDFs). Both executors get the same CPUs: N worker
processes with 1 inference thread each locally, N actors of 1 CPU each on Ray.

Ray's own costs are split in three: starting Ray (`ray.init`, once per cluster, not
per run), starting the actor pool (per run: processes, imports, OCR models), and the
per-document cost (scheduling, moving the result back, the driver writing it), read
from a run over many tiny text documents where nothing else takes time.

The local instance listens on 127.0.0.1 only and sends no usage statistics.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")  # bind to 127.0.0.1
os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")

import pymupdf
from rich.console import Console

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from eval.scanned import build_scanned  # noqa: E402
from extractor.batch import BatchOptions, BatchReport, run_batch  # noqa: E402
from extractor.distributed import RayOptions  # noqa: E402
from extractor.distributed.runner import run_batch_ray  # noqa: E402
from extractor.ocr.settings import OcrSettings  # noqa: E402


def scanned_documents(sources: list[Path], folder: Path, docs: int, per_doc: int) -> list[Path]:
    """`docs` image-only PDFs of `per_doc` pages each, cycling through the scans' pages."""
    folder.mkdir(parents=True, exist_ok=True)
    pages = [(src, i) for src in sources for i in range(pymupdf.open(src).page_count)]
    made = []
    for n in range(docs):
        picked = [pages[(n * per_doc + k) % len(pages)] for k in range(per_doc)]
        out = pymupdf.open()
        for src, index in picked:
            with pymupdf.open(src) as doc:
                out.insert_pdf(doc, from_page=index, to_page=index)
        target = folder / f"scan_{n:03d}.pdf"
        out.save(target, garbage=3, deflate=True)
        out.close()
        made.append(target)
    return made


def tiny_documents(folder: Path, count: int) -> list[Path]:
    """Small text reports (one form, no OCR): only the executor's own cost is left."""
    from tests.backends.test_rules import SELF_EVALUATION as TEXT

    folder.mkdir(parents=True, exist_ok=True)
    made = []
    for n in range(count):
        path = folder / f"tiny_{n:04d}.txt"
        path.write_text(TEXT, encoding="utf-8")
        made.append(path)
    return made


def options(out: Path, jobs: int, ocr: bool) -> BatchOptions:
    """OCR runs as shipped; tiny runs without recycling workers every 25 documents (a
    fork locally, a new process with fresh imports on Ray), which would swamp them."""
    mode = "auto" if ocr else "never"
    recycle = BatchOptions.recycle_after if ocr else 10**9
    return BatchOptions(
        out_dir=out, jobs=jobs, ocr=OcrSettings(mode=mode), force=True, recycle_after=recycle
    )


def local_run(files: list[Path], out: Path, jobs: int, ocr: bool) -> tuple[BatchReport, float]:
    started = time.monotonic()
    report = run_batch(files, options(out, jobs, ocr), console=Console(file=io.StringIO()))
    return report, time.monotonic() - started


def ray_run(
    files: list[Path], out: Path, workers: int, ocr: bool, warm_up: bool = True
) -> tuple[BatchReport, float]:
    started = time.monotonic()
    report = run_batch_ray(
        files,
        options(out, workers, ocr),
        RayOptions(ocr_workers=workers, warm_up=warm_up),
        console=Console(file=io.StringIO()),
    )
    return report, time.monotonic() - started


def paired_runs(
    files: list[Path], work: Path, jobs: int, ocr: bool, repeat: int
) -> tuple[BatchReport, float, BatchReport, float]:
    """Local and Ray runs in alternating order (another load on the machine then falls
    on both alike); the median wall time of each, with its last report."""
    local_times: list[float] = []
    ray_times: list[float] = []
    local = on_ray = None
    kind = "ocr" if ocr else "tiny"
    for n in range(repeat):
        order = ("local", "ray") if n % 2 == 0 else ("ray", "local")
        for which in order:
            load = os.getloadavg()[0]
            if which == "local":
                local, seconds = local_run(files, work / f"{kind}_local", jobs, ocr)
                local_times.append(seconds)
            else:
                on_ray, seconds = ray_run(files, work / f"{kind}_ray", jobs, ocr, warm_up=ocr)
                ray_times.append(seconds)
            print(f"  {kind} {which:<5} run {n + 1}: {seconds:7.2f} s (load {load:.2f})")
    assert local is not None and on_ray is not None
    return local, statistics.median(local_times), on_ray, statistics.median(ray_times)


def pool_start_seconds(workers: int) -> float:
    """Time to bring up `workers` OCR actors with their models loaded, once."""
    import ray

    from extractor.distributed.pool import ActorPool

    started = time.monotonic()
    pool = ActorPool(workers, options(Path("."), workers, True), RayOptions(), None)
    ray.get([slot.ready_ref for slot in pool.slots])
    seconds = time.monotonic() - started
    pool.close()
    return seconds


def row(label: str, report: BatchReport, seconds: float) -> dict[str, Any]:
    docs = len(report.outcomes)
    pages = sum(o.pages for o in report.outcomes)
    bad = [o for o in report.outcomes if o.status != "ok"]
    figures = {
        "run": label,
        "documents": docs,
        "pages": pages,
        "ocr_pages": sum(o.ocr_pages for o in report.outcomes),
        "not_ok": len(bad),
        "wall_seconds": round(seconds, 2),
        "documents_per_second": round(docs / seconds, 3),
        "pages_per_second": round(pages / seconds, 3),
        "peak_worker_mb": max((o.worker_peak_mb or 0.0 for o in report.outcomes), default=0.0),
    }
    print(
        f"{label:<22} {docs:4d} docs {pages:4d} pages in {seconds:7.2f} s = "
        f"{figures['documents_per_second']:7.3f} docs/s, "
        f"{figures['pages_per_second']:6.3f} pages/s, "
        f"peak {figures['peak_worker_mb']:.0f} MB per worker"
        + (f"  ({len(bad)} not ok: {bad[0].status} {bad[0].reason})" if bad else ""),
        flush=True,
    )
    return figures


def mean_seconds(report: BatchReport) -> float:
    return statistics.mean(o.seconds for o in report.outcomes)


def ray_trip_seconds(report: BatchReport) -> float:
    """What Ray adds to a document, load aside: the time the driver saw (hand-out to
    result) minus the time the actor spent reading it."""
    return statistics.mean(
        o.seconds - (getattr(o, "worker_seconds", None) or o.seconds) for o in report.outcomes
    )


def same_records(a: BatchReport, b: BatchReport) -> bool:
    def key(report: BatchReport) -> list[tuple[str, str, int, int, int]]:
        return sorted((o.doc_id, o.status, o.forms, o.indicators, o.flags) for o in report.outcomes)

    return key(a) == key(b)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--workers", "-j", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--docs", type=int, default=6, help="scanned documents")
    parser.add_argument("--pages-per-doc", type=int, default=2)
    parser.add_argument("--tiny", type=int, default=200, help="tiny text documents (0: skip)")
    parser.add_argument(
        "--cache", type=Path, default=Path(tempfile.gettempdir()) / "extractor-scanned"
    )
    parser.add_argument("--repeat", type=int, default=1, help="alternating pairs of runs")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args(argv)

    import ray

    jobs = args.workers
    work = Path(tempfile.mkdtemp(prefix="ray-bench-"))
    figures: dict[str, Any] = {
        "cores": os.cpu_count(),
        "workers": jobs,
        "load_average_at_start": os.getloadavg()[0],
    }
    print(f"cores: {os.cpu_count()}, workers: {jobs}, ray {ray.__version__}", flush=True)
    try:
        scans = build_scanned(ROOT / "golden", args.cache / "pdf")
        files = scanned_documents(scans, work / "scans", args.docs, args.pages_per_doc)

        started = time.monotonic()
        ray.init(num_cpus=jobs, include_dashboard=False, log_to_driver=False)
        figures["ray_init_seconds"] = round(time.monotonic() - started, 2)
        figures["pool_start_seconds"] = round(pool_start_seconds(jobs), 2)
        print(
            f"ray.init {figures['ray_init_seconds']} s (once per cluster); "
            f"{jobs} OCR actors up with models loaded in {figures['pool_start_seconds']} s "
            "(once per run)",
            flush=True,
        )

        local, local_s, on_ray, ray_s = paired_runs(files, work, jobs, True, args.repeat)
        figures["ocr_local"] = row(f"OCR local -j {jobs}", local, local_s)
        figures["ocr_ray"] = row(f"OCR ray ({jobs} actors)", on_ray, ray_s)
        figures["same_records"] = same_records(local, on_ray)
        trips = ray_trip_seconds(on_ray)
        figures["ocr_ray_trip_per_document_ms"] = round(1000 * trips, 1)
        figures["ocr_ray_trip_percent"] = round(100 * trips / mean_seconds(on_ray), 2)
        print(
            f"Ray's trip per OCR'd document (driver's time minus the actor's): "
            f"{1000 * trips:.1f} ms = {figures['ocr_ray_trip_percent']:.2f} % of "
            f"{mean_seconds(on_ray):.1f} s",
            flush=True,
        )
        docs = len(files)
        overhead_doc = (ray_s - local_s) * jobs / docs  # worker-seconds per document
        doc_seconds = local_s * jobs / docs
        figures["ocr_overhead_per_document_seconds"] = round(overhead_doc, 3)
        figures["ocr_overhead_percent"] = round(100 * (ray_s - local_s) / local_s, 1)
        print(
            f"Ray overhead on OCR'd documents: {figures['ocr_overhead_percent']:+.1f} % of the "
            f"local run ({overhead_doc:+.2f} worker-s per document of {doc_seconds:.1f} s, "
            f"the pool start included); same records: {figures['same_records']}",
            flush=True,
        )

        if args.tiny:
            tiny = tiny_documents(work / "tiny", args.tiny)
            local_t, local_ts, ray_t, ray_ts = paired_runs(tiny, work, jobs, False, args.repeat)
            figures["tiny_local"] = row(f"tiny local -j {jobs}", local_t, local_ts)
            figures["tiny_ray"] = row(f"tiny ray ({jobs} actors)", ray_t, ray_ts)
            figures["tiny_ray_trip_per_document_ms"] = round(1000 * ray_trip_seconds(ray_t), 1)
            per_doc = (ray_ts - local_ts) / args.tiny
            figures["ray_cost_per_document_ms"] = round(1000 * per_doc, 2)
            figures["ray_cost_per_document_worker_ms"] = round(1000 * per_doc * jobs, 2)
            figures["driver_documents_per_second"] = round(args.tiny / ray_ts, 1)
            print(
                f"Ray's own cost per document: {1000 * per_doc * jobs:+.1f} worker-ms "
                f"({1000 * per_doc:+.1f} ms of wall time with {jobs} workers); this driver "
                f"completed {figures['driver_documents_per_second']} tiny documents/s; "
                f"trip per document {figures['tiny_ray_trip_per_document_ms']} ms",
                flush=True,
            )
        figures["load_average_at_end"] = os.getloadavg()[0]

        per_node = figures["ocr_ray"]["pages_per_second"]
        print(
            "\nthroughput model: pages/s ≈ nodes × pages/s per node "
            f"({per_node:.3f} for a {os.cpu_count()}-core node here, about "
            f"{per_node / jobs:.3f} per core); e.g. "
            + ", ".join(f"{n} nodes ≈ {n * per_node:.1f} pages/s" for n in (1, 10, 50)),
            flush=True,
        )
    finally:
        if ray.is_initialized():
            ray.shutdown()
        shutil.rmtree(work, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
