"""Deterministic validator: cross-check the arithmetic the forms promise and flag every
field in doubt.

    report = validate_result(result, document, chunks)
    report.flags, report.checks_run, report.skipped, report.by_severity()

Rule families live in one module each (funding, indicators, totals, document_rules,
narrative); rule ids, severities and descriptions are in `rules.RULES`. Validation is
pure and fast (milliseconds per document): regexes over the records and the prose.
"""

from __future__ import annotations

from extractor.document import Chunk, Document
from extractor.models import DocumentResult
from extractor.validate.accounts import check_accounts
from extractor.validate.blanks import check_blanks
from extractor.validate.criteria import check_criteria
from extractor.validate.crosscheck import check_unpaid_but_executed
from extractor.validate.document_rules import check_document
from extractor.validate.funding import check_funding
from extractor.validate.indicators import check_indicators
from extractor.validate.narrative import check_narrative
from extractor.validate.prose import paragraph_chunks, prose_units
from extractor.validate.regions import form_regions
from extractor.validate.report import Context, ValidationReport
from extractor.validate.rules import RULES, Rule
from extractor.validate.stated import check_stated_figures
from extractor.validate.totals import check_totals

__all__ = ["RULES", "Rule", "ValidationReport", "validate_result"]


def validate_result(
    result: DocumentResult,
    document: Document | None = None,
    chunks: list[Chunk] | None = None,
) -> ValidationReport:
    """Validate one document's records and return the flags.

    - Record rules (funding, indicators, totals, duplicates) need only `result`.
    - Source rules (项目清单, stated formulas, unit headers, whether a form has a 偏差原因
      column) read `document.text`, or the chunks' text when no document is given.
    - Narrative rules read the `narrative` chunks (and sentence-like table cells of the
      form chunks); with a document but no chunks, the document's paragraphs are used.
      `document` also turns narrative offsets into spans.
    """
    if chunks is None and document is not None:
        chunks = paragraph_chunks(document)
    chunks = chunks or []
    ctx = Context(
        result=result, document=document, chunks=chunks, text=_source_text(document, chunks)
    )
    regions = form_regions(ctx.text, result.projects, document) if ctx.text else {}
    for project in result.projects:
        check_funding(ctx, project)
        check_indicators(ctx, project, regions.get(project.id))
        check_blanks(ctx, project)
        check_totals(ctx, project)
        check_unpaid_but_executed(ctx, project)
        check_criteria(ctx, project)
    check_document(ctx, regions)
    units = prose_units(chunks)  # the report's sentences, read once for both families
    check_narrative(ctx, units)
    check_stated_figures(ctx)  # figures a model read, where sentence patterns found nothing
    check_accounts(ctx, units)
    return ctx.report()


def _source_text(document: Document | None, chunks: list[Chunk]) -> str:
    """The text source rules read, with offsets as in `Document.text` where possible."""
    if document is not None:
        return document.text
    if not chunks:
        return ""
    # Rebuild the document text from the chunks so their offsets still hold; gaps
    # between chunks become spaces.
    ordered = sorted(chunks, key=lambda c: c.start)
    size = max(c.start + len(c.text) for c in ordered)
    buffer = [" "] * size
    for chunk in ordered:
        buffer[chunk.start : chunk.start + len(chunk.text)] = list(chunk.text)
    return "".join(buffer)
