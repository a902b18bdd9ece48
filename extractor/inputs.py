"""Inputs: which files the extractor reads, and reading one into a `Document`.

    from extractor.inputs import collect_inputs, load_document
    files, problems = collect_inputs([Path("reports/")])      # files, (path, reason)
    document = load_document(files[0], ocr=OcrSettings(mode="never"))

Every setting is an argument: `ocr` defaults to `OcrSettings()` (OCR of pages without a
usable text layer), the same as the command line's `--ocr auto`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from extractor.document import Document
from extractor.errors import InputError
from extractor.ocr.settings import OcrSettings

TEXT_SUFFIXES = {".txt", ".text"}
PDF_SUFFIXES = {".pdf"}
MARKUP_SUFFIXES = {".md", ".markdown", ".html", ".htm"}
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | PDF_SUFFIXES | MARKUP_SUFFIXES | IMAGE_SUFFIXES
SUPPORTED_WORDS = ".txt .pdf .md .html .png .jpg .tif"

PageCallback = Callable[[int, int, bool], None]  # (page number, page count, OCR'd)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def collect_inputs(paths: list[Path]) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Files to process (folders searched recursively), and the paths that could not
    be used with the reason."""
    files: list[Path] = []
    problems: list[tuple[Path, str]] = []
    for path in paths:
        if not path.exists():
            problems.append((path, "文件或目录不存在"))
        elif path.is_dir():
            found = sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES
            )
            if not found:
                problems.append((path, f"目录中没有可处理的报告（{SUPPORTED_WORDS}）"))
            files.extend(found)
        else:
            files.append(path)
    return files, problems


def load_document(
    path: Path,
    *,
    ocr: OcrSettings | None = None,
    on_page: PageCallback | None = None,
) -> Document:
    """Read any supported input into a `Document`. Raises InputError with the reason.

    `ocr`: how pages without a usable text layer are read (default: `OcrSettings()`,
    auto); `on_page(number, count, ocr)` is called after each PDF page (progress bars)."""
    path = Path(path)
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
        return _read_pdf(path, doc_id, sha, ocr if ocr is not None else OcrSettings(), on_page)
    if suffix in MARKUP_SUFFIXES:
        from extractor.ingest.markup import read_markup

        return read_markup(path, doc_id, sha)
    if suffix in IMAGE_SUFFIXES:
        from extractor.ingest.image import read_image

        settings = ocr if ocr is not None else OcrSettings()
        return _mupdf_guard(lambda: read_image(path, doc_id, sha, ocr=settings, on_page=on_page))
    raise InputError(f"不支持的文件类型 {suffix or '(无扩展名)'}（支持 {SUPPORTED_WORDS}）")


def _read_pdf(
    path: Path, doc_id: str, sha: str, ocr: OcrSettings, on_page: PageCallback | None
) -> Document:
    from extractor.ingest.pdf import read_pdf

    return _mupdf_guard(lambda: read_pdf(path, doc_id, sha, ocr=ocr, on_page=on_page))


def _mupdf_guard(read: Callable[[], Document]) -> Document:
    """MuPDF's own errors escaping a reader (a truncated file whose page tree cannot be
    counted: "code=7: Invalid number of pages") mean a damaged file, not a bug here."""
    import pymupdf

    mupdf_errors = (RuntimeError, getattr(getattr(pymupdf, "mupdf", None), "FzErrorBase", OSError))
    try:
        return read()
    except mupdf_errors as exc:
        raise InputError(f"PDF 文件已损坏或不完整，无法读取（{exc}）") from exc
