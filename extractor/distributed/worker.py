"""The OCR worker: a long-lived Ray actor that reads documents one at a time.

Each actor loads the OCR models once, when it starts (`warm_up`), builds its backend
once (an LLM backend with the cluster's rate-limit gate on its requests), then runs
`extractor.batch.process_document` — OCR, template parser (or the LLM backend),
validation — on every document it is given and returns the payload the driver writes.
It never writes a result itself.

An input arrives either as an absolute path every node can read (`shared`) or as its
bytes through the object store (`object`): those are written under a private
temporary folder (`extractor-ray-<pid>-…`, removed after each document and by
`close`; folders left by killed actors are removed by the next actor on that node)
with the file's own name, so doc_id and type are unchanged. Either way the result's
`source.path` is the path as the user gave it, as in a local run.

The class is plain Python (Ray is imported only by `pool.py`, which makes it remote).
"""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from extractor.backends import uses_llm
from extractor.batch import BatchOptions, process_document
from extractor.distributed.options import Processor

# (status, value, worker facts): "done" with the payload, or "failed" with the reason
Reply = tuple[str, Any, dict[str, Any]]


STAGING_PREFIX = "extractor-ray-"


class DocumentWorker:
    def __init__(
        self,
        options: BatchOptions,
        processor: Processor | None = None,
        limiter: Any = None,
        output_tokens_guess: int = 1024,
        warm_up: bool = True,
        run_key: dict[str, str] | None = None,
    ) -> None:
        self.options = options
        self.processor: Processor | None = processor
        self.run_key = run_key
        self.node = socket.gethostname()
        self.pid = os.getpid()
        self.started = time.monotonic()
        self.model_seconds = 0.0
        self._progress: tuple[int, int] = (-1, 0)  # (task index, pages done)
        self._lock = threading.Lock()
        remove_stale_staging()
        self._staging = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{self.pid}-"))
        self.gate: Any = None
        if limiter is not None:
            from extractor.distributed.gate import RateLimitGate

            self.gate = RateLimitGate(limiter, output_tokens_guess)
        self.backend: Any = None
        if processor is None:  # the pipeline itself: its backend is built once, here
            from extractor.backends import get_backend

            options_for_llm = {"gate": self.gate} if self.gate is not None else {}
            self.backend = get_backend(options.backend, llm=options.llm, **options_for_llm)
        if warm_up and options.ocr.enabled:
            self._warm_up()
        if warm_up and self.backend is not None and uses_llm(options.backend):
            from extractor.llm.caller import preload

            preload()  # the client libraries, before the first document's clock starts

    def _warm_up(self) -> None:
        """Load the OCR engine now (cached per process by `get_engine`). An engine
        that is not installed is left for each document to report, as in a local run."""
        from extractor.ocr.engines import EngineUnavailable, get_engine

        started = time.monotonic()
        try:
            get_engine(self.options.ocr.engine, self.options.ocr.threads)
        except EngineUnavailable:
            pass
        self.model_seconds = round(time.monotonic() - started, 3)

    # --- called by the driver -------------------------------------------------------

    def ready(self) -> dict[str, Any]:
        return {
            "node": self.node,
            "pid": self.pid,
            "model_seconds": self.model_seconds,
            "gate": self.gate is not None,
        }

    def progress(self) -> tuple[int, int]:
        """(task index, pages done) of the document in hand; runs beside `process`."""
        with self._lock:
            return self._progress

    def process(
        self, index: int, path: str, data: bytes | None = None, shown: str | None = None
    ) -> Reply:
        """Read one document: `path` (absolute) on a shared file system, or `data`, the
        file's bytes; `shown` is the path as the user gave it, which the result names."""
        from extractor.errors import ExtractorError

        with self._lock:
            self._progress = (index, 0)

        def on_page(number: int, count: int, ocr: bool) -> None:
            with self._lock:
                if self._progress[0] == index:
                    self._progress = (index, max(self._progress[1], number))

        started = time.monotonic()
        local = self._stage(index, Path(path), data)
        try:
            if self.processor is not None:
                payload = self.processor(local, self.options, on_page)
            else:
                payload = process_document(
                    local, self.options, on_page, backend=self.backend, run_key=self.run_key
                )
            if shown is not None and str(local) != shown:
                payload = _restore_path(payload, shown)
            return ("done", payload, self._facts(started))
        except ExtractorError as exc:
            return ("failed", str(exc), self._facts(started))
        except Exception as exc:  # one document's bug must not end the worker
            return ("failed", f"{type(exc).__name__}: {exc}", self._facts(started))
        finally:
            if data is not None:
                shutil.rmtree(local.parent, ignore_errors=True)

    # --- helpers --------------------------------------------------------------------

    def _stage(self, index: int, path: Path, data: bytes | None) -> Path:
        if data is None:
            return path
        folder = self._staging / str(index)
        folder.mkdir(parents=True, exist_ok=True)
        local = folder / path.name
        local.write_bytes(data)
        return local

    def _facts(self, started: float) -> dict[str, Any]:
        import resource

        return {
            "node": self.node,
            "pid": self.pid,
            "seconds": round(time.monotonic() - started, 3),
            "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, 1),
        }

    def close(self) -> bool:
        """Remove this actor's staging folder (the driver calls it before ending it)."""
        shutil.rmtree(self._staging, ignore_errors=True)
        return True

    def __del__(self) -> None:
        staging = getattr(self, "_staging", None)
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)


def remove_stale_staging(folder: Path | None = None) -> int:
    """Staging folders of actors on this machine whose process is gone (killed actors
    cannot clean up after themselves). Returns how many were removed."""
    removed = 0
    for staging in Path(folder or tempfile.gettempdir()).glob(f"{STAGING_PREFIX}*"):
        pid_text = staging.name[len(STAGING_PREFIX) :].split("-", 1)[0]
        if not pid_text.isdigit() or _alive(int(pid_text)):
            continue
        shutil.rmtree(staging, ignore_errors=True)
        removed += 1
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def _restore_path(payload: dict[str, Any], original: str) -> dict[str, Any]:
    """The result of a staged copy names the path the user gave, as a local run does."""
    from extractor.models import DocumentResult

    result = DocumentResult.model_validate_json(payload["result"])
    result.source.path = original
    return {**payload, "result": result.model_dump_json(indent=2)}


def worker_options(options: BatchOptions, cpus: float) -> BatchOptions:
    """Inference threads of one actor: the CPUs it holds (unless set explicitly)."""
    if options.ocr.threads == 0 and options.ocr.enabled:
        return replace(options, ocr=replace(options.ocr, threads=max(1, int(cpus))))
    return options
