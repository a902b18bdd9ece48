"""Extraction backends: each turns a document's chunks into `Project` records.

    from extractor.backends import get_backend
    backend = get_backend("hybrid", llm=LLMConfig.from_env())   # ConfigError if incomplete
    extraction = backend.read(document, chunks)                  # projects, flags, meta

A backend has a `name` and `read(document, chunks) -> Extraction`. The stages around it
(chunking before; merging, ids, validation after) do not change when one is added. A
reader of one form at a time (`FormReader`: `extract(chunk, document)`, like the template
parser) becomes a backend with `PerForm`.

Backends are found by name in a registry (`register_backend`); their modules are imported
only when asked for, so this package imports neither the template parser nor the LLM
client, and the LLM package may import this one (never the other way round).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from extractor.document import Chunk, Document
from extractor.errors import ConfigError
from extractor.models import Flag, Project, Severity, Span

if TYPE_CHECKING:
    from extractor.llm.config import LLMConfig


@dataclass
class PendingFlag:
    """A flag raised before project ids exist (they are given after all chunks are read);
    `project` is the record object itself."""

    rule: str
    path: str
    message: str
    project: Project | None = None
    severity: Severity = "warning"
    expected: Any = None
    found: Any = None
    span: Span | None = None

    def resolve(self, projects: list[Project]) -> Flag | None:
        """The flag with the project's final id; None when the project was merged away."""
        project_id: str | None = None
        if self.project is not None:
            match = next((p for p in projects if p is self.project), None)
            if match is None:
                return None
            project_id = match.id
        return Flag(
            rule=self.rule,
            severity=self.severity,
            project=project_id,
            path=self.path,
            message=self.message,
            expected=self.expected,
            found=self.found,
            span=self.span,
        )


@dataclass
class Extraction:
    """What a backend read from one document."""

    projects: list[Project] = field(default_factory=list)
    flags: list[PendingFlag] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)  # merged into the result's meta
    # Some chunk could not be read (a model call failed): the result is partial, and a
    # document with no records is not "without forms".
    partial: bool = False


class Backend(Protocol):
    name: str

    def read(self, document: Document, chunks: list[Chunk]) -> Extraction:
        """Records of a document's chunks. Project ids are given by the pipeline."""
        ...


class FormReader(Protocol):
    """Reads one form chunk at a time (the template parser)."""

    name: str

    def extract(self, chunk: Chunk, document: Document) -> list[Project]: ...


class PerForm:
    """A backend that gives every form chunk to a `FormReader`."""

    def __init__(self, reader: FormReader) -> None:
        self.reader = reader
        self.name = reader.name

    def read(self, document: Document, chunks: list[Chunk]) -> Extraction:
        projects = [
            p
            for chunk in chunks
            if chunk.kind == "form"
            for p in self.reader.extract(chunk, document)
        ]
        return Extraction(projects=projects)


# --- the registry ---------------------------------------------------------------------

BackendFactory = Callable[..., Backend]


@dataclass(frozen=True)
class _Entry:
    target: str | BackendFactory  # "module:function", imported when first asked for
    uses_llm: bool = False


_REGISTRY: dict[str, _Entry] = {}


def register_backend(name: str, target: str | BackendFactory, *, uses_llm: bool = False) -> None:
    """Make a backend available by name. `target` (or the "module:function" it names) is
    called as `target(llm=LLMConfig | None, **options)` and returns a `Backend`."""
    _REGISTRY[name] = _Entry(target, uses_llm)


def available() -> list[str]:
    return list(_REGISTRY)


def uses_llm(name: str) -> bool:
    """True for backends that call a model (they take the --llm-* settings)."""
    entry = _REGISTRY.get(name)
    return bool(entry and entry.uses_llm)


def _factory(entry: _Entry) -> BackendFactory:
    if not isinstance(entry.target, str):
        return entry.target
    module, _, attribute = entry.target.partition(":")
    factory: BackendFactory = getattr(importlib.import_module(module), attribute)
    return factory


def get_backend(name: str, *, llm: LLMConfig | None = None, **options: Any) -> Backend:
    """A backend by name. Backends that call a model take `llm` (default: the
    environment, `LLMConfig.from_env()`) and raise `ConfigError` naming every missing
    setting before any work is done."""
    entry = _REGISTRY.get(name)
    if entry is None:
        raise ConfigError(f"未知的抽取后端: {name}（可用: {', '.join(available())}）")
    return _factory(entry)(llm=llm, **options)


def _rules(llm: object = None, **_options: Any) -> Backend:
    from extractor.backends.rules import RulesBackend

    return PerForm(RulesBackend())


register_backend("rules", _rules)
register_backend("llm", "extractor.llm:llm_backend", uses_llm=True)
register_backend("hybrid", "extractor.llm:hybrid_backend", uses_llm=True)
