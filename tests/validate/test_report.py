"""The public API: ValidationReport, checks_run, skipped, by_severity."""

from __future__ import annotations

import re
from pathlib import Path

from extractor.models import Total
from extractor.validate import RULES, ValidationReport, validate_result
from extractor.validate.rules import severity_of
from tests.validate.builders import ind, line, project, result, run


def test_report_counts_by_severity() -> None:
    p = project(
        funding=[
            line(budget=176.77, executed=186.816, execution_rate=105.68, weight=10, score=10.57)
        ],
        indicators=[ind("a", 10, 15), ind("b", 80, 70)],
        total=Total(weight=100, score=95.57),
    )
    report = run(p)
    assert isinstance(report, ValidationReport)
    counts = report.by_severity()
    # warnings: over_execution, funding score above weight, missing 偏差原因
    assert counts == {"error": 1, "warning": 3, "info": 0}
    assert [f.rule for f in report.flags_of("error")] == ["indicator.score_above_weight"]
    assert report.checks_run > 5


def test_skipped_counts_missing_inputs() -> None:
    p = project(
        form="department_self_evaluation",
        funding=[line(execution_rate=100, weight=20, score=20)],
        indicators=[ind("a", None, 4), ind("b", None, 4)],
        total=Total(weight=100, score=28),
    )
    report = run(p)
    assert report.flags == []
    assert report.skipped == {
        "funding.execution_rate": 1,
        "indicator.score_above_weight": 2,
        "total.weight_sum": 1,
    }


def test_empty_result_runs_nothing() -> None:
    report = validate_result(result())
    assert report.flags == [] and report.checks_run == 0 and report.skipped == {}
    assert report.by_severity() == {"error": 0, "warning": 0, "info": 0}


def test_rule_table_matches_the_golden_readme() -> None:
    readme = (Path(__file__).resolve().parents[2] / "golden" / "README.md").read_text("utf-8")
    documented = set(re.findall(r"^\| `([a-z_]+\.[a-z_]+)` \|", readme, re.MULTILINE))
    assert documented == set(RULES)
    assert severity_of("funding.score_above_weight") == "warning"
    assert severity_of("funding.score") == "error"
    assert all(rule.description for rule in RULES.values())


def test_report_serialises() -> None:
    report = run(project(indicators=[ind("a", 10, 15)]))
    again = ValidationReport.model_validate_json(report.model_dump_json())
    assert again == report
