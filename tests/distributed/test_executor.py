"""The batch on a real local Ray instance: the same files as the local executor, resume
across executors, bad inputs recorded, and workers killed in the middle of a document."""

from __future__ import annotations

import csv
import functools
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from extractor.batch import BatchOptions, run_batch
from extractor.distributed import RayOptions
from extractor.distributed.runner import run_batch_ray
from tests.backends.test_rules import SELF_EVALUATION
from tests.distributed.conftest import HASH_SEED
from tests.distributed.helpers import slow_processor
from tests.distributed.ray_required import import_ray
from tests.fixtures import make_pdfs as mk

ray = import_ray()
ROOT = Path(__file__).resolve().parents[2]
GOLDEN = sorted((ROOT / "golden" / "docs").glob("*.txt"))
pytestmark = pytest.mark.usefixtures("ray_session")


def _console() -> tuple[Console, io.StringIO]:
    buffer = io.StringIO()
    return Console(file=buffer, width=200, force_terminal=False), buffer


def _ray_run(files: list[Path], out: Path, ray_options: RayOptions, **options: Any) -> Any:
    console, buffer = _console()
    report = run_batch_ray(files, BatchOptions(out_dir=out, **options), ray_options, console)
    return report, buffer.getvalue()


def _inputs(folder: Path, names: list[str]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in names:
        path = folder / name
        if name.startswith("corrupt"):
            mk.write_corrupt_pdf(path)
        elif name.startswith("noform"):
            path.write_text("这是一段没有任何表格的说明文字。\n", encoding="utf-8")
        else:
            path.write_text(SELF_EVALUATION, encoding="utf-8")
        paths.append(path)
    return paths


def _outputs(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.json")) if p.stem != "run"}


def _csv_rows(folder: Path) -> list[dict[str, str]]:
    with (folder / "run.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _no_temp_files(folder: Path) -> bool:
    return not [p for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_golden_documents_give_the_files_the_local_executor_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = [Path(shutil.copy(p, tmp_path / p.name)) for p in GOLDEN]
    # local workers started fresh with the Ray workers' hash seed (see conftest)
    monkeypatch.setenv("EXTRACTOR_START_METHOD", "spawn")
    monkeypatch.setenv("PYTHONHASHSEED", HASH_SEED)
    local = run_batch(files, BatchOptions(out_dir=tmp_path / "local", jobs=2), _console()[0])
    # inputs through the object store: the worker reads a staged copy, the result still
    # names the path the user gave
    report, printed = _ray_run(files, tmp_path / "ray", RayOptions(inputs="object"))
    assert report.exit_code == 0 and local.exit_code == 0
    assert [o.status for o in report.outcomes] == ["ok"] * len(GOLDEN)
    ours, theirs = _outputs(tmp_path / "ray"), _outputs(tmp_path / "local")
    assert len(ours) == len(GOLDEN) and ours == theirs  # byte for byte
    # the same run report, but for the timings
    timing = {"seconds", "worker_peak_mb"}
    strip = [{k: v for k, v in r.items() if k not in timing} for r in _csv_rows(tmp_path / "ray")]
    local_rows = _csv_rows(tmp_path / "local")
    assert strip == [{k: v for k, v in r.items() if k not in timing} for r in local_rows]
    body = json.loads((tmp_path / "ray" / "run.json").read_text(encoding="utf-8"))
    assert body["options"]["executor"] == "ray" and body["options"]["ray"]["inputs"] == "object"
    assert body["totals"]["retries"] == 0 and body["totals"]["ok"] == len(GOLDEN)
    assert all(d["attempts"] == 1 and d["node"] for d in body["documents"])
    assert "✓ 000_" in printed and _no_temp_files(tmp_path / "ray")

    # resumable across executors: each skips what the other wrote (same hash, version,
    # settings), and the files are left untouched
    before = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "local").glob("*.json")}
    again, printed = _ray_run(files, tmp_path / "local", RayOptions())
    assert [o.status for o in again.outcomes] == ["skipped"] * len(GOLDEN)
    assert "已是最新，跳过" in printed
    after = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "local").glob("*.json")}
    assert {k: v for k, v in after.items() if not k.startswith("run")} == {
        k: v for k, v in before.items() if not k.startswith("run")
    }
    back = run_batch(files, BatchOptions(out_dir=tmp_path / "ray", jobs=2), _console()[0])
    assert back.count("skipped") == len(GOLDEN)


