"""One real local Ray instance for all the tests of this folder (2 CPUs, no dashboard,
on 127.0.0.1): starting Ray costs seconds, so it is started once.

Its workers run with PYTHONHASHSEED=0. The pipeline's output should not depend on the
hash seed, but today one validator rule does (`narrative.conflict` walks a set of
keys); the test that compares files with the local executor pins the seed of both."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

HASH_SEED = "0"


@pytest.fixture(scope="package")
def ray_session() -> Iterator[Any]:
    from tests.distributed.ray_required import import_ray

    ray = import_ray()
    if not ray.is_initialized():
        before = os.environ.get("PYTHONHASHSEED")
        os.environ["PYTHONHASHSEED"] = HASH_SEED  # inherited by every worker Ray starts
        try:
            ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
        finally:
            if before is None:
                del os.environ["PYTHONHASHSEED"]
            else:
                os.environ["PYTHONHASHSEED"] = before
    yield ray
    ray.shutdown()
