"""Re-validation after a decision: the project's current values through the same
validator (and the same chunking) as the pipeline.

Without the source text (a result imported without its document), rules that read the
source cannot run; their earlier flags for the project are kept as they were.
"""

from __future__ import annotations

from functools import lru_cache

from extractor.chunk import chunk_document
from extractor.document import Chunk, Document
from extractor.models import DocumentResult, Flag
from extractor.review.sources import build_document

SOURCE_RULE_PREFIXES = ("narrative.", "document.")
SOURCE_RULES = frozenset({"indicator.formula", "indicator.missing_deviation_reason"})


def needs_source(rule: str) -> bool:
    return rule in SOURCE_RULES or rule.startswith(SOURCE_RULE_PREFIXES)


@lru_cache(maxsize=16)
def _prepared(
    doc_id: str, path: str, sha256: str, pages: tuple[str, ...]
) -> tuple[Document, tuple[Chunk, ...]]:
    document = build_document(doc_id, path, sha256, list(pages))
    return document, tuple(chunk_document(document))


def validate_current(result: DocumentResult, pages: list[str] | None) -> list[Flag]:
    """All flags of the document as it stands now."""
    from extractor.validate import validate_result

    if not pages:
        return validate_result(result).flags
    document, chunks = _prepared(
        result.doc_id, result.source.path, result.source.sha256, tuple(pages)
    )
    return validate_result(result, document, list(chunks)).flags
