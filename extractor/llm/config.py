"""LLM backend configuration: flags override the environment, which overrides defaults.

Environment variables (flags of `extractor run/eval` map onto the same fields):

    EXTRACTOR_LLM_BASE_URL   (falls back to OPENAI_BASE_URL)
    EXTRACTOR_LLM_MODEL      (falls back to OPENAI_MODEL)
    EXTRACTOR_LLM_API_KEY    (falls back to OPENAI_API_KEY)
    EXTRACTOR_LLM_MODE       tools | json | json_schema | md_json
    EXTRACTOR_LLM_TEMPERATURE, _TIMEOUT, _MAX_RETRIES, _VALIDATION_RETRIES,
    EXTRACTOR_LLM_CONCURRENCY, _MAX_CHUNK_TOKENS, _MAX_OUTPUT_TOKENS
    EXTRACTOR_LLM_CACHE_DIR, _NO_CACHE, _OFFLINE, _PRICES (a JSON price table)
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError

from extractor.errors import ConfigError

Mode = Literal["tools", "json", "json_schema", "md_json"]
MODES: tuple[str, ...] = ("tools", "json", "json_schema", "md_json")

ENV_PREFIX = "EXTRACTOR_LLM_"
# field → environment variables, first found wins
ENV_NAMES: dict[str, tuple[str, ...]] = {
    "base_url": ("EXTRACTOR_LLM_BASE_URL", "OPENAI_BASE_URL"),
    "model": ("EXTRACTOR_LLM_MODEL", "OPENAI_MODEL"),
    "api_key": ("EXTRACTOR_LLM_API_KEY", "OPENAI_API_KEY"),
    "mode": ("EXTRACTOR_LLM_MODE",),
    "temperature": ("EXTRACTOR_LLM_TEMPERATURE",),
    "timeout": ("EXTRACTOR_LLM_TIMEOUT",),
    "max_retries": ("EXTRACTOR_LLM_MAX_RETRIES",),
    "validation_retries": ("EXTRACTOR_LLM_VALIDATION_RETRIES",),
    "concurrency": ("EXTRACTOR_LLM_CONCURRENCY",),
    "max_chunk_tokens": ("EXTRACTOR_LLM_MAX_CHUNK_TOKENS",),
    "max_output_tokens": ("EXTRACTOR_LLM_MAX_OUTPUT_TOKENS",),
    "cache_dir": ("EXTRACTOR_LLM_CACHE_DIR",),
    "no_cache": ("EXTRACTOR_LLM_NO_CACHE",),
    "offline": ("EXTRACTOR_LLM_OFFLINE",),
    "prices": ("EXTRACTOR_LLM_PRICES",),
}
# how a missing required setting is named in the error
REQUIRED_HINTS: dict[str, str] = {
    "base_url": "接口地址（--llm-base-url 或 EXTRACTOR_LLM_BASE_URL / OPENAI_BASE_URL）",
    "model": "模型名（--llm-model 或 EXTRACTOR_LLM_MODEL）",
    "api_key": (
        "API 密钥（--llm-api-key 或 EXTRACTOR_LLM_API_KEY / OPENAI_API_KEY；本地服务可填任意值）"
    ),
}
_TRUE = {"1", "true", "yes", "on", "y"}
_FALSE = {"0", "false", "no", "off", "n", ""}


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "budget-extractor" / "llm"


class LLMConfig(BaseModel):
    """Everything the LLM and hybrid backends need. Immutable; build with `from_env`
    or `resolve` (flags over environment) and pass it on: nothing is kept in the process."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    base_url: str | None = None
    model: str | None = None
    api_key: SecretStr | None = None
    mode: Mode = "tools"
    temperature: float = Field(default=0.0, ge=0, le=2)
    timeout: float = Field(default=60.0, gt=0)  # seconds per HTTP call
    max_retries: int = Field(default=4, ge=0)  # 429/5xx/timeout/connection: the SDK retries
    validation_retries: int = Field(default=2, ge=0)  # instructor re-asks after a schema violation
    concurrency: int = Field(default=8, ge=1)
    max_chunk_tokens: int = Field(default=6000, ge=200)  # a longer form is split by rows
    max_output_tokens: int | None = Field(default=None, ge=1)
    cache_dir: Path = Field(default_factory=default_cache_dir)
    no_cache: bool = False  # bypass the cache (neither read nor written)
    offline: bool = False  # use only the cache; a miss fails that chunk
    prices: Path | None = None  # JSON price table overriding the defaults
    narrative: bool = True  # ask the model for the figures narrative chunks state

    def missing(self) -> list[str]:
        """Required settings that are not set. Offline runs need only the model (it is
        part of the cache key)."""
        needed = ("model",) if self.offline else ("base_url", "model", "api_key")
        missing = []
        for name in needed:
            value = getattr(self, name)
            if isinstance(value, SecretStr):
                value = value.get_secret_value()
            if not value:
                missing.append(name)
        return missing

    def require_ready(self) -> LLMConfig:
        """Raise one clear ConfigError naming every missing setting; else self."""
        missing = self.missing()
        if missing:
            listed = "；".join(REQUIRED_HINTS[m] for m in missing)
            raise ConfigError(f"LLM 后端缺少配置：{listed}")
        if self.offline and self.no_cache:
            raise ConfigError("--offline 只使用缓存，不能与 --no-cache 同时使用")
        return self

    def key_value(self) -> str:
        return self.api_key.get_secret_value() if self.api_key else ""

    def public(self) -> dict[str, Any]:
        """Settings safe to store in results (no key)."""
        return {
            "base_url": self.base_url,
            "model": self.model,
            "mode": self.mode,
            "temperature": self.temperature,
            "timeout": self.timeout,
            "max_retries": self.max_retries,
            "validation_retries": self.validation_retries,
            "concurrency": self.concurrency,
            "max_chunk_tokens": self.max_chunk_tokens,
            "offline": self.offline,
            "cache": not self.no_cache,
        }

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> LLMConfig:
        return cls.resolve({}, env)

    @classmethod
    def resolve(
        cls, overrides: Mapping[str, Any], env: Mapping[str, str] | None = None
    ) -> LLMConfig:
        """Flags (`overrides`, None meaning "not given") over environment over defaults."""
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        for field, names in ENV_NAMES.items():
            raw = next((env[n] for n in names if env.get(n, "").strip()), None)
            if raw is not None:
                values[field] = raw.strip()
        for field, value in overrides.items():
            if value is not None:
                values[field] = value
        for flag in ("no_cache", "offline"):
            if isinstance(values.get(flag), str):
                values[flag] = _parse_bool(flag, values[flag])
        if isinstance(values.get("mode"), str):
            values["mode"] = values["mode"].lower().replace("-", "_")
        try:
            return cls(**values)
        except ValidationError as exc:
            problems = "；".join(
                f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
            )
            raise ConfigError(f"LLM 配置有误：{problems}（mode 可选 {', '.join(MODES)}）") from None


def _parse_bool(name: str, raw: str) -> bool:
    text = raw.strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ConfigError(f"LLM 配置有误：{name} 应为 true/false，实际为 {raw!r}")
