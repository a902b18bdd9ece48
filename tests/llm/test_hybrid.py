"""Hybrid: the template parser and the model read each form; whole records are chosen by
the validator's arithmetic, fields by agreement, grounding and clean cells; what is left
is flagged with both candidates."""

from collections.abc import Callable
from pathlib import Path

from extractor.backends.rules import RulesBackend
from extractor.document import Chunk, Document
from extractor.llm.hybrid import HybridBackend, align, name_key
from extractor.models import DocumentResult, Flag, Project, Value
from extractor.pipeline import extract_document
from tests.llm.conftest import ConfigFactory, run_llm
from tests.llm.fake_server import Answer, Error, FakeOpenAI
from tests.llm.samples import (
    CANTEEN,
    LIBRARY,
    REPORT,
    SELF_EVALUATION,
    canteen_answer,
    library_answer,
)

Write = Callable[[str, str], Path]


class EditedRules:
    """The template parser with its output edited, to stand for a misread."""

    name = "rules"

    def __init__(self, edit: Callable[[Project], list[Project]]) -> None:
        self.inner = RulesBackend()
        self.edit = edit

    def extract(self, chunk: Chunk, document: Document) -> list[Project]:
        return [q for p in self.inner.extract(chunk, document) for q in self.edit(p)]


def run(
    make_config: ConfigFactory,
    path: Path,
    edit: Callable[[Project], list[Project]] | None = None,
    **changes: object,
) -> DocumentResult:
    rules = EditedRules(edit) if edit else None
    backend = HybridBackend(make_config(narrative=False, **changes), rules=rules)
    return extract_document(path, backend=backend)


def disagreements(result: DocumentResult) -> dict[str, Flag]:
    return {f.path: f for f in result.flags if f.rule == "hybrid.disagreement"}


def records(result: DocumentResult) -> list[dict]:
    return [
        p.model_dump(
            exclude={
                "span": True,
                "funding": {"__all__": {"span"}},
                "indicators": {"__all__": {"span"}},
            }
        )
        for p in result.projects
    ]


def test_agreeing_fields_are_accepted(
    server: FakeOpenAI, make_config: ConfigFactory, write: Write
) -> None:
    server.script(LIBRARY, [Answer(library_answer())])
    server.script(CANTEEN, [Answer(canteen_answer())])
    result = run(make_config, write("r.txt", REPORT))
    assert disagreements(result) == {} and result.meta["backend"] == "hybrid"
    stats = result.meta["llm"]["hybrid"]
    assert stats["agreed_fields"] > 100 and stats["disagreements"] == 0
    assert [p.name for p in result.projects] == [LIBRARY, CANTEEN]


def test_a_funding_line_that_fails_its_arithmetic_is_replaced_whole(
    server: FakeOpenAI, make_config: ConfigFactory, write: Write
) -> None:
    def misread(project: Project) -> list[Project]:
        project.funding[0].executed = 26.7  # a misread: 26.7 / 30 is not the printed 92 %
        project.funding[0].weight = 9  # and a second field of the same line
        return [project]

    server.script(LIBRARY, [Answer(library_answer())])
    result = run(make_config, write("a.txt", SELF_EVALUATION), misread)
    line = result.projects[0].funding[0]
    assert (line.executed, line.weight, line.score) == (27.6, 10, 9.2)  # no mix of sources
    flag = disagreements(result)["funding[0]"]
    assert (
        flag.severity == "info"
        and "整行采用模型" in flag.message
        and "不满足校验算术" in flag.message
    )
    assert result.meta["llm"]["hybrid"]["records_preferred_by_arithmetic"] == 1
    assert not [f for f in result.flags if f.rule.startswith("funding.")]  # the sums hold again


def test_the_parser_line_is_kept_whole_when_the_model_line_fails(
    server: FakeOpenAI, make_config: ConfigFactory, write: Write
) -> None:
    answer = library_answer()
    answer["funding"][0]["execution_rate"] = 30  # printed in the row, but not the rate
    server.script(LIBRARY, [Answer(answer)])
    result = run(make_config, write("a.txt", SELF_EVALUATION))
    assert result.projects[0].funding[0].execution_rate == 92
    flag = disagreements(result)["funding[0]"]
    assert flag.found == {"chosen": "rules"} and "模型读出的这一行不满足校验算术" in flag.message


