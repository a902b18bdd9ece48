"""A scoring row's printed criterion against the report's 执行率 / 到位率."""

from __future__ import annotations

from extractor.models import FundingLine
from extractor.validate.criteria import limit
from tests.validate.builders import ind, line, project, rule_ids, rules, run

# 004's 绩效评价自评表 row: 评分要点 and 评分标准 cells after the name.
ROW_004 = (
    "\t预算执行进度率\n\n和调整率\t根据主管部门提供的年度预算执行情况和调整情况。\t4\t"
    "①预算执行进度=截止预算年度已安排使用的预算项目资金/预算资金*100%。\t"
    "①资金安排在11月底之前分配完毕，计2分；全年执行进度低于95%，不计分。"
    "②预算调整率低于5%计1分，按比例每上升1%扣0.2分。\t无扣分项目\t4\n"
    "\t资金使用合规性\t项目资金使用符合相关的财务管理制度规定。\t5\t…\t无扣分项目\t5\n"
)


def _scoring(rate: float, score: float = 4) -> list:
    funding: list[FundingLine] = [
        line(budget=855.57, received=1848.87, executed=1643.99, execution_rate=rate)
    ]
    rows = [
        ind("预算执行进度率和调整率", 4, score, level1="项目过程", level2="资金管理"),
        ind("资金使用合规性", 5, 5, level1="项目过程", level2="资金管理"),
    ]
    return [project(form="evaluation_scoring", funding=funding, indicators=rows)]


def test_004_full_score_although_execution_is_below_the_threshold() -> None:
    report = run(*_scoring(88.92), text=ROW_004)
    assert rules(report) == [("indicator.criterion_not_met", "p1", "indicators[0].score")]
    flag = report.flags[0]
    assert flag.severity == "warning"
    assert (
        "88.92%" in flag.message and "最多应得 2 分" in flag.message and "低于95%" in flag.message
    )


def test_criterion_met_or_score_docked_passes() -> None:
    assert "indicator.criterion_not_met" not in rule_ids(run(*_scoring(96.5), text=ROW_004))
    assert "indicator.criterion_not_met" not in rule_ids(run(*_scoring(88.92, 2), text=ROW_004))
    # no criterion text at hand (or no rate): nothing to compare
    assert "indicator.criterion_not_met" not in rule_ids(run(*_scoring(88.92)))


def test_bands_003() -> None:
    # 003's 指标体系: "90%-100%得2.5分；80%-89%得1分；60%-79%得0.5分；60%以下，不得分。"
    text = (
        "预算执行率=（实际支出资金/实际到位资金）×100%。90%-100%得2.5分；80%-89%得1分；"
        "60%-79%得0.5分；60%以下，不得分。"
    )
    assert limit(text, 100, 2.5).most == 2.5  # type: ignore[union-attr]
    assert limit(text, 85, 2.5).most == 1  # type: ignore[union-attr]
    assert limit(text, 50, 2.5).most == 0  # type: ignore[union-attr]
    assert limit("95%（含）-100%得满分", 97, 5).most == 5  # type: ignore[union-attr]


def test_slope_and_other_subjects() -> None:
    slope = "预算执行率≥95%计4分，每低于1%扣0.2分，扣完为止。"
    assert limit(slope, 90.5, 4).most == 4 - 4 * 0.2  # type: ignore[union-attr]
    assert limit(slope, 99, 4) is None
    # "低于 5% 不得分" about the 调整率, not the 执行率
    assert limit("预算调整率低于5%，不得分。", 3, 4) is None
    # a row whose name names no rate is not read
    other = project(
        form="evaluation_scoring",
        funding=[line(execution_rate=50)],
        indicators=[ind("救助人次达标率", 2, 2)],
    )
    assert rule_ids(run(other, text="救助人次达标率\t≥90%计2分，低于60%，不得分。")) == []
