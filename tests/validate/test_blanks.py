"""Blank cells: the one row of a form without the 权重 / 指标值 / 完成值 / 得分 that every
other row prints."""

from __future__ import annotations

from extractor.models import Indicator
from tests.validate.builders import ind, project, rule_ids, rules, run, value


def _target_row(name: str, weight: float | None, target: str | None = "100%") -> Indicator:
    return ind(
        name,
        weight,
        None,
        nature="=",
        target=value(target, 100, "%") if target else None,
    )


def test_002_row_that_lost_weight_and_value_to_a_column_shift() -> None:
    # 002 医疗服务与保障能力提升补助资金: "参保人员对医保服务的满意 ≥" and nothing after
    rows = [_target_row(f"指标{i}", 5) for i in range(12)]
    rows.append(_target_row("参保人员对医保服务的满意", None, None))
    report = run(project(form="project_target", indicators=rows))
    blanks = [r for r in rules(report) if r[0] == "indicator.missing_value"]
    assert blanks == [
        ("indicator.missing_value", "p1", "indicators[12].weight"),
        ("indicator.missing_value", "p1", "indicators[12].target"),
    ]
    flag = next(f for f in report.flags if f.path == "indicators[12].weight")
    assert flag.severity == "warning" and "其他 12 行" in flag.message


def test_002_small_form_with_one_weight_missing() -> None:
    # 002 国企单双解等人员…: 覆盖范围 ≥ 90% without a 权重, the other three rows 20 each
    rows = [_target_row("参保率", 20), _target_row("覆盖范围", None)]
    rows += [_target_row("资金到位率", 20), _target_row("满意度", 20)]
    assert rules(run(project(form="project_target", indicators=rows))) == [
        ("indicator.missing_value", "p1", "indicators[1].weight")
    ]


def test_a_column_the_form_does_not_have_is_not_blank() -> None:
    # 001's forms score rows without a per-row 分值; scoring tables have no target/actual.
    score_only = [ind(f"指标{i}", None, 10, target=value("≥90%", 90, "%")) for i in range(8)]
    scoring = [ind(f"指标{i}", 5, 5, level1="决策") for i in range(6)]
    for p in (
        project(indicators=score_only),
        project(form="evaluation_scoring", indicators=scoring),
    ):
        assert "indicator.missing_value" not in rule_ids(run(p))


def test_several_blanks_or_too_few_rows_are_not_flagged() -> None:
    # two blank weights: more likely a layout the reader did not follow
    rows = [_target_row(f"指标{i}", 10) for i in range(6)] + [
        _target_row("a", None),
        _target_row("b", None),
    ]
    assert "indicator.missing_value" not in rule_ids(run(project(indicators=rows)))
    # two filled rows are not enough to call it the form's column
    few = [_target_row("a", 45), _target_row("b", 45), _target_row("c", None)]
    assert "indicator.missing_value" not in rule_ids(run(project(indicators=few)))


def test_blank_score_on_a_self_evaluation_form_001() -> None:
    # 001 城乡医疗救助: 对低收入困难对象 ≥70% 70% and no 得分, seven other rows score 10
    rows = [ind(f"指标{i}", None, 10, actual=value("100%", 100, "%")) for i in range(7)]
    rows.insert(4, ind("对低收入困难对象", None, None, actual=value("70%", 70, "%")))
    assert rules(run(project(indicators=rows))) == [
        ("indicator.missing_value", "p1", "indicators[4].score")
    ]
