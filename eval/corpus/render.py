"""The renderings of a generated document, all from one pagination:

* ``pdf``  a text-layer PDF: ruled tables with merged cells and a CJK font (`draw`);
* ``md``   MinerU-style Markdown: paragraphs, and each table piece as an HTML ``<table>``
  with rowspan/colspan, so a table broken by a page becomes two tables (the second with
  or without the header printed again); a few comparison signs as LaTeX ("$\\geq 95\\%$");
* ``txt``  flat OCR text like the seeds: one line per table row, cells joined by tabs,
  a merged cell's text in its first position and the positions it covers empty, pages
  separated by form feeds, with OCR quirks (digits split by spaces "1, 085. 68", words
  broken where the cell wrapped "年初预 算数", full-width signs "％");
* ``scan`` an image-only PDF: each page of the PDF rendered at 150–200 dpi, skewed,
  blurred, noised, specked and JPEG-compressed (`eval.scanned`);
* ``rot``  the same at 300 dpi with one page's picture turned by 90° (fed sideways);
* ``bare`` a text-layer PDF without any ruling line: each cell's text where the cell is;
* ``png`` / ``jpg`` / ``tif``: the same pictures as image files (one page, or a
  multi-page TIFF), PNG and TIFF binarised the way office scanners save them.
"""

from __future__ import annotations

import html
import random
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pymupdf

from eval.corpus import draw
from eval.corpus.paginate import Page, Piece, TextLine
from eval.scanned import Degrade, degrade_image, page_image, rasterize_pdf

# ---------------------------------------------------------------------------------------
# Text-layer PDF


def render_pdf(pages: list[Page], *, ruled: bool = True) -> bytes:
    """The text-layer PDF; `ruled=False`: no ruling line, each cell's text placed where
    the cell is (an unruled export)."""
    doc = pymupdf.open()
    for page in pages:
        out = doc.new_page(width=page.width, height=page.height)
        writer = pymupdf.TextWriter(out.rect)
        for item in page.items:
            if isinstance(item, TextLine):
                writer.append((item.x, item.y), item.text, font=draw.font(), fontsize=item.size)
            else:
                style = draw.Style(font_size=item.font_size)
                draw.draw_cells(
                    out, item.cells, item.xs, item.ys, item.lines, style, writer, ruled=ruled
                )
        writer.write_text(out)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "doc.pdf"
        draw.save_pdf(doc, path)
        doc.close()
        return path.read_bytes()


# ---------------------------------------------------------------------------------------
# Flat OCR text


@dataclass(frozen=True)
class Quirks:
    """How much OCR damage a flat-text rendering carries (probabilities)."""

    split_digits: float = 0.0  # "1,085.68" → "1, 085. 68"
    split_decimal: float = 0.0  # "176.77" → "176. 77"
    broken_words: float = 0.0  # a wrapped cell keeps a space where it wrapped
    full_width: float = 0.0  # "%" → "％", "(" → "（", ":" ↔ "："
    latex: float = 0.0  # Markdown only: "≥95%" → "$\\geq 95\\%$"


_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_DECIMAL = re.compile(r"(?<![\d,])\d+\.\d+")


def _split_digits(text: str) -> str:
    return _THOUSANDS.sub(lambda m: m.group(0).replace(",", ", ").replace(".", ". "), text)


def _ocr_cell(text: str, wrapped: list[str], rng: random.Random, q: Quirks) -> str:
    if not text:
        return ""
    if len(wrapped) > 1 and rng.random() < q.broken_words:
        text = " ".join(wrapped)
    if _THOUSANDS.search(text) and rng.random() < q.split_digits:
        text = _split_digits(text)
    elif _DECIMAL.search(text) and rng.random() < q.split_decimal:
        text = _DECIMAL.sub(lambda m: m.group(0).replace(".", ". "), text, count=1)
    if rng.random() < q.full_width:
        text = text.replace("%", "％").replace("(", "（").replace(")", "）")
        text = text.replace("：", ":") if "：" in text else text
    return text


def piece_rows(piece: Piece, cell_text: list[str]) -> list[list[str]]:
    n_rows = max((c.row + c.rowspan for c in piece.cells), default=0)
    grid = [[""] * piece.n_cols for _ in range(n_rows)]
    for i, c in enumerate(piece.cells):
        grid[c.row][c.col] = cell_text[i]
    return grid


def render_txt(pages: list[Page], rng: random.Random, q: Quirks) -> str:
    out_pages = []
    for page in pages:
        lines: list[str] = []
        for item in page.items:
            if isinstance(item, TextLine):
                lines.append(item.text)
                continue
            texts = [
                _ocr_cell(c.text, item.lines.get(i, [c.text]), rng, q)
                for i, c in enumerate(item.cells)
            ]
            lines.append("")
            for row in piece_rows(item, texts):
                lines.append("\t".join(row))
            lines.append("")
        out_pages.append("\n".join(lines).strip("\n") + "\n")
    return "\f".join(out_pages)


