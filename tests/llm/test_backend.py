"""The llm backend end to end: grounding, spans, cache, offline, figures, partial results,
usage and cost."""

import json
from collections.abc import Callable
from pathlib import Path

from extractor.backends import get_backend
from extractor.llm import LLMConfig
from extractor.models import DocumentResult
from extractor.pipeline import extract_document
from extractor.pipeline import extract_document as rules_extract
from tests.llm.conftest import ConfigFactory, run_llm
from tests.llm.fake_server import Answer, Error, FakeOpenAI, Raw
from tests.llm.samples import (
    CANTEEN,
    LIBRARY,
    REPORT,
    SELF_EVALUATION,
    canteen_answer,
    library_answer,
    narrative_answer,
)

Write = Callable[[str, str], Path]
NARRATIVE_MARK = "全年共收到补助资金"


def script_all(server: FakeOpenAI) -> None:
    server.script(LIBRARY, [Answer(library_answer())])
    server.script(CANTEEN, [Answer(canteen_answer())])
    server.script(NARRATIVE_MARK, [Answer(narrative_answer())])


def run(config: LLMConfig, path: Path, backend: str = "llm") -> DocumentResult:
    return run_llm(config, path, backend)


def strip_spans(result: DocumentResult) -> list[dict]:
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


def test_same_records_as_the_template_parser(
    server: FakeOpenAI, make_config: ConfigFactory, write: Write
) -> None:
    script_all(server)
    path = write("report.txt", REPORT)
    result = run(make_config(), path)
    assert strip_spans(result) == strip_spans(rules_extract(path, validate=False))
    assert [p.id for p in result.projects] == ["p1", "p2"]
    # spans come from grounding, and point at the rows the parser found
    rules = rules_extract(path, validate=False)
    assert [i.span for i in result.projects[0].indicators] == [
        i.span for i in rules.projects[0].indicators
    ]
    assert [f.span for f in result.projects[0].funding] == [
        f.span for f in rules.projects[0].funding
    ]
    assert result.meta["backend"] == "llm" and result.meta["partial"] is False


def test_meta_holds_prompt_versions_hashes_usage_and_cost(
    server: FakeOpenAI, make_config: ConfigFactory, write: Write, tmp_path: Path
) -> None:
    script_all(server)
    prices = tmp_path / "prices.json"
    prices.write_text(
        json.dumps({"currency": "CNY", "models": {"fake-model": {"input": 2, "output": 8}}})
    )
    backend = get_backend("llm", llm=make_config(prices=prices))
    result = extract_document(write("report.txt", REPORT), backend=backend)
    llm = result.meta["llm"]
    assert llm["prompt_versions"] == {"form": "form-v2", "narrative": "narrative-v1"}
    assert set(llm["prompt_hashes"]) == {"form", "narrative"} and set(llm["schema_hashes"]) == {
        "form",
        "narrative",
    }
    usage = llm["usage"]
    sent = server.requests
    assert usage["calls"] == len(sent) == usage["by_kind"]["form"] + usage["by_kind"]["narrative"]
    assert usage["by_kind"]["form"] == 2
    assert (
        usage["prompt_tokens"] > 0
        and usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]
    )
    expected = (usage["prompt_tokens"] * 2 + usage["completion_tokens"] * 8) / 1_000_000
    assert usage["currency"] == "CNY" and abs(usage["estimated_cost"] - expected) < 1e-12
    assert "test-key" not in json.dumps(result.meta)
    # per run: a second document adds up
    extract_document(write("again.txt", REPORT.replace("2023", "2022")), backend=backend)
    summary = backend.run_summary()
    assert (
        summary["documents"] == 2
        and summary["usage"]["calls"] + summary["usage"]["cache_hits"] == 2 * usage["calls"]
    )


def test_unknown_model_has_no_cost(
    server: FakeOpenAI, make_config: ConfigFactory, write: Write
) -> None:
    script_all(server)
    result = run(make_config(), write("report.txt", REPORT))
    assert result.meta["llm"]["usage"]["estimated_cost"] is None


def test_ungrounded_values_are_flagged_and_get_no_span(
    server: FakeOpenAI, make_config: ConfigFactory, write: Write
) -> None:
    answer = library_answer(department="305-某县文化和旅游局")  # not what the form prints
    answer["indicators"][1]["score"] = 24.5  # a number the form does not print
    answer["indicators"][3]["name"] = "群众满意度"  # a row the form does not have
    server.script(LIBRARY, [Answer(answer)])
    result = run(make_config(narrative=False), write("a.txt", SELF_EVALUATION))
    flags = {f.path: f for f in result.flags if f.rule == "llm.ungrounded"}
    assert set(flags) == {"department", "indicators[1].score", "indicators[3].name"}
    assert all(
        f.severity == "warning" and f.project == "p1" and "找不到" in f.message
        for f in flags.values()
    )
    assert flags["indicators[1].score"].found == 24.5
    indicators = result.projects[0].indicators
    assert indicators[1].span is not None  # its row is found by name and target
    assert indicators[3].span is None  # nothing of it is printed