def test_a_glued_name_loses_to_a_clean_cell_and_the_row_is_read_once(
    server: FakeOpenAI, make_config: ConfigFactory, write: Write
) -> None:
    def glued(project: Project) -> list[Project]:
        project.indicators[3].name = "村民满意度≥90%94%1010"  # other cells glued in
        return [project]

    server.script(LIBRARY, [Answer(library_answer())])
    result = run(make_config, write("a.txt", SELF_EVALUATION), glued)
    names = [i.name for i in result.projects[0].indicators]
    assert names == ["图书室覆盖村数", "图书上架合格率", "村民借阅人次", "村民满意度"]
    flag = disagreements(result)["indicators[3].name"]
    assert flag.severity == "info" and flag.found == {"chosen": "model", "value": "村民满意度"}
    assert "不是表中的单独单元格" in flag.message


def test_a_year_printed_as_the_forms_year_beats_a_date(
    server: FakeOpenAI, make_config: ConfigFactory, write: Write
) -> None:
    def dated(project: Project) -> list[Project]:
        project.year = 2024  # read from the filling date, not the title
        return [project]

    text = SELF_EVALUATION.replace("总分", "填报日期：2024年3月5日\n总分", 1)
    server.script(LIBRARY, [Answer(library_answer())])
    result = run(make_config, write("a.txt", text), dated)
    assert result.projects[0].year == 2023
    assert disagreements(result)["year"].severity == "info"


def test_a_cell_of_the_records_own_row_beats_one_of_another_row(
    server: FakeOpenAI, make_config: ConfigFactory, write: Write
) -> None:
    answer = library_answer()
    answer["indicators"][1]["level2"] = "数量指标"  # printed, but in another row
    server.script(LIBRARY, [Answer(answer)])
    result = run(make_config, write("a.txt", SELF_EVALUATION))
    assert result.projects[0].indicators[1].level2 == "质量指标"
    flag = disagreements(result)["indicators[1].level2"]
    assert flag.severity == "info" and flag.expected == {"rules": "质量指标", "model": "数量指标"}
    assert "本行" in flag.message


def test_an_ungrounded_model_value_keeps_the_parser(
    server: FakeOpenAI, make_config: ConfigFactory, write: Write
) -> None:
    answer = library_answer()
    answer["indicators"][0]["score"] = 24.5  # not printed anywhere
    server.script(LIBRARY, [Answer(answer)])
    result = run(make_config, write("a.txt", SELF_EVALUATION))
    assert result.projects[0].indicators[0].score == 25
    assert "找不到" in disagreements(result)["indicators[0].score"].message


def test_what_nothing_decides_is_flagged_with_both_candidates(
    server: FakeOpenAI, make_config: ConfigFactory, write: Write
) -> None:
    answer = library_answer()
    answer["indicators"][0]["target"] = "45个"  # a clean cell of the row too (the actual)
    answer["indicators"][2]["deviation_reason"] = None  # the model gives nothing
    server.script(LIBRARY, [Answer(answer)])
    result = run(make_config, write("a.txt", SELF_EVALUATION))
    flags = disagreements(result)
    target, reason = flags["indicators[0].target"], flags["indicators[2].deviation_reason"]
    assert target.severity == reason.severity == "warning"
    assert target.expected == {
        "rules": Value(raw="≥45个", op="≥", number=45, unit="个").model_dump(),
        "model": Value(raw="45个", op=None, number=45, unit="个").model_dump(),
    }
    assert "请人工核对" in target.message and target.project == "p1" and target.span is not None
    indicators = result.projects[0].indicators
    assert indicators[0].target is not None and indicators[0].target.raw == "45个"  # the model's
    assert indicators[2].deviation_reason == "部分村开放时间不足"  # a value beats none
    assert result.meta["llm"]["hybrid"]["unresolved"] == 2


