"""Typed records that flow between the stages, and the JSON output contract.

The field names follow the contract in DOMAIN.md: one `DocumentResult` per input
document, holding `Project`s (one per form) with their `FundingLine`s and
`Indicator`s, plus the validator's `Flag`s.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

SCHEMA_VERSION = "1"

Op = Literal["≥", "≤", "=", ">", "<"]
Severity = Literal["error", "warning", "info"]
FormKind = Literal[
    "project_self_evaluation",  # 项目支出绩效自评表
    "department_self_evaluation",  # 部门整体绩效自评表
    "project_target",  # 项目绩效目标表
    "department_target",  # 部门整体支出绩效目标申报表
    "evaluation_scoring",  # 评价报告的评分表 / 指标体系
]

# Numeric columns of a funding line, in the order forms usually print them.
FUNDING_NUMBER_FIELDS: tuple[str, ...] = (
    "initial_budget",  # 年初预算数
    "budget",  # 全年预算数 / 预算数(A) / 本年度安排金额
    "carried_in",  # 上年度结转金额
    "received",  # 实际到位金额
    "received_rate",  # 到位率 (%)
    "executed",  # 全年执行数 / 执行数(B) / 实际支出
    "execution_rate",  # 执行率 (%)
    "balance",  # 结余结转金额
    "weight",  # 分值
    "score",  # 得分
)


# The fields of an indicator a person reads, in the order forms print them.
INDICATOR_FIELDS: tuple[str, ...] = (
    "group",
    "level1",
    "level2",
    "name",
    "nature",
    "target",
    "actual",
    "weight",
    "score",
    "deviation_reason",
)


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Span(_Record):
    """Where a record or field sits in the source: page (1-based) and character
    offsets into that page's text. `bbox` is the box on the page (PDF points) when
    the page came from a PDF layout or OCR."""

    page: int
    start: int
    end: int
    bbox: list[float] | None = None


class Value(_Record):
    """A target or actual cell: the printed text and what it means."""

    raw: str
    op: Op | None = None
    number: float | None = None
    unit: str | None = None


class FundingLine(_Record):
    source: str  # "total" | "fiscal" | "carryover" | "other" | label as printed
    unit: str = "万元"
    initial_budget: float | None = None
    budget: float | None = None
    carried_in: float | None = None
    received: float | None = None
    received_rate: float | None = None
    executed: float | None = None
    execution_rate: float | None = None
    balance: float | None = None
    weight: float | None = None
    score: float | None = None
    span: Span | None = None


class Indicator(_Record):
    group: str | None = None  # 年度目标1 in a department form
    level1: str  # 一级指标, without "(50分)"
    level2: str | None = None  # 二级指标
    name: str  # 三级指标, without a leading "指标N:"
    nature: Op | None = None  # 指标性质 column of target forms
    target: Value | None = None
    actual: Value | None = None
    weight: float | None = None  # 分值 / 权重
    score: float | None = None  # 得分
    deviation_reason: str | None = None  # 偏差原因分析及改进措施
    span: Span | None = None


class Subtotal(_Record):
    level1: str
    weight: float | None = None
    score: float | None = None


class Total(_Record):
    weight: float | None = None
    score: float | None = None


class Project(_Record):
    id: str
    name: str
    form: FormKind
    year: int | None = None
    department: str | None = None  # 主管部门
    implementer: str | None = None  # 实施单位
    funding: list[FundingLine] = Field(default_factory=list)
    indicators: list[Indicator] = Field(default_factory=list)
    subtotals: list[Subtotal] = Field(default_factory=list)
    total: Total = Field(default_factory=Total)
    span: Span | None = None
    # What the reader noticed while reading this form (an unknown column, a cleaned
    # number …): info flags the pipeline adds to the result once the project has its id.
    _reader_flags: list[Flag] = PrivateAttr(default_factory=list)

    @property
    def reader_flags(self) -> list[Flag]:
        return self._reader_flags


class Flag(_Record):
    rule: str
    severity: Severity
    project: str | None = None  # Project.id
    path: str  # e.g. "indicators[3].score", "total.weight", "narrative"
    message: str  # Chinese, with the numbers
    expected: Any = None
    found: Any = None
    span: Span | None = None


class AccountColumn(_Record):
    """A column of a final-accounts table as printed (决算数, 本年收入合计 …) and its
    栏次 number where printed."""

    label: str
    number: int | None = None


class AccountRow(_Record):
    code: str | None = None  # 科目编码 (类 3 digits, 款 5, 项 7); null where none
    name: str  # 科目名称 or 项目 as printed
    line: int | None = None  # 行次 where printed
    values: list[float | None] = Field(default_factory=list)  # one per column
    span: Span | None = None


class AccountTable(_Record):
    """One final-accounts table (部门决算 表1–表9), or one side of a two-sided table."""

    number: int  # 表N
    title: str  # as printed: 收入支出决算总表 …
    side: str | None = None  # "收入" / "支出" for a two-sided table
    unit: str = "万元"
    columns: list[AccountColumn] = Field(default_factory=list)
    rows: list[AccountRow] = Field(default_factory=list)
    formulas: list[str] = Field(default_factory=list)  # printed notes such as "27 行= (1+2+…+8) 行"
    remark: str | None = None  # 备注, e.g. why a table is empty
    span: Span | None = None


class Source(_Record):
    path: str
    sha256: str
    pages: int


class DocumentResult(_Record):
    schema_version: str = SCHEMA_VERSION
    doc_id: str
    source: Source
    projects: list[Project] = Field(default_factory=list)
    accounts: list[AccountTable] = Field(default_factory=list)
    flags: list[Flag] = Field(default_factory=list)
    meta: dict[str, Any] = Field(default_factory=dict)


class ExpectedFlag(_Record):
    """A problem in the document itself, written by the person who labelled it."""

    rule: str
    project: str | None = None  # golden Project.id
    path: str
    note: str = ""


class GoldenDocument(DocumentResult):
    """A hand-labelled document: the expected output plus the expected flags."""

    expected_flags: list[ExpectedFlag] = Field(default_factory=list)
