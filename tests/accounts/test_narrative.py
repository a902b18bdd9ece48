"""Claims the 情况说明 makes about the tables, read from its sentences."""

from __future__ import annotations

from extractor.accounts.narrative import Claim, read_claims


def _kinds(text: str) -> list[tuple[str, str, float | None, float | None]]:
    return [(c.kind, c.subject, c.value, c.rate) for c in read_claims(text)]


def test_amounts_and_shares() -> None:
    text = (
        "2023年度收、支总计530万元。2023年度收入合计530万元。其中：财政拨款收入500万元，"
        "占本年收入94.3%；事业收入30万元，占本年收入5.7%。"
    )
    assert _kinds(text) == [
        ("amount", "grand_total", 530.0, None),
        ("amount", "income_total", 530.0, None),
        ("share", "income:财政拨款收入", 500.0, 94.3),
        ("share", "income:事业收入", 30.0, 5.7),
    ]
    share = read_claims(text)[2]
    assert share.denominator == "本年收入"
    assert text[share.start : share.end] == "500万元，占本年收入94.3%"


def test_only_a_whole_label_is_a_subject() -> None:
    text = "城乡医疗救助项目支出709.41万元。与2021年度相比，收、支总计各减少75.64万元，下降6.4%。"
    assert _kinds(text) == [("change", "grand_total", 75.64, 6.4)]
    assert read_claims(text)[0].base == -1.0


def test_fiscal_total_is_not_the_grand_total() -> None:
    assert _kinds("2022年度财政拨款收、支总计1114.03万元。") == [
        ("amount", "fiscal_grand_total", 1114.03, None)
    ]


def test_class_and_completion() -> None:
    text = (
        "1.一般公共服务(类)支出5.11万元，占0.5%。"
        "2.卫生健康支出（类）医疗救助（款）城乡医疗救助（项）。年初预算为772.97万元，"
        "支出决算为709.41万元，完成年初预算的91.8%。其他支出(类)。支出决算为28.35万元。"
    )
    claims = read_claims(text)
    assert [(c.kind, c.subject, c.value, c.rate) for c in claims] == [
        ("class", "一般公共服务支出", 5.11, 0.5),
        ("class", "其他支出", 28.35, None),
        ("completion", "path", 709.41, 91.8),
    ]
    assert claims[2].path == ("卫生健康支出", "医疗救助", "城乡医疗救助")
    assert claims[2].base == 772.97


def test_general_completion_fund_and_three() -> None:
    text = (
        "2022年度一般公共预算财政拨款支出年初预算为929.84万元，支出决算为1085.68万元，"
        "完成年初预算的116.7%。2022年度政府性基金预算财政拨款年初结转和结余0万元，本年收入"
        "28.35万元，本年支出28.35万元，年末结转和结余0万元。"
        "2022年度“三公”经费财政拨款支出预算为0万元，支出决算为0万元。"
    )
    claims = read_claims(text)
    assert [(c.kind, c.subject) for c in claims] == [
        ("completion", "general_expense"),
        ("fund", "年初结转和结余"),
        ("fund", "本年收入"),
        ("fund", "本年支出"),
        ("fund", "年末结转和结余"),
        ("three", "合计"),
    ]
    assert (claims[0].value, claims[0].base, claims[0].rate) == (1085.68, 929.84, 116.7)


def test_lists_of_subjects() -> None:
    text = (
        "主要使用行政运行、一般行政管理事务、提租补贴等科目。"
        "公用经费7.36万元，主要包括：办公费、物业管理费、差旅费。"
    )
    claims: list[Claim] = read_claims(text)
    assert [(c.kind, c.subject, c.items) for c in claims if c.items] == [
        ("used", "科目", ("行政运行", "一般行政管理事务", "提租补贴")),
        ("parts", "公用经费", ("办公费", "物业管理费", "差旅费")),
    ]
