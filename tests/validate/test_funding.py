"""Funding rules: each with a passing and a failing example."""

from __future__ import annotations

from tests.validate.builders import line, project, rule_ids, rules, run


def _standard(total: dict, fiscal: dict, carry: dict | None = None, other: dict | None = None):
    return [
        line("total", **total),
        line("fiscal", **fiscal),
        line("carryover", **(carry or {"budget": 0, "executed": 0})),
        line("other", **(other or {"budget": 0, "executed": 0})),
    ]


def test_total_sum_passes_when_sources_add_up() -> None:
    funding = _standard(
        {"budget": 20.52, "executed": 20.52},
        {"budget": 0, "executed": 0},
        carry={"budget": 20.52, "executed": 20.52},
    )
    assert "funding.total_sum" not in rule_ids(run(project(funding=funding)))


def test_total_sum_flags_the_column_that_does_not_add_up() -> None:
    funding = _standard(
        {"budget": 176.77, "executed": 186.816}, {"budget": 176.77, "executed": 180}
    )
    report = run(project(funding=funding))
    assert ("funding.total_sum", "p1", "funding[0].executed") in rules(report)
    flag = next(f for f in report.flags if f.rule == "funding.total_sum")
    assert flag.severity == "error" and "186.816" in flag.message and flag.expected == 180


def test_a_total_broken_down_twice_adds_up_in_each_breakdown() -> None:
    # 资金总额 | 按收入性质分 (一般公共预算, 政府性基金) | 按支出性质分 (基本支出, 项目支出)
    def funding(project_spending: float) -> list:
        return [
            line("total", budget=3092.42),
            line("一般公共预算", budget=2259.88),
            line("政府性基金", budget=832.54),
            line("基本支出", budget=2284.48),
            line("项目支出", budget=project_spending),
        ]

    assert "funding.total_sum" not in rule_ids(run(project(funding=funding(807.94))))
    assert "funding.total_sum" in rule_ids(run(project(funding=funding(817.94))))


def test_total_sum_uses_labelled_rows_and_treats_blank_parts_as_empty() -> None:
    # 004: 区县财政 / 市级财政 / 省级财政 add up to 合计; 002: 其他资金 left blank.
    funding = [
        line("区县财政", carried_in=993.3, budget=307.93, executed=1096.35, balance=204.88),
        line("市级财政", budget=261.31, executed=261.31, balance=0),
        line("省（以上）级财政", budget=286.33, executed=286.33, balance=0),
        line("total", carried_in=993.3, budget=855.57, executed=1643.99, balance=204.88),
    ]
    assert "funding.total_sum" not in rule_ids(run(project(funding=funding)))
    blank_other = [line("total", budget=86), line("fiscal", budget=86), line("other")]
    assert "funding.total_sum" not in rule_ids(run(project(funding=blank_other)))


def test_total_sum_skipped_when_no_part_has_the_column() -> None:
    funding = [
        line("total", budget=1910.44, executed=1114.03),
        line("基本支出", executed=126.18),
        line("项目支出", executed=987.85),
    ]
    report = run(project(funding=funding))
    assert "funding.total_sum" not in rule_ids(report)
    assert report.skipped["funding.total_sum"] == 1


def test_execution_rate_accepts_rounding_and_truncation() -> None:
    ok = [
        line(budget=176.77, executed=186.816, execution_rate=105.68),
        line("x", budget=1301.23, executed=1096.35, execution_rate=84.25),  # 84.255 truncated
        line("y", budget=220, executed=219.66, execution_rate=99.85),
    ]
    assert "funding.execution_rate" not in rule_ids(run(project(funding=ok)))


def test_execution_rate_of_received_funds_is_accepted() -> None:
    # 004: 支出率 = 支出金额 / 实际到位金额 (到位 = 结转 + 本年安排)
    funding = [
        line(
            "区县财政",
            carried_in=993.3,
            budget=307.93,
            received=1301.23,
            executed=1096.35,
            execution_rate=84.25,
        )
    ]
    assert "funding.execution_rate" not in rule_ids(run(project(funding=funding)))


def test_execution_rate_mismatch_is_an_error() -> None:
    report = run(project(funding=[line(budget=1910.44, executed=1114.03, execution_rate=60.31)]))
    assert rules(report) == [("funding.execution_rate", "p1", "funding[0].execution_rate")]
    assert report.flags[0].expected == 58.31


def test_execution_rate_skipped_without_amounts() -> None:
    report = run(project(funding=[line(execution_rate=100)]))
    assert report.skipped == {"funding.execution_rate": 1}


def test_received_rate_pass_and_fail() -> None:
    ok = line(carried_in=993.3, budget=307.93, received=1301.23, received_rate=100)
    assert "funding.received_rate" not in rule_ids(run(project(funding=[ok])))
    bad = line(budget=117.42, received=100, received_rate=100)
    assert rules(run(project(funding=[bad]))) == [
        ("funding.received_rate", "p1", "funding[0].received_rate")
    ]


def test_balance_pass_and_fail() -> None:
    ok = line(received=1301.23, executed=1096.35, balance=204.88)
    assert "funding.balance" not in rule_ids(run(project(funding=[ok])))
    bad = line(received=1301.23, executed=1096.35, balance=240.88)
    assert rules(run(project(funding=[bad]))) == [("funding.balance", "p1", "funding[0].balance")]


