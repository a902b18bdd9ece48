"""Rough token counts for planning (no tokenizer download): about one token per CJK
character and one per four other characters — the order of magnitude BPE tokenizers
give for these documents. Real usage comes from the API's `usage`."""

from __future__ import annotations

import json
from typing import Any


def estimate_tokens(text: str) -> int:
    wide = sum(1 for ch in text if ord(ch) > 0x2E7F)
    narrow = len(text) - wide
    return wide + (narrow + 3) // 4


def estimate_messages(messages: list[dict[str, Any]], extra: Any = None) -> int:
    """Prompt tokens of a chat request: the messages plus tools/response_format."""
    total = 0
    for message in messages:
        total += 4 + estimate_tokens(str(message.get("content") or ""))
    if extra:
        total += estimate_tokens(json.dumps(extra, ensure_ascii=False))
    return total + 2
