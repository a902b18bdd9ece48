"""Re-validation in worker processes, so the validator does not hold the web server's
one Python thread (the GIL) while other reviewers' requests wait.

A save that changes a value re-runs the whole validator on the document (tens of
milliseconds on a long report, most of it in the prose and final-accounts rules).
With `ValidationWorkers` the store hands that to a pool of processes: the server keeps
answering page loads and other saves meanwhile, and a second CPU does the checking.
`extractor serve` uses one worker; the library default (and the tests) validate in the
calling process.

Each worker keeps the chunked documents it has seen (by `key`, the stored source's
identity), so only the current values travel with each call. A worker that dies or a
call that fails falls back to validating in the calling process: a save never fails
because of the pool. A worker exits by itself when the server process is gone, however
it ended.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from threading import Lock
from typing import Any

from extractor.models import Flag

log = logging.getLogger(__name__)
TIMEOUT_S = 120.0  # one document's validation; far above any real report
PARENT_POLL_S = 1.0


def _validate(
    key: tuple[Any, ...],
    base_json: str,
    changed: dict[str, dict[str, Any]],
    pages: list[str] | None,
) -> list[str]:
    """In the worker: the document's flags, as JSON. The stored extraction is parsed
    once per worker; only the changed projects come with each call."""
    from extractor.review.revalidate import current_result, validate_current

    result = current_result(base_json, changed)
    return [flag.model_dump_json() for flag in validate_current(result, pages, key=key)]


def validate_here(
    base_json: str,
    changed: dict[str, dict[str, Any]],
    pages: list[str] | None,
    key: tuple[Any, ...],
) -> list[Flag]:
    from extractor.review.revalidate import current_result, validate_current

    return validate_current(current_result(base_json, changed), pages, key=key)


def _watch_parent(parent: int) -> None:
    """In the worker: exit when the server that started it is gone (even killed)."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_POLL_S)
        os._exit(0)

    threading.Thread(target=watch, name="watch-parent", daemon=True).start()


def _warm() -> bool:
    import extractor.review.revalidate
    import extractor.validate  # noqa: F401 — imported now, not at the first save

    return True


class ValidationWorkers:
    def __init__(self, processes: int = 1) -> None:
        self.processes = processes
        self._guard = Lock()
        self._pool: ProcessPoolExecutor | None = None

    def _executor(self) -> ProcessPoolExecutor:
        with self._guard:
            if self._pool is None:
                context = multiprocessing.get_context("spawn")  # no fork of server threads
                self._pool = ProcessPoolExecutor(
                    self.processes,
                    mp_context=context,
                    initializer=_watch_parent,
                    initargs=(os.getpid(),),
                )
            return self._pool

    def warm(self) -> None:
        """Start the workers and import the validator in them, in the background."""
        for _ in range(self.processes):
            self._executor().submit(_warm)

    def submit(
        self,
        base_json: str,
        changed: dict[str, dict[str, Any]],
        pages: list[str] | None,
        key: tuple[Any, ...],
    ) -> Future[list[str]] | None:
        """The validation under way in a worker; None when no worker can take it (the
        caller then validates itself)."""
        for _attempt in range(2):
            try:
                return self._executor().submit(_validate, key, base_json, changed, pages)
            except BrokenProcessPool:
                log.warning("validation worker died; starting a new one")
                self._reset()
            except RuntimeError:  # shut down
                return None
        return None

    def collect(
        self,
        future: Future[list[str]] | None,
        base_json: str,
        changed: dict[str, dict[str, Any]],
        pages: list[str] | None,
        key: tuple[Any, ...],
    ) -> list[Flag]:
        """The flags from the worker, or computed here when the worker failed."""
        if future is not None:
            try:
                return [Flag.model_validate_json(text) for text in future.result(TIMEOUT_S)]
            except BrokenProcessPool:
                log.warning("validation worker died; validating in the server process")
                self._reset()
            except Exception:  # the worker's own error: validate here, where it is reported
                log.exception("validation worker failed; validating in the server process")
        return validate_here(base_json, changed, pages, key)

    def _reset(self) -> None:
        with self._guard:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        with self._guard:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
