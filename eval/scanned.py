"""Scanned versions of the golden documents, made honestly, for `extractor eval --scanned`.

There are no scanned originals in the repository, so they are made:

1. every table of a golden document (line or block layout, read with `extractor.rows`)
   is drawn by `eval/corpus/draw.py` as a ruled table with merged cells and a
   CJK font, with the plain lines printed just above it as its title; a table too tall
   for one page continues on the next page, the way exported reports break them;
2. each page is rendered to a grey picture (200 dpi), lightly degraded (a small skew,
   blur, noise, JPEG) and put alone on a page of an image-only PDF: no text layer.

The golden files then apply unchanged: `<doc_id>.pdf` is scored against `<doc_id>.json`.
Built fixtures are cached under a folder keyed by the recipe, the drawing code and the
document text, so a second run reuses them.
"""

from __future__ import annotations

import hashlib
import random
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pymupdf

from eval.corpus import draw
from extractor.layout import join_cell_lines
from extractor.rows import read_rows

SCAN_DPI = 200
MAX_PAGE_HEIGHT = 1190.0  # points; a taller table is continued on the next page
TITLE_LINES = 5  # plain lines kept above each table
REPO = Path(__file__).resolve().parent.parent
DRAWING_CODE = Path(draw.__file__)

Block = tuple[list[str], list[list[str]]]


@dataclass(frozen=True)
class Degrade:
    """How a page is spoiled on its way through the 'scanner'."""

    skew: float = 0.4  # largest |angle| in degrees; each page draws its own
    blur: float = 0.6  # Gaussian sigma in pixels (0: none)
    noise: float = 5.0  # standard deviation of Gaussian noise, grey levels
    jpeg_quality: int = 85
    seed: int = 7
    specks: int = 0  # dark dots of dust (1–3 px) sprinkled over each page


CLEAN = Degrade(skew=0.0, blur=0.0, noise=0.0, jpeg_quality=95)


# ---------------------------------------------------------------------------------------
# Drawing


def form_blocks(text: str) -> list[Block]:
    """Every table of a document (rows of cells as printed, a block-layout cell's lines
    joined) with up to five plain lines printed just above it."""
    blocks: list[Block] = []
    above: list[str] = []
    table: list[list[str]] = []
    for row in read_rows(text):
        if row.is_table:
            cells = [join_cell_lines(text[c.start : c.end].split("\n")) for c in row.cells]
            if any(cells):
                table.append(cells)
            continue
        if table:
            blocks.append((above[-TITLE_LINES:], table))
            above, table = [], []
        if row.raw.strip():
            above.append(row.raw.strip())
    if table:
        blocks.append((above[-TITLE_LINES:], table))
    return blocks


def _page_pieces(
    rows: list[list[str]], title: list[str]
) -> list[tuple[list[str], list[list[str]]]]:
    """Split a table whose drawing is taller than a page into pieces that fit."""
    scratch = pymupdf.open()
    draw.add_form_page(scratch, rows, title_lines=title)
    height = scratch[0].rect.height
    scratch.close()
    if height <= MAX_PAGE_HEIGHT or len(rows) < 2:
        return [(title, rows)]
    half = len(rows) // 2
    return _page_pieces(rows[:half], title) + _page_pieces(rows[half:], [])


def draw_document(text: str, path: Path) -> int:
    """A text-layer PDF of a document's tables; returns the page count."""
    doc = pymupdf.open()
    for title, rows in form_blocks(text):
        for piece_title, piece in _page_pieces(rows, title):
            draw.add_form_page(doc, piece, title_lines=piece_title)
    if doc.page_count == 0:
        raise ValueError("the document has no table to draw")
    pages = doc.page_count
    draw.save_pdf(doc, path)
    doc.close()
    return pages


# ---------------------------------------------------------------------------------------
# Scanning


def page_image(page: pymupdf.Page, dpi: int) -> Any:
    """A page rendered to a grey picture (numpy array, one byte per pixel)."""
    import numpy as np

    pix = page.get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY, alpha=False)
    return np.frombuffer(pix.samples, dtype=np.uint8).reshape(pix.height, pix.stride)[
        :, : pix.width
    ]


def degrade_image(image: Any, degrade: Degrade, rng: random.Random) -> Any:
    """Skew, blur, noise, specks: what a flatbed scanner does to a page, mildly."""
    import cv2
    import numpy as np

    out = image.copy()
    if degrade.skew:
        angle = rng.uniform(-degrade.skew, degrade.skew)
        h, w = out.shape
        matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
        out = cv2.warpAffine(out, matrix, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)
    if degrade.blur:
        out = cv2.GaussianBlur(out, (0, 0), degrade.blur)
    if degrade.noise:
        noise = np.random.default_rng(rng.randrange(1 << 30)).normal(0.0, degrade.noise, out.shape)
        out = np.clip(out.astype(np.float32) + noise, 0, 255).astype(np.uint8)
    h, w = out.shape
    for _ in range(degrade.specks):
        x, y, r = rng.randrange(w), rng.randrange(h), rng.choice((1, 1, 2, 3))
        cv2.circle(out, (x, y), r, rng.randrange(0, 90), -1)
    return out


