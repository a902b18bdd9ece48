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
from typing import Any

from rich.console import Console

from extractor.batch import BatchOptions, BatchReport
from extractor.distributed.cluster import ray_problem
from extractor.distributed.options import RateLimits, RayOptions

EXECUTORS: tuple[str, ...] = ("local", "ray")
LLM_BACKENDS = frozenset({"llm", "hybrid"})


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
    llm_config: Any = None,
) -> RayOptions:
    """RayOptions from the command's values. With an LLM backend, `llm_config` (the
    LLMConfig the command resolved from its --llm-* flags; default `current_config()`)
    is shipped to the workers: their processes do not see the command's flags."""
    env = RateLimits.from_env()  # a flag (0 = no limit) wins over the environment
    rpm = env.requests_per_minute if llm_rpm is None else (llm_rpm or None)
    tpm = env.tokens_per_minute if llm_tpm is None else (llm_tpm or None)
    limits = RateLimits(requests_per_minute=rpm, tokens_per_minute=tpm)
    if backend not in LLM_BACKENDS:
        llm_config = None
    elif llm_config is None:
        from extractor.llm.config import current_config

        llm_config = current_config()
    return RayOptions(
        address=ray_address or None,
        ocr_workers=max(0, ocr_workers),
        inputs=ray_inputs,  # type: ignore[arg-type]
        max_retries=max_retries,
        limits=limits,
        llm_config=llm_config,
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
