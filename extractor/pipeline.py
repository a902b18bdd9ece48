"""The library API: ingest → chunk → extract → validate, one document at a time.

from extractor.pipeline import extract_document
result = extract_document(Path("report.pdf"))          # a DocumentResult
result.projects[0].indicators[0].score
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from extractor import __version__
from extractor.accounts import extract_accounts
from extractor.backends import Backend, get_backend
from extractor.chunk import chunk_document
from extractor.document import Chunk, Document
from extractor.errors import InputError
from extractor.models import (
    FUNDING_NUMBER_FIELDS,
    DocumentResult,
    Flag,
    FundingLine,
    Project,
    Source,
)
from extractor.ocr.annotate import annotate_ocr

TEXT_SUFFIXES = {".txt", ".text"}
PDF_SUFFIXES = {".pdf"}
MARKUP_SUFFIXES = {".md", ".markdown", ".html", ".htm"}
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | PDF_SUFFIXES | MARKUP_SUFFIXES | IMAGE_SUFFIXES


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_document(path: Path) -> Document:
    """Read any supported input into a `Document`. Raises InputError with the reason."""
    if not path.exists():
        raise InputError("文件不存在")
    if path.is_dir():
        raise InputError("这是一个目录，不是文件")
    if path.stat().st_size == 0:
        raise InputError("文件为空")
    suffix = path.suffix.lower()
    sha = file_sha256(path)
    doc_id = path.stem
    if suffix in TEXT_SUFFIXES:
        from extractor.ingest.text import read_text

        return read_text(path, doc_id, sha)
    if suffix in PDF_SUFFIXES:
        from extractor.ingest.pdf import read_pdf

        return read_pdf(path, doc_id, sha)
    if suffix in MARKUP_SUFFIXES:
        from extractor.ingest.markup import read_markup

        return read_markup(path, doc_id, sha)
    if suffix in IMAGE_SUFFIXES:
        from extractor.ingest.image import read_image

        return read_image(path, doc_id, sha)
    raise InputError(
        f"不支持的文件类型 {suffix or '(无扩展名)'}（支持 .txt .pdf .md .html .png .jpg .tif）"
    )


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


def extract_chunks(document: Document, chunks: list[Chunk], backend: Backend) -> list[Project]:
    extract_all = getattr(backend, "extract_all", None)
    if extract_all is not None:
        # a backend that takes a document's chunks at once (the LLM backends run them
        # concurrently and also read the narrative chunks)
        projects: list[Project] = list(extract_all(chunks, document))
    else:
        projects = []
        for chunk in chunks:
            if chunk.kind == "form":
                projects.extend(backend.extract(chunk, document))
    projects = _merge_scoring(projects)
    for index, project in enumerate(projects, start=1):
        project.id = f"p{index}"
    return projects


def _reader_flags(projects: list[Project]) -> list[Flag]:
    """What the reader noticed in each form, now that the forms have their ids."""
    out = []
    for project in projects:
        for flag in project.reader_flags:
            out.append(flag.model_copy(update={"project": project.id}))
    return out


def extract_document(
    path: Path, backend: str | Backend = "rules", validate: bool = True
) -> DocumentResult:
    """Run the whole pipeline on one file. Raises InputError for an unreadable input or
    one without any recognisable form."""
    engine = get_backend(backend) if isinstance(backend, str) else backend
    document = load_document(path)
    chunks = chunk_document(document)
    projects = extract_chunks(document, chunks, engine)
    accounts, accounts_meta = extract_accounts(document)  # 部门决算 表1–表9
    has_failures = getattr(engine, "has_failures", None)  # a model that failed is no bad input
    if not projects and not accounts and not (has_failures and has_failures(document.doc_id)):
        if any(p.needs_ocr for p in document.pages):
            raise InputError("没有文字层（扫描件），需要 OCR；未找到可识别的绩效表格")
        raise InputError("未找到可识别的绩效表格（自评表、目标表、评分表或决算表）")
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
    finalize = getattr(engine, "finalize", None)
    if finalize is not None:  # backend flags (llm.ungrounded, hybrid.disagreement) and meta
        finalize(result, document, chunks)
    if validate:
        from extractor.validate import validate_result

        report = validate_result(result, document, chunks)
        result.flags = [*result.flags, *report.flags]
        result.meta["validation"] = {"checks_run": report.checks_run, "skipped": report.skipped}
    annotate_ocr(result, document)  # OCR'd pages: boxes on spans, ocr.low_confidence flags
    return result


def write_result(result: DocumentResult, out_dir: Path) -> Path:
    """Write `<doc_id>.json` atomically: a reader never sees a half-written file."""
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{result.doc_id}.json"
    fd, tmp = tempfile.mkstemp(dir=out_dir, prefix=f".{result.doc_id}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(result.model_dump_json(indent=2))
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
