"""The funding block against the rows of the same form."""

from __future__ import annotations

from extractor.models import FundingLine
from extractor.validate.crosscheck import unpaid_phrase
from tests.validate.builders import ind, line, project, rules, run, value


def _block(rate: float | None = 100, executed: float = 1.929) -> list[FundingLine]:
    score = 10 * rate / 100 if rate is not None else None
    return [
        line(budget=1.929, executed=executed, execution_rate=rate, weight=10, score=score),
        line("fiscal", budget=1.929, executed=executed),
    ]


def test_000_full_execution_while_a_row_says_unpaid() -> None:
    # 000 离退休人员一次性奖励: 执行率 100 %, 资金得分 10, but 及时支付 → 待支付
    rows = [
        ind("退休人员", 16, 16, target=value("≥2人", 2, "人", "≥"), actual=value("2人", 2, "人")),
        ind(
            "及时支付",
            4,
            0,
            target=value("及时支付"),
            actual=value("待支付"),
            deviation_reason="年底追加未来得及支付,23年1月已支付",
        ),
    ]
    report = run(project(funding=_block(), indicators=rows))
    assert rules(report) == [("funding.unpaid_but_executed", "p1", "funding[0].execution_rate")]
    flag = report.flags[0]
    assert flag.severity == "warning" and "待支付" in flag.message and "100%" in flag.message


def test_rows_that_say_paid_or_a_block_not_fully_spent_pass() -> None:
    paid = [ind("及时支付", 10, 10, target=value("及时支付"), actual=value("及时支付"))]
    assert rules(run(project(funding=_block(), indicators=paid))) == []
    unpaid = [ind("及时支付", 10, 5, actual=value("尚未拨付"), deviation_reason="资金未到位")]
    # 执行率 80 %: the row explains the shortfall, no contradiction
    spent = round(1.929 * 0.8, 4)
    assert rules(run(project(funding=_block(80, spent), indicators=unpaid))) == []


def test_without_a_printed_rate_the_amounts_decide_and_name_the_field() -> None:
    rows = [ind("支付进度", 10, 8, actual=value("部分资金尚未支付"), deviation_reason="次年支付")]
    report = run(project(funding=_block(None), indicators=rows))
    assert rules(report) == [("funding.unpaid_but_executed", "p1", "funding[0].executed")]


def test_unpaid_phrases() -> None:
    assert unpaid_phrase("待支付") == "待支付"
    assert unpaid_phrase("年底追加未来得及支付, 23 年 1 月已支付") == "未来得及支付"
    assert unpaid_phrase("尚未拨付到位") == "尚未拨付"
    for text in ("及时支付", "已支付", "不存在未支付资金", "未发现资金未支付的情况", None):
        assert unpaid_phrase(text) is None