def test_funding_score_001_real_error() -> None:
    # 709.41 / 1505.48 = 47.12 %, 20 × 47.12 % = 9.42, printed 9.5
    bad = line(budget=1505.48, executed=709.41, execution_rate=47.12, weight=20, score=9.5)
    report = run(project(funding=[bad]))
    assert rules(report) == [("funding.score", "p1", "funding[0].score")]
    flag = report.flags[0]
    assert flag.severity == "error" and flag.expected == 9.42 and flag.found == 9.5
    assert "9.5" in flag.message and "9.42" in flag.message


def test_funding_score_passes_rounded_truncated_and_capped() -> None:
    ok = [
        line(budget=1505.48, executed=709.41, execution_rate=47.12, weight=20, score=9.42),
        line(budget=1910.44, executed=1114.03, execution_rate=58.31, weight=20, score=11.66),
        line(budget=220, executed=219.66, execution_rate=99.85, weight=20, score=19.97),
        line(budget=10, executed=9.954, execution_rate=99.54, weight=10, score=9.95),
        # capped variant: 得分不得突破权重总额
        line(budget=176.77, executed=186.816, execution_rate=105.68, weight=10, score=10),
    ]
    assert "funding.score" not in rule_ids(run(project(funding=ok)))


def test_funding_score_above_weight_is_a_warning_not_a_score_error() -> None:
    # 000: 10 × 105.68 % = 10.57, not capped
    over = line(budget=176.77, executed=186.816, execution_rate=105.68, weight=10, score=10.57)
    report = run(project(funding=[over]))
    assert ("funding.score_above_weight", "p1", "funding[0].score") in rules(report)
    assert "funding.score" not in rule_ids(report)
    flag = next(f for f in report.flags if f.rule == "funding.score_above_weight")
    assert flag.severity == "warning"
    assert "10.57" in flag.message and "10" in flag.message


# --- funding.over_execution ---------------------------------------------------------


def test_over_execution_000_special_funds() -> None:
    # 000 医疗保障专项经费: 全年执行数 186.816 above 全年预算数 176.77; the 本年财政拨款 row
    # repeats the overrun but the block is reported once, on the total line.
    funding = _standard(
        {"budget": 176.77, "executed": 186.816, "execution_rate": 105.68},
        {"budget": 176.77, "executed": 186.816},
    )
    report = run(project(funding=funding))
    over = [f for f in report.flags if f.rule == "funding.over_execution"]
    assert [(f.project, f.path) for f in over] == [("p1", "funding[0].executed")]
    assert over[0].severity == "warning"
    assert "186.816" in over[0].message and "176.77" in over[0].message
    assert "105.68%" in over[0].message


def test_within_budget_carry_over_or_receipts_passes() -> None:
    within = [line(budget=10, executed=9.954), line(budget=0.26, executed=0.26)]
    for funding in (within[:1], within[1:]):
        assert "funding.over_execution" not in rule_ids(run(project(funding=funding)))
    # 004: 本年度安排 307.93 plus 上年结转 993.3; a 财政支出绩效报告表 spends what arrived.
    carried = line(carried_in=993.3, budget=307.93, received=1301.23, executed=1096.35)
    arrived = line(budget=100, received=120, executed=110)
    for funding in ([carried], [arrived]):
        assert "funding.over_execution" not in rule_ids(run(project(funding=funding)))


def test_over_execution_rounding_and_no_budget() -> None:
    # A total printed to 2 decimals may sit one unit off its parts' sum.
    assert "funding.over_execution" not in rule_ids(
        run(project(funding=[line(budget=20.51, executed=20.52)]))
    )
    # Only 年初预算数 printed: in-year adjustments are normal, nothing to compare with.
    report = run(project(funding=[line(initial_budget=10, executed=12)]))
    assert "funding.over_execution" not in rule_ids(report)
    assert report.skipped["funding.over_execution"] == 1


def test_over_execution_without_total_line_checks_each_line() -> None:
    funding = [line("基本支出", budget=100, executed=100), line("项目支出", budget=50, executed=80)]
    assert rules(run(project(funding=funding))) == [
        ("funding.over_execution", "p1", "funding[1].executed")
    ]


def test_funding_score_skipped_without_weight() -> None:
    report = run(project(funding=[line(execution_rate=100, score=20)]))
    assert report.skipped["funding.score"] == 1
    assert report.skipped["funding.score_above_weight"] == 1


def _two_blocks(annual_total: float) -> list:
    """A target form's two funding blocks (项目资金 | 年度资金申请), block by block."""
    return [
        line("total", budget=500),
        line("财政资金", budget=450),
        line("other", budget=50),
        line("年度资金申请总额", budget=annual_total),
        line("fiscal", budget=250),
        line("carryover", budget=50),
    ]


def test_two_funding_blocks_add_up_each_on_its_own() -> None:
    assert "funding.total_sum" not in rule_ids(run(project(funding=_two_blocks(300))))


def test_the_second_blocks_total_is_checked_too() -> None:
    report = run(project(funding=_two_blocks(320)))
    assert ("funding.total_sum", "p1", "funding[3].budget") in rules(report)


def test_sources_by_label_beside_a_standard_other_line_add_up() -> None:
    funding = [
        line("total", budget=2310.03),
        line("本级财政资金", budget=1898.09),
        line("上级补助资金", budget=411.94),
        line("other", budget=0),
    ]
    assert "funding.total_sum" not in rule_ids(run(project(funding=funding)))
    funding[1] = line("本级财政资金", budget=1800)
    assert "funding.total_sum" in rule_ids(run(project(funding=funding)))
