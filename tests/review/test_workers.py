"""Re-validation in a worker process gives the same flags as in the server process, and
a worker that dies costs no save."""

from __future__ import annotations

import os
import signal
from pathlib import Path

from extractor.review import ReviewStore
from extractor.review.workers import ValidationWorkers
from tests.review.fixtures import DOC_ID, REASON_SCORE, WRONG_SCORE, build


def _flags(store: ReviewStore) -> set[tuple[str, str, str, bool]]:
    return {(f.rule, f.target, f.status, f.active) for f in store.document_view(DOC_ID).flags}


def test_worker_validation_matches_and_survives_a_dead_worker(tmp_path: Path) -> None:
    workers = ValidationWorkers(1)
    pooled = ReviewStore.open(tmp_path / "pooled.db", workers=workers)
    local = ReviewStore.open(tmp_path / "local.db")
    for store in (pooled, local):
        store.import_result(*build())
    try:
        saves = [(WRONG_SCORE, "15"), (REASON_SCORE, "10"), ("total.score", "97")]
        for path, value in saves[:2]:
            for store in (pooled, local):
                store.decide(DOC_ID, "p1", path, "modify", value=value, reviewer="甲", version=0)
        assert _flags(pooled) == _flags(local)
        assert ("indicator.score_above_weight", WRONG_SCORE, "cleared", False) in _flags(pooled)

        # Kill the worker: the next save still re-validates (here), and the pool recovers.
        pool = workers._executor()
        processes = list(pool._processes.values())
        assert processes, "the worker ran the first saves"
        for process in processes:
            os.kill(process.pid, signal.SIGKILL)
            process.join(10)
        path, value = saves[2]
        for store in (pooled, local):
            store.decide(DOC_ID, "p1", path, "modify", value=value, reviewer="甲", version=0)
        assert _flags(pooled) == _flags(local)
        assert workers._pool is not pool  # the broken pool was replaced
        pooled.decide(DOC_ID, "p1", WRONG_SCORE, "undo", reviewer="甲", version=1)
        local.decide(DOC_ID, "p1", WRONG_SCORE, "undo", reviewer="甲", version=1)
        assert _flags(pooled) == _flags(local)
    finally:
        pooled.close()
        local.close()
