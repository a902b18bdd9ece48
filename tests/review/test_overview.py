"""What the documents list and the dashboard call a document, derived from a stored
result: title from the first page, department, year and forms."""

from __future__ import annotations

from extractor.review.overview import department_of, form_counts, title_line, year_of


def test_title_is_the_first_title_like_line() -> None:
    page = "\n".join(
        [
            "",
            "2023年10月19日",  # a date, not a title
            "某市交通运输局2023年度部门整体支出绩效自评报告",
            "一、部门基本情况",
        ]
    )
    assert title_line([page]) == "某市交通运输局2023年度部门整体支出绩效自评报告"


def test_a_title_printed_over_two_lines_is_joined() -> None:
    page = "某县2021年城乡道路养护项目绩效\n自评报告\n根据《关于做好……》的要求"
    assert title_line([page]) == "某县2021年城乡道路养护项目绩效自评报告"


def test_table_rows_and_headings_are_not_titles() -> None:
    page = "项目名称\t道路养护\t\t\n一、项目基本情况\n（一）项目概况\n项目支出绩效自评表"
    assert title_line([page]) == "项目支出绩效自评表"
    assert title_line(["12\n34\n—"]) is None


def test_department_prefers_the_department_form_and_drops_budget_codes() -> None:
    projects = [
        {"form": "project_self_evaluation", "department": "区医保局"},
        {"form": "project_self_evaluation", "department": "区医保局"},
        {"form": "department_self_evaluation", "department": "某区医疗保障局"},
    ]
    assert department_of(projects) == "某区医疗保障局"
    coded = [{"form": "project_self_evaluation", "department": "054-某县医疗保障局"}]
    assert department_of(coded) == "某县医疗保障局"
    assert department_of([{"form": "evaluation_scoring", "department": None}]) == ""


def test_year_from_the_forms_then_from_the_title() -> None:
    assert year_of([{"year": 2022}, {"year": 2022}, {"year": 2021}], "") == 2022
    assert year_of([{"year": None}], "某县2021年城乡医疗救助项目绩效自评报告") == 2021
    assert year_of([], "项目支出绩效评价报告") is None


def test_forms_are_counted_by_kind_with_the_accounts_tables() -> None:
    projects = [
        {"form": "project_self_evaluation"},
        {"form": "project_self_evaluation"},
        {"form": "department_self_evaluation"},
    ]
    accounts = [{"number": 1}, {"number": 1}, {"number": 2}]  # 表1 printed in two halves
    assert form_counts(projects, accounts) == [
        ("项目支出绩效自评表", 2),
        ("部门整体绩效自评表", 1),
        ("部门决算表", 2),
    ]
