"""The LLM-assisted extraction backends (`--backend llm`, `--backend hybrid`).

    from extractor.pipeline import extract_document
    from extractor.llm import LLMConfig
    result = extract_document(path, backend="hybrid", llm=LLMConfig.from_env())
    result.meta["llm"]["usage"]                       # calls, tokens, estimated cost

Both are registered in `extractor.backends` (`get_backend("llm", llm=config)`); a
backend object may be kept and passed to `extract_document` for many documents.

Modules: config (settings), prompts (templates in prompts/), requests (calls and cache
keys), split (long forms), caller (concurrency; the SDK's and instructor's retries),
cache, schema (response models), convert, grounding, cells (the chunk's cells), hybrid
(the merge), arithmetic, batch (Batch API and estimates), usage, pricing, cli.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from extractor.errors import ConfigError

if TYPE_CHECKING:
    from extractor.llm.backend import LLMBackend
    from extractor.llm.config import LLMConfig
    from extractor.llm.hybrid import HybridBackend


def __getattr__(name: str) -> Any:
    # `LLMConfig` on first use: `extractor.llm.options` (imported by the command line at
    # start-up) must not pull in pydantic and the client libraries with this package.
    if name == "LLMConfig":
        from extractor.llm.config import LLMConfig

        return LLMConfig
    raise AttributeError(name)


def _config(llm: LLMConfig | None) -> LLMConfig:
    from extractor.llm.config import LLMConfig

    config = LLMConfig.from_env() if llm is None else llm
    if not isinstance(config, LLMConfig):
        raise ConfigError(f"LLM 后端需要 LLMConfig，而不是 {type(config).__name__}")
    return config


def llm_backend(llm: LLMConfig | None = None, **options: Any) -> LLMBackend:
    """`--backend llm` with `llm` (default: the environment); ConfigError if incomplete."""
    from extractor.llm.backend import LLMBackend

    return LLMBackend(_config(llm), **options)


def hybrid_backend(llm: LLMConfig | None = None, **options: Any) -> HybridBackend:
    """`--backend hybrid`: the template parser and the model, merged record by record."""
    from extractor.llm.hybrid import HybridBackend

    return HybridBackend(_config(llm), **options)


__all__ = ["ConfigError", "LLMConfig", "hybrid_backend", "llm_backend"]
