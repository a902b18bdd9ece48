"""Build the corpus: every family's documents, in every rendering, with their golden files.

    golden/corpus/<doc_id>.json         development families
    golden/corpus/docs/<doc_id>.<ext>
    golden/heldout/…, golden/heldout2/…, golden/heldout3/…, golden/heldout4/…,
    golden/heldout5/…, golden/heldout6/…,
    golden/heldout7/…, golden/heldout8/…  held-out sets (same layout)

A document's doc_id is ``<family>-<n>-<rendering>`` (the held-out ones use neutral family
ids). Labels are the records the forms were drawn from, so they are true by construction;
the build is deterministic (seeded), and `check` regenerates the labels and the text
renderings and compares them with what is on disk.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from eval.corpus.families import DEVELOPMENT, Family
from eval.corpus.heldout import HELD_OUT
from eval.corpus.heldout2 import HELD_OUT_2
from eval.corpus.heldout3 import HELD_OUT_3
from eval.corpus.heldout4 import HELD_OUT_4
from eval.corpus.heldout5 import HELD_OUT_5
from eval.corpus.heldout6 import HELD_OUT_6
from eval.corpus.heldout7 import HELD_OUT_7
from eval.corpus.heldout8 import HELD_OUT_8
from eval.corpus.layout import DocSpec
from eval.corpus.paginate import Page, paginate
from eval.corpus.render import (
    Quirks,
    render_images,
    render_md,
    render_pdf,
    render_scan,
    render_txt,
    scan_settings,
)
from extractor.models import ExpectedFlag, GoldenDocument, Source

REPO = Path(__file__).resolve().parents[2]
DEFAULT_ROOT = REPO / "golden"
# The folders under golden/, development first; a family names its folder.
FOLDERS: tuple[str, ...] = (
    "corpus",
    "heldout",
    "heldout2",
    "heldout3",
    "heldout4",
    "heldout5",
    "heldout6",
    "heldout7",
    "heldout8",
)

# Rendering tag → (file extension, meta "rendering" name).
RENDERINGS: dict[str, tuple[str, str]] = {
    "pdf": ("pdf", "text_pdf"),
    "md": ("md", "markdown"),
    "txt": ("txt", "ocr_text"),
    "scan": ("pdf", "scan_pdf"),
    "png": ("png", "image"),
    "jpg": ("jpg", "image"),
    "tif": ("tif", "image"),
    "bare": ("pdf", "unruled_pdf"),
    "rot": ("pdf", "scan_rotated"),
}
TEXT_RENDERINGS = ("pdf", "md", "txt")
# Besides its text renderings, the last document of every family is scanned (image-only
# PDF; the last `scan_last` documents, or every one of a family with `scan_every`). A
# few documents are also saved as image files: one page as .jpg / .png, more pages as a
# multi-page .tif.
IMAGE_FILES: dict[str, str] = {
    "national_self_eval-2": "jpg",
    "target_declaration-3": "png",
    "scoring_letter-3": "jpg",
    "dept_goal_self_eval-3": "tif",
    "adjusted_self_eval-3": "png",
    "h2-2": "tif",
}
# Further renderings of some documents: "bare", a text-layer PDF printed without ruling
# lines (cells placed by position only, as some exports print them); "rot", a 300 dpi
# scan with one page's picture turned by 90° (a sheet fed sideways).
EXTRA_RENDERINGS: dict[str, tuple[str, ...]] = {
    "national_self_eval-2": ("bare",),
    "provincial_self_eval-2": ("bare",),
    "target_two_blocks-2": ("bare",),
    "scoring_situation-2": ("bare",),
    "dept_target-2": ("bare",),
    "nature_split_self_eval-1": ("bare",),
    "numbered_self_eval-2": ("bare",),
    "special_fund_self_eval-1": ("bare",),
    "dept_tables_self_eval-1": ("bare", "rot"),
    "mid_long_target-2": ("bare",),
    "scoring_four_level-2": ("bare",),
    "numbered_self_eval-1": ("rot",),
    "k1-2": ("bare",),
    "k2-2": ("bare",),
    "k3-3": ("bare",),
    "m2-2": ("bare",),
    "n2-2": ("bare",),
    "n4-1": ("bare",),
    "p2-2": ("bare",),
    "p3-1": ("bare",),
    "q1-2": ("bare",),
    "q4-1": ("bare",),
    "r1-2": ("bare",),
    "r3-1": ("bare",),
    "s1-2": ("bare",),
    "s4-1": ("bare",),
}
ROTATED_DPI = 300
TXT_QUIRKS = Quirks(split_digits=0.8, split_decimal=0.15, broken_words=0.6, full_width=0.2)
MD_QUIRKS = (Quirks(), Quirks(latex=0.35))


def families(held_out: bool | None = None, folder: str | None = None) -> list[Family]:
    every = [
        *DEVELOPMENT,
        *HELD_OUT,
        *HELD_OUT_2,
        *HELD_OUT_3,
        *HELD_OUT_4,
        *HELD_OUT_5,
        *HELD_OUT_6,
        *HELD_OUT_7,
        *HELD_OUT_8,
    ]
    return [
        f
        for f in every
        if (held_out is None or f.held_out == held_out) and (folder is None or f.folder == folder)
    ]


@dataclass
class Planned:
    """One document of the corpus in one rendering."""

    spec: DocSpec
    pages: list[Page]
    tag: str  # "pdf", "md", …

    @property
    def doc_id(self) -> str:
        return f"{self.spec.key}-{self.tag}"

    @property
    def filename(self) -> str:
        return f"{self.doc_id}.{RENDERINGS[self.tag][0]}"

    @property
    def page_count(self) -> int:
        """Pages as a reader counts them: Markdown without page markers is one page, a
        single image one page."""
        if self.tag == "md" or self.tag in ("png", "jpg"):
            return 1
        return len(self.pages)


def plan(family: Family) -> list[Planned]:
    specs = family.build()
    for spec in specs:
        spec.held_out = family.held_out
    out: list[Planned] = []
    for i, spec in enumerate(specs):
        pages = paginate(spec)
        tags = list(TEXT_RENDERINGS)
        if i >= len(specs) - family.scan_last or family.scan_every:
            tags.append("scan")
        image = IMAGE_FILES.get(spec.key)
        if image is not None:
            if image in ("png", "jpg") and len(pages) != 1:
                image = "tif"
            tags.append(image)
        tags += EXTRA_RENDERINGS.get(spec.key, ())
        out += [Planned(spec, pages, tag) for tag in tags]
    return out


def _render_rng(item: Planned) -> random.Random:
    return random.Random(f"render:{item.spec.key}:{item.tag}")


def turns(item: Planned) -> dict[int, int]:
    """The page of a "rot" scan whose picture is turned (page number → 90 or 270
    degrees clockwise): one sheet fed sideways."""
    if item.tag != "rot":
        return {}
    rng = random.Random(f"turn:{item.spec.key}")
    return {rng.randrange(len(item.pages)) + 1: rng.choice((90, 270))}


def render(item: Planned, pdf_cache: dict[str, bytes]) -> bytes:
    """The bytes of one rendering (the text-layer PDF is drawn once per document)."""
    key = item.spec.key
    if key not in pdf_cache and item.tag not in ("md", "txt", "bare"):
        pdf_cache[key] = render_pdf(item.pages)
    rng = _render_rng(item)
    index = int(key.rsplit("-", 1)[1])
    if item.tag == "pdf":
        return pdf_cache[key]
    if item.tag == "bare":
        return render_pdf(item.pages, ruled=False)
    if item.tag == "md":
        quirks = MD_QUIRKS[index % 2]
        return render_md(item.pages, rng, quirks, title_marks=index % 2 == 1).encode("utf-8")
    if item.tag == "txt":
        return render_txt(item.pages, rng, TXT_QUIRKS).encode("utf-8")
    dpi, degrade = scan_settings(random.Random(f"scan:{key}"))
    if item.tag == "scan":
        return render_scan(pdf_cache[key], dpi, degrade)
    if item.tag == "rot":
        return render_scan(pdf_cache[key], ROTATED_DPI, degrade, turns(item))
    return render_images(pdf_cache[key], dpi, degrade, item.tag)


def golden_for(item: Planned, data: bytes, folder: str) -> GoldenDocument:
    """The label of one rendering: the forms' records, ids in document order."""
    projects = []
    flags: list[ExpectedFlag] = []
    notes: list[str] = list(item.spec.notes)
    for number, form in enumerate(item.spec.forms, start=1):
        pid = f"p{number}"
        project = form.project.model_copy(deep=True)
        project.id = pid
        projects.append(project)
        flags += [f.model_copy(update={"project": pid}) for f in form.flags]
        notes += [f"{pid}: {n}" for n in form.notes]
    tag = item.tag
    meta = {
        "family": item.spec.family,
        "rendering": RENDERINGS[tag][1],
        "held_out": item.spec.held_out,
        "generated": True,
        "generator": "eval.corpus",
        "labelled_by": "generator (records the forms were drawn from)",
        "document": item.spec.key,
        "forms": len(projects),
    }
    if tag in ("png", "jpg", "tif"):
        meta["image_format"] = tag
    if tag == "rot":
        meta["dpi"] = ROTATED_DPI
        meta["turned_pages"] = {str(k): v for k, v in turns(item).items()}
    if notes:
        meta["notes"] = " | ".join(notes)
    return GoldenDocument(
        doc_id=item.doc_id,
        source=Source(
            path=f"golden/{folder}/docs/{item.filename}",
            sha256=hashlib.sha256(data).hexdigest(),
            pages=item.page_count,
        ),
        projects=projects,
        meta=meta,
        expected_flags=flags,
    )


