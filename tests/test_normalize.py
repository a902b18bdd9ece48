"""Each normalisation rule, as an example of use."""

import pytest

from extractor.normalize import (
    clean_cell,
    join_number_spaces,
    normalize_text,
    parse_number,
    parse_value,
    split_weight,
    squash,
    strip_indicator_prefix,
)


@pytest.mark.parametrize(
    ("cell", "number"),
    [
        ("1, 085. 68", 1085.68),
        ("1, 114. 03", 1114.03),
        ("105.68%", 105.68),
        ("100.00 %", 100.0),
        ("８０", 80.0),  # full-width digits
        ("176.77", 176.77),
        ("—", None),
        ("", None),
        ("及时", None),
        ("12 次", None),  # a value with a unit is not a bare number
    ],
)
def test_parse_number(cell: str, number: float | None) -> None:
    assert parse_number(cell) == number


def test_numbers_split_by_ocr_spaces_are_joined() -> None:
    assert join_number_spaces("8 0%") == "80%"
    assert join_number_spaces("≥ 9 0%") == "≥ 90%"
    # two amounts glued into one cell stay two amounts
    assert join_number_spaces("1505. 48 709. 41").split() == ["1505.48", "709.41"]


def test_latex_fragments_become_signs() -> None:
    assert normalize_text(r"$\geq 95\%$").text == "≥95%"
    assert normalize_text(r"$\leq 30$万元").text.startswith("≤")


def test_html_tags_removed_and_offsets_map_back() -> None:
    raw = "<p>1. 巩固成果。</p> <p>2. 提升能力</p>"
    clean = normalize_text(raw)
    assert "<p>" not in clean.text and "巩固成果" in clean.text
    start = clean.text.index("提升")
    s, e = clean.to_original(start, start + 2)
    assert raw[s:e] == "提升"


def test_compatibility_ideographs_are_unified() -> None:
    assert normalize_text("\uf98e度").text == "年度"  # 年 as U+F98E from an embedded CJK font


def test_words_broken_inside_cells_are_joined() -> None:
    assert clean_cell("年初预 算数") == "年初预算数"
    assert clean_cell("满意 度指 标") == "满意度指标"
    # spaces next to Latin words are kept in a cell; output names are squashed later
    assert clean_cell("推行医保支付方式和  DRG 试点") == "推行医保支付方式和 DRG 试点"


@pytest.mark.parametrize(
    ("cell", "raw", "op", "number", "unit"),
    [
        ("≥ 9977 人", "≥9977人", "≥", 9977.0, "人"),
        ("≥5.26 万人次", "≥5.26万人次", "≥", 5.26, "万人次"),
        ("100%", "100%", None, 100.0, "%"),
        ("及时支付", "及时支付", None, None, None),
        (r"$\geq 95\%$", "≥95%", "≥", 95.0, "%"),
        ("8 0%", "80%", None, 80.0, "%"),
        ("≤176.77 万元", "≤176.77万元", "≤", 176.77, "万元"),
        ("2022 年 12 月支付 完成", "2022年12月支付完成", None, None, None),
        ("300 元/人/年", "300元/人/年", None, 300.0, "元/人/年"),
    ],
)
def test_parse_value(
    cell: str, raw: str, op: str | None, number: float | None, unit: str | None
) -> None:
    value = parse_value(cell)
    assert value is not None
    assert (value.raw, value.op, value.number, value.unit) == (raw, op, number, unit)


def test_comparison_sign_from_the_nature_column() -> None:
    value = parse_value("95%", op_hint="≥")
    assert value is not None and value.op == "≥" and value.raw == "95%"


def test_level_weights_split_off() -> None:
    assert split_weight("产出 指标 (50 分)") == ("产出指标", 50.0)
    assert split_weight("决策（15分）") == ("决策", 15.0)
    assert split_weight("立项依据充分性（2.5分）") == ("立项依据充分性", 2.5)
    assert split_weight("数量指标") == ("数量指标", None)


def test_indicator_prefix_and_whitespace() -> None:
    assert strip_indicator_prefix("指标 1: 慢性病鉴定") == "慢性病鉴定"
    assert strip_indicator_prefix("指标2：开展医保政策宣传") == "开展医保政策宣传"
    assert squash(" 年度 总体 目标 ") == "年度总体目标"


def test_units_of_weight_and_a_bracketed_second_measure_word() -> None:
    weight = parse_value("≥1200公斤")
    assert weight is not None and (weight.op, weight.number, weight.unit) == ("≥", 1200, "公斤")
    assert getattr(parse_value("60台(套)"), "unit", None) == "台套"  # brackets in one unit
    assert getattr(parse_value("34987.00(平方米)"), "unit", None) == "平方米"
