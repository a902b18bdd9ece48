"""The --llm-* options of `extractor run` / `eval` / `llm …`, and turning them into an
`LLMConfig`. Light on purpose (typer only): the command line imports it at start-up.

    @app.command()
    @llm_options                      # adds --llm-base-url … --offline to the command
    def run(..., backend: str = "rules", llm_overrides: dict | None = None) -> None:
        config = config_from_options(llm_overrides)       # flags over environment
"""

from __future__ import annotations

import functools
import inspect
import typing
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

if TYPE_CHECKING:
    from extractor.llm.config import LLMConfig

MODES: tuple[str, ...] = ("tools", "json", "json_schema", "md_json")
PANEL = "LLM 后端（--backend llm / hybrid）"
F = TypeVar("F", bound=Callable[..., Any])


def _option(*names: str, help: str) -> Any:
    return typer.Option(*names, help=help, rich_help_panel=PANEL)


# parameter name → (config field, annotation)
OPTIONS: dict[str, tuple[str, Any]] = {
    "llm_base_url": (
        "base_url",
        Annotated[
            str | None,
            _option(
                "--llm-base-url",
                help="OpenAI 兼容接口地址（EXTRACTOR_LLM_BASE_URL，默认取 OPENAI_BASE_URL）",
            ),
        ],
    ),
    "llm_model": (
        "model",
        Annotated[str | None, _option("--llm-model", help="模型名（EXTRACTOR_LLM_MODEL）")],
    ),
    "llm_api_key": (
        "api_key",
        Annotated[
            str | None,
            _option(
                "--llm-api-key", help="API 密钥（EXTRACTOR_LLM_API_KEY，默认取 OPENAI_API_KEY）"
            ),
        ],
    ),
    "llm_mode": (
        "mode",
        Annotated[
            str | None,
            _option(
                "--llm-mode",
                help=f"结构化输出方式：{' / '.join(MODES)}（EXTRACTOR_LLM_MODE，默认 tools）",
            ),
        ],
    ),
    "llm_temperature": (
        "temperature",
        Annotated[float | None, _option("--llm-temperature", help="温度（默认 0）")],
    ),
    "llm_timeout": (
        "timeout",
        Annotated[float | None, _option("--llm-timeout", help="每次请求的超时秒数（默认 60）")],
    ),
    "llm_max_retries": (
        "max_retries",
        Annotated[
            int | None,
            _option(
                "--llm-max-retries",
                help="429/5xx/超时/连接失败的重试次数（默认 4；按 Retry-After 等待）",
            ),
        ],
    ),
    "llm_concurrency": (
        "concurrency",
        Annotated[
            int | None,
            _option("--llm-concurrency", help="每个工作进程同时进行的调用数（默认 8）"),
        ],
    ),
    "llm_cache_dir": (
        "cache_dir",
        Annotated[
            Path | None, _option("--llm-cache-dir", help="缓存目录（EXTRACTOR_LLM_CACHE_DIR）")
        ],
    ),
    "llm_prices": (
        "prices",
        Annotated[Path | None, _option("--llm-prices", help="价格表 JSON（每百万 token 的价格）")],
    ),
    "no_cache": (
        "no_cache",
        Annotated[bool, _option("--no-cache", help="不读也不写缓存")],
    ),
    "offline": (
        "offline",
        Annotated[bool, _option("--offline", help="只用缓存，不联网；缓存缺失的块记为失败")],
    ),
}


def config_from_options(
    overrides: dict[str, Any] | None, env: dict[str, str] | None = None
) -> LLMConfig:
    """The config from collected options (None/False = not given) over the environment.
    Raises ConfigError for a malformed value."""
    from extractor.llm.config import LLMConfig

    values = {k: v for k, v in (overrides or {}).items() if v is not None and v is not False}
    return LLMConfig.resolve(values, env)


def llm_options(func: F) -> F:
    """Give a typer command the --llm-* options; it receives them as `llm_overrides`
    (config field → value or None). The command's own parameters keep their settings,
    also when its module uses `from __future__ import annotations` (string annotations
    are resolved here, in the command's module)."""
    signature = inspect.signature(func)
    hints = typing.get_type_hints(func, include_extras=True)
    kept = [
        p.replace(annotation=hints.get(p.name, p.annotation))
        for p in signature.parameters.values()
        if p.name != "llm_overrides"
    ]
    added = [
        inspect.Parameter(
            name,
            inspect.Parameter.KEYWORD_ONLY,
            default=False if field in ("no_cache", "offline") else None,
            annotation=annotation,
        )
        for name, (field, annotation) in OPTIONS.items()
    ]

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        overrides = {field: kwargs.pop(name, None) for name, (field, _a) in OPTIONS.items()}
        return func(*args, llm_overrides=overrides, **kwargs)

    wrapper.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=kept + added, return_annotation=hints.get("return", None)
    )
    annotations = {p.name: p.annotation for p in kept + added}
    wrapper.__annotations__ = {**annotations, "return": None}
    del wrapper.__wrapped__  # typer must read this signature, not the wrapped function's
    return wrapper  # type: ignore[return-value]
