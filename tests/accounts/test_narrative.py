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


def test_publication_template_wording() -> None:
    """The 2024 publication template's sentences (made-up figures)."""
    text = (
        "某局2024年度收入支出总计120.00万元。与2023年度相比，收入支出总计增加20.00万元，"
        "增长20.00%。本年支出合计100.00万元，其中：基本支出60.00万元，占60.00%；"
        "项目支出40.00万元，占40.00%。一般公共预算财政拨款支出100.00万元，占本年支出合计的"
        "100.00%。一般公共预算财政拨款支出100.00万元，主要用于以下方面：教育支出（类）"
        "70.00万元，占70.00%；卫生健康支出（类）30.00万元，占30.00%。"
    )
    assert _kinds(text) == [
        ("amount", "grand_total", 120.0, None),
        ("amount", "expense_total", 100.0, None),
        ("share", "expense:基本支出", 60.0, 60.0),
        ("share", "expense:项目支出", 40.0, 40.0),
        ("share", "general_expense", 100.0, 100.0),
        ("amount", "general_expense", 100.0, None),
        ("change", "grand_total", 20.0, 20.0),
        ("class", "教育支出", 70.0, 70.0),
        ("class", "卫生健康支出", 30.0, 30.0),
    ]
    claims = read_claims(text)
    assert claims[2].head == 100.0 and claims[2].denominator == ""  # 占 P% of the head
    assert claims[4].denominator == "本年支出合计" and claims[4].rate_digits == 2
    assert claims[7].head == 100.0


def test_completion_items_with_purpose_and_relation() -> None:
    text = (
        "一般公共预算财政拨款支出年初预算为0万元，全年预算为321.02万元，支出决算为307.82万元，"
        "完成年初预算的95.89%。其中：1、一般公共服务支出（类）社会工作事务（款）行政运行（项）。"
        "主要用于：行政单位人员支出、公用支出。全年预算为52.00万元，支出决算为51.32万元，"
        "完成全年预算数的98.69%。决算数小于全年预算数的主要原因：人员变动。"
        "2、住房保障支出（类）住房改革支出（款）购房补贴（项）。主要用于：购房补贴支出。"
        "全年预算为11.72万元，支出决算为11.72万元。决算数与全年预算数持平。"
    )
    general, first, second = [c for c in read_claims(text) if c.kind == "completion"]
    assert (general.subject, general.base, general.rate_of) == ("general_expense", 0.0, "年初预算")
    assert general.budgets == (("年初预算", 0.0), ("全年预算", 321.02))
    assert first.path == ("一般公共服务支出", "社会工作事务", "行政运行")
    assert (first.value, first.base, first.rate, first.relation) == (51.32, 52.0, 98.69, "小于")
    assert first.purpose == "行政单位人员支出、公用支出"
    assert (second.path[-1], second.relation, second.rate) == ("购房补贴", "持平", None)


def test_three_public_sentences_and_lists() -> None:
    text = (
        "“三公”经费财政拨款支出年初预算为2.85万元，支出决算为0.39万元，完成预算的13.68%，"
        "其中：因公出国（境）费决算为0.00万元，完成预算的0.00%；公务接待费支出决算为0.39万元，"
        "完成预算的13.68%。公务接待费支出决算减少0.15万元，下降（增长）27.78%。"
        "因公出国（境）费支出决算0.00万元，占0.00%；公务接待费支出决算0.39万元，占100.00%。"
        "公务用车购置支出为0.00万元。人员经费95.36万元，主要包括：基本工资、其他对个人和家庭的"
        "补助（不涉及的不列）；公用经费10.23万元，主要包括：办公费、办公设备购置支出。"
    )
    claims = read_claims(text)
    three = [
        (c.subject, c.value, c.base, c.rate, c.denominator) for c in claims if c.kind == "three"
    ]
    assert three == [
        ("合计", 0.39, 2.85, 13.68, None),
        ("因公出国(境)费", 0.0, None, 0.0, "预算"),
        ("公务接待费", 0.39, None, 13.68, "预算"),
        ("因公出国(境)费", 0.0, None, 0.0, "决算合计"),
        ("公务接待费", 0.39, None, 100.0, "决算合计"),
        ("公务用车购置费", 0.0, None, None, None),
    ]
    change = next(c for c in claims if c.kind == "change")
    assert (change.value, change.rate, change.base, change.items) == (
        0.15,
        27.78,
        -1.0,
        ("减少", "下降"),
    )
    parts = [(c.subject, c.items) for c in claims if c.kind == "parts"]
    assert parts == [
        ("人员经费", ("基本工资", "其他对个人和家庭的补助")),
        ("公用经费", ("办公费", "办公设备购置支出")),
    ]
