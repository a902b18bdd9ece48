"""OCR throughput and memory: pages/s at -j 1 and -j N, peak memory per worker, and a
100-page folder run whose memory must stay bounded.

    python bench/ocr_bench.py                  # N = CPU count, 12 pages, 100-page folder
    python bench/ocr_bench.py --jobs 2 --pages 6 --folder-pages 0 --json bench.json

The scans are the golden documents' scanned fixtures (eval/scanned.py: ruled forms
drawn from the goldens, rendered at 200 dpi with mild skew, blur and noise, image-only
PDFs), cut into one-page PDFs so that every worker gets work. Runs go through the real
batch machinery (`extractor.batch.run_batch`): worker processes that load the models once.
Memory is sampled from /proc every 0.2 s for the parent and every worker (RSS); each
worker also reports its own peak (ru_maxrss) with every document.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pymupdf
from rich.console import Console

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from eval.scanned import build_scanned  # noqa: E402
from extractor.batch import BatchOptions, BatchReport, run_batch  # noqa: E402
from extractor.ocr.settings import OcrSettings  # noqa: E402


def _rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return 0.0


def _children(pid: int) -> list[int]:
    """Processes whose parent is `pid` (from /proc/*/stat)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text(encoding="ascii", errors="replace")
        except OSError:
            continue
        fields = text[text.rfind(")") + 2 :].split()
        if len(fields) > 1 and fields[1] == str(pid):
            found.append(int(stat.parent.name))
    return found


@dataclass
class MemoryWatch:
    """Samples the RSS of this process and its children until stopped."""

    interval: float = 0.2
    parent_peak: float = 0.0
    worker_peak: float = 0.0
    total_peak: float = 0.0
    timeline: list[tuple[float, float]] = field(default_factory=list)  # (s, total MB)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def _run(self) -> None:
        start = time.monotonic()
        me = os.getpid()
        while not self._stop.is_set():
            parent = _rss_mb(me)
            workers = [_rss_mb(pid) for pid in _children(me)]
            total = parent + sum(workers)
            self.parent_peak = max(self.parent_peak, parent)
            self.worker_peak = max([self.worker_peak, *workers])
            self.total_peak = max(self.total_peak, total)
            self.timeline.append((round(time.monotonic() - start, 1), round(total, 1)))
            self._stop.wait(self.interval)

    def __enter__(self) -> MemoryWatch:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()


def one_page_pdfs(sources: list[Path], folder: Path, count: int) -> list[Path]:
    """`count` one-page PDFs cut from the scans, cycling through their pages."""
    folder.mkdir(parents=True, exist_ok=True)
    pages = [(src, i) for src in sources for i in range(pymupdf.open(src).page_count)]
    made = []
    for n in range(count):
        src, index = pages[n % len(pages)]
        target = folder / f"page_{n:03d}.pdf"
        with pymupdf.open(src) as doc:
            doc.select([index])
            doc.save(target, garbage=3, deflate=True)
        made.append(target)
    return made


def timed_run(
    files: list[Path], out: Path, jobs: int, recycle: int = 25
) -> tuple[BatchReport, MemoryWatch, float]:
    console = Console(file=io.StringIO())
    options = BatchOptions(
        out_dir=out, jobs=jobs, ocr=OcrSettings(mode="auto"), force=True, recycle_after=recycle
    )
    with MemoryWatch() as watch:
        started = time.monotonic()
        report = run_batch(files, options, console=console)
        seconds = time.monotonic() - started
    return report, watch, seconds


def summarize(label: str, report: BatchReport, watch: MemoryWatch, seconds: float) -> dict:
    # every input is a one-page scan: each document is one OCR'd page, whether or not a
    # form was found on it (a page of narrative or a list fails as "no form")
    pages = len(report.outcomes)
    failed = [o for o in report.outcomes if o.status not in ("ok", "failed")]
    no_form = [o for o in report.outcomes if o.status == "failed"]
    ocr_seconds = [o.seconds for o in report.outcomes]
    row = {
        "run": label,
        "jobs": report.options["jobs"],
        "documents": len(report.outcomes),
        "failed": len(failed),
        "pages_without_a_form": len(no_form),
        "ocr_pages": pages,
        "wall_seconds": round(seconds, 1),
        "pages_per_second": round(pages / seconds, 3) if seconds else 0.0,
        "seconds_per_page_per_worker": round(sum(ocr_seconds) / pages, 2) if pages else None,
        "peak_worker_rss_mb": round(watch.worker_peak, 1),
        "peak_worker_maxrss_mb": max((o.worker_peak_mb or 0 for o in report.outcomes), default=0),
        "peak_parent_rss_mb": round(watch.parent_peak, 1),
        "peak_total_rss_mb": round(watch.total_peak, 1),
    }
    print(
        f"{label:<14} -j {row['jobs']}: {pages} pages in {seconds:6.1f} s = "
        f"{row['pages_per_second']:.3f} pages/s ({row['seconds_per_page_per_worker']} s/page "
        f"per worker); peak RSS per worker {row['peak_worker_rss_mb']:.0f} MB, parent "
        f"{row['peak_parent_rss_mb']:.0f} MB, all {row['peak_total_rss_mb']:.0f} MB"
        + (f"; {len(no_form)} page(s) without a form" if no_form else "")
        + (f"; {len(failed)} FAILED ({failed[0].status}: {failed[0].reason})" if failed else ""),
        flush=True,
    )
    return row


def bounded(watch: MemoryWatch) -> dict:
    """Peak memory of all processes in the first and the second half of a run over a
    folder that holds the same pages twice: equal peaks mean memory does not grow with
    the number of pages read."""
    samples = [mb for _, mb in watch.timeline if mb > 0]
    if len(samples) < 8:
        return {}
    half = len(samples) // 2
    return {
        "first_half_peak_mb": round(max(samples[:half]), 1),
        "second_half_peak_mb": round(max(samples[half:]), 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--jobs", "-j", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--pages", type=int, default=12, help="pages for the speed runs")
    parser.add_argument("--folder-pages", type=int, default=100, help="0 skips the folder run")
    parser.add_argument(
        "--cache", type=Path, default=Path(tempfile.gettempdir()) / "extractor-scanned"
    )
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args(argv)

    scans = build_scanned(ROOT / "golden", args.cache / "pdf")
    work = Path(tempfile.mkdtemp(prefix="ocr-bench-"))
    print(f"cores: {os.cpu_count()}, load average: {os.getloadavg()[0]:.2f}", flush=True)
    figures: dict = {"cores": os.cpu_count(), "load_average_at_start": os.getloadavg()[0]}
    try:
        speed = one_page_pdfs(scans, work / "speed", args.pages)
        runs = []
        for jobs in sorted({1, args.jobs}):
            report, watch, seconds = timed_run(speed, work / f"out{jobs}", jobs)
            runs.append(summarize("speed", report, watch, seconds))
        figures["speed"] = runs
        if args.folder_pages:
            folder = one_page_pdfs(scans, work / "folder", args.folder_pages)
            report, watch, seconds = timed_run(folder, work / "out_folder", args.jobs)
            row = summarize(f"{args.folder_pages}-page folder", report, watch, seconds)
            row |= bounded(watch)
            if "first_half_peak_mb" in row:
                first, second = row["first_half_peak_mb"], row["second_half_peak_mb"]
                print(
                    f"memory over the folder run (all processes): first half peak "
                    f"{first:.0f} MB, second half peak {second:.0f} MB",
                    flush=True,
                )
            figures["folder"] = row
        figures["load_average_at_end"] = os.getloadavg()[0]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
