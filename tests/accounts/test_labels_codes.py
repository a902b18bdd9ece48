"""Column labels from broken header cells; 科目编码 from OCR fragments."""

from __future__ import annotations

import pytest

from extractor.accounts.codes import CodeReader, fragments_of, list_family
from extractor.accounts.labels import build_label, clean_fragment, join_fragments


@pytest.mark.parametrize(
    ("fragments", "label"),
    [
        (["附属", "单位", "上缴", "收入"], "附属单位上缴收入"),
        (["上级", "上级 补助", "收入"], "上级补助收入"),  # a line printed twice
        (["本年收入", "合计"], "本年收入合计"),
        (["本年支出", "基本支出"], "基本支出"),  # group header dropped
        (["预算", "公务用", "小计"], "小计"),
        (["年初结", "+ 初结 转和结 余"], "年初结转和结余"),  # overlap merged
        (["年末结", "中水组 转和结 余"], "年末结转和结余"),  # garbled, snapped
        (["公 用 运 维 费"], "公务用车运行维护费"),
        (["国有资 本经营 预发数"], "国有资本经营预算财政拨款"),
        (["平位: 7170", "决算数"], "决算数"),  # debris dropped
        (["某项", "自定收入"], "某项自定收入"),  # unknown labels kept as printed
    ],
)
def test_build_label(fragments: list[str], label: str) -> None:
    assert build_label(fragments) == label


def test_fragments_and_joins() -> None:
    assert clean_fragment("t:/ ₁ ,") == ""
    assert clean_fragment("因公出 国(境) 费") == "因公出国(境)费"
    assert join_fragments(["年初结", "初结转和结余"]) == "年初结转和结余"
    assert join_fragments(["收", "入"]) == "收入"  # a one-character overlap is not merged


def _read(rows: list[list[str]], family: str | None = "function") -> list[tuple[str | None, str]]:
    reader = CodeReader(family)
    return [(r.code, r.status) for r in (reader.read(parts) for parts in rows)]


def test_codes_read_in_context() -> None:
    rows = [["01"], ["0131"], ["01310", "02"], ["210"], ["210", "013"], ["10130", "301"]]
    assert _read(rows) == [
        ("201", "repaired"),
        ("20131", "repaired"),
        ("2013102", "repaired"),
        ("210", "clean"),
        ("21013", "repaired"),
        ("2101301", "repaired"),
    ]


def test_code_that_does_not_fit_is_invalid() -> None:
    assert _read([["303"], ["30309"], ["20210"], ["30310"], ["30310"]], "economic") == [
        ("303", "clean"),
        ("30309", "clean"),
        ("20210", "invalid"),  # another classification
        ("30310", "clean"),
        ("30310", "invalid"),  # repeated: not after the previous code
    ]


def test_family_and_fragments() -> None:
    assert fragments_of(["2013102)", "}", ".02"]) == ["2013102", "02"]
    assert list_family(["301", "30101", "20210"]) == "economic"
    assert list_family(["201", "20131", "01"]) == "function"
    assert list_family(["", "7"]) is None
