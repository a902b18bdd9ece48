"""The library API: ingest → chunk → extract → validate, one document at a time.

    from extractor.pipeline import extract_document
    result = extract_document(Path("report.pdf"))                      # a DocumentResult
    result = extract_document(path, backend="hybrid", llm=LLMConfig.from_env(),
                              ocr=OcrSettings(mode="never"))
    result.projects[0].indicators[0].score

Every setting is an argument, with the command line's defaults (`backend="rules"`,
`ocr=OcrSettings()`: OCR of pages without a usable text layer; `llm`: the environment);
nothing is kept in the process between calls. `backend` is a name from the registry
(`extractor.backends`) or a backend object, which may be reused across documents.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from extractor import __version__
from extractor.accounts import extract_accounts
from extractor.backends import Backend, Extraction, get_backend
from extractor.chunk import chunk_document
from extractor.document import Chunk, Document
from extractor.errors import InputError
from extractor.inputs import (
    SUPPORTED_SUFFIXES,
    PageCallback,
    file_sha256,
    load_document,
)
from extractor.models import (
    FUNDING_NUMBER_FIELDS,
    DocumentResult,
    Flag,
    FundingLine,
    Project,
    Source,
)
from extractor.ocr.settings import OcrSettings

if TYPE_CHECKING:
    from extractor.llm.config import LLMConfig

__all__ = [
    "SUPPORTED_SUFFIXES",
    "Extracted",
    "extract_document",
    "extract_with_document",
    "file_sha256",
    "load_document",
    "write_result",
]


@dataclass
class Extracted:
    """A result with the document and chunks it was read from (for side files)."""

    result: DocumentResult
    document: Document
    chunks: list[Chunk]


def _merge_funding(ours: list[FundingLine], theirs: list[FundingLine]) -> list[FundingLine]:
    """Funding lines of two views of one project: same source → fill missing amounts."""
    merged = list(ours)
    for line in theirs:
        same = next((m for m in merged if m.source == line.source), None)
        if same is None:
            merged.append(line)
            continue
        for name in FUNDING_NUMBER_FIELDS:
            if getattr(same, name) is None and getattr(line, name) is not None:
                setattr(same, name, getattr(line, name))
    return merged


def _merge_scoring(projects: list[Project]) -> list[Project]:
    """A report that prints its indicator system twice (criteria and scores) is one
    project: keep the table with the most scored indicators and fill in from the other."""
    scoring = [p for p in projects if p.form == "evaluation_scoring"]
    if len(scoring) < 2:
        return projects
    groups: list[list[Project]] = []
    for project in scoring:
        for group in groups:
            if not project.name or not group[0].name or project.name == group[0].name:
                group.append(project)
                break
        else:
            groups.append([project])
    keep: list[Project] = []
    for group in groups:
        best = max(
            group, key=lambda p: (sum(i.score is not None for i in p.indicators), len(p.indicators))
        )
        for other in group:
            if other is best:
                continue
            best.name = best.name or other.name
            best.year = best.year or other.year
            best.department = best.department or other.department
            best.implementer = best.implementer or other.implementer
            best.funding = _merge_funding(best.funding, other.funding)
        keep.append(best)
    return [p for p in projects if p.form != "evaluation_scoring" or p in keep]


def _reader_flags(projects: list[Project]) -> list[Flag]:
    """What the reader noticed in each form, now that the forms have their ids."""
    out = []
    for project in projects:
        for flag in project.reader_flags:
            out.append(flag.model_copy(update={"project": project.id}))
    return out


def _no_records(document: Document) -> InputError:
    """Why a document gave nothing, with what OCR said about it when it could not help."""
    if any(p.needs_ocr for p in document.pages):
        message = "没有文字层（扫描件），需要 OCR；未找到可识别的绩效表格"
    else:
        message = "未找到可识别的绩效表格（自评表、目标表、评分表或决算表）"
    why = next((n for n in document.notes if "OCR 引擎不可用" in n or "OCR 失败" in n), None)
    return InputError(f"{message}（{why}）" if why else message)


def _backend(backend: str | Backend, llm: LLMConfig | None) -> Backend:
    return get_backend(backend, llm=llm) if isinstance(backend, str) else backend


def extract_with_document(
    path: Path,
    *,
    backend: str | Backend = "rules",
    ocr: OcrSettings | None = None,
    llm: LLMConfig | None = None,
    validate: bool = True,
    on_page: PageCallback | None = None,
) -> Extracted:
    """`extract_document`, also returning the `Document` and chunks it read."""
    engine = _backend(backend, llm)  # a bad setting fails before the file is read
    settings = ocr if ocr is not None else OcrSettings()
    document = load_document(Path(path), ocr=settings, on_page=on_page)
    chunks = chunk_document(document)
    extraction = engine.read(document, chunks)
    projects = _merge_scoring(extraction.projects)
    for index, project in enumerate(projects, start=1):
        project.id = f"p{index}"
    accounts, accounts_meta = extract_accounts(document)  # 部门决算 表1–表9
    if not projects and not accounts and not extraction.partial:  # a failed model call is
        raise _no_records(document)  # no bad input: its result is kept, marked partial
    result = DocumentResult(
        doc_id=document.doc_id,
        source=Source(path=str(path), sha256=document.sha256, pages=len(document.pages)),
        projects=projects,
        meta={
            "pipeline_version": __version__,
            "backend": engine.name,
            "encoding": document.encoding,
            "chunks": {
                "forms": sum(c.kind == "form" for c in chunks),
                "narrative": sum(c.kind == "narrative" for c in chunks),
            },
            "notes": document.notes,
        },
    )
    result.accounts, result.meta["accounts"] = accounts, accounts_meta
    result.flags = [*_reader_flags(projects), *result.flags]
    _attach(result, extraction)
    if validate:
        from extractor.validate import validate_result

        report = validate_result(result, document, chunks)
        result.flags = [*result.flags, *report.flags]
        result.meta["validation"] = {"checks_run": report.checks_run, "skipped": report.skipped}
    from extractor.ocr.annotate import annotate_ocr

    annotate_ocr(result, document, settings.low_confidence)  # boxes, ocr.low_confidence
    return Extracted(result=result, document=document, chunks=chunks)


def _attach(result: DocumentResult, extraction: Extraction) -> None:
    """The backend's flags (llm.ungrounded, hybrid.disagreement …) and meta."""
    flags = [f for f in (p.resolve(result.projects) for p in extraction.flags) if f is not None]
    result.flags = [*result.flags, *flags]
    result.meta.update(extraction.meta)  # model backends: meta.llm, meta.partial …


def extract_document(
    path: Path,
    *,
    backend: str | Backend = "rules",
    ocr: OcrSettings | None = None,
    llm: LLMConfig | None = None,
    validate: bool = True,
    on_page: PageCallback | None = None,
) -> DocumentResult:
    """Run the whole pipeline on one file (see the module docstring). Raises InputError
    for an unreadable input or one without any recognisable form; ConfigError for a bad
    backend name or incomplete LLM settings, before the file is read."""
    return extract_with_document(
        path, backend=backend, ocr=ocr, llm=llm, validate=validate, on_page=on_page
    ).result


def write_result(result: DocumentResult, out_dir: Path) -> Path:
    """Write `<doc_id>.json` atomically (a reader never sees a half-written file), with
    the permissions the umask gives."""
    from extractor.ocr.sidecar import atomic_write_text

    os.makedirs(out_dir, exist_ok=True)
    return atomic_write_text(
        Path(out_dir) / f"{result.doc_id}.json", result.model_dump_json(indent=2)
    )
