"""Scores per template family and per rendering, form-type accuracy, and their gate."""

from __future__ import annotations

from rich.console import Console

from eval.report import family_matrix, render, to_markdown
from eval.scoring import DocumentInput, score_documents
from eval.thresholds import Thresholds, check_thresholds
from extractor.models import GoldenDocument
from tests.eval.eval_builders import as_prediction, sample_golden


def _golden(doc_id: str, family: str, rendering: str) -> GoldenDocument:
    golden = sample_golden(doc_id)
    golden.meta = {"family": family, "rendering": rendering, "held_out": False}
    return golden


def _corpus_report():
    """Family A read perfectly as Markdown and as a PDF whose second project is read as
    the wrong form with a wrong score; family B's scan failed."""
    a_md = _golden("a-md", "A", "markdown")
    a_pdf = _golden("a-pdf", "A", "text_pdf")
    wrong = as_prediction(a_pdf)
    wrong.projects[1].form = "project_target"
    wrong.projects[0].indicators[0].score = 3
    b_scan = _golden("b-scan", "B", "scan_pdf")
    return score_documents(
        [
            DocumentInput(golden=a_md, pred=as_prediction(a_md)),
            DocumentInput(golden=a_pdf, pred=wrong),
            DocumentInput(golden=b_scan, pred=None, error="InputError: 不支持的文件类型"),
        ]
    )


def test_documents_carry_family_and_rendering_from_the_golden_meta() -> None:
    report = _corpus_report()
    doc = report.document("b-scan")
    assert (doc.family, doc.rendering, doc.held_out) == ("B", "scan_pdf", False)


def test_groups_sum_their_documents_field_counts() -> None:
    report = _corpus_report()
    assert list(report.by_family) == ["A", "B"]
    assert list(report.by_rendering) == ["markdown", "scan_pdf", "text_pdf"]
    a = report.by_family["A"]
    md, pdf = report.document("a-md").counts, report.document("a-pdf").counts
    assert a.documents == 2 and a.failed == 0
    assert (a.counts.tp, a.counts.fd) == (md.tp + pdf.tp, md.fd + pdf.fd)
    assert report.by_rendering["markdown"].counts.f1 == 1.0
    assert report.by_rendering["text_pdf"].counts.f1 < 1.0
    assert report.by_family["B"].failed == 1 and report.by_family["B"].counts.f1 == 0.0
    assert report.by_family_rendering["A/markdown"].counts.f1 == 1.0


def test_form_type_accuracy_counts_wrong_and_unfound_projects() -> None:
    report = _corpus_report()
    # 2 projects per document: a-md both right, a-pdf one wrong, b-scan none found.
    assert (report.forms.golden, report.forms.aligned, report.forms.correct) == (6, 4, 3)
    assert report.forms.accuracy == 0.5
    assert report.by_family["A"].forms.accuracy == 0.75
    assert report.by_rendering["scan_pdf"].forms.accuracy == 0.0


def test_goldens_without_meta_have_no_groups() -> None:
    golden = sample_golden()
    report = score_documents([DocumentInput(golden=golden, pred=as_prediction(golden))])
    assert report.by_family == {} and report.by_rendering == {}
    assert report.forms.accuracy == 1.0
    assert "per family" not in to_markdown(report).lower()


def test_report_shows_the_family_by_rendering_matrix() -> None:
    report = _corpus_report()
    headers, rows = family_matrix(report)
    assert headers == ["family", "markdown", "scan_pdf", "text_pdf", "all"]
    assert rows[0][:2] == ["A", "1.000"] and rows[0][2] == "—"  # A has no scan
    assert rows[-1][0] == "(all)"
    md = to_markdown(report)
    assert "### Field F1 per family × rendering" in md and "### Per family" in md
    assert "form type 0.500 right (3 of 6 projects)" in md
    console = Console(record=True, width=200)
    render(report, console)
    assert "Per rendering" in console.export_text()


def test_gate_per_family_rendering_form_type_and_known_failures() -> None:
    report = _corpus_report()
    lenient = Thresholds(known_failures=["b-scan"])
    assert check_thresholds(report, lenient) == []
    assert check_thresholds(report, Thresholds()) == ["b-scan: InputError: 不支持的文件类型"]
    strict = Thresholds(
        per_family_f1={"A": 0.99, "C": 0.1},
        per_rendering_f1={"markdown": 1.0, "scan_pdf": 0.5},
        form_accuracy=0.6,
        known_failures=["b-scan"],
    )
    failures = check_thresholds(report, strict)
    assert failures[0].startswith("family A: F1 ")
    assert failures[1] == "family C: has a threshold but was not evaluated"
    assert failures[2].startswith("rendering scan_pdf: F1 0.0000")
    assert failures[3] == "form type right 0.5000 < 0.6000"
    assert len(failures) == 4
    pairs = Thresholds(
        per_family_rendering_f1={"A/markdown": 1.0, "A/text_pdf": 0.99, "B/markdown": 0.5},
        known_failures=["b-scan"],
    )
    assert check_thresholds(report, pairs) == [
        "family × rendering A/text_pdf: F1 "
        f"{report.by_family_rendering['A/text_pdf'].counts.f1:.4f} < 0.9900",
        "family × rendering B/markdown: has a threshold but was not evaluated",
    ]
