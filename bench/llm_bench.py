"""LLM backend bench: calls, prompt tokens and wall time per document, at concurrency
1 vs 8, against the tests' local OpenAI-compatible server with an injected latency.

    python bench/llm_bench.py [--latency 0.2] [--concurrency 1 8] [--docs golden/docs]

Documents are processed one after another, as `extractor run` does: the calls of one
document run concurrently. The last line also times `LLMBackend.prefetch`, which sends
the calls of all documents at once.

The server runs in its own process, as a real endpoint would (so its work does not share
this process's interpreter lock), and answers every call with a fixed placeholder (an
empty form, no figures) after the injected latency: the
bench measures the backend's orchestration (chunking, splitting, concurrency, retries,
parsing), not extraction quality, and no model is involved. Prompt tokens are the
server's count (the planner's own estimator, on what was really sent) next to the
planner's estimate.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from pydantic import SecretStr  # noqa: E402

from extractor.llm.backend import LLMBackend  # noqa: E402
from extractor.llm.batch import plan  # noqa: E402
from extractor.llm.config import LLMConfig  # noqa: E402
from extractor.pipeline import extract_document  # noqa: E402
from tests.llm.fake_server import Answer, FakeOpenAI, Reply, first_user  # noqa: E402

PLACEHOLDER_FORM: dict[str, Any] = {"name": "", "funding": [], "indicators": []}


def placeholder(body: dict[str, Any]) -> Reply:
    if first_user(body).startswith("报告正文片段"):
        return Answer({"figures": []})
    return Answer(PLACEHOLDER_FORM)


def _serve(latency: float, ready: Any, stop: Any) -> None:
    with FakeOpenAI(default=placeholder, latency=latency) as server:
        ready.put(server.base_url)
        stop.wait(600)  # bounded: the bench ends long before


class ServerProcess:
    """The scripted server in a child process; `stats()` asks it for its counters."""

    def __init__(self, latency: float) -> None:
        context = mp.get_context("spawn")
        self.ready = context.Queue()
        self.stop = context.Event()
        self.process = context.Process(target=_serve, args=(latency, self.ready, self.stop))

    def __enter__(self) -> ServerProcess:
        self.process.start()
        self.base_url: str = self.ready.get(timeout=60)
        return self

    def stats(self) -> dict[str, int]:
        stats: dict[str, int] = httpx.get(self.base_url + "/stats", timeout=10).json()
        return stats

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.process.join(timeout=10)
        if self.process.is_alive():
            self.process.terminate()


def run_once(
    docs: list[Path], server: ServerProcess, concurrency: int, cache: Path, prefetch: bool = False
) -> dict[str, Any]:
    config = LLMConfig(
        base_url=server.base_url,
        model="bench-model",
        api_key=SecretStr("bench"),
        concurrency=concurrency,
        no_cache=True,
        cache_dir=cache,
        timeout=30,
    )
    backend = LLMBackend(config)
    rows = []
    start = time.perf_counter()
    if prefetch:
        backend.prefetch(docs)
    for path in docs:
        t0 = time.perf_counter()
        result = extract_document(path, backend=backend)
        usage = result.meta["llm"]["usage"]
        rows.append(
            {
                "doc": result.doc_id,
                "calls": usage["calls"],
                "forms": usage["by_kind"].get("form", 0),
                "narrative": usage["by_kind"].get("narrative", 0),
                "prompt_tokens": usage["prompt_tokens"],
                "seconds": time.perf_counter() - t0,
                "failed": len(result.meta["llm"]["failures"]),
            }
        )
    seconds = time.perf_counter() - start
    return {"rows": rows, "seconds": seconds, "max_active": server.stats()["max_active"]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=0.2, help="seconds added to every answer")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8])
    parser.add_argument("--docs", type=Path, default=ROOT / "golden" / "docs")
    args = parser.parse_args(argv)
    docs = sorted(p for p in args.docs.iterdir() if p.is_file())
    with tempfile.TemporaryDirectory() as tmp:
        estimate = plan(docs, LLMConfig(model="bench-model", cache_dir=Path(tmp), no_cache=True))
        estimated = estimate.per_document()
        runs: dict[int, dict[str, Any]] = {}
        for concurrency in args.concurrency:
            with ServerProcess(args.latency) as server:
                runs[concurrency] = run_once(docs, server, concurrency, Path(tmp))
        top = max(args.concurrency)
        with ServerProcess(args.latency) as server:
            prefetched = run_once(docs, server, top, Path(tmp), prefetch=True)
    first = runs[args.concurrency[0]]
    print(f"latency per call: {args.latency:.3f} s; documents: {len(docs)}")
    header = (
        f"{'document':24} {'calls':>5} {'form':>5} {'narr':>5} {'prompt tok':>10} {'est. tok':>9}"
    )
    header += "".join(f" {'c=' + str(c) + ' s':>9}" for c in args.concurrency)
    print(header)
    for index, row in enumerate(first["rows"]):
        line = (
            f"{row['doc']:24} {row['calls']:>5} {row['forms']:>5} {row['narrative']:>5} "
            f"{row['prompt_tokens']:>10} {estimated.get(row['doc'], {}).get('prompt_tokens', 0):>9}"
        )
        line += "".join(f" {runs[c]['rows'][index]['seconds']:>9.2f}" for c in args.concurrency)
        print(line)
    total_calls = sum(r["calls"] for r in first["rows"])
    total_tokens = sum(r["prompt_tokens"] for r in first["rows"])
    print(
        f"{'total':24} {total_calls:>5} {'':>5} {'':>5} {total_tokens:>10}"
        f" {estimate.totals()['prompt_tokens']:>9}"
        + "".join(f" {runs[c]['seconds']:>9.2f}" for c in args.concurrency)
    )
    base = runs[args.concurrency[0]]["seconds"]
    for concurrency in args.concurrency[1:]:
        speedup = base / runs[concurrency]["seconds"]
        print(
            f"speed-up c={concurrency} vs c={args.concurrency[0]}: {speedup:.1f}x "
            f"(max concurrent requests seen by the server: {runs[concurrency]['max_active']})"
        )
    print(
        f"c={top} with prefetch (all documents' calls share one semaphore): "
        f"{prefetched['seconds']:.2f} s, speed-up vs c={args.concurrency[0]}: "
        f"{base / prefetched['seconds']:.1f}x (max concurrent: {prefetched['max_active']})"
    )
    failed = sum(r["failed"] for run in [*runs.values(), prefetched] for r in run["rows"])
    print(f"failed calls: {failed}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
