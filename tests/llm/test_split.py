"""Long forms are split by rows with the header repeated; short ones are one call."""

from extractor.llm.split import split_form
from extractor.llm.tokens import estimate_tokens
from tests.llm.samples import SELF_EVALUATION

HEADER = "项目名称\t某乡河道保洁\n一级指标\t二级指标\t三级指标\t分值\t得分\n"
ROWS = [f"产出指标\t数量指标\t保洁河段第{i}段长度达标情况说明\t2\t2" for i in range(60)]


def test_short_form_is_one_part() -> None:
    (part,) = split_form(SELF_EVALUATION, 6000)
    assert part.text == SELF_EVALUATION and part.count == 1


def test_long_form_split_by_rows_with_header_repeated() -> None:
    text = HEADER + "\n".join(ROWS)
    parts = split_form(text, 400)
    assert len(parts) > 2
    assert all(p.text.startswith(HEADER) for p in parts)
    assert all(estimate_tokens(p.text) <= 400 for p in parts)
    bodies = [line for p in parts for line in p.text[len(HEADER) :].split("\n") if line]
    assert bodies == ROWS  # every row once, in order, none cut
    assert parts[0].repeated == 0 and parts[1].repeated == len(HEADER)
    assert [p.index for p in parts] == list(range(1, len(parts) + 1))


def test_long_header_repeats_only_the_column_heading() -> None:
    header = (
        "项目名称\t某乡河道保洁\n"
        + "\n".join(f"说明\t{'很长的说明文字' * 8}{i}" for i in range(12))
        + "\n"
    )
    heading = "一级指标\t二级指标\t三级指标\t分值\t得分"
    text = header + heading + "\n" + "\n".join(ROWS)
    parts = split_form(text, 300)
    with_rows = [p for p in parts if "保洁河段" in p.text]
    assert with_rows and all(p.text.startswith(heading) for p in with_rows[1:])
    assert (
        "".join(p.text for p in parts if "保洁河段" not in p.text).count("很长的说明文字") == 12 * 8
    )
