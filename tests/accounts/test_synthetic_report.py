"""A made-up 部门决算 in another template family (tests/accounts/synthetic.py), drawn as a
ruled PDF and run through the whole pipeline: every table read, the planted
inconsistencies flagged, nothing else above info."""

from __future__ import annotations

from pathlib import Path

from eval.accounts import score_accounts
from eval.align import align_document
from eval.compare import Outcome
from eval.flags import match_flags
from extractor.models import GoldenDocument, Source
from extractor.pipeline import extract_document
from tests.accounts import synthetic


def test_another_template_family_end_to_end(tmp_path: Path) -> None:
    path = tmp_path / "synthetic_bumenjuesuan.pdf"
    synthetic.write_pdf(path)
    result = extract_document(path)
    golden = GoldenDocument(
        doc_id=result.doc_id,
        source=Source(path=str(path), sha256="", pages=0),
        accounts=synthetic.golden(),
        expected_flags=synthetic.EXPECTED_FLAGS,
    )
    score = score_accounts(golden.doc_id, golden.accounts, result)
    rows = [f for f in score.fields if f.part == "row"]
    wrong = [(f.path, f.expected, f.found) for f in rows if f.outcome is not Outcome.TP]
    assert not wrong, wrong
    header = [
        (f.path, f.expected, f.found)
        for f in score.fields
        if f.part == "header" and f.outcome is not Outcome.TP
    ]
    assert not header, header
    match = match_flags(golden, result, align_document(golden.projects, result.projects))
    assert [(f.rule, f.note) for f in match.missed] == []
    alarms = [m.flag for m in match.unexpected if m.flag.severity != "info"]
    assert [(f.rule, f.message) for f in alarms] == []
    infos = [(f.rule, f.path) for f in result.flags if f.severity == "info"]
    assert infos == synthetic.EXPECTED_INFO
