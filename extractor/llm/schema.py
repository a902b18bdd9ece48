"""The models the LLM answers with (`response_model` for instructor).

They mirror `extractor.models` without what the model must not decide: ids, spans and
the form kind come from the pipeline, `Value`s are parsed from the raw cell text the
model copies (`extractor.normalize.parse_value`). Descriptions are the field definitions
the model sees in its schema; they follow golden/README.md.
"""

from __future__ import annotations

import copy
import hashlib
import json
import math
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

Op = Literal["≥", "≤", "=", ">", "<"]
_SCHEMAS: dict[tuple[Any, ...], dict[str, Any]] = {}


class _Answer(BaseModel):
    model_config = ConfigDict(extra="ignore")

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """Pydantic's schema, computed once per class and arguments: instructor asks
        for it several times per call, and generating it costs more than the call's
        own parsing."""
        key = (cls, args, tuple(sorted(kwargs.items(), key=lambda kv: kv[0])))
        if key not in _SCHEMAS:
            _SCHEMAS[key] = super().model_json_schema(*args, **kwargs)
        return copy.deepcopy(_SCHEMAS[key])

    @field_validator("*", mode="after")
    @classmethod
    def _finite(cls, value: object) -> object:
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError("数字必须是有限值")
        return value


_AMOUNT = "金额，按表中印出的数字（去掉 OCR 空格和千分位逗号）；空格或“—”为 null；印出的 0 为 0"
_RATE = "百分比的数值，如 105.68% 写 105.68；空为 null"


class FundingAnswer(_Answer):
    source: str = Field(
        min_length=1,
        description=(
            "资金行：年度资金总额/年度财政资金总额/部门整体支出总额/合计 → total；"
            "本年财政拨款/财政拨款 → fiscal；上年结转资金 → carryover；其他资金 → other；"
            "其他行名原样照抄（如 区县财政、基本支出）"
        ),
    )
    unit: Literal["万元", "元"] = Field(default="万元", description="表中写明的金额单位")
    initial_budget: float | None = Field(default=None, description="年初预算数。" + _AMOUNT)
    budget: float | None = Field(
        default=None,
        description="全年预算数/预算数(A)/本年度安排金额；目标表的资金金额也写这里。" + _AMOUNT,
    )
    carried_in: float | None = Field(default=None, description="上年度结转金额。" + _AMOUNT)
    received: float | None = Field(default=None, description="实际到位金额。" + _AMOUNT)
    received_rate: float | None = Field(default=None, description="到位率。" + _RATE)
    executed: float | None = Field(
        default=None, description="全年执行数/执行数(B)/实际支出/支出金额。" + _AMOUNT
    )
    execution_rate: float | None = Field(default=None, description="执行率/支出率。" + _RATE)
    balance: float | None = Field(default=None, description="结余结转金额。" + _AMOUNT)
    weight: float | None = Field(
        default=None, description="资金分值（含表头“得分(20分*执行率)”中的 20）"
    )
    score: float | None = Field(default=None, description="资金得分")


class IndicatorAnswer(_Answer):
    group: str | None = Field(
        default=None, description="部门整体表中指标所属的“年度目标1”等；其他表为 null"
    )
    level1: str | None = Field(
        default=None, description="一级指标，不带“(50分)”；合并单元格为空时沿用上一行的一级指标"
    )
    level2: str | None = Field(
        default=None, description="二级指标，不带分值；印在一级指标列的“成本指标”也放这里"
    )
    name: str = Field(min_length=1, description="三级指标，去掉开头的“指标1:”和结尾的“(2.5分)”")
    nature: Op | None = Field(
        default=None, description="目标表“指标性质”列（≥ ≤ = > <）；其他表为 null"
    )
    target: str | None = Field(
        default=None,
        description=(
            "年度指标值/指标值/年初目标值 单元格原文去空白（如 ≥9977人）；"
            "有单独度量单位列时把值和单位连起来；"
            "评分表为 null"
        ),
    )
    actual: str | None = Field(
        default=None, description="实际完成值 单元格原文去空白；目标表和评分表为 null"
    )
    weight: float | None = Field(default=None, description="分值/权重/指标权重")
    score: float | None = Field(default=None, description="得分/评价得分/自评得分")
    deviation_reason: str | None = Field(
        default=None, description="偏差原因分析及改进措施 单元格原文去空白，空为 null"
    )


class SubtotalAnswer(_Answer):
    level1: str = Field(min_length=1, description="一级指标（或“年度目标1”），不带分值")
    weight: float | None = Field(
        default=None, description="该一级指标印出的分值，如“产出指标(50分)”中的 50"
    )
    score: float | None = Field(default=None, description="小计行的得分")


class FormAnswer(_Answer):
    """一张绩效表（一个项目）中印出的全部记录。"""

    name: str = Field(
        default="",
        description=(
            "项目名称；部门整体表为部门名称；评价报告的评分表为被评价项目名称（不含“项目”“绩效评价报告”）"
        ),
    )
    year: int | None = Field(
        default=None, description="表所属年度，如“(2022年度)”中的 2022；未写为 null"
    )
    department: str | None = Field(
        default=None, description="主管部门，照抄含编码前缀（如“054-某某局”）"
    )
    implementer: str | None = Field(default=None, description="实施单位，照抄")
    funding: list[FundingAnswer] = Field(
        default_factory=list, description="项目资金各行；全空行不录"
    )
    indicators: list[IndicatorAnswer] = Field(
        default_factory=list, description="每个三级指标一条，按表中顺序；“本指标不适用”的行不录"
    )
    subtotals: list[SubtotalAnswer] = Field(
        default_factory=list, description="一级指标表头印出的分值或小计行"
    )
    total_weight: float | None = Field(default=None, description="总分/合计行的分值")
    total_score: float | None = Field(default=None, description="总分/合计行的得分")


class FigurePart(_Answer):
    label: str = Field(min_length=1, description="“其中”列出的一项叫什么，照抄")
    amount: float = Field(description="该项的数值")
    unit: str | None = Field(default=None, description="单位：万元、元、%、人次……")


class StatedFigure(_Answer):
    quantity: str = Field(
        min_length=1, description="这个数字是什么（照抄原文用语，如“城乡医疗救助支出”）"
    )
    amount: float = Field(description="数值，去掉千分位逗号和 OCR 空格")
    unit: str | None = Field(default=None, description="单位：万元、元、亿元、人次、户、%……")
    quote: str = Field(min_length=1, description="原文中陈述该数字的片段（照抄，不改字）")
    percent: float | None = Field(
        default=None, description="同一句给出的百分比（如“完成年初预算的116.7%”中的 116.7）"
    )
    percent_of: str | None = Field(
        default=None, description="该百分比的含义，如“完成年初预算”“执行率”“占支出总额”"
    )
    parts: list[FigurePart] = Field(
        default_factory=list, description="“其中：A、B、C”列出的组成部分"
    )


class NarrativeAnswer(_Answer):
    """一段正文中陈述的金额、人数、比例等数字。"""

    figures: list[StatedFigure] = Field(default_factory=list)


ANSWER_MODELS: dict[str, type[_Answer]] = {"form": FormAnswer, "narrative": NarrativeAnswer}


def schema_hash(model: type[BaseModel]) -> str:
    text = json.dumps(model.model_json_schema(), ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
