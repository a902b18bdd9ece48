"""The shared rate limiter on a real local Ray instance, against the local
OpenAI-compatible test server: however many tasks call at once, the server never sees
more requests in a window than the quota allows."""

from __future__ import annotations

import io
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from extractor.batch import BatchOptions
from extractor.distributed import RateLimits, RayOptions
from extractor.distributed.limiter import start_limiter
from extractor.distributed.runner import run_batch_ray
from extractor.llm.config import LLMConfig
from extractor.ocr.settings import OcrSettings
from tests.distributed import helpers
from tests.distributed.ray_required import import_ray
from tests.llm.fake_server import Answer, FakeOpenAI, Reply
from tests.llm.samples import LIBRARY, SELF_EVALUATION, library_answer

ray = import_ray()
pytestmark = pytest.mark.usefixtures("ray_session")


class Clocked:
    """Answers every request and notes when it arrived."""

    def __init__(self) -> None:
        self.arrivals: list[float] = []
        self.lock = threading.Lock()

    def __call__(self, body: dict[str, Any]) -> Reply:
        with self.lock:
            self.arrivals.append(time.monotonic())
        if LIBRARY in str(body.get("messages")):
            return Answer(library_answer())
        return Answer({"figures": []})


def busiest(times: list[float], window: float) -> int:
    times = sorted(times)
    return max(sum(1 for t in times[i:] if t <= start + window) for i, start in enumerate(times))


def config_for(server: FakeOpenAI, tmp_path: Path, **changes: Any) -> LLMConfig:
    values: dict[str, Any] = {
        "base_url": server.base_url,
        "model": "fake-model",
        "api_key": "test-key",
        "cache_dir": tmp_path / "cache",
        "no_cache": True,
        "timeout": 20.0,
        "max_retries": 0,
        "validation_retries": 0,
    }
    values.update(changes)
    return LLMConfig(**values)


call_many = ray.remote(num_cpus=0.5)(helpers.call_many)


def test_parallel_tasks_together_stay_within_the_requests_per_window(tmp_path: Path) -> None:
    quota, window, tasks, each = 8, 1.0, 4, 4
    clocked = Clocked()
    with FakeOpenAI(default=clocked) as server:
        config = config_for(server, tmp_path, concurrency=each)
        # a loaded CI machine may deliver a granted request up to a second late: the
        # limiter is told so (jitter), as a deployment would be told its network's lag
        limits = RateLimits(requests_per_minute=quota, window=window, jitter=1.0)
        limiter = start_limiter(limits, name=None)
        try:
            started = time.monotonic()
            results = ray.get(
                [call_many.remote(limiter, config, f"t{n}", each) for n in range(tasks)]
            )
            seconds = time.monotonic() - started
            stats = ray.get(limiter.stats.remote())
        finally:
            ray.kill(limiter)
    total = tasks * each
    assert all(all(ok) for _, ok in results) and len(clocked.arrivals) == total
    assert {how for how, _ in results} == {"gate"}
    # the quota held in every window the server saw, and it was the limiter that held
    # it: unlimited, the 16 calls would all arrive at once
    assert busiest(clocked.arrivals, window) <= quota
    assert max(clocked.arrivals) - min(clocked.arrivals) >= (total - quota) / quota * window
    assert stats["requests"] == total and stats["longest_wait_seconds"] > 0.5
    assert stats["tokens_corrected"] != 0  # the gate also settles the tokens used
    assert seconds < 30


def test_an_llm_batch_on_ray_goes_through_the_limiter(tmp_path: Path) -> None:
    quota, window = 4, 1.0
    names = [f"r{n}.txt" for n in range(6)]
    folder = tmp_path / "in"
    folder.mkdir()
    files = []
    for name in names:
        (folder / name).write_text(SELF_EVALUATION, encoding="utf-8")
        files.append(folder / name)
    clocked = Clocked()
    with FakeOpenAI(default=clocked) as server:
        config = config_for(server, tmp_path, narrative=False, concurrency=2)
        console = Console(file=io.StringIO(), width=200)
        report = run_batch_ray(
            files,
            BatchOptions(
                out_dir=tmp_path / "out", backend="llm", ocr=OcrSettings(mode="never"), llm=config
            ),
            RayOptions(
                ocr_workers=2,
                warm_up=False,
                limits=RateLimits(requests_per_minute=quota, window=window),
            ),
            console,
        )
    assert [o.status for o in report.outcomes] == ["ok"] * len(names)
    assert all(o.forms == 1 for o in report.outcomes)
    assert len(clocked.arrivals) == len(names)  # one form per document, no narrative
    assert busiest(clocked.arrivals, window) <= quota
    limiter = report.totals()["llm_rate_limit"]
    assert limiter["requests"] == len(names) and limiter["requests_per_minute"] == quota