def golden_json(golden: GoldenDocument) -> str:
    return json.dumps(golden.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"


def build(
    root: Path = DEFAULT_ROOT,
    *,
    only: Iterable[str] = (),
    log: bool = True,
) -> list[Path]:
    """Write every rendering and golden file under `root`/corpus and the held-out
    folders (`root`/heldout, heldout2 … heldout8). Files of a folder that the build no
    longer makes are removed (only when building every family)."""
    wanted = set(only)
    written: list[Path] = []
    for folder in FOLDERS:
        docs_dir = root / folder / "docs"
        docs_dir.mkdir(parents=True, exist_ok=True)
        keep: set[Path] = set()
        for family in families(folder=folder):
            if wanted and family.name not in wanted:
                continue
            pdf_cache: dict[str, bytes] = {}
            for item in plan(family):
                data = render(item, pdf_cache)
                doc_path = docs_dir / item.filename
                doc_path.write_bytes(data)
                golden_path = root / folder / f"{item.doc_id}.json"
                golden_path.write_text(golden_json(golden_for(item, data, folder)), "utf-8")
                keep |= {doc_path, golden_path}
                written.append(golden_path)
                if log:
                    print(f"{folder}/{item.filename}  {len(item.pages)} page(s)  {len(data)} bytes")
        if not wanted:
            for stale in [*docs_dir.iterdir(), *(root / folder).glob("*.json")]:
                if stale.is_file() and stale not in keep:
                    stale.unlink()
    return written


def check(root: Path = DEFAULT_ROOT) -> list[str]:
    """Differences between what the generator makes and what is on disk: every golden
    file (its labels, and the sha256 of the document on disk) and every Markdown and
    flat-text rendering, byte for byte. Drawn PDFs and scans are checked by sha256 only
    (their bytes depend on the PyMuPDF / OpenCV version)."""
    problems: list[str] = []
    for family in families():
        folder = family.folder
        for item in plan(family):
            doc_path = root / folder / "docs" / item.filename
            golden_path = root / folder / f"{item.doc_id}.json"
            if not doc_path.is_file() or not golden_path.is_file():
                problems.append(
                    f"{folder}/{item.doc_id}: missing (run python -m eval.corpus build)"
                )
                continue
            data = doc_path.read_bytes()
            if item.tag in ("md", "txt") and render(item, {}) != data:
                problems.append(f"{folder}/{item.filename}: differs from a fresh rendering")
            if golden_json(golden_for(item, data, folder)) != golden_path.read_text("utf-8"):
                problems.append(f"{folder}/{item.doc_id}.json: differs from the generated labels")
    return problems
