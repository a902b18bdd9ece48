"""Re-validation in the background: a save is answered once it is committed, and the
flags its change of value affects are re-checked right after, by one thread per store.

Documents waiting for it are kept in a set, so however many values of a document were
changed meanwhile, the next round validates it once, as it then stands. Which decisions
the stored flags already reflect is recorded in the store (`documents.validated_through`)
in the same transaction as the flags, so a restart re-checks whatever was left; waiting
for a document (`wait`) is how a caller that needs the flags gets them.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

log = logging.getLogger(__name__)


class Revalidator:
    def __init__(self, run: Callable[[list[str]], set[str]]) -> None:
        """`run(doc_ids)` re-validates the documents and returns those that changed
        again meanwhile (to be done once more)."""
        self._run = run
        self._cond = threading.Condition()
        self._pending: set[str] = set()
        self._busy = False
        self._stop = False
        self._thread: threading.Thread | None = None
        self.rounds = 0
        self.failed: set[str] = set()  # documents whose last round raised

    def schedule(self, doc_ids: set[str] | list[str]) -> None:
        if not doc_ids:
            return
        with self._cond:
            self._pending.update(doc_ids)
            if self._thread is None and not self._stop:
                self._thread = threading.Thread(
                    target=self._loop, name="review-revalidate", daemon=True
                )
                self._thread.start()
            self._cond.notify_all()

    def wait(self, done: Callable[[], bool], timeout: float) -> bool:
        """Wait until `done()` holds (checked after each round), at most `timeout` s."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while not done():
                remaining = deadline - time.monotonic()
                if remaining <= 0 or (self._stop and not self._busy):
                    return done()
                self._cond.wait(min(remaining, 1.0))
            return True

    def close(self) -> None:
        with self._cond:
            self._stop = True
            self._cond.notify_all()
            thread = self._thread
        if thread is not None:
            thread.join(timeout=30)

    def _loop(self) -> None:
        while True:
            with self._cond:
                while not self._pending and not self._stop:
                    self._cond.wait()
                if self._stop and not self._pending:
                    return
                batch, self._pending = sorted(self._pending), set()
                self._busy = True
            again: set[str] = set()
            failed: set[str] = set()
            try:
                again = self._run(batch)
            except Exception:  # logged; the documents stay marked and are retried later
                log.exception("re-validation failed for %s", ", ".join(batch))
                failed = set(batch)
            with self._cond:
                self.failed = (self.failed - set(batch)) | failed
                self._busy = False
                self.rounds += 1
                self._pending.update(again)
                self._cond.notify_all()
                if self._stop and not self._pending:
                    return
