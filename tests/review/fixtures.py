"""A made-up self-evaluation form and its records, for the review tests (not a test
module). The records are written by hand with spans into the text, and the flags come
from the real validator, so a re-validation after a decision sees the same rules.

The form's one real error: 群众出行便利 scores 18 with weight 15 (the total printed,
96.29, is what the scores add up to with 15), so correcting the score to 15 clears both
`indicator.score_above_weight` and `total.score_sum`.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from extractor.chunk import chunk_document
from extractor.document import Document, Page
from extractor.models import (
    DocumentResult,
    FundingLine,
    Indicator,
    Project,
    Source,
    Span,
    Subtotal,
    Total,
    Value,
)
from extractor.normalize import parse_value
from extractor.validate import validate_result

DOC_ID = "demo_road_2023"
SCRIPT_DOC_ID = "demo_script"
SCRIPT = "<script>alert('xss')</script>"
IMG = '<img src=x onerror="alert(1)">'

HEADER = [
    "项目支出绩效自评表",
    "（2023 年度）",
    "项目名称\t乡村道路养护经费\t\t\t",
    "主管部门\t101-某县交通运输局\t实施单位\t101002-某县公路中心",
    "项目资金（万元）\t\t年初预算数\t全年预算数\t全年执行数\t分值\t执行率\t得分",
]
FUNDING = [
    (
        "total",
        "\t年度资金总额\t50\t48.5\t40.2\t10\t82.89%\t8.29",
        (50, 48.5, 40.2, 10, 82.89, 8.29),
    ),
    ("fiscal", "\t其中：本年财政拨款\t50\t48.5\t40.2\t—\t\t", (50, 48.5, 40.2, None, None, None)),
    ("carryover", "\t上年结转资金\t0\t0\t0\t—\t\t", (0, 0, 0, None, None, None)),
]
HEAD_CELLS = (
    "绩效指标 一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分 偏差原因分析及改进措施"
)
INDICATOR_HEAD = "\t".join(HEAD_CELLS.split())
# level1, level2, name, target, actual, weight, score, reason, printed row
INDICATORS = [
    (
        "产出指标",
        "数量指标",
        "养护里程",
        "≥120公里",
        "118公里",
        20,
        19,
        "雨季停工",
        "\t产出指标(50分)\t数量指标\t养护里程\t≥120公里\t118公里\t20\t19\t雨季停工",
    ),
    (
        "产出指标",
        "数量指标",
        "桥梁检查",
        "4次",
        "4次",
        10,
        9,
        None,
        "\t\t\t桥梁检查\t4次\t4次\t10\t9\t",
    ),
    (
        "产出指标",
        "质量指标",
        "路面合格率",
        "≥95%",
        "96%",
        10,
        10,
        None,
        "\t\t质量指标\t路面合格率\t≥95%\t96%\t10\t10\t",
    ),
    (
        "产出指标",
        "成本指标",
        "养护成本",
        "≤50万元",
        "40.2万元",
        10,
        10,
        None,
        "\t\t成本指标\t养护成本\t≤50万元\t40.2万元\t10\t10\t",
    ),
    (
        "效益指标",
        "社会效益指标",
        "群众出行便利",
        "明显改善",
        "明显改善",
        15,
        18,
        None,
        "\t效益指标(30分)\t社会效益指标\t群众出行便利\t明显改善\t明显改善\t15\t18\t",
    ),
    (
        "效益指标",
        "可持续影响指标",
        "长效养护机制",
        "建立",
        "建立",
        15,
        15,
        None,
        "\t\t可持续影响指标\t长效养护机制\t建立\t建立\t15\t15\t",
    ),
    (
        "满意度指标",
        "服务对象满意度指标",
        "沿线群众满意度",
        "≥90%",
        "102%",
        10,
        10,
        None,
        "\t满意度指标(10分)\t服务对象满意度指标\t沿线群众满意度\t≥90%\t102%\t10\t10\t",
    ),
]
TOTAL_ROW = "总分\t\t\t\t\t\t100\t96.29\t"
NARRATIVE = (
    "二、绩效目标完成情况\n本项目全年预算 48.5 万元，实际支出 40.2 万元，预算执行率 82.89%。"
)

# A narrative sentence whose rate does not match its amounts (narrative.rate).
WRONG_RATE = "\n三、资金使用情况\n项目全年预算 48.5 万元，实际支出 40.2 万元，预算执行率为 90%。"

# Positions in FUNDING / INDICATORS the tests refer to.
WRONG_SCORE = "indicators[4].score"  # 18 with weight 15: an error
REASON_SCORE = "indicators[1].score"  # 9 below 10 without a 偏差原因: a warning
RATE_ACTUAL = "indicators[6].actual"  # 102%: a suspicious value (warning)


def _text(name: str, extra: str = "") -> str:
    header = [row.replace("乡村道路养护经费", name) for row in HEADER]
    rows = [
        *header,
        *(f[1] for f in FUNDING),
        INDICATOR_HEAD,
        *(i[-1] for i in INDICATORS),
        TOTAL_ROW,
    ]
    return "\n".join(rows) + "\n\n" + NARRATIVE + extra + "\n"


def _span(text: str, row: str, after: int = 0) -> Span:
    start = text.index(row, after)
    return Span(page=1, start=start, end=start + len(row))


def _value(raw: str) -> Value | None:
    return parse_value(raw)


def build(
    doc_id: str = DOC_ID,
    name: str = "乡村道路养护经费",
    extra: str = "",
    indicator_name: str | None = None,
) -> tuple[DocumentResult, list[str]]:
    """The result (validated like the pipeline does) and its page texts."""
    text = _text(name, extra)
    form_start = 0
    form_end = text.index(TOTAL_ROW) + len(TOTAL_ROW)
    funding = []
    for source, row, numbers in FUNDING:
        initial, budget, executed, weight, rate, score = numbers
        funding.append(
            FundingLine(
                source=source,
                initial_budget=initial,
                budget=budget,
                executed=executed,
                weight=weight,
                execution_rate=rate,
                score=score,
                span=_span(text, row),
            )
        )
    indicators = []
    for index, (l1, l2, ind_name, target, actual, weight, score, reason, row) in enumerate(
        INDICATORS
    ):
        if index == 5 and indicator_name is not None:
            ind_name = indicator_name
        indicators.append(
            Indicator(
                level1=l1,
                level2=l2,
                name=ind_name,
                target=_value(target),
                actual=_value(actual),
                weight=weight,
                score=score,
                deviation_reason=reason,
                span=_span(text, row),
            )
        )
    project = Project(
        id="p1",
        name=name,
        form="project_self_evaluation",
        year=2023,
        department="101-某县交通运输局",
        implementer="101002-某县公路中心",
        funding=funding,
        indicators=indicators,
        subtotals=[
            Subtotal(level1="产出指标", weight=50),
            Subtotal(level1="效益指标", weight=30),
            Subtotal(level1="满意度指标", weight=10),
        ],
        total=Total(weight=100, score=96.29),
        span=Span(page=1, start=form_start, end=form_end),
    )
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    result = DocumentResult(
        doc_id=doc_id,
        source=Source(path=f"{doc_id}.txt", sha256=sha, pages=1),
        projects=[project],
    )
    document = Document(
        doc_id=doc_id, path=f"{doc_id}.txt", sha256=sha, pages=[Page(number=1, text=text)]
    )
    result.flags = validate_result(result, document, chunk_document(document)).flags
    return result, [text]


def build_script_doc() -> tuple[DocumentResult, list[str]]:
    """A document whose text and records carry HTML that must render inert."""
    return build(
        SCRIPT_DOC_ID,
        name=f"{SCRIPT}养护项目",
        extra=f"\n备注：{SCRIPT}{IMG}",
        indicator_name=f"{IMG}长效机制",
    )


def write_pdf(path: Path, name: str = "乡村道路养护经费") -> Path:
    """The demo form drawn as a ruled-table PDF with a text layer (tests/fixtures)."""
    from tests.fixtures.make_pdfs import split_rows, write_form_pdf

    lines = _text(name).split("\n")
    rows = [line for line in lines if "\t" in line]
    plain = [line for line in lines if line.strip() and "\t" not in line]
    write_form_pdf(path, split_rows(rows), title_lines=plain[:2], after_lines=plain[2:])
    return path


def build_pdf(folder: Path, stem: str = "demo_pdf") -> DocumentResult:
    """The demo form as a PDF, read by the real pipeline: records carry boxes."""
    from extractor.pipeline import extract_document

    folder.mkdir(parents=True, exist_ok=True)
    return extract_document(write_pdf(folder / f"{stem}.pdf"))
