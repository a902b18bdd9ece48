"""Estimated cost of a run from token usage and a price table.

Prices are per million tokens, in the table's currency. The defaults below are rough
list prices and will drift: pass your own table with `--llm-prices prices.json`
(EXTRACTOR_LLM_PRICES), shaped like

    {"currency": "USD", "models": {"gpt-4o-mini": {"input": 0.15, "output": 0.6}},
     "batch_factor": 0.5}

`batch_factor` is the share of the price that answers through the Batch API cost (half,
at OpenAI).

A model is matched by exact name, then by the longest table name it starts with
("gpt-4o-mini-2024-07-18" → "gpt-4o-mini"). An unknown model has no cost estimate.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from extractor.llm.config import ConfigError


class Price(BaseModel):
    model_config = ConfigDict(extra="forbid")

    input: float = Field(ge=0)  # per 1M prompt tokens
    output: float = Field(ge=0)  # per 1M completion tokens


class PriceTable(BaseModel):
    model_config = ConfigDict(extra="forbid")

    currency: str = "USD"
    models: dict[str, Price] = Field(default_factory=dict)
    batch_factor: float = Field(default=0.5, ge=0)  # Batch API answers cost this share

    def price_of(self, model: str | None) -> Price | None:
        if not model:
            return None
        if model in self.models:
            return self.models[model]
        prefixes = [name for name in self.models if model.startswith(name)]
        return self.models[max(prefixes, key=len)] if prefixes else None

    def cost(self, model: str | None, prompt_tokens: int, completion_tokens: int) -> float | None:
        price = self.price_of(model)
        if price is None:
            return None
        return (prompt_tokens * price.input + completion_tokens * price.output) / 1_000_000


DEFAULT_PRICES = PriceTable(
    currency="USD",
    models={
        "gpt-4o-mini": Price(input=0.15, output=0.60),
        "gpt-4o": Price(input=2.50, output=10.00),
        "gpt-4.1-mini": Price(input=0.40, output=1.60),
        "gpt-4.1": Price(input=2.00, output=8.00),
        "deepseek-chat": Price(input=0.27, output=1.10),
        "qwen-plus": Price(input=0.11, output=0.28),
        "qwen-max": Price(input=0.33, output=1.32),
        "qwen-turbo": Price(input=0.04, output=0.09),
    },
)


def load_prices(path: Path | None) -> PriceTable:
    """The default table, or the one in `path` (its models replace same-named defaults)."""
    if path is None:
        return DEFAULT_PRICES
    try:
        table = PriceTable.model_validate_json(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValidationError, json.JSONDecodeError) as exc:
        raise ConfigError(f"价格表 {path} 无法读取：{exc}") from None
    merged = dict(DEFAULT_PRICES.models) if table.currency == DEFAULT_PRICES.currency else {}
    merged.update(table.models)
    return PriceTable(currency=table.currency, models=merged, batch_factor=table.batch_factor)
