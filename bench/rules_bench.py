"""Throughput of the offline rules path: documents per second over copies of the bundled
reports, through the real command line (`extractor run DIR -j N --force`).

    python bench/rules_bench.py                       # 100 documents (20 × 5), -j 2
    python bench/rules_bench.py --copies 40 --jobs 1 --repeat 3 --json rules.json

Each copy gets its own file name (and so its own output); the five bundled reports are
OCR text of 1–30 pages with 1–13 forms each, so the mix is the product's everyday load.
The figure includes the command's start-up, as a user running a folder sees it; the
best of `--repeat` runs is reported (the others are printed), since other processes on
a shared machine only ever slow a run down.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "golden" / "docs"


def make_folder(target: Path, copies: int) -> int:
    """`copies` copies of every bundled report in `target`; returns how many files."""
    count = 0
    for source in sorted(DOCS.glob("*.txt")):
        for k in range(copies):
            shutil.copyfile(source, target / f"{source.stem}_{k:03d}{source.suffix}")
            count += 1
    return count


def run_once(folder: Path, out: Path, jobs: int) -> float:
    """Seconds for one `extractor run` over the folder (outputs rewritten)."""
    command = [sys.executable, "-m", "extractor", "run", str(folder), "--out", str(out)]
    command += ["-j", str(jobs), "--force"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"extractor run failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=20, help="copies of each bundled report")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="rules-bench-") as tmp:
        folder, out = Path(tmp) / "in", Path(tmp) / "out"
        folder.mkdir()
        documents = make_folder(folder, args.copies)
        times = [run_once(folder, out, args.jobs) for _ in range(args.repeat)]
        written = len(list(out.glob("*.json")))
    best = min(times)
    figures = {
        "documents": documents,
        "outputs": written,
        "jobs": args.jobs,
        "seconds": [round(t, 2) for t in times],
        "best_seconds": round(best, 2),
        "documents_per_second": round(documents / best, 1),
        "cpus": os.cpu_count(),
    }
    print(
        f"{documents} documents, -j {args.jobs}: best {best:.2f} s "
        f"({figures['documents_per_second']} documents/s); runs: "
        + ", ".join(f"{t:.2f} s" for t in times)
    )
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
