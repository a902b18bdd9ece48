"""Re-validation after a decision: the document's current values through the same
validator (and the same chunking) as the pipeline.

Only decisions that change a value (修改, or 撤销 of a 修改) re-validate; 确认 and 原文错误
change how flags are answered, never which flags are raised.

Without the source text (a result imported without its document), rules that read the
source cannot run; their earlier flags for the project are kept as they were. Flags the
validator does not raise (the readers' and the OCR's notes) are always kept.

The document and its chunks are built once per stored source (`key`) and reused.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from threading import Lock

from extractor.chunk import chunk_document
from extractor.document import Chunk, Document
from extractor.models import DocumentResult, Flag, Project
from extractor.review.sources import build_document

SOURCE_RULE_PREFIXES = ("narrative.", "document.")
SOURCE_RULES = frozenset({"indicator.formula", "indicator.missing_deviation_reason"})
_PREPARED_LIMIT = 32
_BASES_LIMIT = 16


def needs_source(rule: str) -> bool:
    return rule in SOURCE_RULES or rule.startswith(SOURCE_RULE_PREFIXES)


def raised_by_validator(rule: str) -> bool:
    """Whether re-validation decides this flag. The readers' and models' notes
    (reader.*, ocr.low_confidence, llm.*) come from extraction: a re-validation neither
    raises nor clears them."""
    from extractor.validate.rules import RULES

    return rule in RULES


@dataclass(frozen=True)
class Prepared:
    document: Document
    chunks: tuple[Chunk, ...]


_prepared: OrderedDict[tuple[object, ...], Prepared] = OrderedDict()
_prepared_guard = Lock()


def _prepare(key: tuple[object, ...], result: DocumentResult, pages: list[str]) -> Prepared:
    """The document and its chunks, built once per stored source (`key` names it)."""
    with _prepared_guard:
        found = _prepared.get(key)
        if found is not None:
            _prepared.move_to_end(key)
            return found
    document = build_document(result.doc_id, result.source.path, result.source.sha256, pages)
    prepared = Prepared(document, tuple(chunk_document(document)))
    with _prepared_guard:
        _prepared[key] = prepared
        while len(_prepared) > _PREPARED_LIMIT:
            _prepared.popitem(last=False)
    return prepared


def validate_current(
    result: DocumentResult,
    pages: list[str] | None,
    *,
    key: tuple[object, ...] | None = None,
) -> list[Flag]:
    """The flags of the document as it stands now. `key` identifies the stored source
    so its chunking is reused."""
    from extractor.validate import validate_result

    if not pages:
        return validate_result(result).flags
    prepared = _prepare(key or (result.doc_id, result.source.sha256, tuple(pages)), result, pages)
    return validate_result(result, prepared.document, list(prepared.chunks)).flags


_bases: OrderedDict[str, DocumentResult] = OrderedDict()


def current_result(base_json: str, changed: dict[str, dict[str, object]]) -> DocumentResult:
    """The stored extraction (`base_json`, parsed once) with the projects a review
    changed put in place (`changed`: project id → the project as it stands)."""
    with _prepared_guard:
        base = _bases.get(base_json)
        if base is not None:
            _bases.move_to_end(base_json)
    if base is None:
        base = DocumentResult.model_validate_json(base_json)
        with _prepared_guard:
            _bases[base_json] = base
            while len(_bases) > _BASES_LIMIT:
                _bases.popitem(last=False)
    if not changed:
        return base
    projects = [
        Project.model_validate(changed[p.id]) if p.id in changed else p for p in base.projects
    ]
    return base.model_copy(update={"projects": projects})
