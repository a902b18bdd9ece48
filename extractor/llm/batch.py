"""OpenAI Batch API round trip and dry-run estimates.

- `plan(paths, config)`: the calls a run would make (no network), with rough token
  and cost estimates and which are already cached.
- `export_requests(plan, out)`: one JSONL line per call not yet cached —
  `{"custom_id": "<kind>-<cache key>", "method": "POST", "url": "/v1/chat/completions",
  "body": {...}}` — the body being what a live call in the configured mode sends.
- `import_results(path, config)`: a batch's output JSONL into the cache; afterwards
  `run --backend llm --offline` completes without the network.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from extractor.errors import InputError
from extractor.llm.cache import CacheEntry, DiskCache
from extractor.llm.config import LLMConfig
from extractor.llm.pricing import load_prices
from extractor.llm.prompts import PromptSet
from extractor.llm.requests import CallSpec, RequestBuilder
from extractor.llm.schema import ANSWER_MODELS
from extractor.llm.usage import Usage
from extractor.ocr.settings import OcrSettings

BATCH_URL = "/v1/chat/completions"


@dataclass
class PlannedCall:
    doc_id: str
    spec: CallSpec
    cached: bool
    prompt_tokens: int
    completion_tokens: int


@dataclass
class Plan:
    calls: list[PlannedCall] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    currency: str = "USD"
    cost: float | None = None

    @property
    def to_send(self) -> list[PlannedCall]:
        return [c for c in self.calls if not c.cached]

    def totals(self) -> dict[str, Any]:
        send = self.to_send
        return {
            "documents": len(self.documents),
            "calls": len(self.calls),
            "cached": len(self.calls) - len(send),
            "to_send": len(send),
            "form_calls": sum(c.spec.kind == "form" for c in send),
            "narrative_calls": sum(c.spec.kind == "narrative" for c in send),
            "prompt_tokens": sum(c.prompt_tokens for c in send),
            "completion_tokens": sum(c.completion_tokens for c in send),
            "estimated_cost": self.cost,
            "currency": self.currency,
        }

    def per_document(self) -> dict[str, dict[str, int]]:
        table: dict[str, dict[str, int]] = {}
        for call in self.calls:
            row = table.setdefault(
                call.doc_id, {"calls": 0, "cached": 0, "prompt_tokens": 0, "completion_tokens": 0}
            )
            row["calls"] += 1
            row["cached"] += call.cached
            row["prompt_tokens"] += call.prompt_tokens
            row["completion_tokens"] += call.completion_tokens
        return table


def plan(
    paths: list[Path],
    config: LLMConfig,
    prompts: PromptSet | None = None,
    ocr: OcrSettings | None = None,
) -> Plan:
    """The calls a run with `config` would make on `paths` (read with `ocr`, default
    auto as in a run, so the requests and cache keys are the run's own)."""
    from extractor.chunk import chunk_document
    from extractor.inputs import load_document

    builder = RequestBuilder(config, prompts or PromptSet.load())
    cache = None if config.no_cache else DiskCache(config.cache_dir)
    result = Plan()
    for path in paths:
        try:
            document = load_document(path, ocr=ocr)
        except InputError as exc:
            result.problems.append((str(path), str(exc)))
            continue
        result.documents.append(document.doc_id)
        for spec in builder.specs(chunk_document(document)):
            prompt_tokens = builder.estimated_prompt_tokens(spec)
            result.calls.append(
                PlannedCall(
                    doc_id=document.doc_id,
                    spec=spec,
                    cached=cache is not None and spec.key in cache,
                    prompt_tokens=prompt_tokens,
                    completion_tokens=builder.estimated_completion_tokens(spec),
                )
            )
    prices = load_prices(config.prices)
    totals = result.totals()
    result.currency = prices.currency
    result.cost = prices.cost(config.model, totals["prompt_tokens"], totals["completion_tokens"])
    return result


def custom_id(spec: CallSpec) -> str:
    return f"{spec.kind}-{spec.key}"


def export_requests(
    planned: Plan, out: Path, config: LLMConfig, *, include_cached: bool = False
) -> int:
    """Write the OpenAI Batch API input file; returns the number of requests written."""
    builder = RequestBuilder(config, PromptSet.load())
    calls = planned.calls if include_cached else planned.to_send
    seen: set[str] = set()
    lines = []
    for call in calls:
        cid = custom_id(call.spec)
        if cid in seen:  # the same chunk text twice (a repeated page) is one request
            continue
        seen.add(cid)
        line = {
            "custom_id": cid,
            "method": "POST",
            "url": BATCH_URL,
            "body": builder.body(call.spec),
        }
        lines.append(json.dumps(line, ensure_ascii=False))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return len(lines)


def parse_completion(body: dict[str, Any], model: type[BaseModel]) -> BaseModel:
    """A chat completion's answer in any mode: the first tool call's arguments, or the
    JSON object in the message text (plain or in a ```json block)."""
    message = body["choices"][0]["message"]
    calls = message.get("tool_calls") or []
    if calls:
        text = calls[0]["function"]["arguments"]
    elif message.get("function_call"):
        text = message["function_call"]["arguments"]
    else:
        content = message.get("content") or ""
        text = content[content.find("{") : content.rfind("}") + 1]
    return model.model_validate(json.loads(text, strict=False))


@dataclass
class ImportReport:
    imported: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (custom_id, reason)


def import_results(path: Path, config: LLMConfig) -> ImportReport:
    cache = DiskCache(config.cache_dir)
    report = ImportReport()
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(f"无法读取批处理结果：{exc}") from None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        cid = f"第{number}行"
        try:
            item = json.loads(line)
            cid = str(item.get("custom_id") or cid)
            kind, key = cid.split("-", 1)
            model = ANSWER_MODELS[kind]
            if item.get("error"):
                raise ValueError(f"批处理报错：{item['error']}")
            response = item.get("response") or {}
            if response.get("status_code", 200) != 200:
                raise ValueError(f"HTTP {response.get('status_code')}")
            body = response["body"]
            answer = parse_completion(body, model)
        except (ValueError, KeyError, IndexError, TypeError, ValidationError) as exc:
            report.failed.append(
                (cid, f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")
            )
            continue
        cache.put(
            CacheEntry(
                key=key,
                kind=kind,
                model=body.get("model") or config.model,
                answer=answer.model_dump(mode="json"),
                usage=Usage.of(body.get("usage")),
                source="batch",
            )
        )
        report.imported += 1
    return report