def test_cache_makes_a_rerun_free_and_no_cache_bypasses_it(
    server: FakeOpenAI, make_config: ConfigFactory, write: Write
) -> None:
    script_all(server)
    path = write("report.txt", REPORT)
    first = run(make_config(), path)
    sent = len(server.requests)
    second = run(make_config(), path)
    assert len(server.requests) == sent  # nothing sent
    assert strip_spans(second) == strip_spans(first)
    usage = second.meta["llm"]["usage"]
    assert usage["calls"] == 0 and usage["cache_hits"] == sent and usage["prompt_tokens"] == 0
    assert usage["cached_prompt_tokens"] == first.meta["llm"]["usage"]["prompt_tokens"]
    run(make_config(no_cache=True), path)
    assert len(server.requests) == 2 * sent


def test_offline_uses_only_the_cache_and_names_a_miss(
    server: FakeOpenAI, make_config: ConfigFactory, write: Write
) -> None:
    script_all(server)
    path = write("report.txt", REPORT)
    offline = make_config(offline=True, base_url=None, api_key=None)
    missed = run(offline, path)
    assert server.requests == [] and missed.meta["partial"] is True
    reasons = {f["error"] for f in missed.meta["llm"]["failures"]}
    assert (
        reasons == {"offline_miss"}
        and "batch-import" in missed.meta["llm"]["failures"][0]["reason"]
    )
    run(make_config(), path)  # fills the cache
    sent = len(server.requests)
    hit = run(offline, path)
    assert len(server.requests) == sent and hit.meta["partial"] is False and len(hit.projects) == 2


def test_one_failed_chunk_loses_nothing_else(
    server: FakeOpenAI, make_config: ConfigFactory, write: Write
) -> None:
    server.script(LIBRARY, [Answer(library_answer())])
    server.script(CANTEEN, [Error(500)])
    server.script(NARRATIVE_MARK, [Raw("not json")])
    result = run(make_config(max_retries=1), write("report.txt", REPORT))
    assert [p.name for p in result.projects] == [LIBRARY]
    assert result.meta["partial"] is True
    failed = {(f["kind"], f["error"]) for f in result.meta["llm"]["failures"]}
    assert failed == {("form", "server_error"), ("narrative", "invalid_output")}
    canteen = next(f for f in result.meta["llm"]["failures"] if f["kind"] == "form")
    assert canteen["title"] == "2024年特定目标类项目绩效目标表" and canteen["span"]["page"] == 1
    # the validator still ran on what was extracted
    assert "validation" in result.meta


def test_every_form_failing_still_gives_a_partial_result(
    server: FakeOpenAI, make_config: ConfigFactory, write: Write
) -> None:
    server.script(LIBRARY, [Error(503)])
    result = run(make_config(max_retries=0, narrative=False), write("a.txt", SELF_EVALUATION))
    assert result.projects == [] and result.meta["partial"] is True and result.doc_id == "a"


def test_narrative_figures_are_grounded_into_meta(
    server: FakeOpenAI, make_config: ConfigFactory, write: Write
) -> None:
    script_all(server)
    answer = narrative_answer()
    answer["figures"].append(
        {"quantity": "惠及村民", "amount": 5000, "unit": "人次", "quote": "惠及村民5000人次"}
    )
    server.scripts[-1] = (NARRATIVE_MARK, [Answer(answer)])
    result = run(make_config(), write("report.txt", REPORT))
    figures = result.meta["narrative_figures"]
    total, spent, invented = figures
    assert total["amount"] == 30 and [p["amount"] for p in total["parts"]] == [18, 12]
    assert (
        total["grounded"]
        and all(p["grounded"] for p in total["parts"])
        and total["span"]["page"] == 1
    )
    assert (
        spent["percent"] == 92
        and spent["percent_of"] == "完成年初预算"
        and spent["percent_grounded"]
    )
    assert not invented["grounded"] and invented["span"] is None
    (flag,) = [f for f in result.flags if f.rule == "llm.ungrounded"]
    assert flag.path == "narrative" and flag.project is None and "惠及村民" in flag.message


