"""Budgets without any performance form are refused with one clear line, not read as forms."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor.errors import InputError
from extractor.pipeline import extract_document

NEGATIVES = sorted(
    (Path(__file__).resolve().parent.parent / "golden" / "negatives" / "docs").glob("*.pdf")
)


@pytest.mark.parametrize("path", NEGATIVES, ids=[p.stem for p in NEGATIVES])
def test_a_budget_without_forms_gives_one_no_form_line(path: Path) -> None:
    with pytest.raises(InputError) as caught:
        extract_document(path)
    message = str(caught.value)
    assert message.startswith("未找到可识别的绩效表格") and "\n" not in message


def test_the_negatives_are_there() -> None:
    assert len(NEGATIVES) == 2
