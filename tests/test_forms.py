"""A form is what its title says it is; the document's words and the columns come after."""

from __future__ import annotations

import pytest

from extractor.forms import decide_kind, is_framework_label, kind_of_title

ALL = {"level1", "level2", "name", "nature", "target", "actual", "weight", "score"}


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("2023年度项目支出绩效自评表", "project_self_evaluation"),
        ("部门（单位）整体支出绩效自评表", "department_self_evaluation"),
        ("项目支出绩效目标表（2024年度）", "project_target"),
        ("财政项目支出绩效目标填报表", "project_target"),
        ("部门整体支出绩效目标申报表", "department_target"),
        ("评价指标体系评分表", "evaluation_scoring"),
        ("XX项目绩效评价评分情况表", "evaluation_scoring"),
        ("项目支出绩效自评衣", "project_self_evaluation"),  # OCR-damaged title
        # close to 绩效目标表, but a self-evaluation of the targets is a self-evaluation
        ("项目支出绩效目标自评表", "project_self_evaluation"),
        ("部门整体支出绩效目标自评表", "department_self_evaluation"),
        ("2022年绩效目标完成情况表", "project_self_evaluation"),
        ("本项目建立了三级评价指标体系，见下表：", None),  # a sentence, not a title
        ("收入支出决算总表", None),
    ],
)
def test_kind_of_title(title: str, kind: str | None) -> None:
    assert kind_of_title(title) == kind


def test_title_beats_columns() -> None:
    # a self-evaluation form that prints a 指标性质 column is still a self-evaluation
    decision = decide_kind("项目绩效自评表", "", {"nature", "target", "actual", "score"})
    assert (decision.kind, decision.by) == ("project_self_evaluation", "title")
    # a target form with one 指标值 column and no 权重 is still a target form
    decision = decide_kind("项目支出绩效目标表", "", {"level1", "name", "target"})
    assert decision.kind == "project_target"


def test_without_title_the_document_then_the_columns_decide() -> None:
    near = "附件2：2023年度项目绩效目标申报表如下"
    assert decide_kind("", near, {"target", "weight"}).by == "document"
    decision = decide_kind("", "下表：", {"target", "actual", "weight", "score"})
    assert (decision.kind, decision.by) == ("project_self_evaluation", "columns")
    assert decide_kind("", "", {"weight", "score"}).kind == "evaluation_scoring"


def test_department_forms_and_evaluation_frameworks() -> None:
    assert decide_kind("绩效自评表", "", ALL, department=True).kind == "department_self_evaluation"
    # a title naming a project stays a project form whatever the header block says
    assert decide_kind("2022年度“救助”项目自评表", "", ALL, department=True).kind == (
        "project_self_evaluation"
    )
    assert decide_kind("绩效评价自评表", "", ALL, framework=True).kind == "evaluation_scoring"
    assert is_framework_label("A决策15分") and is_framework_label("过程（20分）")
    assert not is_framework_label("产出指标")


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("重点项目绩效目标审批表", "project_target"),
        ("专项资金绩效自评情况表", "project_self_evaluation"),
        ("项目支出绩效评价得分表", "evaluation_scoring"),
        ("2023年度收入支出决算总表", None),  # no 绩效 word: not a form title
    ],
)
def test_titles_no_family_lists_are_read_by_their_words(title: str, kind: str | None) -> None:
    assert kind_of_title(title) == kind
