"""The rule table: stable ids (golden/README.md), severities and what each rule checks.

Ids are the contract with the golden files and the eval harness; never rename one.
"""

from __future__ import annotations

from typing import NamedTuple

from extractor.models import Severity


class Rule(NamedTuple):
    id: str
    severity: Severity
    description: str


_RULES: tuple[Rule, ...] = (
    Rule("funding.total_sum", "error", "资金总额 ≠ 各来源之和"),
    Rule("funding.execution_rate", "error", "执行率 ≠ 执行数 / 预算数"),
    Rule("funding.received_rate", "error", "到位率 ≠ 到位数 / 预算数"),
    Rule("funding.score", "error", "资金得分 ≠ 分值 × 执行率"),
    Rule("funding.score_above_weight", "warning", "资金得分高于分值"),
    Rule("funding.balance", "error", "结余 ≠ 到位数 − 执行数"),
    Rule("funding.over_execution", "warning", "执行数超过全年预算数（超预算支出）"),
    Rule("funding.unpaid_but_executed", "warning", "执行率已达 100%，但本表指标称资金尚未支付"),
    Rule("indicator.score_above_weight", "error", "指标得分高于分值"),
    Rule("indicator.missing_deviation_reason", "warning", "得分低于分值但未填偏差原因"),
    Rule("indicator.target_not_met", "warning", "定量目标未完成却得满分"),
    Rule("indicator.formula", "error", "得分与表中写明的计分公式不符"),
    Rule("indicator.criterion_not_met", "warning", "评分表本行的评分标准与执行率/到位率不符"),
    Rule(
        "indicator.suspicious_value",
        "warning",
        "可疑的指标值（0.95 写法的百分比、超过 100% 的比率）",
    ),
    Rule("indicator.duplicate", "warning", "同一张表中重复的指标"),
    Rule("indicator.unit_mismatch", "warning", "实际完成值缺少指标值的计量单位"),
    Rule("indicator.missing_value", "warning", "本表其他各行都有的权重/指标值/完成值/得分本行空缺"),
    Rule("total.weight_sum", "error", "各指标分值 + 资金分值 ≠ 总分分值"),
    Rule("total.score_sum", "error", "各指标得分 + 资金得分 ≠ 总得分"),
    Rule("total.score_above_weight", "warning", "总得分高于总分值"),
    Rule("subtotal.weight_sum", "error", "一级指标分值 ≠ 其下各行分值之和"),
    Rule("subtotal.score_sum", "error", "小计得分 ≠ 其下各行得分之和"),
    Rule("document.missing_form", "warning", "项目清单中的项目没有对应的表"),
    Rule("document.unit_conflict", "warning", "表头单位（元）与表上方单位（万元）矛盾"),
    Rule("narrative.sum", "error", "正文“共计 X，其中 A、B、C”各项之和不等于合计"),
    Rule("narrative.rate", "error", "正文中的百分比与其金额不符"),
    Rule("narrative.conflict", "warning", "正文中同一数量前后不一致，或与表格不一致"),
    Rule("accounts.hierarchy", "error", "科目金额 ≠ 其下级科目之和"),
    Rule("accounts.formula", "error", "表下注明的计算公式不成立"),
    Rule("accounts.cross_table", "error", "不同决算表中应一致的金额不一致"),
    Rule("accounts.total", "error", "合计行或小计栏 ≠ 其组成部分之和"),
    Rule("accounts.rounding", "info", "舍入差异：合计与其组成部分之和相差不超过各项尾数的舍入误差"),
)

RULES: dict[str, Rule] = {rule.id: rule for rule in _RULES}


def severity_of(rule_id: str) -> Severity:
    return RULES[rule_id].severity