def rasterize_pdf(
    source: Path,
    target: Path,
    *,
    dpi: int = SCAN_DPI,
    degrade: Degrade = CLEAN,
    turns: dict[int, int] | None = None,
    pages: Sequence[int] | None = None,
    keep_text: Sequence[int] = (),
) -> None:
    """Write `target`: every page of `source` (or the 1-based `pages`) as a picture only.

    `turns` maps a page number to 90/180/270: the picture is turned clockwise by that
    much, as when a sheet goes through the scanner sideways (the PDF page has no
    /Rotate, so a reader has to notice). Pages listed in `keep_text` are copied as they
    are, text layer and all: a mixed PDF."""
    import cv2

    turns = turns or {}
    rng = random.Random(degrade.seed)
    src = pymupdf.open(source)
    out = pymupdf.open()
    numbers = list(pages) if pages is not None else list(range(1, src.page_count + 1))
    for number in numbers:
        page = src[number - 1]
        if number in keep_text:
            out.insert_pdf(src, from_page=number - 1, to_page=number - 1)
            continue
        image = degrade_image(page_image(page, dpi), degrade, rng)
        turn = turns.get(number, 0) % 360
        if turn:
            image = cv2.rotate(image, _CV_TURN[turn])
        ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, degrade.jpeg_quality])
        if not ok:
            raise RuntimeError("JPEG encoding failed")
        h, w = image.shape
        new = out.new_page(width=w * 72.0 / dpi, height=h * 72.0 / dpi)
        new.insert_image(new.rect, stream=data.tobytes())
    out.save(target, garbage=3, deflate=True, no_new_id=True)  # same pages, same bytes
    out.close()
    src.close()


_CV_TURN = {
    90: 0,
    180: 1,
    270: 2,
}  # cv2.ROTATE_90_CLOCKWISE, ROTATE_180, ROTATE_90_COUNTERCLOCKWISE


# ---------------------------------------------------------------------------------------
# Fixture sets


def golden_sources(golden_dir: Path) -> list[Path]:
    """The golden documents that have a text source (`docs/<doc_id>.txt`) and a golden."""
    docs = Path(golden_dir) / "docs"
    return sorted(p for p in docs.glob("*.txt") if (Path(golden_dir) / f"{p.stem}.json").is_file())


def recipe_key(text: str, degrade: Degrade, dpi: int) -> str:
    digest = hashlib.sha256()
    digest.update(text.encode("utf-8"))
    digest.update(repr((sorted(asdict(degrade).items()), dpi, MAX_PAGE_HEIGHT)).encode())
    digest.update(DRAWING_CODE.read_bytes())
    digest.update(Path(__file__).read_bytes())
    return digest.hexdigest()[:16]


def build_scanned(
    golden_dir: Path,
    out_dir: Path,
    *,
    degrade: Degrade | None = None,
    dpi: int = SCAN_DPI,
    only: Sequence[str] = (),
) -> list[Path]:
    """Scanned `<doc_id>.pdf` for every golden document (or those whose doc_id starts
    with one of `only`), in `out_dir`; a fixture already built from the same recipe and
    text is reused."""
    degrade = Degrade() if degrade is None else degrade
    out_dir.mkdir(parents=True, exist_ok=True)
    built: list[Path] = []
    for source in golden_sources(golden_dir):
        if only and not any(source.stem.startswith(prefix) for prefix in only):
            continue
        text = source.read_text(encoding="utf-8")
        target = out_dir / f"{source.stem}.pdf"
        stamp = out_dir / f".{source.stem}.recipe"
        key = recipe_key(text, degrade, dpi)
        if not (target.is_file() and stamp.is_file() and stamp.read_text() == key):
            drawn = out_dir / f".{source.stem}.drawn.pdf"
            draw_document(text, drawn)
            rasterize_pdf(drawn, target, dpi=dpi, degrade=degrade)
            drawn.unlink()
            stamp.write_text(key)
        built.append(target)
    return built


def _main(argv: list[str]) -> None:
    golden = REPO / "golden"
    out = Path(argv[0]) if argv else Path("scanned")
    for path in build_scanned(golden, out):
        print(path, pymupdf.open(path).page_count, "pages")


if __name__ == "__main__":
    _main(sys.argv[1:])
