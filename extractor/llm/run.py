"""Run the pipeline with an LLM backend and attach what the backend adds.

`extract_document(path, backend)` is `extractor.pipeline.extract_document` plus the
backend's `finalize` (grounding/disagreement flags, failures, usage and cost, stated
figures, `meta.partial`) before validation. A document whose every form failed still
gets a (partial) result, so nothing already extracted is lost.
"""

from __future__ import annotations

from pathlib import Path

from extractor import __version__
from extractor.document import Document
from extractor.errors import InputError
from extractor.llm.backend import LLMBackend
from extractor.models import DocumentResult, Source


def extract_document(path: Path, backend: LLMBackend, validate: bool = True) -> DocumentResult:
    from extractor.pipeline import extract_document as pipeline_extract

    try:
        result = pipeline_extract(path, backend=backend, validate=False)
    except InputError:
        state = backend.state_for(Path(path).stem)
        if state is None or not state.failures:
            raise
        result = _empty_result(path, backend, state.document)
    state = backend.state_for(result.doc_id)
    if "llm" not in result.meta:  # the pipeline did not call `finalize` itself
        backend.finalize(result, state.document if state else None, state.chunks if state else None)
    else:
        state = backend.last_finalized
    if validate and state is not None:
        from extractor.validate import validate_result

        report = validate_result(result, state.document, state.chunks)
        result.flags = [*result.flags, *report.flags]
        result.meta["validation"] = {"checks_run": report.checks_run, "skipped": report.skipped}
    return result


def _empty_result(path: Path, backend: LLMBackend, document: Document) -> DocumentResult:
    """The result of a document whose every form failed: no records, the failures."""
    return DocumentResult(
        doc_id=document.doc_id,
        source=Source(path=str(path), sha256=document.sha256, pages=len(document.pages)),
        meta={
            "pipeline_version": __version__,
            "backend": backend.name,
            "encoding": document.encoding,
            "notes": document.notes,
        },
    )


def is_partial(result: DocumentResult) -> bool:
    return bool(result.meta.get("partial"))
