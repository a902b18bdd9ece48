# ruff: noqa: E501  (form rows are data: they stay one line each)
"""Made-up reports for the LLM tests (not taken from the golden documents), and the
answers the scripted server gives for them — written by hand for these tests."""

from __future__ import annotations

from typing import Any

LIBRARY = "村级图书室运营补助"
CANTEEN = "社区老年食堂补贴"

SELF_EVALUATION = f"""\
某县2023年度项目支出绩效自评表

项目名称\t{LIBRARY}\t\t\t\t\t
主管部门\t305-某县文化旅游局\t\t实施单位\t某县图书馆\t\t
项目资金（万元）\t\t年初预算数\t全年预算数\t全年执行数\t分值\t执行率\t得分
\t年度资金总额\t30\t30\t27.6\t10\t92%\t9.2
\t其中：本年财政拨款\t30\t30\t27.6\t—\t\t
\t上年结转资金\t0\t0\t0\t—\t\t
绩效指标\t一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\t偏差原因分析及改进措施
\t产出指标(50分)\t数量指标\t指标 1: 图书室覆盖村数\t≥ 45 个\t45个\t25\t25\t
\t\t质量指标\t指标 1: 图书上架合格率\t≥95%\t97%\t25\t25\t
\t效益指标(30分)\t社会效益指标\t指标 1: 村民借阅人次\t≥ 1.2 万人次\t1.1万人次\t30\t27\t部分村开放时间不足
\t满意度指标(10分)\t服务对象满意度指标\t指标 1: 村民满意度\t≥90%\t94%\t10\t10\t
总分\t\t\t\t\t\t100\t96.2\t
"""

TARGET = f"""\
2024年特定目标类项目绩效目标表
项目名称\t{CANTEEN}\t项目负责人及电话\t李四 87654321
主管部门\t某区民政局\t实施单位\t某区养老服务中心
资金情况 (万元)\t年度资金总额:\t120
\t其中: 财政拨款\t120
\t其他资金\t
总体目标\t年度目标
\t为辖区老年人提供助餐服务。
绩效指标\t一级指标\t二级指标\t三级指标\t指标性质\t指标值\t指标权重
\t产出指标\t数量指标\t助餐服务人次\t≥\t8000人次\t40
\t\t时效指标\t补贴发放及时率\t=\t100%\t30
\t效果指标\t服务对象满意度指标\t老年人满意度\t≥\t92%\t30
"""

NARRATIVE = """\
二、绩效目标完成情况
全年共收到补助资金30万元，其中：图书购置18万元、管理员补贴12万元。全年支出27.6万元，完成年初预算的92%。
"""

REPORT = SELF_EVALUATION + "\n\n" + NARRATIVE + "\n\n" + TARGET


def library_answer(**changes: Any) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "name": LIBRARY,
        "year": 2023,
        "department": "305-某县文化旅游局",
        "implementer": "某县图书馆",
        "funding": [
            {
                "source": "total",
                "unit": "万元",
                "initial_budget": 30,
                "budget": 30,
                "executed": 27.6,
                "weight": 10,
                "execution_rate": 92,
                "score": 9.2,
            },
            {
                "source": "fiscal",
                "unit": "万元",
                "initial_budget": 30,
                "budget": 30,
                "executed": 27.6,
            },
            {
                "source": "carryover",
                "unit": "万元",
                "initial_budget": 0,
                "budget": 0,
                "executed": 0,
            },
        ],
        "indicators": [
            {
                "level1": "产出指标",
                "level2": "数量指标",
                "name": "图书室覆盖村数",
                "target": "≥45个",
                "actual": "45个",
                "weight": 25,
                "score": 25,
            },
            {
                "level1": "产出指标",
                "level2": "质量指标",
                "name": "图书上架合格率",
                "target": "≥95%",
                "actual": "97%",
                "weight": 25,
                "score": 25,
            },
            {
                "level1": "效益指标",
                "level2": "社会效益指标",
                "name": "村民借阅人次",
                "target": "≥1.2万人次",
                "actual": "1.1万人次",
                "weight": 30,
                "score": 27,
                "deviation_reason": "部分村开放时间不足",
            },
            {
                "level1": "满意度指标",
                "level2": "服务对象满意度指标",
                "name": "村民满意度",
                "target": "≥90%",
                "actual": "94%",
                "weight": 10,
                "score": 10,
            },
        ],
        "subtotals": [
            {"level1": "产出指标", "weight": 50},
            {"level1": "效益指标", "weight": 30},
            {"level1": "满意度指标", "weight": 10},
        ],
        "total_weight": 100,
        "total_score": 96.2,
    }
    answer.update(changes)
    return answer


def canteen_answer(**changes: Any) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "name": CANTEEN,
        "year": 2024,
        "department": "某区民政局",
        "implementer": "某区养老服务中心",
        "funding": [
            {"source": "total", "unit": "万元", "budget": 120},
            {"source": "fiscal", "unit": "万元", "budget": 120},
        ],
        "indicators": [
            {
                "level1": "产出指标",
                "level2": "数量指标",
                "name": "助餐服务人次",
                "nature": "≥",
                "target": "8000人次",
                "weight": 40,
            },
            {
                "level1": "产出指标",
                "level2": "时效指标",
                "name": "补贴发放及时率",
                "nature": "=",
                "target": "100%",
                "weight": 30,
            },
            {
                "level1": "效果指标",
                "level2": "服务对象满意度指标",
                "name": "老年人满意度",
                "nature": "≥",
                "target": "92%",
                "weight": 30,
            },
        ],
    }
    answer.update(changes)
    return answer


def narrative_answer() -> dict[str, Any]:
    return {
        "figures": [
            {
                "quantity": "收到补助资金",
                "amount": 30,
                "unit": "万元",
                "quote": "全年共收到补助资金30万元",
                "parts": [
                    {"label": "图书购置", "amount": 18, "unit": "万元"},
                    {"label": "管理员补贴", "amount": 12, "unit": "万元"},
                ],
            },
            {
                "quantity": "全年支出",
                "amount": 27.6,
                "unit": "万元",
                "quote": "全年支出27.6万元，完成年初预算的92%",
                "percent": 92,
                "percent_of": "完成年初预算",
            },
        ]
    }
