"""Page images for the review panel: the source page rendered with PyMuPDF on request,
cached on disk, so a reviewer checks a number against the scan.

PDF inputs render their own pages. Image inputs (.png, .jpg, .tif — one page per frame —
.bmp) render the pages the image reader made of them (`ingest.image.images_to_pdf`: the
paper size from the stated resolution, else A4), so the record boxes (`Span.bbox`, in
page points as displayed) land where the OCR found the text. Text inputs have no page
image: the panel keeps the text view.

The source is looked for where the import found it and where the result says it is,
and used only when its sha256 still matches the stored result: a moved, deleted or
changed file gives a `PageImageProblem` whose message is shown on the page. Rendered
pages live under the cache folder as ``<sha256>/p<page>.png`` with the page size beside
them (``.json``), written atomically; once rendered, a page is shown even if the source
later moves.

PyMuPDF is not thread-safe, so all rendering in this process is serialised.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from extractor.errors import ExtractorError
from extractor.review.records import DocumentRecord

PDF_SUFFIXES = frozenset({".pdf"})
MAX_ZOOM = 2.0  # 144 dpi for an A4 page
MAX_SIDE = 2200  # pixels on the longer side of a rendered page
_SHA = re.compile(r"^[0-9a-f]{64}$")
_render_lock = threading.Lock()


class PageImageProblem(ExtractorError):
    """Why there is no page image (Chinese, shown to the reviewer)."""


@dataclass(frozen=True)
class PageGeometry:
    width: float  # points
    height: float
    zoom: float  # pixels per point of the cached image


def source_kind(path: str) -> str:
    """ "pdf", "image" or "text" (anything PyMuPDF should not draw as a page)."""
    from extractor.ingest.image import IMAGE_SUFFIXES

    suffix = Path(path).suffix.lower()
    if suffix in PDF_SUFFIXES:
        return "pdf"
    if suffix in IMAGE_SUFFIXES:
        return "image"
    return "text"


def default_cache_dir(db_file: Path | None) -> Path:
    """Beside a SQLite store (``review.db`` → ``review.db-pages``), else the user's
    cache folder."""
    if db_file is not None:
        return db_file.with_name(db_file.name + "-pages")
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "extractor" / "review-pages"


class PageImages:
    def __init__(self, cache_dir: Path) -> None:
        self.cache_dir = cache_dir
        self._hashes: dict[tuple[str, int, int], str] = {}

    # --- public -------------------------------------------------------------------------

    def geometry(self, record: DocumentRecord, page: int) -> PageGeometry:
        """The page's size; renders the page first when it is not cached."""
        meta = self._paths(record, page)[1]
        if not meta.is_file():
            self.render(record, page)
        try:
            data = json.loads(meta.read_text(encoding="utf-8"))
            return PageGeometry(float(data["width"]), float(data["height"]), float(data["zoom"]))
        except (OSError, ValueError, KeyError) as exc:
            raise PageImageProblem("页面图像缓存已损坏，请删除缓存文件夹后重试") from exc

    def render(self, record: DocumentRecord, page: int) -> Path:
        """The cached PNG of the page, rendered now if needed."""
        png, meta = self._paths(record, page)
        if png.is_file() and meta.is_file():
            return png
        if source_kind(record.source_path) == "text":
            raise PageImageProblem("文本输入没有页面图像")
        source = self.locate(record)
        with _render_lock:
            if png.is_file() and meta.is_file():
                return png
            data, geometry = _render(source, page)
            png.parent.mkdir(parents=True, exist_ok=True)
            _write_atomic(png, data)
            _write_atomic(
                meta,
                json.dumps(
                    {"width": geometry.width, "height": geometry.height, "zoom": geometry.zoom}
                ).encode(),
            )
        return png

    def locate(self, record: DocumentRecord) -> Path:
        """The source file, unchanged since the import, or PageImageProblem."""
        candidates = [Path(p) for p in (record.source_file, record.source_path) if p]
        changed = False
        for candidate in candidates:
            try:
                if not candidate.is_file():
                    continue
                if self._sha256(candidate) == record.sha256:
                    return candidate
                changed = True
            except OSError:
                continue
        shown = record.source_file or record.source_path
        if changed:
            raise PageImageProblem(
                f"原文件 {shown} 的内容与导入时不同（已被修改或替换），无法显示页面图像；"
                "下方为导入时保存的原文文字"
            )
        raise PageImageProblem(
            f"找不到原文件 {shown}（可能已移动或删除），无法显示页面图像；"
            "下方为导入时保存的原文文字"
        )

    # --- helpers ------------------------------------------------------------------------

    def _paths(self, record: DocumentRecord, page: int) -> tuple[Path, Path]:
        sha = record.sha256 if _SHA.match(record.sha256) else _digest(record.sha256)
        folder = self.cache_dir / sha
        return folder / f"p{int(page)}.png", folder / f"p{int(page)}.json"

    def _sha256(self, path: Path) -> str:
        from extractor.pipeline import file_sha256

        stat = path.stat()
        key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
        if key not in self._hashes:
            self._hashes[key] = file_sha256(path)
        return self._hashes[key]


def _digest(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode()).hexdigest()


def _open(source: Path) -> Any:
    """The source as the pipeline read it: a PDF, or the pages made of an image."""
    import pymupdf

    from extractor.ingest.image import images_to_pdf

    try:
        if source_kind(str(source)) == "image":
            return images_to_pdf(source)
        return pymupdf.open(source)
    except Exception as exc:  # InputError, and the several kinds PyMuPDF raises
        raise PageImageProblem(f"无法打开原文件 {source}：文件已损坏或格式不受支持") from exc


def _render(source: Path, page: int) -> tuple[bytes, PageGeometry]:
    import pymupdf

    document = _open(source)
    try:
        if not 1 <= page <= document.page_count:
            raise PageImageProblem(f"原文件只有 {document.page_count} 页，没有第 {page} 页")
        shown = document[page - 1]
        rect = shown.rect
        zoom = min(MAX_ZOOM, MAX_SIDE / max(rect.width, rect.height, 1.0))
        pixmap = shown.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), alpha=False)
        return pixmap.tobytes("png"), PageGeometry(rect.width, rect.height, zoom)
    except PageImageProblem:
        raise
    except Exception as exc:  # a damaged page fails only when it is drawn
        raise PageImageProblem(
            f"无法绘制原文件 {source} 的第 {page} 页：文件已损坏或格式不受支持"
        ) from exc
    finally:
        document.close()


def _write_atomic(path: Path, data: bytes) -> None:
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
