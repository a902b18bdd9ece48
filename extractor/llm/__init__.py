"""The LLM-assisted extraction backends (`--backend llm`, `--backend hybrid`).

    from extractor.llm import LLMConfig, make_backend, extract_document
    backend = make_backend("llm", LLMConfig.from_env())     # ConfigError if incomplete
    result = extract_document(Path("report.pdf"), backend)  # flags, meta.llm, meta.partial

Modules: config (settings), prompts (templates in prompts/), requests (calls and cache
keys), split (long forms), caller (concurrency, retries), cache, schema (response
models), convert, grounding, hybrid, arithmetic, batch, cli.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from extractor.llm.config import ConfigError, LLMConfig, current_config, set_default_config

if TYPE_CHECKING:
    from extractor.llm.backend import LLMBackend
    from extractor.models import DocumentResult


def make_backend(name: str, config: object | None = None) -> LLMBackend:
    """ "llm" or "hybrid" with `config` (default: `current_config()`)."""
    if config is None:
        config = current_config()
    if not isinstance(config, LLMConfig):
        raise ConfigError(f"LLM 后端需要 LLMConfig，而不是 {type(config).__name__}")
    if name == "hybrid":
        from extractor.llm.hybrid import HybridBackend

        return HybridBackend(config)
    from extractor.llm.backend import LLMBackend

    return LLMBackend(config)


def extract_document(
    path: Path | str, backend: LLMBackend, validate: bool = True
) -> DocumentResult:
    """The pipeline on one file with an LLM backend, its flags and meta attached."""
    from extractor.llm.run import extract_document as run

    return run(Path(path), backend, validate=validate)


__all__ = [
    "ConfigError",
    "LLMConfig",
    "current_config",
    "extract_document",
    "make_backend",
    "set_default_config",
]
