"""Shared fixtures for the OCR tests: forms cut from the golden documents, drawn as ruled
tables (tests/fixtures/make_pdfs.py) and scanned to image-only pages (eval/scanned.py)."""

from __future__ import annotations

from pathlib import Path

import pymupdf

from eval.scanned import Degrade, rasterize_pdf
from tests.fixtures import make_pdfs as mk

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "golden" / "docs"
MILD = Degrade(skew=0.3, blur=0.5, noise=4.0, jpeg_quality=85, seed=3)

# A short form (a few rows): quick to OCR, for the tests that turn pages.
SMALL_FORM = [
    ["项目名称", "城乡医疗救助", "", "", "", "", ""],
    ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
    ["产出指标", "数量指标", "救助人次", "≥9977人", "10542人", "10", "10"],
    ["", "质量指标", "资金发放准确率", "100%", "100%", "10", "10"],
    ["满意度指标", "服务对象满意度指标", "救助对象满意度", "≥95%", "98%", "10", "9"],
]


def seed(prefix: str) -> str:
    (path,) = DOCS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


def form(prefix: str, title: str, occurrence: int = 0) -> tuple[list[str], list[list[str]]]:
    header, lines = mk.cut_form(seed(prefix), title, occurrence)
    return header, mk.split_rows(lines)


def draw(path: Path, forms: list[tuple[list[str], list[list[str]]]]) -> Path:
    doc = pymupdf.open()
    for title, rows in forms:
        mk.add_form_page(doc, rows, title_lines=title)
    mk.save_pdf(doc, path)
    doc.close()
    return path


def scan(
    source: Path,
    target: Path,
    *,
    turns: dict[int, int] | None = None,
    keep_text: tuple[int, ...] = (),
    degrade: Degrade = MILD,
) -> Path:
    rasterize_pdf(source, target, degrade=degrade, turns=turns, keep_text=keep_text)
    return target


def small_form_pdf(path: Path) -> Path:
    """The short form on a small page (A5 landscape-ish)."""
    doc = pymupdf.open()
    mk.add_form_page(doc, SMALL_FORM, title_lines=["项目支出绩效自评表"])
    page = doc[0]
    page.set_cropbox(pymupdf.Rect(0, 0, 560, 200))
    mk.save_pdf(doc, path)
    doc.close()
    return path