def test_a_bad_document_is_recorded_and_the_run_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # relative paths, from a folder the workers do not start in: they are sent as
    # absolute paths and the results still name them as given
    monkeypatch.chdir(tmp_path)
    _inputs(tmp_path / "in", ["a.txt", "corrupt.pdf", "noform.txt", "b.txt"])
    files = [Path("in") / n for n in ("a.txt", "corrupt.pdf", "noform.txt", "b.txt")]
    monkeypatch.setenv("RAY_OVERRIDE_DASHBOARD_URL", "http://127.0.0.1:8265")
    options = RayOptions(ocr_workers=2, warm_up=False, inputs="shared")
    report, printed = _ray_run(files, Path("out"), options)
    assert [o.status for o in report.outcomes] == ["ok", "failed", "failed", "ok"]
    assert report.exit_code == 1
    assert sorted(_outputs(tmp_path / "out")) == ["a.json", "b.json"]
    result = json.loads((tmp_path / "out" / "a.json").read_text(encoding="utf-8"))
    assert result["source"]["path"] == "in/a.txt"
    assert "✗ noform.txt  失败：未找到可识别的绩效表格" in printed
    assert "Ray 仪表板：http://127.0.0.1:8265" in printed
    assert report.outcomes[1].reason and _no_temp_files(tmp_path / "out")


def _holds(actor: Any, timeout: float = 10.0) -> int:
    """Wait until the actor is inside a document; its task index."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        index, _ = ray.get(actor.progress.options(concurrency_group="status").remote())
        if index >= 0:
            return int(index)
        time.sleep(0.05)
    raise AssertionError("the actor never started the document")


def test_an_actor_killed_mid_document_has_it_retried_elsewhere(tmp_path: Path) -> None:
    files = _inputs(tmp_path / "in", ["a.txt", "b_slow.txt", "c.txt", "d.txt"])
    killed: list[tuple[str, int]] = []

    def kill_first_attempt(doc_id: str, actor: Any, attempt: int) -> None:
        if doc_id == "b_slow" and attempt == 1:
            index = _holds(actor)  # it holds the document now
            ray.kill(actor, no_restart=True)
            killed.append((doc_id, index))

    console, buffer = _console()
    processor = functools.partial(slow_processor, seconds=1.5)
    report = run_batch_ray(
        files,
        BatchOptions(out_dir=tmp_path / "out"),
        RayOptions(ocr_workers=2, processor=processor, warm_up=False),
        console,
        on_assign=kill_first_attempt,
    )
    assert killed == [("b_slow", 1)]
    assert report.exit_code == 0
    assert [o.status for o in report.outcomes] == ["ok"] * 4
    # exactly one output per document, no leftovers
    assert sorted(_outputs(tmp_path / "out")) == ["a.json", "b_slow.json", "c.json", "d.json"]
    assert _no_temp_files(tmp_path / "out")
    retried = report.outcomes[1]
    assert retried.attempts == 2 and len(retried.retries) == 1
    assert "工作进程意外退出" in retried.retries[0]
    body = json.loads((tmp_path / "out" / "run.json").read_text(encoding="utf-8"))
    assert body["totals"]["retries"] == 1 and body["totals"]["workers_replaced"] >= 1
    assert body["documents"][1]["attempts"] == 2 and body["documents"][0]["attempts"] == 1
    assert "重试 1 次" in buffer.getvalue()


def test_a_worker_killed_at_every_attempt_fails_only_its_document(tmp_path: Path) -> None:
    """SIGKILL, as the kernel's memory killer sends it; retries are bounded."""
    files = _inputs(tmp_path / "in", ["a.txt", "b_slow.txt", "c.txt"])
    pids = tmp_path / "pids"
    pids.mkdir()
    stop = threading.Event()

    def killer() -> None:  # kill whichever worker announces it holds b_slow
        seen: set[str] = set()
        while not stop.is_set():
            for marker in pids.glob("*.pid"):
                if marker.name not in seen:
                    seen.add(marker.name)
                    os.kill(int(marker.read_text()), signal.SIGKILL)
            time.sleep(0.05)

    thread = threading.Thread(target=killer, daemon=True)
    thread.start()
    processor = functools.partial(slow_processor, seconds=5.0, pid_dir=str(pids))
    try:
        report, printed = _ray_run(
            files,
            tmp_path / "out",
            RayOptions(ocr_workers=2, processor=processor, warm_up=False, max_retries=1),
        )
    finally:
        stop.set()
        thread.join()
    assert [o.status for o in report.outcomes] == ["ok", "crashed", "ok"]
    lost = report.outcomes[1]
    assert lost.attempts == 2 and len(lost.retries) == 2 and "不再重试" in (lost.reason or "")
    assert len(list(pids.glob("*.pid"))) == 2  # two attempts, two different processes
    assert sorted(_outputs(tmp_path / "out")) == ["a.json", "c.json"]
    assert report.exit_code == 1 and "进程" in printed
    # two attempts lost is one retry, and the screen counts it so
    assert "共尝试 2 次均未完成" in printed and "工作进程失去 2 次，重试 1 次" in printed
    assert report.totals()["retries"] == 1 and report.totals()["lost_attempts"] == 2


