"""Configuration: flags over environment over defaults; one clear error before any work."""

from pathlib import Path

import pytest

from extractor.backends import get_backend
from extractor.errors import ConfigError, ExtractorError
from extractor.llm import LLMConfig
from extractor.llm.config import MODES
from extractor.llm.options import MODES as OPTION_MODES
from extractor.llm.options import config_from_options


def test_environment_with_openai_fallbacks() -> None:
    env = {"OPENAI_BASE_URL": "http://o/v1", "OPENAI_API_KEY": "sk-o", "EXTRACTOR_LLM_MODEL": "m1"}
    config = LLMConfig.from_env(env)
    assert (config.base_url, config.model, config.key_value()) == ("http://o/v1", "m1", "sk-o")
    assert (config.mode, config.temperature, config.concurrency) == ("tools", 0.0, 8)
    env["EXTRACTOR_LLM_BASE_URL"] = "http://e/v1"
    env["EXTRACTOR_LLM_MODE"] = "MD-JSON"
    env["EXTRACTOR_LLM_OFFLINE"] = "yes"
    config = LLMConfig.from_env(env)
    assert (config.base_url, config.mode, config.offline) == ("http://e/v1", "md_json", True)


def test_flags_override_environment() -> None:
    env = {"EXTRACTOR_LLM_MODEL": "env-model", "EXTRACTOR_LLM_TIMEOUT": "30"}
    config = config_from_options({"model": "flag-model", "timeout": None, "no_cache": False}, env)
    assert config.model == "flag-model" and config.timeout == 30 and config.no_cache is False


def test_missing_settings_are_named_in_one_error() -> None:
    with pytest.raises(ConfigError) as info:
        LLMConfig.from_env({}).require_ready()
    message = str(info.value)
    assert "接口地址" in message and "模型名" in message and "API 密钥" in message
    # offline runs need only the model (it is part of the cache key)
    assert LLMConfig.from_env(
        {"EXTRACTOR_LLM_MODEL": "m", "EXTRACTOR_LLM_OFFLINE": "1"}
    ).require_ready()


def test_malformed_values_are_config_errors() -> None:
    with pytest.raises(ConfigError, match="mode"):
        LLMConfig.from_env({"EXTRACTOR_LLM_MODE": "xml"})
    with pytest.raises(ConfigError, match="temperature"):
        LLMConfig.from_env({"EXTRACTOR_LLM_TEMPERATURE": "hot"})
    with pytest.raises(ConfigError, match="true/false"):
        LLMConfig.from_env({"EXTRACTOR_LLM_OFFLINE": "maybe"})
    ready = {"base_url": "http://x/v1", "model": "m", "api_key": "k"}
    with pytest.raises(ConfigError, match="--no-cache"):
        LLMConfig(**ready, offline=True, no_cache=True).require_ready()


def test_get_backend_fails_before_any_work(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in (
        "EXTRACTOR_LLM_BASE_URL",
        "OPENAI_BASE_URL",
        "EXTRACTOR_LLM_MODEL",
        "OPENAI_MODEL",
        "EXTRACTOR_LLM_API_KEY",
        "OPENAI_API_KEY",
    ):
        monkeypatch.delenv(name, raising=False)
    for backend in ("llm", "hybrid"):
        with pytest.raises(ValueError, match="LLM 后端缺少配置"):
            get_backend(backend)
    with pytest.raises(ConfigError, match="rules, llm, hybrid"):
        get_backend("nope")
    config = LLMConfig(base_url="http://127.0.0.1:9/v1", model="m", api_key="k", cache_dir=tmp_path)
    assert get_backend("hybrid", llm=config).name == "hybrid"
    assert get_backend("llm", llm=config).name == "llm"
    # the environment is the default, read when the backend is made (nothing is kept)
    monkeypatch.setenv("EXTRACTOR_LLM_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("EXTRACTOR_LLM_MODEL", "env-model")
    monkeypatch.setenv("EXTRACTOR_LLM_API_KEY", "k")
    assert get_backend("llm").config.model == "env-model"  # type: ignore[attr-defined]


def test_every_project_error_is_an_extractor_error() -> None:
    assert issubclass(ConfigError, ExtractorError) and issubclass(ConfigError, ValueError)
    assert OPTION_MODES == MODES  # the light option module and the config agree


def test_json_schema_mode_is_refused_for_openai_itself(tmp_path: Path) -> None:
    config = LLMConfig(
        base_url="https://api.openai.com/v1",
        model="gpt-4o-mini",
        api_key="k",
        mode="json_schema",
        cache_dir=tmp_path,
    )
    with pytest.raises(ConfigError, match="json_schema"):
        get_backend("llm", llm=config)


def test_public_settings_never_hold_the_key(tmp_path: Path) -> None:
    config = LLMConfig(base_url="http://x/v1", model="m", api_key="sk-secret", cache_dir=tmp_path)
    assert "sk-secret" not in str(config.public()) and "sk-secret" not in repr(config)
