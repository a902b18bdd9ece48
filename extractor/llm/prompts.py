"""Versioned prompt templates (`prompts/llm.json` names the active files).

Templates use `{{name}}` placeholders. The form prompt also has a file of form kinds
(`form.v2.kinds.md`): for each kind the pipeline gives a chunk (from the form's printed
title), its name in the prompt and its rules. `PromptSet.hashes` (sha256 of every file of
a prompt) and `versions` go into each result's meta and into the cache key.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from extractor.errors import ExtractorError
from extractor.resources import resource_dir

MANIFEST = "llm.json"
_PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")


class PromptError(ExtractorError):
    """A prompt template is missing or names a placeholder nobody fills."""


@dataclass(frozen=True)
class FormKind:
    label: str  # the kind's name in the prompt (项目支出绩效自评表 …)
    rules: str  # what to mind for this kind, one line per rule


@dataclass(frozen=True)
class Prompt:
    kind: str  # "form" | "narrative"
    version: str
    system: str
    user: str
    hash: str  # sha256 of every file of the prompt, 16 hex digits
    kinds: dict[str, FormKind] = field(default_factory=dict)  # form kind → label, rules

    def label(self, kind: str | None) -> str:
        entry = self.kinds.get(kind or "")
        return entry.label if entry else "绩效表"

    def rules(self, kind: str | None) -> str:
        entry = self.kinds.get(kind or "")
        return entry.rules if entry else "- 按字段规则录入。"

    def render(self, **values: str) -> list[dict[str, str]]:
        def fill(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in values:
                raise PromptError(f"提示模板 {self.version} 的占位符 {{{{{name}}}}} 没有值")
            return values[name]

        return [
            {"role": "system", "content": self.system},
            {"role": "user", "content": _PLACEHOLDER.sub(fill, self.user)},
        ]


@dataclass(frozen=True)
class PromptSet:
    form: Prompt
    narrative: Prompt

    def get(self, kind: str) -> Prompt:
        return self.form if kind == "form" else self.narrative

    @property
    def versions(self) -> dict[str, str]:
        return {"form": self.form.version, "narrative": self.narrative.version}

    @property
    def hashes(self) -> dict[str, str]:
        return {"form": self.form.hash, "narrative": self.narrative.hash}

    @classmethod
    def load(cls, folder: Path | None = None) -> PromptSet:
        folder = folder or resource_dir("prompts")
        try:
            manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
            return cls(
                **{kind: _load(folder, kind, manifest[kind]) for kind in ("form", "narrative")}
            )
        except (OSError, KeyError, json.JSONDecodeError) as exc:
            raise PromptError(f"无法读取提示模板 {folder / MANIFEST}: {exc}") from None


def _load(folder: Path, kind: str, entry: dict[str, str]) -> Prompt:
    system = (folder / entry["system"]).read_text(encoding="utf-8")
    user = (folder / entry["user"]).read_text(encoding="utf-8")
    kinds_text = (folder / entry["kinds"]).read_text(encoding="utf-8") if "kinds" in entry else ""
    text = f"{entry['version']}\0{system}\0{user}" + (f"\0{kinds_text}" if kinds_text else "")
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    return Prompt(
        kind=kind,
        version=entry["version"],
        system=system,
        user=user,
        hash=digest,
        kinds=parse_kinds(kinds_text),
    )


def parse_kinds(text: str) -> dict[str, FormKind]:
    """`## <kind>` sections, each a `label:` line and the rule lines under it."""
    kinds: dict[str, FormKind] = {}
    for section in re.split(r"^## ", text, flags=re.MULTILINE)[1:]:
        heading, _, body = section.partition("\n")
        lines = [line.strip() for line in body.strip().splitlines() if line.strip()]
        label = next((ln.split(":", 1)[1].strip() for ln in lines if ln.startswith("label:")), "")
        rules = "\n".join(ln for ln in lines if not ln.startswith("label:"))
        if not label:
            raise PromptError(f"提示模板中表格类型 {heading.strip()} 没有 label")
        kinds[heading.strip()] = FormKind(label=label, rules=rules)
    return kinds
