"""Document processors for the fault tests. Ray workers import this module by name
(the repository is on their path, as it is on the driver's), so it stays small."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from extractor.batch import BatchOptions, process_document
from extractor.llm.config import LLMConfig


def slow_processor(
    path: Path,
    options: BatchOptions,
    on_page: Any = None,
    *,
    marker: str = "slow",
    seconds: float = 2.0,
    pid_dir: str | None = None,
) -> dict[str, Any]:
    """`process_document`, but an input whose name holds `marker` takes `seconds`
    longer (and leaves the worker's pid in `pid_dir`, for a test to kill it)."""
    if marker in path.name:
        if pid_dir is not None:
            target = Path(pid_dir) / f"{path.stem}.{os.getpid()}.pid"
            target.write_text(str(os.getpid()), encoding="ascii")
        time.sleep(seconds)
    return process_document(path, options, on_page)


def call_many(limiter: Any, config: LLMConfig, tag: str, count: int) -> tuple[str, list[bool]]:
    """`count` concurrent narrative calls through the real LLM caller, its requests
    gated by the shared limiter (run as a Ray task)."""
    from extractor.distributed.gate import RateLimitGate
    from extractor.llm.caller import Caller
    from extractor.llm.requests import CallSpec

    gate = RateLimitGate(limiter)
    specs = [
        CallSpec(
            key=f"{tag}-{i}",
            kind="narrative",
            messages=[
                {"role": "system", "content": "只列出数字。"},
                {"role": "user", "content": f"报告正文片段 {tag}-{i}：全年支出27.6万元。"},
            ],
            chunk_index=0,
        )
        for i in range(count)
    ]
    outcomes = Caller(config, None, gate=gate).run(specs)
    return "gate", [o.ok for o in outcomes]
