"""Hybrid: template parser and model both read each form; agreement accepted,
disagreement flagged with both candidates, the validator's arithmetic decides where it can."""

from collections.abc import Callable
from pathlib import Path

from extractor.backends.rules import RulesBackend
from extractor.document import Chunk, Document
from extractor.llm.hybrid import HybridBackend
from extractor.llm.run import extract_document
from extractor.models import DocumentResult, Flag, Project
from tests.llm.conftest import ConfigFactory
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
    return extract_document(path, backend)


def disagreements(result: DocumentResult) -> dict[str, Flag]:
    return {f.path: f for f in result.flags if f.rule == "hybrid.disagreement"}


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


def test_arithmetic_prefers_the_model_when_the_parser_misread(
    server: FakeOpenAI, make_config: ConfigFactory, write: Write
) -> None:
    def misread(project: Project) -> list[Project]:
        project.funding[0].executed = 26.7
        return [project]

    server.script(LIBRARY, [Answer(library_answer())])
    result = run(make_config, write("a.txt", SELF_EVALUATION), misread)
    flag = disagreements(result)["funding[0].executed"]
    assert result.projects[0].funding[0].executed == 27.6
    assert flag.expected == {"rules": 26.7, "model": 27.6} and flag.found["chosen"] == "model"
    assert "26.7" in flag.message and "27.6" in flag.message and "满足校验算术" in flag.message
    assert result.meta["llm"]["hybrid"]["preferred_by_arithmetic"] == 1
    assert not [f for f in result.flags if f.rule.startswith("funding.")]  # the sums hold again


def test_arithmetic_keeps_the_parser_when_the_model_is_wrong(
    server: FakeOpenAI, make_config: ConfigFactory, write: Write
) -> None:
    answer = library_answer()
    answer["funding"][0]["execution_rate"] = 30  # printed in the form, but not the rate
    server.script(LIBRARY, [Answer(answer)])
    result = run(make_config, write("a.txt", SELF_EVALUATION))
    flag = disagreements(result)["funding[0].execution_rate"]
    assert result.projects[0].funding[0].execution_rate == 92 and flag.found["chosen"] == "rules"
    assert "模型的值不满足" in flag.message and "执行率" in flag.message


def test_ungrounded_or_undecidable_differences_keep_the_parser(
    server: FakeOpenAI, make_config: ConfigFactory, write: Write
) -> None:
    answer = library_answer()
    answer["indicators"][0]["score"] = 24.5  # not printed
    answer["indicators"][1]["level2"] = "数量指标"  # printed, but for another row
    server.script(LIBRARY, [Answer(answer)])
    result = run(make_config, write("a.txt", SELF_EVALUATION))
    flags = disagreements(result)
    assert set(flags) == {"indicators[0].score", "indicators[1].level2"}
    assert "找不到" in flags["indicators[0].score"].message
    assert "无法由校验算术区分" in flags["indicators[1].level2"].message
    assert flags["indicators[1].level2"].expected == {"rules": "质量指标", "model": "数量指标"}
    indicators = result.projects[0].indicators
    assert indicators[0].score == 25 and indicators[1].level2 == "质量指标"
    assert all(f.project == "p1" and f.span is not None for f in flags.values())


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
    notes = {f.path: f for f in result.flags if f.rule == "hybrid.disagreement"}
    assert (
        notes["indicators[2]"].severity == "info" and "仅模型读出" in notes["indicators[2]"].message
    )
    assert "模型未读出" in notes["indicators[3]"].message
    assert result.projects[0].indicators[2].span is not None


def test_model_failure_keeps_the_parser_result(
    server: FakeOpenAI, make_config: ConfigFactory, write: Write
) -> None:
    server.script(LIBRARY, [Error(500)])
    result = run(make_config, write("a.txt", SELF_EVALUATION), max_retries=0)
    assert result.projects[0].name == LIBRARY and len(result.projects[0].indicators) == 4
    assert result.meta["partial"] is True and result.meta["llm"]["hybrid"]["rules_only_chunks"] == [
        0
    ]
