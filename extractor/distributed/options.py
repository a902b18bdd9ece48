"""Settings of a run on a Ray cluster (the batch settings themselves are `BatchOptions`).

Nothing here imports Ray: the package stays importable without the optional extra.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

InputMode = Literal["auto", "shared", "object"]
INPUT_MODES: tuple[str, ...] = ("auto", "shared", "object")

# (path, options, on_page) -> the payload `extractor.batch.write_outputs` takes
Processor = Callable[..., dict[str, Any]]

RPM_ENV = "EXTRACTOR_LLM_RPM"
TPM_ENV = "EXTRACTOR_LLM_TPM"


@dataclass(frozen=True)
class RateLimits:
    """An endpoint's quota, shared by every worker of the run: at most
    `requests_per_minute` HTTP requests and `tokens_per_minute` tokens (prompt +
    completion) in any window of `window` seconds (60 unless a test shortens it)."""

    requests_per_minute: int | None = None
    tokens_per_minute: int | None = None
    window: float = 60.0
    jitter: float = 0.5  # seconds a request may reach the endpoint after its grant
    request_burst: int | None = None  # default: max(1, rpm // 50)
    token_burst: int | None = None  # default: max(1, tpm // 20)
    output_tokens_guess: int = 1024  # charged up front when a request sets no max_tokens

    @property
    def active(self) -> bool:
        return bool(self.requests_per_minute) or bool(self.tokens_per_minute)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> RateLimits:
        """`EXTRACTOR_LLM_RPM` / `EXTRACTOR_LLM_TPM` (unset or 0: no limit)."""
        env = os.environ if env is None else env
        values: dict[str, int | None] = {}
        for name, var in (("requests_per_minute", RPM_ENV), ("tokens_per_minute", TPM_ENV)):
            raw = env.get(var, "").strip()
            if not raw:
                continue
            try:
                number = int(raw)
            except ValueError:
                raise ValueError(f"{var} 应为整数，实际为 {raw!r}") from None
            if number < 0:
                raise ValueError(f"{var} 不能为负数")
            values[name] = number or None
        return cls(**values)

    def public(self) -> dict[str, Any]:
        return {
            "requests_per_minute": self.requests_per_minute,
            "tokens_per_minute": self.tokens_per_minute,
            "window_seconds": self.window,
        }


@dataclass(frozen=True)
class RayOptions:
    """How a batch runs on Ray.

    - `address`: None = Ray's own rule (RAY_ADDRESS, else a cluster started on this
      machine with `ray start`, else a new local instance); "auto" = an existing
      cluster; "local" = always a new local instance; "ray://head:10001" = Ray Client.
    - `ocr_workers`: size of the actor pool (0 = the cluster's CPUs / `cpus_per_worker`,
      at most one per document). Asking for more than fit makes an autoscaling cluster
      add nodes.
    - `inputs`: "shared" sends paths (every node sees the same files: NFS, a mounted
      bucket), "object" sends the bytes through Ray's object store, "auto" = shared on
      a one-node cluster, object otherwise.
    - `max_retries`: times a document is retried after its worker died (killed, out of
      memory, node lost). A document's own error is never retried.
    """

    address: str | None = None
    ocr_workers: int = 0
    cpus_per_worker: float = 1.0
    inputs: InputMode = "auto"
    max_retries: int = 2
    limits: RateLimits = field(default_factory=RateLimits)
    processor: Processor | None = None  # default: extractor.batch.process_document
    warm_up: bool = True  # load the OCR models when a worker starts, not on its first page
    include_dashboard: bool | None = None  # for a local instance this run starts
    num_cpus: int | None = None  # for a local instance this run starts
    log_to_driver: bool = False  # worker output in this terminal (it disturbs the bar)
    runtime_env: dict[str, Any] | None = None  # passed to ray.init (e.g. py_modules)
    progress_interval: float = 1.0  # seconds between page-progress polls of busy workers
    start_failures: int = 3  # actor start failures tolerated per pool slot before giving up

    def __post_init__(self) -> None:
        if self.inputs not in INPUT_MODES:
            raise ValueError(f"inputs 只接受 {'|'.join(INPUT_MODES)}，收到 {self.inputs!r}")
        if self.max_retries < 0 or self.ocr_workers < 0 or self.cpus_per_worker <= 0:
            raise ValueError("max_retries、ocr_workers 不能为负，cpus_per_worker 必须为正")

    def public(self) -> dict[str, Any]:
        return {
            "address": self.address,
            "ocr_workers": self.ocr_workers,
            "cpus_per_worker": self.cpus_per_worker,
            "inputs": self.inputs,
            "max_retries": self.max_retries,
            "llm_rate_limit": self.limits.public() if self.limits.active else None,
        }
