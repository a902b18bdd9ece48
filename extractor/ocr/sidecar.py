"""`--save-ocr`: what the engine read, kept beside the JSON.

- `<doc_id>.ocr.txt`: the document's row text as the parser read it, pages separated by
  form feeds. OCR'd pages hold what OCR read; other pages their text layer. It is a
  valid `.txt` input: running the extractor on it gives the same records.
- `<doc_id>.ocr.tsv`: one line per OCR line: page, box (x0 y0 x1 y1, PDF points on the
  page as displayed), confidence and text.
- `<doc_id>.ocr.pages.jsonl`: the reading the review store keeps (`SourceReading`): a
  first line naming the result it belongs to (source sha256, pipeline version, run
  settings), then one line per page with its text and boxes. `review import` takes the
  page texts from it instead of OCR-ing the source again.

Files are written atomically (temporary file, then rename): a reader or an interrupted
run never leaves half a file.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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


Box = tuple[int, int, float, float, float, float]  # start, end, x0, y0, x1, y1 (Page.boxes)


@dataclass(frozen=True)
class SourceReading:
    """The page texts and boxes a result was read from, and which result that is: what
    the review store needs of a source, without reading (and OCR-ing) it again."""

    sha256: str
    pipeline_version: str
    run: dict[str, str] | None  # the result's meta.run (backend, OCR mode and engine …)
    texts: list[str]
    boxes: list[list[Box]]

    @classmethod
    def of(cls, document: Document, meta: dict[str, Any]) -> SourceReading:
        """The reading of `document`, for the result whose `meta` is given."""
        return cls(
            sha256=document.sha256,
            pipeline_version=str(meta.get("pipeline_version", "")),
            run=meta.get("run"),
            texts=[page.text for page in document.pages],
            boxes=[[tuple(b) for b in page.boxes] for page in document.pages],  # type: ignore[misc]
        )

    def fits(self, sha256: str, pages: int, meta: dict[str, Any]) -> bool:
        """Whether this is the reading of the result with this source hash, page count
        and meta (a reading left by an earlier run with other settings is not)."""
        return (
            self.sha256 == sha256
            and len(self.texts) == pages
            and self.pipeline_version == str(meta.get("pipeline_version", ""))
            and self.run == meta.get("run")
        )

    def to_jsonl(self) -> str:
        head = {"sha256": self.sha256, "pipeline_version": self.pipeline_version, "run": self.run}
        lines = [json.dumps(head, ensure_ascii=False)]
        lines += [
            json.dumps({"text": text, "boxes": boxes}, ensure_ascii=False)
            for text, boxes in zip(self.texts, self.boxes, strict=True)
        ]
        return "\n".join(lines) + "\n"

    @classmethod
    def from_jsonl(cls, text: str) -> SourceReading:
        """Raises ValueError (or KeyError, TypeError) for a file that is not one."""
        head, *pages = [json.loads(line) for line in text.splitlines() if line.strip()]
        return cls(
            sha256=str(head["sha256"]),
            pipeline_version=str(head["pipeline_version"]),
            run=head.get("run"),
            texts=[str(page["text"]) for page in pages],
            boxes=[[tuple(b) for b in page["boxes"]] for page in pages],
        )


def reading_path(out_dir: Path, doc_id: str) -> Path:
    return out_dir / f"{doc_id}.ocr.pages.jsonl"


def load_reading(out_dir: Path, doc_id: str) -> SourceReading | None:
    """The saved reading of `doc_id` in an output folder, or None (none, or unreadable)."""
    path = reading_path(out_dir, doc_id)
    try:
        return SourceReading.from_jsonl(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None


def write_ocr_files(document: Document, out_dir: Path, doc_id: str | None = None) -> list[Path]:
    """Write the two files when any page was read by OCR; returns the paths written."""
    if not ocr_pages(document):
        return []
    text_path, tsv_path = sidecar_paths(out_dir, doc_id or document.doc_id)
    return [
        atomic_write_text(text_path, ocr_text(document)),
        atomic_write_text(tsv_path, ocr_lines_tsv(document)),
    ]
