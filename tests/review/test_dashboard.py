"""The dashboard's figures and the SVG charts drawn from them."""

from __future__ import annotations

from extractor.review import ReviewStore
from extractor.review.dashboard import RATE_BANDS, SCORE_BANDS, execution_rate, run_figures
from extractor.review.web.charts import columns, documents_chart, progress_chart, rules_chart
from tests.review.fixtures import DOC_ID, RATE_ACTUAL, WRONG_SCORE


def test_bands_hold_every_value_once() -> None:
    for bands in (RATE_BANDS, SCORE_BANDS):
        for value in (0, 49.9, 50, 89.99, 95, 99.99, 100, 100.01, 250):
            assert sum(b.holds(value) for b in bands) == 1, (value, bands)


def test_execution_rate_is_printed_or_computed() -> None:
    printed = {"funding": [{"source": "total", "execution_rate": 82.89}]}
    computed = {"funding": [{"source": "total", "budget": 50, "executed": 40}]}
    assert execution_rate(printed) == 82.89
    assert execution_rate(computed) == 80.0
    assert execution_rate({"funding": []}) is None


def test_figures_follow_the_reviewed_values(store: ReviewStore) -> None:
    store.decide(DOC_ID, "p1", WRONG_SCORE, "modify", value="15", reviewer="张三", version=0)
    store.decide(DOC_ID, "p1", RATE_ACTUAL, "confirm", reviewer="李四", version=0)
    figures = run_figures(store.views(), {})
    assert (figures.documents, figures.forms, figures.decisions) == (2, 2, 2)
    assert figures.reviewers == ["张三", "李四"]
    progress = {status: count for status, _name, count in figures.progress}
    assert progress == {"open": 5, "confirmed": 1, "source_error": 0, "cleared": 2}
    assert figures.open == 5
    assert [d.doc_id for d in figures.worst] == ["demo_script", DOC_ID]
    score_rule = next(r for r in figures.rules if r.rule == "indicator.score_above_weight")
    assert score_rule.by_severity["error"] == 2 and score_rule.open == 1


def test_charts_draw_one_shape_per_count(store: ReviewStore) -> None:
    figures = run_figures(store.views(), {})
    histogram = columns(figures.execution.bins, "资金执行率分布")
    assert len(histogram.shapes) == len(RATE_BANDS)
    assert [s.h > 0 for s in histogram.shapes].count(True) == 1  # 82.89% twice
    assert histogram.empty == ""
    rules = rules_chart(figures.rules)
    assert len(rules.shapes) == sum(1 for r in figures.rules for c in r.by_severity.values() if c)
    worst = documents_chart(figures.worst)
    assert all(s.href.startswith("/documents/") for s in worst.shapes)
    assert progress_chart([("open", "待处理", 0)]).empty
    assert columns([], "空").empty
