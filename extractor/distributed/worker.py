"""The OCR worker: a long-lived Ray actor that reads documents one at a time.

Each actor loads the OCR models once, when it starts (`warm_up`), sets the LLM
configuration and the rate-limit gate of its process, then runs
`extractor.batch.process_document` — OCR, template parser (or the LLM backend),
validation — on every document it is given and returns the payload the driver writes.
It never writes a result itself.

An input arrives either as an absolute path every node can read (`shared`) or as its
bytes through the object store (`object`): those are written under a private
temporary folder with the file's own name, so doc_id and type are unchanged. Either
way the result's `source.path` is the path as the user gave it, as in a local run.

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

from extractor.batch import BatchOptions, process_document
from extractor.distributed.options import Processor

# (status, value, worker facts): "done" with the payload, or "failed" with the reason
Reply = tuple[str, Any, dict[str, Any]]


class DocumentWorker:
    def __init__(
        self,
        options: BatchOptions,
        processor: Processor | None = None,
        limiter: Any = None,
        output_tokens_guess: int = 1024,
        llm_config: Any = None,
        warm_up: bool = True,
    ) -> None:
        self.options = options
        self.processor: Processor = processor or process_document
        self.node = socket.gethostname()
        self.pid = os.getpid()
        self.started = time.monotonic()
        self.model_seconds = 0.0
        self._progress: tuple[int, int] = (-1, 0)  # (task index, pages done)
        self._lock = threading.Lock()
        self._staging = Path(tempfile.mkdtemp(prefix="extractor-ray-"))
        self.gate_mode: str | None = None
        if llm_config is not None:
            from extractor.llm.config import set_default_config

            set_default_config(llm_config)
        if limiter is not None:
            from extractor.distributed.gate import RateLimitGate
            from extractor.distributed.seam import install_gate

            self.gate_mode = install_gate(RateLimitGate(limiter, output_tokens_guess))
        if warm_up and options.ocr.enabled:
            self._warm_up()

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
            "gate": self.gate_mode,
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
        from extractor.errors import InputError

        with self._lock:
            self._progress = (index, 0)

        def on_page(number: int, count: int, ocr: bool) -> None:
            with self._lock:
                if self._progress[0] == index:
                    self._progress = (index, max(self._progress[1], number))

        started = time.monotonic()
        local = self._stage(index, Path(path), data)
        try:
            payload = self.processor(local, self.options, on_page)
            if shown is not None and str(local) != shown:
                payload = _restore_path(payload, shown)
            return ("done", payload, self._facts(started))
        except InputError as exc:
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

    def __del__(self) -> None:
        staging = getattr(self, "_staging", None)
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)


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