def test_long_form_goes_in_parts_and_comes_back_whole(
    server: FakeOpenAI, make_config: ConfigFactory, write: Write
) -> None:
    full = library_answer()
    header = library_answer(indicators=[], subtotals=[], total_weight=None, total_score=None)
    rows = library_answer(name="", department=None, implementer=None, year=None, funding=[])
    rows["indicators"][1].update(level1=None, level2=None)  # a merged cell left empty
    server.script("第 1 部分", [Answer(header)])
    server.script("第 2/2 部分", [Answer(rows)])
    result = run(
        make_config(narrative=False, max_chunk_tokens=260), write("a.txt", SELF_EVALUATION)
    )
    assert len(server.requests) == 2
    (first,) = server.requests_for("第 1 部分")  # the parts are sent concurrently
    (second,) = server.requests_for("第 2/2 部分")
    assert (
        "项目资金" in first["messages"][1]["content"]
        and "绩效指标" not in first["messages"][1]["content"]
    )
    assert "绩效指标\t一级指标" in second["messages"][1]["content"]
    (project,) = result.projects
    assert [i.name for i in project.indicators] == [i["name"] for i in full["indicators"]]
    assert (project.indicators[1].level1, project.indicators[1].level2) == ("产出指标", "数量指标")
    assert project.total.score == 96.2 and len(project.funding) == 3 and project.name == LIBRARY


def test_parts_merge_carries_merged_cells_across_the_cut() -> None:
    from extractor.llm.convert import merge_parts
    from extractor.llm.schema import FormAnswer

    one = FormAnswer.model_validate(library_answer(indicators=library_answer()["indicators"][:1]))
    rest = library_answer()["indicators"][1:]
    rest[0].update(level1=None, level2=None)
    two = FormAnswer.model_validate(
        library_answer(name="", funding=library_answer()["funding"][:1], indicators=rest)
    )
    merged = merge_parts([one, two])
    assert merged.name == LIBRARY and len(merged.funding) == 3
    assert (merged.indicators[1].level1, merged.indicators[1].level2) == ("产出指标", "数量指标")


def test_prefetch_overlaps_documents_and_keeps_accounting(
    server: FakeOpenAI, make_config: ConfigFactory, write: Write
) -> None:
    script_all(server)
    paths = [write(f"r{i}.txt", REPORT.replace("2023", str(2000 + i))) for i in range(3)]
    backend = get_backend("llm", llm=make_config(concurrency=8, no_cache=True))
    server.latency = 0.1
    sent = backend.prefetch([*paths, write("empty.txt", "")])
    assert sent == len(server.requests) == 9 and server.max_active > 4
    results = [extract_document(p, backend=backend) for p in paths]
    assert len(server.requests) == 9  # the documents took their answers from memory
    assert all(len(r.projects) == 2 and not r.meta["partial"] for r in results)
    assert [r.meta["llm"]["usage"]["calls"] for r in results] == [3, 3, 3]
    assert backend.run_summary()["usage"]["calls"] == 9


def test_the_prompt_states_the_form_type_from_the_title_with_its_rules(
    server: FakeOpenAI, make_config: ConfigFactory, write: Write
) -> None:
    """The chunk's form (decided from the printed title by the chunker) is what the
    prompt says, with that kind's rules; the model is never asked to classify."""
    script_all(server)
    run(make_config(narrative=False), write("report.txt", REPORT))
    (library,) = server.requests_for(LIBRARY)
    (canteen,) = server.requests_for(CANTEEN)
    first = library["messages"][1]["content"]
    assert first.startswith("表格类型：项目支出绩效自评表（由表格标题确定）")
    assert "表格标题：某县2023年度项目支出绩效自评表" in first and "actual 取实际完成值" in first
    target = canteen["messages"][1]["content"]
    assert target.startswith("表格类型：项目支出绩效目标表") and "actual 和 score 为 null" in target
    assert "2024年特定目标类项目绩效目标表" in target
    system = library["messages"][0]["content"]
    assert "同时接在 target 和 actual 后面" in system and "两个资金块" in system


def test_tables_that_are_not_forms_stay_out_of_the_narrative_calls(
    server: FakeOpenAI, make_config: ConfigFactory, write: Write
) -> None:
    budget = (
        "2023年部门预算表（万元）\n科目\t预算数\t执行数\n卫生健康支出\t120\t118\n合计\t120\t118\n"
    )
    notes = "注：本表反映部门本年度的总收支情况。27 行= (1+2+3) 行。\n2023 年度支出决算表(表3)\n"
    script_all(server)
    run(make_config(), write("report.txt", REPORT + "\n\n" + budget + "\n\n" + notes * 60))
    narrative = [
        r for r in server.requests if r["messages"][1]["content"].startswith("报告正文片段")
    ]
    sent = "".join(r["messages"][1]["content"] for r in narrative)
    assert "全年共收到补助资金30万元" in sent  # prose is sent
    assert "卫生健康支出" not in sent and "\t118" not in sent  # the budget table is not
    assert "27 行=" not in sent and "某县2023年度" not in sent  # nor notes, titles: no figure
    assert len(narrative) == 1
