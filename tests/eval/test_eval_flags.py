"""Validator flags matched through the record alignment."""

from __future__ import annotations

from pathlib import Path

from eval.align import align_document
from eval.flags import map_flag, match_flags
from eval.results import FlagCounts
from eval.scoring import DocumentInput, score_documents
from extractor.models import DocumentResult, ExpectedFlag, Flag, GoldenDocument
from tests.eval.eval_builders import as_prediction, indicator, sample_golden


def _flag(rule: str, project: str | None, path: str) -> Flag:
    return Flag(rule=rule, severity="error", project=project, path=path, message="…")


def _golden_and_shuffled_prediction() -> tuple[GoldenDocument, DocumentResult]:
    """Golden p1/p2; the prediction has other ids, projects, indicators and funding reversed."""
    golden = sample_golden()
    golden.expected_flags = [
        ExpectedFlag(rule="funding.score", project="p1", path="funding[0].score", note="9.42≠9.5"),
        ExpectedFlag(rule="indicator.score_above_weight", project="p1", path="indicators[3].score"),
        ExpectedFlag(rule="narrative.conflict", project=None, path="narrative"),
        ExpectedFlag(rule="total.score_sum", project="p2", path="total.score"),
    ]
    pred = as_prediction(golden)
    pred.projects[0].id, pred.projects[1].id = "A", "B"
    pred.projects[0].indicators.reverse()  # golden indicators[i] is predicted [4 - i]
    pred.projects[0].funding.reverse()  # golden funding[0] is predicted [1]
    pred.projects.reverse()  # golden p1 is predicted projects[1] "A"
    return golden, pred


def test_flags_match_through_the_alignment() -> None:
    golden, pred = _golden_and_shuffled_prediction()
    pred.flags = [
        _flag("funding.score", "A", "funding[1].score"),  # = golden funding[0]
        _flag("indicator.score_above_weight", "A", "indicators[1].score"),  # = golden [3]
        _flag("narrative.conflict", "A", "narrative"),  # golden names no project: rule only
        _flag("total.score_sum", "A", "total.score"),  # wrong project
        _flag("indicator.score_above_weight", "A", "indicators[3].score"),  # = golden [1]
    ]
    report = score_documents([DocumentInput(golden=golden, pred=pred)])
    flags = report.flags
    assert flags.overall.model_dump(include={"expected", "predicted", "matched"}) == {
        "expected": 4,
        "predicted": 5,
        "matched": 3,
    }
    assert flags.overall.precision == 3 / 5
    assert flags.overall.recall == 3 / 4
    assert flags.by_rule["indicator.score_above_weight"] == FlagCounts(
        expected=1, predicted=2, matched=1
    )
    assert flags.by_rule["total.score_sum"] == FlagCounts(expected=1, predicted=1, matched=0)
    assert flags.by_rule["narrative.conflict"].recall == 1.0
    missed = [(i.rule, i.project, i.path) for i in flags.issues if i.kind == "missed"]
    assert missed == [("total.score_sum", "医疗保障工作经费", "total.score")]
    unexpected = sorted(i.path for i in flags.issues if i.kind == "unexpected")
    assert unexpected == ["indicators[1].score", "total.score"]  # paths mapped to golden terms
    assert report.documents[0].flags.matched == 3


def test_map_flag_paths() -> None:
    golden, pred = _golden_and_shuffled_prediction()
    pred.projects[1].indicators.append(indicator("完全新增的指标"))  # predicted indicators[5]
    alignment = align_document(golden.projects, pred.projects)

    def mapped(project: str | None, path: str) -> tuple[str | None, bool, str]:
        m = map_flag(_flag("x", project, path), golden, pred, alignment)
        return m.project, m.aligned, m.path

    assert mapped("A", "indicators[0].score") == ("p1", True, "indicators[4].score")
    assert mapped("A", "indicators [2]. target") == ("p1", True, "indicators[2].target")
    assert mapped("A", "funding[0].execution_rate") == ("p1", True, "funding[1].execution_rate")
    assert mapped("A", "subtotals[1].weight") == ("p1", True, "subtotals[1].weight")
    assert mapped("B", "total.weight") == ("p2", True, "total.weight")
    assert mapped("A", "indicators[5].score") == ("p1", False, "indicators[5].score")  # extra
    assert mapped("nope", "total.weight") == (None, False, "total.weight")
    assert mapped(None, "narrative") == (None, True, "narrative")


