"""Total and subtotal rules."""

from __future__ import annotations

from extractor.models import Project, Subtotal, Total
from tests.validate.builders import ind, line, project, rule_ids, rules, run


def _personnel_costs(total_weight: float = 100) -> Project:
    """000 人员经费: rows 10×4 + 10×3 + 10, funding weight 10 → 90 vs 总分 100."""
    rows = [ind(f"产出{i}", 10, 10, level1="产出指标") for i in range(4)]
    rows += [ind(f"效益{i}", 10, 10, level1="效益指标") for i in range(3)]
    rows += [ind("满意度", 10, 10, level1="满意度指标")]
    return project(
        funding=[line(weight=10, score=10, budget=24.32, executed=24.32, execution_rate=100)],
        indicators=rows,
        subtotals=[
            Subtotal(level1="产出指标", weight=50),
            Subtotal(level1="效益指标", weight=30),
            Subtotal(level1="满意度指标", weight=10),
        ],
        total=Total(weight=total_weight, score=90),
    )


def test_total_weight_000_real_error() -> None:
    report = run(_personnel_costs())
    assert ("total.weight_sum", "p1", "total.weight") in rules(report)
    flag = next(f for f in report.flags if f.rule == "total.weight_sum")
    assert flag.expected == 100 and flag.found == 90 and "90" in flag.message


def test_subtotal_weight_000_real_error() -> None:
    report = run(_personnel_costs())
    assert ("subtotal.weight_sum", "p1", "subtotals[0].weight") in rules(report)
    assert [r for r in rules(report) if r[0] == "subtotal.weight_sum"] == [
        ("subtotal.weight_sum", "p1", "subtotals[0].weight")
    ]


def test_weights_that_add_up_pass() -> None:
    p = project(
        funding=[line(weight=10, score=10.57)],
        indicators=[ind("a", 50, 49.8), ind("b", 40, 40, level1="效益指标")],
        subtotals=[Subtotal(level1="产出指标", weight=50), Subtotal(level1="效益指标", weight=40)],
        total=Total(weight=100, score=100.37),
    )
    ids = rule_ids(run(p))
    assert not {"total.weight_sum", "total.score_sum", "subtotal.weight_sum"} & set(ids)


def test_score_sum_pass_and_fail() -> None:
    p = project(
        funding=[line(weight=20, score=9.5)],
        indicators=[ind(f"r{i}", None, 10) for i in range(8)],
        total=Total(score=89.5),
        form="department_self_evaluation",
    )
    assert "total.score_sum" not in rule_ids(run(p))
    p.total.score = 89.42
    assert rules(run(p)) == [("total.score_sum", "p1", "total.score")]


def test_target_form_without_total_is_out_of_100() -> None:
    # 002: target forms print no 总分; weights 20+20+20+10+20 = 90
    rows = [ind(f"r{i}", w, None) for i, w in enumerate([20, 20, 20, 10, 20])]
    report = run(project(form="project_target", indicators=rows))
    assert rules(report) == [("total.weight_sum", "p1", "total.weight")]
    assert "按 100 计" in report.flags[0].message
    rows.append(ind("r5", 10, None))
    assert run(project(form="project_target", indicators=rows)).flags == []


def test_weights_missing_skip_the_check() -> None:
    # a weight lost to a column shift cannot be added up
    rows = [ind("a", 50, None), ind("b", None, None)]
    report = run(project(form="project_target", indicators=rows))
    assert report.flags == [] and report.skipped["total.weight_sum"] == 1
    all_null = project(
        form="project_self_evaluation", indicators=[ind("a", None, 5)], total=Total(weight=100)
    )
    assert run(all_null).skipped["total.weight_sum"] == 1


def test_self_evaluation_without_printed_total_is_not_checked() -> None:
    rows = [ind("a", 10, 10)]
    report = run(project(form="evaluation_scoring", indicators=rows))
    assert "total.weight_sum" not in rule_ids(report) and "total.weight_sum" not in report.skipped


def test_group_subtotals_of_a_department_form() -> None:
    rows = [
        ind("a", 10, 10, group="年度目标1"),
        ind("b", 15, 15, group="年度目标1"),
        ind("c", 5, 5, group="年度目标2"),
    ]
    subtotals = [
        Subtotal(level1="年度目标1", weight=30, score=25),
        Subtotal(level1="年度目标2", weight=5, score=5),
    ]
    report = run(project(form="department_self_evaluation", indicators=rows, subtotals=subtotals))
    assert rules(report) == [("subtotal.weight_sum", "p1", "subtotals[0].weight")]


def test_subtotal_score_pass_and_fail() -> None:
    rows = [
        ind("社会效益", 12, 11.88, level1="效果"),
        ind("可持续影响", 8, 7.74, level1="效果"),
        ind("服务对象满意度", 10, 10, level1="效果"),
    ]
    ok = project(
        form="evaluation_scoring",
        indicators=rows,
        subtotals=[Subtotal(level1="效果", weight=30, score=29.62)],
    )
    assert run(ok).flags == []
    bad = project(
        form="evaluation_scoring",
        indicators=rows,
        subtotals=[Subtotal(level1="效果", weight=30, score=29.72)],
    )
    assert rules(run(bad)) == [("subtotal.score_sum", "p1", "subtotals[0].score")]


def test_subtotal_matches_level1_with_or_without_指标() -> None:
    rows = [ind("a", 20, 20, level1="产出")]
    p = project(
        form="evaluation_scoring",
        indicators=rows,
        subtotals=[Subtotal(level1="产出指标", weight=30)],
    )
    assert rules(run(p)) == [("subtotal.weight_sum", "p1", "subtotals[0].weight")]


def test_subtotal_without_rows_is_skipped() -> None:
    p = project(
        indicators=[ind("a", 10, 10)], subtotals=[Subtotal(level1="年度绩效目标", weight=80)]
    )
    report = run(p)
    assert "subtotal.weight_sum" not in rule_ids(report)
    assert report.skipped["subtotal.weight_sum"] == 1


# --- total.score_above_weight -------------------------------------------------------


def test_total_score_above_total_weight_000() -> None:
    # 000 医疗保障专项经费: 89.8 from the rows + 10.57 funding = 100.37 of 100
    rows = [ind("项目成本", 10, 9.8), ind("其他", 80, 80)]
    p = project(
        funding=[line(weight=10, score=10.57, budget=176.77, executed=186.816)],
        indicators=rows,
        total=Total(weight=100, score=100.37),
    )
    report = run(p)
    above = [f for f in report.flags if f.rule == "total.score_above_weight"]
    assert [(f.project, f.path) for f in above] == [("p1", "total.score")]
    assert above[0].severity == "warning" and above[0].message == "总得分 100.37 高于总分值 100"
    assert "total.score_sum" not in rule_ids(report)  # it adds up; it is only too high


def test_total_score_within_weight_or_without_weight() -> None:
    assert "total.score_above_weight" not in rule_ids(
        run(project(indicators=[ind("a", 100, 100)], total=Total(weight=100, score=100)))
    )
    report = run(project(indicators=[ind("a", None, 91.66)], total=Total(score=91.66)))
    assert "total.score_above_weight" not in rule_ids(report)
    assert report.skipped["total.score_above_weight"] == 1
