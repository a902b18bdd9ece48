"""Review store write latency under concurrent reviewers, through the real web server.

    python bench/review_write_bench.py                       # 1 and 8 writers × 25 saves
    python bench/review_write_bench.py --writers 1,4,8 --saves 25 --action modify
    python bench/review_write_bench.py --action confirm --json bench.json
    python bench/review_write_bench.py --documents one       # everyone on one report

One untimed save warms the server up (its validation workers start with it). The store
holds the five seed reports (golden/docs, extracted by the template parser
and imported with their source text, as `extractor run --db` does). The server is
`extractor serve` in its own process (uvicorn, one process, as a reviewer runs it). Each
writer is a thread with its own HTTP client and CSRF cookie; it saves `--saves`
decisions one after another on fields no other writer touches (indicator 得分 /
分值 cells spread over all five documents), so every save must succeed (200) and
none waits on a conflict. The clock runs from sending the POST to reading the whole
response, which carries the field after the save and the document's counts.

Actions: `modify` changes a number (the store re-validates the whole document),
`confirm` answers the field (no value changes, no re-validation), `mixed` alternates
them. Figures: p50 / p95 / max in ms per writer count, the saves per second, the
server's CPU time per save (which other programs on the machine do not change, unlike
the latencies) and the load average (other programs' share of the CPUs).

A save is answered once committed; a change of value is then re-validated in the
background. Each writer does what the page does: after a 修改 it waits for the flags to be
re-checked (`/validated`) before its next save, and the time from sending the save to
that answer is the second figure ("flags re-checked").
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractor.pipeline import extract_document  # noqa: E402
from extractor.review import ReviewStore  # noqa: E402
from extractor.review.web.security import CSRF_COOKIE  # noqa: E402

Target = tuple[str, str, str, float]  # doc_id, project, path, current number


@dataclass
class Figures:
    writers: int
    saves: int
    errors: int
    p50_ms: float
    p95_ms: float
    max_ms: float
    per_second: float
    checked_p50_ms: float = 0.0  # until the flags were re-checked (修改 only)
    checked_p95_ms: float = 0.0
    checked_max_ms: float = 0.0
    server_cpu_ms: float = 0.0  # server CPU time per save (user + system), its workers too
    worker_cpu_ms: float = 0.0  # of which in the validation worker processes
    load: float = 0.0  # 1-minute load average when the run ended


def _stat(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def cpu_seconds(pid: int) -> tuple[float, float]:
    """User + system CPU time of a process and of its child processes (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    own = _stat(pid)
    children = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or entry.name == str(pid):
            continue
        try:
            fields = _stat(int(entry.name))
        except (OSError, IndexError):
            continue
        if fields[1] == str(pid):
            children += int(fields[11]) + int(fields[12])
    return (int(own[11]) + int(own[12])) / tick, children / tick


def build_store(db: Path) -> list[Target]:
    """The seeds in a fresh store; returns every indicator number field with a value."""
    store = ReviewStore.open(db)
    targets: list[Target] = []
    try:
        for source in sorted((ROOT / "golden" / "docs").glob("*.txt")):
            result = extract_document(source)
            store.import_result(result)
            for project in result.projects:
                for index, indicator in enumerate(project.indicators):
                    for name in ("score", "weight"):
                        value = getattr(indicator, name)
                        if value is not None:
                            path = f"indicators[{index}].{name}"
                            targets.append((result.doc_id, project.id, path, float(value)))
    finally:
        store.close()
    return targets


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serve(db: Path) -> Iterator[tuple[str, int]]:
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "extractor", "serve", "--db", str(db), "--port", str(port)]
    process = subprocess.Popen(
        command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(base + "/api/documents", timeout=2)
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("server did not start") from None
                time.sleep(0.1)
        yield base, process.pid
    finally:
        process.terminate()
        process.wait(timeout=20)


def _writer(
    base: str,
    jobs: list[tuple[Target, str]],
    start: threading.Barrier,
    out: list[float],
    checked: list[float],
    errors: list[str],
) -> None:
    with httpx.Client(base_url=base, timeout=60) as http:
        http.get("/")  # the CSRF cookie, as a browser opening the page
        headers = {"X-CSRF-Token": http.cookies.get(CSRF_COOKIE) or ""}
        start.wait()
        for (doc_id, project, path, number), action in jobs:
            body = {
                "project": project,
                "path": path,
                "action": action,
                "value": f"{number + 0.5:g}" if action == "modify" else None,
                "note": "bench",
                "reviewer": "bench",
                "version": 0,
            }
            began = time.perf_counter()
            response = http.post(f"/api/documents/{doc_id}/decisions", json=body, headers=headers)
            out.append(time.perf_counter() - began)
            if response.status_code != 200:
                errors.append(f"{response.status_code} {response.text[:200]}")
                continue
            saved = response.json()
            if saved["revalidating"]:  # as the page does: wait for the flags, then go on
                params = {"after": saved["decision"]["id"], "wait": 30}
                http.get(f"/api/documents/{doc_id}/validated", params=params)
                checked.append(time.perf_counter() - began)


def run(base: str, targets: list[Target], writers: int, saves: int, action: str) -> Figures:
    needed = writers * saves
    if len(targets) < needed:
        raise SystemExit(f"only {len(targets)} fields for {needed} saves")
    # Interleave documents so every writer works across all of them.
    by_doc: dict[str, list[Target]] = {}
    for target in targets:
        by_doc.setdefault(target[0], []).append(target)
    spread: list[Target] = []
    while len(spread) < needed:
        for items in by_doc.values():
            if items:
                spread.append(items.pop(0))
    del targets[:]
    for items in by_doc.values():
        targets.extend(items)
    actions = {"modify": ["modify"], "confirm": ["confirm"], "mixed": ["modify", "confirm"]}
    cycle = actions[action]
    plans = [
        [(spread[w + i * writers], cycle[i % len(cycle)]) for i in range(saves)]
        for w in range(writers)
    ]
    latencies: list[list[float]] = [[] for _ in range(writers)]
    checked: list[float] = []
    errors: list[str] = []
    barrier = threading.Barrier(writers)
    threads = [
        threading.Thread(
            target=_writer, args=(base, plans[w], barrier, latencies[w], checked, errors)
        )
        for w in range(writers)
    ]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    flat = sorted(x for items in latencies for x in items)
    if errors:
        print(f"  {len(errors)} failed saves, first: {errors[0]}")
    checked.sort()
    return Figures(
        writers=writers,
        saves=len(flat),
        errors=len(errors),
        p50_ms=_ms(statistics.median(flat)),
        p95_ms=_ms(_p95(flat)),
        max_ms=_ms(flat[-1]),
        per_second=round(len(flat) / elapsed, 1),
        checked_p50_ms=_ms(statistics.median(checked)) if checked else 0.0,
        checked_p95_ms=_ms(_p95(checked)) if checked else 0.0,
        checked_max_ms=_ms(checked[-1]) if checked else 0.0,
    )


def _p95(ordered: list[float]) -> float:
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--writers", default="1,8", help="writer counts, comma-separated")
    parser.add_argument("--saves", type=int, default=25, help="saves per writer")
    parser.add_argument("--action", choices=("modify", "confirm", "mixed"), default="modify")
    parser.add_argument(
        "--documents",
        choices=("all", "one"),
        default="all",
        help="writers spread over the five seeds (all), or all on the largest form set (one)",
    )
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    counts = [int(x) for x in args.writers.split(",")]
    print(f"machine: {os.cpu_count()} CPUs; action: {args.action}; saves per writer: {args.saves}")
    results: list[Figures] = []
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "bench.db"
        targets = build_store(db)
        if args.documents == "one":
            biggest = max({t[0] for t in targets}, key=lambda d: sum(t[0] == d for t in targets))
            targets = [t for t in targets if t[0] == biggest]
        where = "one document" if args.documents == "one" else "5 seed documents"
        print(f"store: 5 seed documents; writers on {where}, {len(targets)} number fields")
        with serve(db) as (base, pid):
            # One untimed save (and its re-check) first: the validation workers start
            # with the server and import the validator; a reviewer's first save may wait
            # for that, the figures below do not.
            run(base, targets, 1, 1, "modify")
            for writers in counts:
                own, workers = cpu_seconds(pid)
                figures = run(base, targets, writers, args.saves, args.action)
                own_after, workers_after = cpu_seconds(pid)
                used = (own_after - own) + (workers_after - workers)
                figures.server_cpu_ms = round(1000 * used / figures.saves, 1)
                figures.worker_cpu_ms = round(1000 * (workers_after - workers) / figures.saves, 1)
                figures.load = round(os.getloadavg()[0], 2)
                results.append(figures)
                print(
                    f"{writers} writer(s): {figures.saves} saves, {figures.errors} failed; "
                    f"saved: p50 {figures.p50_ms} ms, p95 {figures.p95_ms} ms, "
                    f"max {figures.max_ms} ms; "
                    + (
                        f"flags re-checked: p50 {figures.checked_p50_ms} ms, "
                        f"p95 {figures.checked_p95_ms} ms, max {figures.checked_max_ms} ms; "
                        if figures.checked_p50_ms
                        else ""
                    )
                    + f"{figures.per_second} saves/s, server CPU {figures.server_cpu_ms} ms/save "
                    f"(workers {figures.worker_cpu_ms}), load average {figures.load}"
                )
    if args.json:
        args.json.write_text(json.dumps([f.__dict__ for f in results], indent=2))


if __name__ == "__main__":
    main()
