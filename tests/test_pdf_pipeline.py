"""One parser for every input: forms drawn as ruled-table PDFs read like their text.

The PDFs are built from the golden documents' own forms (title lines above a ruled table
with merged cells), then scored against the same golden files as the text version.
"""

from pathlib import Path

import pytest

from eval.harness import DocumentInput, score_documents
from extractor.models import GoldenDocument
from extractor.pipeline import extract_document
from tests.fixtures.make_pdfs import write_text_forms_pdf

GOLDEN = Path(__file__).resolve().parent.parent / "golden"


@pytest.mark.parametrize("prefix", ["000", "002"])
def test_pdf_version_scores_like_the_text(prefix: str, tmp_path: Path) -> None:
    (source,) = (GOLDEN / "docs").glob(f"{prefix}_*.txt")
    golden = GoldenDocument.model_validate_json((GOLDEN / f"{source.stem}.json").read_text("utf-8"))
    pdf = tmp_path / f"{source.stem}.pdf"
    write_text_forms_pdf(source, pdf)

    from_text = extract_document(source)
    from_pdf = extract_document(pdf)
    assert [p.name for p in from_pdf.projects] == [p.name for p in from_text.projects]
    assert from_pdf.source.pages > 1
    # records from a PDF point at their page and box
    first = from_pdf.projects[0].indicators[0]
    assert first.span is not None and first.span.page >= 1

    text_f1 = score_documents([DocumentInput(golden=golden, pred=from_text)]).overall.f1
    pdf_f1 = score_documents([DocumentInput(golden=golden, pred=from_pdf)]).overall.f1
    assert pdf_f1 >= text_f1 - 0.02, (pdf_f1, text_f1)
