"""The calls a document needs: one per form chunk (or per part of a long form) and one
per narrative chunk whose prose states figures; their cache keys and request bodies.

A form is stated as the kind the pipeline gave it (`Chunk.form`, from its printed title)
with that kind's rules from the prompt files; tables that are not forms (budget tables,
final accounts) are left out of the narrative calls: only prose lines are sent."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel

from extractor.document import Chunk
from extractor.llm.config import LLMConfig
from extractor.llm.prompts import PromptSet
from extractor.llm.schema import ANSWER_MODELS, schema_hash
from extractor.llm.split import split_form
from extractor.llm.tokens import estimate_messages, estimate_tokens
from extractor.normalize import join_number_spaces
from extractor.rows import read_rows

CallKind = Literal["form", "narrative"]

# How the pipeline decided the form's kind (`Chunk.form_by`), as the prompt says it.
FORM_BASIS: dict[str, str] = {
    "title": "由表格标题确定",
    "document": "表格未印标题，由报告中的文字确定",
    "columns": "表格未印标题，由表头的列确定",
}
CONTEXT_HEAD = 400  # characters kept from the start of a long context (report titles)
CONTEXT_TAIL = 1200  # and from its end (the lines right above the form)
# A figure stated with its unit: what the narrative prompt lists (dates, table numbers,
# row formulas such as "27 行= (1+2+…)" and headings are not).
_STATED_FIGURE = re.compile(
    r"\d\s*(?:万元|亿元|元|%|％|万人次|人次|人|户|家|次|个|项|件|份|套|种|所|名|分|倍|台|辆|张|床|吨|亩|小时|平方米|公里|天)"
)
_NUMBER_CELL = re.compile(r"^[\d.,，%％\s-]+$")
ANSWER_BASE = 60  # tokens of an answer's frame
TOKENS_PER_RECORD_ROW = 66
NARRATIVE_SHARE = 0.3
JSON_INSTRUCTION = (
    "As a genius expert, your task is to understand the content and provide\n"
    "the parsed objects in json that match the following json_schema:\n\n{schema}\n\n"
    "Make sure to return an instance of the JSON, not the schema itself"
)
MD_JSON_INSTRUCTION = (
    "Return the correct JSON response within a ```json codeblock. not the JSON_SCHEMA"
)


@dataclass(frozen=True)
class CallSpec:
    """One chat call: what to send, where its answer belongs, and its cache key."""

    key: str
    kind: CallKind
    messages: list[dict[str, str]] = field(compare=False)
    chunk_index: int  # index into the document's chunk list
    part: int = 1
    parts: int = 1
    label: str = ""
    text: str = field(default="", compare=False)  # the form part or prose the call reads

    @property
    def answer_model(self) -> type[BaseModel]:
        return ANSWER_MODELS[self.kind]


def form_text(chunk: Chunk) -> str:
    """A form as the prompt shows it: its row text, one table row a line, cells
    separated by tabs. (The one place to render a chunk that keeps its grid.)"""
    return chunk.text


def prose_text(text: str) -> str:
    """The lines of a narrative chunk that are not table rows."""
    return "\n".join(row.raw for row in read_rows(text) if not row.is_table and row.raw.strip())


def record_rows(text: str) -> int:
    """Table rows that print a number in a cell of their own (indicator and funding
    rows, subtotals): about one record of the answer each."""
    return sum(
        1
        for row in read_rows(text)
        if row.is_table and any(c.key and _NUMBER_CELL.match(c.key) for c in row.cells)
    )


def trim_context(context: str) -> str:
    context = context.strip("\n")
    if len(context) <= CONTEXT_HEAD + CONTEXT_TAIL:
        return context
    return context[:CONTEXT_HEAD] + "\n……（中间省略）……\n" + context[-CONTEXT_TAIL:]


def _part_note(part: int, parts: int) -> str:
    if parts == 1:
        return "这是完整的一张表。"
    if part == 1:
        return f"表格太长，分为 {parts} 部分，这是第 1 部分：录入项目信息、资金行和本部分的指标行。"
    return (
        f"这是同一张表的第 {part}/{parts} 部分（续表）。"
        "开头几行是重复的表头，只用来认列：不要录入其中的"
        "项目信息和资金行，只录入表头之后的指标行、小计和总分；首行的一级/二级指标为空时沿用上一部分的。"
    )


class RequestBuilder:
    """Builds `CallSpec`s from chunks, and OpenAI request bodies from specs."""

    def __init__(self, config: LLMConfig, prompts: PromptSet) -> None:
        self.config = config
        self.prompts = prompts
        self.schema_hashes = {kind: schema_hash(model) for kind, model in ANSWER_MODELS.items()}

    def key(self, kind: CallKind, messages: list[dict[str, str]]) -> str:
        """Cache key: model, prompt hash, schema hash and the chunk text sent."""
        user = messages[-1]["content"]
        parts = [
            self.config.model or "",
            self.prompts.get(kind).hash,
            self.schema_hashes[kind],
            user,
        ]
        return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()[:40]

    def specs(self, chunks: list[Chunk]) -> list[CallSpec]:
        """Every call a document's chunks need, forms first, in document order."""
        forms = [(i, c) for i, c in enumerate(chunks) if c.kind == "form"]
        specs = [spec for i, chunk in forms for spec in self.form_specs(i, chunk)]
        if forms and self.config.narrative:
            for i, chunk in enumerate(chunks):
                spec = self.narrative_spec(i, chunk) if chunk.kind == "narrative" else None
                if spec is not None:
                    specs.append(spec)
        return specs

    def form_specs(self, index: int, chunk: Chunk) -> list[CallSpec]:
        prompt = self.prompts.form
        parts = split_form(form_text(chunk), self.config.max_chunk_tokens)
        label = prompt.label(chunk.form)
        specs = []
        for part in parts:
            messages = prompt.render(
                form_label=label,
                form_basis=FORM_BASIS.get(chunk.form_by, FORM_BASIS["title"]),
                title=chunk.title or "（未印出标题）",
                form_rules=prompt.rules(chunk.form),
                part_note=_part_note(part.index, part.count),
                context=trim_context(chunk.context) or "（无）",
                text=part.text,
            )
            suffix = f" 第{part.index}/{part.count}部分" if part.count > 1 else ""
            specs.append(
                CallSpec(
                    key=self.key("form", messages),
                    kind="form",
                    messages=messages,
                    chunk_index=index,
                    part=part.index,
                    parts=part.count,
                    label=f"表格 {chunk.title or label}{suffix}",
                    text=part.text,
                )
            )
        return specs

    def narrative_spec(self, index: int, chunk: Chunk) -> CallSpec | None:
        prose = prose_text(chunk.text)
        if not _STATED_FIGURE.search(join_number_spaces(prose)):
            return None  # no figure stated in prose (tables are not narrative)
        messages = self.prompts.narrative.render(text=prose)
        return CallSpec(
            key=self.key("narrative", messages),
            kind="narrative",
            messages=messages,
            chunk_index=index,
            label=f"正文 {chunk.start}-{chunk.end}",
            text=prose,
        )

    # --- request bodies (batch export, dry-run estimates) ------------------------------

    def body(self, spec: CallSpec) -> dict[str, Any]:
        """The chat-completions body a live call in the configured mode sends."""
        model = spec.answer_model
        schema = model.model_json_schema()
        messages = [dict(m) for m in spec.messages]
        body: dict[str, Any] = {"model": self.config.model, "temperature": self.config.temperature}
        if self.config.max_output_tokens:
            body["max_tokens"] = self.config.max_output_tokens
        mode = self.config.mode
        if mode == "tools":
            body["tools"] = [{"type": "function", "function": tool_schema(model)}]
            body["tool_choice"] = {"type": "function", "function": {"name": model.__name__}}
        else:
            instruction = JSON_INSTRUCTION.format(
                schema=json.dumps(schema, ensure_ascii=False, indent=2)
            )
            messages[0]["content"] += "\n\n" + instruction
            if mode == "json":
                body["response_format"] = {"type": "json_object"}
            elif mode == "json_schema":
                body["response_format"] = {
                    "type": "json_schema",
                    "json_schema": {"name": model.__name__, "schema": schema},
                }
            else:
                messages[-1]["content"] += "\n\n" + MD_JSON_INSTRUCTION
        body["messages"] = messages
        return body

    def estimated_completion_tokens(self, spec: CallSpec) -> int:
        """The answer's size: a form's answer restates its records (about one per table
        row that prints a number: ~66 tokens each, fitted on the oracle answers of
        golden 000–003 and within 30 % on each of them); a narrative answer lists the
        figures of its prose (a share of it: not measured, no real answers here)."""
        if spec.kind == "form":
            return ANSWER_BASE + TOKENS_PER_RECORD_ROW * record_rows(spec.text)
        return ANSWER_BASE + int(estimate_tokens(spec.text) * NARRATIVE_SHARE)

    def estimated_prompt_tokens(self, spec: CallSpec) -> int:
        body = self.body(spec)
        extra = {k: body[k] for k in ("tools", "response_format") if k in body}
        return estimate_messages(body["messages"], extra)


def tool_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The function definition instructor sends in tools mode."""
    schema = model.model_json_schema()
    parameters = {k: v for k, v in schema.items() if k not in ("title", "description")}
    description = (model.__doc__ or "").strip() or f"Correctly extracted `{model.__name__}`"
    return {"name": model.__name__, "description": description, "parameters": parameters}