# ---------------------------------------------------------------------------------------
# MinerU-style Markdown


_LATEX_OPS = {"≥": r"\geq", "≤": r"\leq"}
_SIGNED = re.compile(r"^([≥≤])(\d+(?:\.\d+)?)(%?)$")


def _latex(text: str) -> str:
    m = _SIGNED.match(text)
    if not m:
        return text
    op, number, percent = m.groups()
    tail = "\\%" if percent else ""
    return f"${_LATEX_OPS[op]} {number}{tail}$"


def _table_html(piece: Piece, rng: random.Random, q: Quirks) -> str:
    rows: dict[int, list[str]] = {}
    for c in sorted(piece.cells, key=lambda c: (c.row, c.col)):
        text = c.text
        if q.latex and rng.random() < q.latex:
            text = _latex(text)
        attrs = ""
        if c.rowspan > 1:
            attrs += f' rowspan="{c.rowspan}"'
        if c.colspan > 1:
            attrs += f' colspan="{c.colspan}"'
        rows.setdefault(c.row, []).append(f"<td{attrs}>{html.escape(text, quote=False)}</td>")
    body = "".join(f"<tr>{''.join(cells)}</tr>" for _, cells in sorted(rows.items()))
    return f"<html><body><table>{body}</table></body></html>"


def render_md(pages: list[Page], rng: random.Random, q: Quirks, title_marks: bool) -> str:
    blocks: list[str] = []
    paragraph: list[str] = []
    current = -2

    def flush() -> None:
        if paragraph:
            blocks.append("".join(paragraph))
            paragraph.clear()

    for page in pages:
        for item in page.items:
            if isinstance(item, Piece):
                flush()
                current = -2
                blocks.append(_table_html(item, rng, q))
                continue
            if item.paragraph != current:
                flush()
                current = item.paragraph
                mark = ""
                if item.kind == "heading" or (item.kind == "title" and title_marks):
                    mark = "# "
                paragraph.append(mark)
            paragraph.append(item.text)
    flush()
    return "\n\n".join(blocks) + "\n"


# ---------------------------------------------------------------------------------------
# Scans


def scan_settings(rng: random.Random) -> tuple[int, Degrade]:
    dpi = rng.choice((150, 150, 180, 200))
    degrade = Degrade(
        skew=round(rng.uniform(0.3, 1.2), 2),
        blur=round(rng.uniform(0.4, 0.9), 2),
        noise=round(rng.uniform(3.0, 7.0), 1),
        jpeg_quality=rng.choice((55, 60, 65, 70)),
        seed=rng.randrange(1 << 16),
        specks=rng.randrange(40, 160),
    )
    return dpi, degrade


def render_scan(
    pdf: bytes, dpi: int, degrade: Degrade, turns: dict[int, int] | None = None
) -> bytes:
    """An image-only PDF of the text-layer PDF's pages; `turns` (page number → 90/270)
    turns a page's picture as when a sheet went through the scanner sideways."""
    with tempfile.TemporaryDirectory() as tmp:
        source, target = Path(tmp) / "in.pdf", Path(tmp) / "out.pdf"
        source.write_bytes(pdf)
        rasterize_pdf(source, target, dpi=dpi, degrade=degrade, turns=turns)
        return target.read_bytes()


def render_images(pdf: bytes, dpi: int, degrade: Degrade, fmt: str) -> bytes:
    """The degraded pages as one image file: .jpg / .png (one page) or .tif (all pages)."""
    import cv2
    import numpy as np

    doc = pymupdf.open(stream=pdf, filetype="pdf")
    rng = random.Random(degrade.seed)
    images = [degrade_image(page_image(page, dpi), degrade, rng) for page in doc]
    doc.close()
    if fmt == "jpg":
        if len(images) != 1:
            raise ValueError("a .jpg holds one page")
        ok, data = cv2.imencode(".jpg", images[0], [cv2.IMWRITE_JPEG_QUALITY, degrade.jpeg_quality])
        assert ok
        return data.tobytes()
    binary = [np.where(img < 170, 0, 255).astype(np.uint8) for img in images]
    if fmt == "png":
        if len(binary) != 1:
            raise ValueError("a .png holds one page")
        ok, data = cv2.imencode(".png", binary[0], [cv2.IMWRITE_PNG_COMPRESSION, 9])
        assert ok
        return data.tobytes()
    if fmt == "tif":
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "scan.tif"
            params = [
                cv2.IMWRITE_TIFF_COMPRESSION,
                8,
                cv2.IMWRITE_TIFF_XDPI,
                dpi,
                cv2.IMWRITE_TIFF_YDPI,
                dpi,
            ]
            if not cv2.imwritemulti(str(path), binary, params):
                raise RuntimeError("TIFF encoding failed")
            return path.read_bytes()
    raise ValueError(f"unknown image format {fmt}")
