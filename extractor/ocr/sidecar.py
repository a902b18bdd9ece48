"""`--save-ocr`: what the engine read, kept beside the JSON.

- `<doc_id>.ocr.txt`: the document's row text as the parser read it, pages separated by
  form feeds. OCR'd pages hold what OCR read; other pages their text layer. It is a
  valid `.txt` input: running the extractor on it gives the same records.
- `<doc_id>.ocr.tsv`: one line per OCR line: page, box (x0 y0 x1 y1, PDF points on the
  page as displayed), confidence and text.

Files are written atomically (temporary file, then rename): a reader or an interrupted
run never leaves half a file.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from extractor.document import Document
from extractor.ocr.model import ocr_pages

TSV_HEADER = "page\tx0\ty0\tx1\ty1\tconfidence\ttext"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write_text(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def ocr_text(document: Document) -> str:
    return "\f".join(page.text for page in document.pages) + "\n"


def ocr_lines_tsv(document: Document) -> str:
    rows = [TSV_HEADER]
    for page in ocr_pages(document):
        for line in page.ocr.lines:
            x0, y0, x1, y1 = line.bbox
            text = line.text.replace("\t", " ").replace("\n", " ")
            rows.append(
                f"{line.page}\t{x0:.1f}\t{y0:.1f}\t{x1:.1f}\t{y1:.1f}\t{line.confidence:.4f}\t{text}"
            )
    return "\n".join(rows) + "\n"


def sidecar_paths(out_dir: Path, doc_id: str) -> tuple[Path, Path]:
    return out_dir / f"{doc_id}.ocr.txt", out_dir / f"{doc_id}.ocr.tsv"


def write_ocr_files(document: Document, out_dir: Path, doc_id: str | None = None) -> list[Path]:
    """Write the two files when any page was read by OCR; returns the paths written."""
    if not ocr_pages(document):
        return []
    text_path, tsv_path = sidecar_paths(out_dir, doc_id or document.doc_id)
    return [
        atomic_write_text(text_path, ocr_text(document)),
        atomic_write_text(tsv_path, ocr_lines_tsv(document)),
    ]
