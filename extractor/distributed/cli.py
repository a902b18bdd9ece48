"""What `extractor run --executor ray` needs from this package, in one place, so the
command stays a thin layer:

    if executor == "ray":
        problem = executor_problem(executor)          # before any work: exit 2 with it
        report = run_on_ray(files, batch_options, ray_options_from_cli(...), console)

Ray settings come from the command line; the LLM quota from `--llm-rpm/--llm-tpm`
or, when the command has no such flags, from EXTRACTOR_LLM_RPM / EXTRACTOR_LLM_TPM.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rich.console import Console

from extractor.batch import BatchOptions, BatchReport
from extractor.distributed.cluster import ray_problem
from extractor.distributed.options import RateLimits, RayOptions

EXECUTORS: tuple[str, ...] = ("local", "ray")


def executor_problem(executor: str) -> str | None:
    """Why `--executor` cannot be used (unknown word, Ray not installed), or None."""
    if executor not in EXECUTORS:
        return f"--executor 只接受 {'|'.join(EXECUTORS)}，收到 {executor!r}"
    if executor == "ray":
        return ray_problem()
    return None


def ray_options_from_cli(
    *,
    ray_address: str | None,
    ocr_workers: int,
    backend: str,
    llm_rpm: int | None = None,
    llm_tpm: int | None = None,
    ray_inputs: str = "auto",
    max_retries: int = 2,
) -> RayOptions:
    """RayOptions from the command's values. (The LLM settings travel in the
    `BatchOptions` like every other setting of the run.)"""
    env = RateLimits.from_env()  # a flag (0 = no limit) wins over the environment
    rpm = env.requests_per_minute if llm_rpm is None else (llm_rpm or None)
    tpm = env.tokens_per_minute if llm_tpm is None else (llm_tpm or None)
    limits = RateLimits(requests_per_minute=rpm, tokens_per_minute=tpm)
    return RayOptions(
        address=ray_address or None,
        ocr_workers=max(0, ocr_workers),
        inputs=ray_inputs,  # type: ignore[arg-type]
        max_retries=max_retries,
        limits=limits,
    )


def run_on_ray(
    files: Sequence[Path],
    options: BatchOptions,
    ray_options: RayOptions,
    console: Console | None = None,
) -> BatchReport:
    """`extractor.batch.run_batch`'s counterpart: same outputs, same report. Raises
    `RayUnavailable` (message ready to show) when Ray is missing or unreachable."""
    from extractor.distributed.runner import run_batch_ray

    return run_batch_ray(files, options, ray_options, console)