def test_loose_rules_respect_a_golden_project() -> None:
    golden, pred = _golden_and_shuffled_prediction()
    golden.expected_flags = [
        ExpectedFlag(rule="document.unit_conflict", project="p1", path="funding[0].unit"),
        ExpectedFlag(rule="document.missing_form", project=None, path="projects"),
    ]
    pred.flags = [
        _flag("document.missing_form", None, "whatever"),
        _flag("document.unit_conflict", "B", "funding[0].unit"),  # B is golden p2: no match
    ]
    alignment = align_document(golden.projects, pred.projects)
    result = match_flags(golden, pred, alignment)
    assert [e.rule for e, _ in result.matched] == ["document.missing_form"]
    assert [f.rule for f in result.missed] == ["document.unit_conflict"]


def test_no_flags_anywhere_is_perfect_and_none_predicted_is_zero_recall() -> None:
    golden = sample_golden()
    report = score_documents([DocumentInput(golden=golden, pred=as_prediction(golden))])
    assert (report.flags.overall.precision, report.flags.overall.recall) == (1.0, 1.0)
    golden.expected_flags = [
        ExpectedFlag(rule="total.weight_sum", project="p1", path="total.weight")
    ]
    report = score_documents([DocumentInput(golden=golden, pred=as_prediction(golden))])
    assert report.flags.overall.recall == 0.0
    assert report.flags.overall.f1 == 0.0


def _warning(rule: str, project: str | None, path: str, **kw: object) -> Flag:
    return Flag(rule=rule, severity="warning", project=project, path=path, message="…", **kw)


def test_info_and_extraction_flags_are_counted_not_scored() -> None:
    golden = sample_golden()
    golden.expected_flags = [
        ExpectedFlag(rule="funding.score", project="p1", path="funding[0].score")
    ]
    flags = [
        _flag("funding.score", "p1", "funding[0].score"),
        Flag(rule="indicator.x", severity="info", project="p1", path="total.score", message="…"),
        Flag(
            rule="ocr.low_confidence",
            severity="warning",
            project="p1",
            path="total.score",
            message="…",
        ),
    ]
    report = score_documents([DocumentInput(golden=golden, pred=as_prediction(golden, flags))])
    counts = report.flags.overall
    assert (counts.matched, counts.predicted, counts.unscored) == (1, 1, 2)
    assert counts.precision == 1.0
    assert [i.rule for i in report.flags.issues] == []


def test_narrative_flag_on_a_table_field_must_name_that_field() -> None:
    golden = sample_golden()
    golden.expected_flags = [
        ExpectedFlag(rule="narrative.conflict", project="p1", path="indicators[3].score")
    ]
    alignment = align_document(golden.projects, golden.projects)
    wrong_field = as_prediction(
        golden, [_warning("narrative.conflict", "p1", "indicators[2].score")]
    )
    unplaced = as_prediction(golden, [_warning("narrative.conflict", None, "narrative")])
    right = as_prediction(golden, [_warning("narrative.conflict", "p1", "indicators[3].score")])
    for pred, matched in ((wrong_field, 0), (unplaced, 0), (right, 1)):
        assert len(match_flags(golden, pred, alignment).matched) == matched


def test_narrative_flag_on_narrative_must_be_about_the_notes_figures() -> None:
    golden = sample_golden()
    note = "市民热线: 第四部分 391 件, 附件报告 386 件"
    golden.expected_flags = [ExpectedFlag(rule="narrative.conflict", path="narrative", note=note)]
    alignment = align_document(golden.projects, golden.projects)

    def matched(**kw: object) -> int:
        pred = as_prediction(golden, [_warning("narrative.conflict", None, "narrative", **kw)])
        return len(match_flags(golden, pred, alignment).matched)

    assert matched(expected=391.0, found=386.0) == 1
    assert matched(expected=[42.62, 90.5], found=[142.95, 363.69]) == 0  # other figures
    assert matched(found=["市民热线"]) == 1  # a word of the note
    assert matched() == 1  # a flag without figures: the rule decides


def test_validator_on_golden_records(tmp_path: Path) -> None:
    from eval.harness import add_validator_on_golden
    from extractor.pipeline import load_document

    golden = sample_golden()  # p1 prints 得分 9.5 for 20 × 47.12 % = 9.42
    golden.expected_flags = [
        ExpectedFlag(rule="funding.score", project="p1", path="funding[0].score"),
        ExpectedFlag(rule="total.weight_sum", project="p2", path="total.weight"),
        ExpectedFlag(rule="narrative.sum", path="narrative", note="100 ≠ 60 + 30"),
    ]
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "doc_a.txt").write_text("收入合计 100 万元，其中：财政拨款 60 万元、其他 30 万元。\n")
    report = score_documents([DocumentInput(golden=golden, pred=as_prediction(golden))])
    add_validator_on_golden(report, tmp_path, [golden], load_document)
    on_golden = report.flags.on_golden
    assert on_golden is not None
    assert (on_golden.expected, on_golden.matched) == (3, 3)
    assert report.document("doc_a").flags_on_golden == on_golden
    assert report.flags.overall.matched == 0  # the prediction itself raised nothing
