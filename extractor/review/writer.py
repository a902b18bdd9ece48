"""Group commit: the saves of concurrent reviewers applied in batches.

The first caller to find nobody writing becomes the leader: it takes every job queued
by then (its own included), applies them in one transaction through `apply`, hands each
caller its result, and passes the lead to the first job queued meanwhile. A save
therefore waits for at most the batch in progress and its own, never behind a stream
of later arrivals, and a batch re-validates each document once however many of its
fields were changed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

P = TypeVar("P")
R = TypeVar("R")


@dataclass(eq=False)
class Job(Generic[P, R]):
    payload: P
    result: R | None = None
    error: BaseException | None = None
    done: bool = False
    lead: bool = False
    wake: threading.Event = field(default_factory=threading.Event)


class GroupCommit(Generic[P, R]):
    def __init__(self, apply: Callable[[list[Job[P, R]]], None]) -> None:
        self._apply = apply
        self._guard = threading.Lock()
        self._pending: list[Job[P, R]] = []
        self._leading = False

    def submit(self, payload: P) -> R:
        job: Job[P, R] = Job(payload)
        with self._guard:
            self._pending.append(job)
            if not self._leading:
                self._leading = job.lead = True
        if not job.lead:
            job.wake.wait()  # finished by a leader, or made the leader
        if not job.done:
            self._lead()
        if job.error is not None:
            raise job.error
        assert job.result is not None
        return job.result

    def _lead(self) -> None:
        with self._guard:
            batch, self._pending = self._pending, []
        try:
            self._apply(batch)
        except BaseException as exc:  # the transaction failed: every job in it did
            for job in batch:
                if job.error is None:
                    job.error = exc
        finally:
            for job in batch:
                job.done = True
            with self._guard:
                if self._pending:
                    self._pending[0].lead = True
                    self._pending[0].wake.set()
                else:
                    self._leading = False
            for job in batch:
                job.wake.set()
