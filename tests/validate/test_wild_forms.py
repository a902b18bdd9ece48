"""The validator on hand-made forms in other regions' templates (`wild_forms.py`): each
form raises exactly the warnings/errors a reviewer should get."""

from __future__ import annotations

import pytest

from extractor.validate import validate_result
from tests.validate.builders import document, result
from tests.validate.wild_forms import WildForm, wild_forms, wild_forms_batch2

Key = tuple[str, str | None, str]


def raised(form: WildForm) -> set[Key]:
    report = validate_result(result(*form.projects), document(form.text))
    return {(f.rule, f.project, f.path) for f in report.flags if f.severity != "info"}


def wild_scores() -> tuple[int, int, int]:
    """(matched, raised, expected) over all wild forms."""
    matched = raised_count = expected = 0
    for form in [*wild_forms(), *wild_forms_batch2()]:
        got = raised(form)
        matched += len(got & form.expected)
        raised_count += len(got)
        expected += len(form.expected)
    return matched, raised_count, expected


@pytest.mark.parametrize("form", [*wild_forms(), *wild_forms_batch2()], ids=lambda f: f.name)
def test_wild_form(form: WildForm) -> None:
    got = raised(form)
    assert got == form.expected, {"unexpected": got - form.expected, "missed": form.expected - got}


def test_wild_scores() -> None:
    matched, raised_count, expected = wild_scores()
    print(f"wild forms: {matched} matched, {raised_count} raised, {expected} expected")
    assert matched == expected == raised_count