def test_garbled_parser_values_and_clean_model_cells_give_the_model_reading(
    server: FakeOpenAI, make_config: ConfigFactory, write: Write
) -> None:
    """Hybrid is never worse than the better of its sources: here the model's."""

    def garbled(project: Project) -> list[Project]:
        project.name = "村级图书室运营补助主管部门"
        project.indicators[0].name = "图书室覆盖村数≥45个"
        project.indicators[2].score = 2730  # two cells glued
        project.indicators[3].weight = None
        project.funding[0].budget = 27.6  # the next column: the line's rate no longer holds
        return [project]

    server.script(LIBRARY, [Answer(library_answer())])
    path = write("a.txt", SELF_EVALUATION)
    hybrid = run(make_config, path, garbled)
    model_only = run_llm(make_config(narrative=False), path)
    assert records(hybrid) == records(model_only)
    assert not [f for f in hybrid.flags if f.rule == "hybrid.disagreement" and f.severity != "info"]


def test_names_align_without_glued_numbers_and_signs() -> None:
    rules = [name_key(n) for n in ("图书室覆盖村数≥45个", "图书上架合格率", "村民满意度=94%1010")]
    model = [name_key(n) for n in ("图书室覆盖村数", "图书上架合格率", "村民满意度")]
    assert align(rules, model) == [(0, 0), (1, 1), (2, 2)]
    assert align(["甲", "乙"], ["甲", "丙丁戊", "乙"]) == [(0, 0), (None, 1), (1, 2)]


def test_unreadable_chunks_go_to_the_model_alone(
    server: FakeOpenAI, make_config: ConfigFactory, write: Write
) -> None:
    def unreadable_target(project: Project) -> list[Project]:
        return [] if project.form == "project_target" else [project]

    server.script(LIBRARY, [Answer(library_answer())])
    server.script(CANTEEN, [Answer(canteen_answer(implementer="某区养老中心"))])
    result = run(make_config, write("r.txt", REPORT), unreadable_target)
    assert [p.name for p in result.projects] == [LIBRARY, CANTEEN]
    assert result.meta["llm"]["hybrid"]["model_only_chunks"] == [1]
    (flag,) = [f for f in result.flags if f.rule.startswith(("llm.", "hybrid."))]
    assert (flag.rule, flag.project, flag.path) == ("llm.ungrounded", "p2", "implementer")


def test_records_only_one_side_read(
    server: FakeOpenAI, make_config: ConfigFactory, write: Write
) -> None:
    def lost_row(project: Project) -> list[Project]:
        del project.indicators[2]
        return [project]

    answer = library_answer()
    del answer["indicators"][3]  # the model misses another row
    server.script(LIBRARY, [Answer(answer)])
    result = run(make_config, write("a.txt", SELF_EVALUATION), lost_row)
    names = [i.name for i in result.projects[0].indicators]
    assert names == ["图书室覆盖村数", "图书上架合格率", "村民借阅人次", "村民满意度"]
    notes = disagreements(result)
    assert (
        notes["indicators[2]"].severity == "info" and "仅模型读出" in notes["indicators[2]"].message
    )
    assert "模型未读出" in notes["indicators[3]"].message
    assert result.projects[0].indicators[2].span is not None


def test_a_glued_row_only_the_parser_read_is_left_out_of_a_fully_read_form(
    server: FakeOpenAI, make_config: ConfigFactory, write: Write
) -> None:
    def junk_row(project: Project) -> list[Project]:
        extra = project.indicators[0].model_copy(update={"name": "偏差原因分析及改进措施总分100"})
        project.indicators.append(extra)  # a row read from cells of several rows
        return [project]

    server.script(LIBRARY, [Answer(library_answer())])
    result = run(make_config, write("a.txt", SELF_EVALUATION), junk_row)
    assert [i.name for i in result.projects[0].indicators] == [
        "图书室覆盖村数", "图书上架合格率", "村民借阅人次", "村民满意度",
    ]  # fmt: skip
    note = disagreements(result)["indicators"]
    assert note.severity == "info" and "已略去" in note.message
    assert result.meta["llm"]["hybrid"]["rules_only_dropped"] == 1


def test_model_failure_keeps_the_parser_result(
    server: FakeOpenAI, make_config: ConfigFactory, write: Write
) -> None:
    server.script(LIBRARY, [Error(500)])
    result = run(make_config, write("a.txt", SELF_EVALUATION), max_retries=0)
    assert result.projects[0].name == LIBRARY and len(result.projects[0].indicators) == 4
    assert result.meta["partial"] is True and result.meta["llm"]["hybrid"]["rules_only_chunks"] == [
        0
    ]
