"""The generated corpus (golden/corpus, golden/heldout): valid goldens, regenerated
byte for byte, arithmetic that holds where no error is listed, and renderings that are
what they say they are."""

from __future__ import annotations

import functools
import hashlib
import json
import re
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any

import jsonschema
import pymupdf
import pytest

from eval.corpus.build import RENDERINGS, SUBDIR, check, families, plan, render
from eval.corpus.families.common import merge_leading
from eval.corpus.layout import C, TableBuilder
from eval.corpus.values import value_of
from extractor import schema
from extractor.models import GoldenDocument

REPO = Path(__file__).resolve().parents[2]
GOLDEN = REPO / "golden"
FOLDERS = [GOLDEN / SUBDIR[False], GOLDEN / SUBDIR[True]]
FILES = sorted(p for folder in FOLDERS for p in folder.glob("*.json"))


@functools.cache
def _validator() -> Any:
    golden_schema = schema.load("golden.schema.json")
    return jsonschema.validators.validator_for(golden_schema)(golden_schema)


def _load(path: Path) -> GoldenDocument:
    return GoldenDocument.model_validate_json(path.read_text(encoding="utf-8"))


def test_corpus_is_there() -> None:
    assert len(FILES) > 100


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_golden_is_valid_and_names_its_document(path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    _validator().validate(data)
    golden = GoldenDocument.model_validate(data)
    assert golden.doc_id == path.stem
    source = REPO / golden.source.path
    assert source.parent == path.parent / "docs" and source.stem == path.stem
    assert hashlib.sha256(source.read_bytes()).hexdigest() == golden.source.sha256
    meta = golden.meta
    assert meta["generated"] is True
    assert meta["held_out"] is (path.parent.name == "heldout")
    assert meta["rendering"] in {name for _, name in RENDERINGS.values()}
    ids = [p.id for p in golden.projects]
    assert ids == [f"p{i}" for i in range(1, len(ids) + 1)]
    assert all(f.project in ids for f in golden.expected_flags)


def test_regenerating_gives_the_same_labels_and_texts() -> None:
    """Every golden file and every Markdown / flat-text rendering, byte for byte."""
    assert check(GOLDEN) == []


def test_families_renderings_and_forms() -> None:
    development = [f.name for f in families(held_out=False)]
    held_out = [f.name for f in families(held_out=True)]
    assert len(development) >= 12 and len(held_out) >= 3
    goldens = [_load(p) for p in FILES]
    renderings: dict[str, set[str]] = {}
    forms: set[tuple[str, str]] = set()
    for g in goldens:
        renderings.setdefault(g.meta["family"], set()).add(g.meta["rendering"])
        forms |= {(g.meta["document"], p.id) for p in g.projects}
    assert set(renderings) == {*development, *held_out}
    for family, seen in renderings.items():  # every family in at least three renderings
        assert {"text_pdf", "markdown", "ocr_text", "scan_pdf"} <= seen, family
    assert len(forms) >= 40
    kinds = Counter(p.form for g in goldens for p in g.projects)
    assert set(kinds) == {
        "project_self_evaluation",
        "department_self_evaluation",
        "project_target",
        "department_target",
        "evaluation_scoring",
    }
    images = {g.meta.get("image_format") for g in goldens} - {None}
    assert images == {"png", "jpg", "tif"}


def _sum(values: list[float | None]) -> float:
    return round(sum(v for v in values if v is not None), 2)


def test_arithmetic_holds_except_where_an_error_is_listed() -> None:
    """Labels are drawn consistent: totals add up, rates are executed / budget, scores
    never pass their weights, unless the golden lists the error on purpose."""
    checked = 0
    for path in FILES:
        golden = _load(path)
        listed = {(f.project, f.rule) for f in golden.expected_flags}
        for p in golden.projects:
            if p.total.weight is not None and p.indicators:
                weights = [i.weight for i in p.indicators] + [f.weight for f in p.funding]
                assert _sum(weights) == p.total.weight, (path.name, p.id)
            if p.total.score is not None and (p.id, "total.score_sum") not in listed:
                scores = [i.score for i in p.indicators] + [f.score for f in p.funding]
                assert _sum(scores) == p.total.score, (path.name, p.id)
            for k, sub in enumerate(p.subtotals):
                rows = [i for i in p.indicators if sub.level1 in (i.level1, i.group)]
                assert _sum([i.weight for i in rows]) == sub.weight, (path.name, p.id, k)
                if sub.score is not None and (p.id, "subtotal.score_sum") not in listed:
                    assert _sum([i.score for i in rows]) == sub.score
            for i in p.indicators:
                if (p.id, "indicator.score_above_weight") not in listed and i.score is not None:
                    assert i.weight is not None and i.score <= i.weight
                if i.score is not None and i.weight is not None and i.score < i.weight:
                    assert i.deviation_reason or p.form == "evaluation_scoring", (
                        path.name,
                        p.id,
                        i.name,
                    )
            for f in p.funding:
                if f.execution_rate is not None and f.budget and f.executed is not None:
                    rate = round(f.executed / f.budget * 100, 2)
                    if (p.id, "funding.execution_rate") not in listed:
                        assert abs(rate - f.execution_rate) <= 0.011, (path.name, p.id)
            checked += 1
    assert checked > 100


def test_text_pdf_has_text_and_rules_and_scans_have_none() -> None:
    for path in (GOLDEN / "corpus" / "docs").glob("*-pdf.pdf"):
        with pymupdf.open(path) as doc:
            assert doc[0].get_text().strip() and doc[-1].get_drawings(), path.name
    for path in (GOLDEN / "corpus" / "docs").glob("*-scan.pdf"):
        with pymupdf.open(path) as doc:
            for page in doc:
                assert not page.get_text().strip() and page.get_images(), path.name


def test_markdown_and_flat_text_look_like_the_tools_output() -> None:
    docs = GOLDEN / "corpus" / "docs"
    markdown = {p.name: p.read_text(encoding="utf-8") for p in docs.glob("*.md")}
    assert all("<table>" in text for text in markdown.values())
    assert any('rowspan="' in t and 'colspan="' in t for t in markdown.values())
    assert any("$\\geq" in t for t in markdown.values())  # a LaTeX sign, as MinerU prints
    forms = {p.stem: len(_load(p).projects) for p in (GOLDEN / "corpus").glob("*-md.json")}
    split = [n for n, t in markdown.items() if t.count("<table>") > forms[Path(n).stem]]
    assert len(split) >= 3, "tables split into two at a page break"
    flat = {p.name: p.read_text(encoding="utf-8") for p in docs.glob("*.txt")}
    assert all("\t" in t for t in flat.values())
    assert any("\f" in t for t in flat.values())
    assert any(re.search(r"\d, \d{3}\. \d", t) for t in flat.values())  # "1, 085. 68"
    assert any("％" in t for t in flat.values())


def test_table_builder_places_cells_like_html() -> None:
    tb = TableBuilder(4)
    tb.row(C("项目资金", 1, 3), C("", 1), "预算数", "执行数")
    tb.row("合计", "10", "9")
    tb.row("其中：财政拨款", "10", "9")
    table = tb.build()
    assert table.n_rows == 3
    assert table.grid()[1] == ["", "合计", "10", "9"]
    with pytest.raises(ValueError, match="not filled"):
        TableBuilder(3).row("a", "b")
    rows = merge_leading([["产出", "数量", "a"], ["产出", "数量", "b"], ["产出", "质量", "c"]], 2)
    assert isinstance(rows[0][0], C) and rows[0][0].rs == 3
    assert isinstance(rows[0][1], C) and rows[0][1].rs == 2
    assert rows[1] == ["b"] and rows[2] == ["质量", "c"]


def test_value_labels_follow_the_conventions() -> None:
    v = value_of("≥ 13459.00(平方米)")
    assert (v.raw, v.op, v.number, v.unit) == ("≥13459.00(平方米)", "≥", 13459.0, "平方米")
    v = value_of("≤3.5万元/公里")
    assert (v.op, v.number, v.unit) == ("≤", 3.5, "万元/公里")
    v = value_of("95%", op="≥")  # a 指标性质 column gives the op
    assert (v.raw, v.op, v.number, v.unit) == ("95%", "≥", 95.0, "%")
    v = value_of("明显改善")
    assert (v.op, v.number, v.unit) == (None, None, None)


def test_drawing_and_scanning_are_reproducible() -> None:
    """The same document draws and scans to the same bytes (no random ids, seeded
    degradation), so a rebuild changes only what the generator changed."""
    family = next(f for f in families(held_out=False) if f.name == "target_declaration")
    item = next(i for i in plan(family) if i.tag == "scan")
    first, second = render(item, {}), render(item, {})
    assert first == second and first[:5] == b"%PDF-"


def _plain(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def test_every_labelled_name_is_printed_in_its_document() -> None:
    """Project names, departments, implementers and years come from the page: each is
    printed in the document (flat-text rendering, whitespace and width ignored)."""
    for folder in FOLDERS:
        for path in folder.glob("*-txt.json"):
            golden = _load(path)
            text = _plain((folder / "docs" / f"{path.stem}.txt").read_text(encoding="utf-8"))
            for p in golden.projects:
                for label in (p.name, p.department, p.implementer):
                    assert label is None or _plain(label) in text, (path.name, label)
                assert p.year is None or f"{p.year}年" in text, (path.name, p.year)
                for i in p.indicators:
                    assert _plain(i.name) in text, (path.name, i.name)
