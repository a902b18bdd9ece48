"""Labels of what a flag points at, as a reviewer reads them."""

from __future__ import annotations

from extractor.review.fields import field_label

PROJECT = {
    "indicators": [{"name": "前台业务受理"}],
    "funding": [{"source": "total"}],
}


def test_a_whole_row_or_block_is_named_like_a_field() -> None:
    assert field_label(PROJECT, "indicators[0].score") == "指标 1「前台业务受理」·得分"
    assert (
        field_label(PROJECT, "indicators[0]@3:100") == "指标 1「前台业务受理」"
    )  # a reader's note
    assert field_label(PROJECT, "funding[0]#1a2b") == "资金 · 年度资金总额"
    assert field_label(PROJECT, "indicators@3:5") == "指标表"
    assert field_label(PROJECT, "narrative@1:5") == "正文"
    assert field_label(PROJECT, "projects") == "整张表"
    assert field_label(None, "projects") == "项目清单"
