"""Record alignment: projects, indicators, funding lines."""

from __future__ import annotations

from eval.align import align_funding, align_indicators, align_projects
from extractor.models import FundingLine
from tests.eval.eval_builders import indicator, project


def test_indicators_reordered_renamed_missing_extra() -> None:
    golden = [
        indicator("参保人数"),
        indicator("救助资金发放准确率", level2="质量指标"),
        indicator("资金拨付及时率", level2="时效指标"),
        indicator("群众满意度", level1="满意度指标", level2="服务对象满意度指标"),
    ]
    pred = [
        indicator("群众满意度", level1="满意度指标", level2="服务对象满意度指标"),
        indicator("资金拨付及时率", level2="时效指标"),
        indicator("办公用房面积", level2="成本指标"),  # extra
        indicator("参保人数（人）"),  # renamed slightly
    ]  # "救助资金发放准确率" is missing
    matching = align_indicators(golden, pred)
    assert matching.pairs == ((0, 3), (2, 1), (3, 0))
    assert matching.missing == (1,)
    assert matching.extra == (2,)
    assert matching.pred_to_golden() == {3: 0, 1: 2, 0: 3}


def test_indicators_with_the_same_name_aligned_by_group_and_level2() -> None:
    golden = [
        indicator("满意度", level1="满意度指标", level2="服务对象满意度指标", group="年度目标1"),
        indicator("满意度", level1="满意度指标", level2="服务对象满意度指标", group="年度目标2"),
        indicator("覆盖率", level2="数量指标"),
        indicator("覆盖率", level2="质量指标"),
    ]
    pred = [golden[3], golden[1], golden[2], golden[0]]
    assert align_indicators(golden, pred).pairs == ((0, 3), (1, 1), (2, 2), (3, 0))


def test_merged_name_cell_rows_aligned_by_values() -> None:
    golden = [
        indicator("资金到位率", target="100%", weight=5, score=5),
        indicator("资金到位率", target="≥95%", weight=5, score=4),
    ]
    pred = [golden[1]]  # the first row was lost
    matching = align_indicators(golden, pred)
    assert matching.pairs == ((1, 0),)
    assert matching.missing == (0,)


def test_level2_in_the_level1_column_still_aligns() -> None:
    golden = [indicator("人均成本", level1="产出指标", level2="成本指标")]
    pred = [indicator("人均成本", level1="成本指标", level2=None)]
    assert align_indicators(golden, pred).pairs == ((0, 0),)


def test_two_projects_with_similar_names() -> None:
    golden = [project("p1", "城乡医疗救助"), project("p2", "城乡医疗救助资金")]
    pred = [project("a", "城乡医疗救助资金"), project("b", "城乡医疗救助")]
    matching = align_projects(golden, pred)
    assert matching.pairs == ((0, 1), (1, 0))
    assert not matching.missing and not matching.extra


def test_same_name_different_forms_each_find_their_kind() -> None:
    golden = [
        project("p1", "城乡医疗救助", form="project_self_evaluation"),
        project("p2", "城乡医疗救助", form="evaluation_scoring"),
    ]
    pred = [
        project("a", "城乡医疗救助", form="evaluation_scoring"),
        project("b", "城乡医疗救助", form="project_self_evaluation"),
    ]
    assert align_projects(golden, pred).pairs == ((0, 1), (1, 0))


def test_wrong_form_still_aligns_when_the_name_matches() -> None:
    golden = [project("p1", "城乡医疗救助", form="project_self_evaluation")]
    pred = [project("a", "城乡医疗救助", form="project_target")]
    assert align_projects(golden, pred).pairs == ((0, 0),)


def test_dissimilar_projects_stay_unmatched() -> None:
    golden = [project("p1", "城乡医疗救助")]
    pred = [project("a", "办公经费")]
    matching = align_projects(golden, pred)
    assert matching.pairs == ()
    assert matching.missing == (0,)
    assert matching.extra == (0,)


def test_empty_sides() -> None:
    matching = align_projects([project("p1", "项目")], [])
    assert matching.missing == (0,) and matching.extra == ()


def test_funding_by_source() -> None:
    golden = [
        FundingLine(source="total"),
        FundingLine(source="fiscal"),
        FundingLine(source="other"),
        FundingLine(source="区县财政"),
    ]
    pred = [
        FundingLine(source="fiscal"),
        FundingLine(source="区县级财政"),  # a label as printed, read slightly differently
        FundingLine(source="total"),
        FundingLine(source="carryover"),  # a canonical source only matches itself
    ]
    matching = align_funding(golden, pred)
    assert matching.pairs == ((0, 2), (1, 0), (3, 1))
    assert matching.missing == (2,)
    assert matching.extra == (3,)
