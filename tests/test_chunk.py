"""Forms are found by their headers and structure in every bundled document."""

import itertools
from pathlib import Path

import pytest

from extractor.chunk import chunk_document
from extractor.ingest.text import read_text

DOCS = Path(__file__).resolve().parent.parent / "golden" / "docs"

# (form kinds in order) for each bundled document, as counted by reading it.
EXPECTED = {
    "000": ["project_self_evaluation"] * 12 + ["evaluation_scoring"],
    "001": ["department_self_evaluation"] + ["project_self_evaluation"] * 6,
    "002": ["department_target"] + ["project_target"] * 8,
    "003": ["evaluation_scoring"] * 2,  # criteria table and score table; merged later
    "004": ["evaluation_scoring"],
}


@pytest.mark.parametrize("prefix", sorted(EXPECTED))
def test_forms_found(prefix: str) -> None:
    (path,) = DOCS.glob(f"{prefix}_*.txt")
    doc = read_text(path, path.stem, "sha")
    chunks = chunk_document(doc)
    forms = [c for c in chunks if c.kind == "form"]
    assert [c.form for c in forms] == EXPECTED[prefix]
    # chunks do not overlap and stay in document order
    spans = sorted((c.start, c.end) for c in chunks)
    assert all(a_end <= b_start for (_, a_end), (b_start, _) in itertools.pairwise(spans))
    # every form chunk's text is the document's text at its offsets
    for chunk in forms:
        assert doc.text[chunk.start : chunk.end] == chunk.text


def test_narrative_is_split_under_the_budget() -> None:
    (path,) = DOCS.glob("001_*.txt")
    chunks = chunk_document(read_text(path, path.stem, "sha"))
    narrative = [c for c in chunks if c.kind == "narrative"]
    assert narrative and all(len(c.text) <= 1200 for c in narrative)
