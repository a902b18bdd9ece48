"""Versioned prompt templates (`prompts/llm.json` names the active files).

Templates use `{{name}}` placeholders. `PromptSet.hashes` (sha256 of every file of a
prompt) and `versions` go into each result's meta and into the cache key.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from extractor.resources import resource_dir

MANIFEST = "llm.json"
_PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")


class PromptError(Exception):
    """A prompt template is missing or names a placeholder nobody fills."""


@dataclass(frozen=True)
class Prompt:
    kind: str  # "form" | "narrative"
    version: str
    system: str
    user: str
    hash: str  # sha256 of system + user, 16 hex digits

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
    digest = hashlib.sha256(f"{entry['version']}\0{system}\0{user}".encode()).hexdigest()[:16]
    return Prompt(kind=kind, version=entry["version"], system=system, user=user, hash=digest)
