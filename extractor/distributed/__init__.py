"""Batch runs on a Ray cluster (`extractor run DIR --executor ray`).

    from extractor.batch import BatchOptions
    from extractor.distributed import RayOptions, run_batch_ray
    report = run_batch_ray(files, BatchOptions(out_dir=Path("out")), RayOptions(address="auto"))

Same outputs, run report and content-hash resume as the local batch; documents go to a
pool of OCR actors; LLM requests share one rate limiter. Ray is an optional extra
(`pip install 'budget-extractor[ray]'`): importing this package does not import Ray.

Modules: options (RayOptions, RateLimits), cluster (connect), worker (the OCR actor),
pool (the driver's actor slots), scheduler (the driver's loop), runner (a whole run),
report (run report and terminal lines), bucket (token buckets), limiter (the
rate-limiter actor), gate (its httpx hooks, given to each worker's LLM backend), cli
(what `extractor run --executor ray` calls).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from extractor.distributed.cluster import RayUnavailable, ray_problem
from extractor.distributed.options import RateLimits, RayOptions

if TYPE_CHECKING:
    from extractor.distributed.runner import run_batch_ray


def __getattr__(name: str) -> Any:
    if name == "run_batch_ray":
        from extractor.distributed.runner import run_batch_ray

        return run_batch_ray
    raise AttributeError(name)


__all__ = ["RateLimits", "RayOptions", "RayUnavailable", "ray_problem", "run_batch_ray"]
