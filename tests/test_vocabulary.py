"""The vocabulary is data: one file per template family, checked when loaded."""

from __future__ import annotations

import pytest

from extractor.vocabulary import FORM_KINDS, Vocabulary, VocabularyError, _add, vocabulary


def test_every_family_loads_and_every_form_kind_has_titles() -> None:
    vocab = vocabulary()
    assert {"national", "provincial", "target", "scoring", "department"} <= set(vocab.families)
    assert {t.meaning for t in vocab.titles} == set(FORM_KINDS)
    words = [t.word for t in vocab.titles]
    assert words == sorted(words, key=len, reverse=True)  # longest (surest) first


def test_a_family_with_an_unknown_field_is_refused() -> None:
    with pytest.raises(VocabularyError, match="completion"):
        _add(Vocabulary(), "broken", {"columns": {"completion": ["完成值"]}})


def test_no_misread_of_one_report_in_the_vocabulary() -> None:
    vocab = vocabulary()
    words = {t.word for t in (*vocab.titles, *vocab.columns, *vocab.funding_rows)}
    assert not words & {"主管音", "対目标", "年绩指", "产指", "满度"}