def test_staging_folders_of_dead_actors_are_removed(tmp_path: Path) -> None:
    from extractor.distributed.worker import STAGING_PREFIX, remove_stale_staging

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    gone = tmp_path / f"{STAGING_PREFIX}{dead.pid}-abc"
    (gone / "3").mkdir(parents=True)
    (gone / "3" / "input.pdf").write_bytes(b"%PDF-")
    alive = tmp_path / f"{STAGING_PREFIX}{os.getpid()}-def"
    alive.mkdir()
    assert remove_stale_staging(tmp_path) == 1
    assert not gone.exists() and alive.exists()


def test_a_document_over_the_time_limit_is_stopped_not_retried(tmp_path: Path) -> None:
    files = _inputs(tmp_path / "in", ["a_slow.txt", "b.txt"])
    processor = functools.partial(slow_processor, seconds=30.0)
    started = time.monotonic()
    report, _ = _ray_run(
        files,
        tmp_path / "out",
        RayOptions(ocr_workers=1, processor=processor, warm_up=False),
        timeout=1.0,
    )
    assert time.monotonic() - started < 20
    assert [o.status for o in report.outcomes] == ["timeout", "ok"]
    assert report.outcomes[0].attempts == 1 and "时间限制" in (report.outcomes[0].reason or "")
    assert sorted(_outputs(tmp_path / "out")) == ["b.json"]


def test_ctrl_c_keeps_finished_outputs_and_writes_the_report(tmp_path: Path) -> None:
    """A driver in its own process, on this Ray instance: Ctrl-C while two documents
    are in the actors' hands."""
    _inputs(tmp_path / "in", ["a.txt", "b_slow.txt", "c_slow.txt"])
    pids, out = tmp_path / "pids", tmp_path / "out"
    pids.mkdir()
    address = ray.get_runtime_context().gcs_address
    command = [sys.executable, "-m", "tests.distributed.interrupt_driver", address]
    driver = subprocess.Popen(
        [*command, str(tmp_path / "in"), str(out), str(pids)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while len(list(pids.glob("*.pid"))) < 2 or not (out / "a.json").exists():
            assert driver.poll() is None and time.monotonic() < deadline, driver.stdout
            time.sleep(0.1)
        driver.send_signal(signal.SIGINT)
        printed, _ = driver.communicate(timeout=60)
    finally:
        if driver.poll() is None:
            driver.kill()
    assert driver.returncode == 130, printed
    assert sorted(_outputs(out)) == ["a.json"] and _no_temp_files(out)
    body = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert body["interrupted"] is True
    assert [d["status"] for d in body["documents"]] == ["ok", "interrupted", "interrupted"]
