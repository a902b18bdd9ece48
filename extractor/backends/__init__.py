"""Extraction backends: each turns a chunk into `Project` records.

A backend is anything with a `name` and an `extract(chunk, document)` method; the
stages around it (chunking before, merging and validation after) do not change when
a backend is added. `get_backend("rules")` is the offline template parser.
"""

from __future__ import annotations

from typing import Protocol

from extractor.document import Chunk, Document
from extractor.models import Project


class Backend(Protocol):
    name: str

    def extract(self, chunk: Chunk, document: Document) -> list[Project]:
        """Records of one chunk. Project ids are assigned by the pipeline afterwards."""
        ...


def get_backend(name: str, config: object | None = None) -> Backend:
    """A backend by name. "llm" and "hybrid" take an `extractor.llm.LLMConfig` (default:
    the one set by the CLI, else the environment) and raise `ConfigError` (a ValueError)
    naming every missing setting before any work is done."""
    if name == "rules":
        from extractor.backends.rules import RulesBackend

        return RulesBackend()
    if name in ("llm", "hybrid"):
        from extractor.llm import make_backend

        return make_backend(name, config)
    raise ValueError(f"未知的抽取后端: {name}（可用: rules, llm, hybrid）")
