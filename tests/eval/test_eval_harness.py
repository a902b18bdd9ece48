"""`evaluate()` on folders: golden files, prediction files, the pipeline, errors."""

from __future__ import annotations

import sys
import types
from pathlib import Path
from typing import Any

import pytest

from eval.harness import EvalError, evaluate, number_precisions
from extractor.models import DocumentResult, ExpectedFlag, Flag
from tests.eval.eval_builders import as_prediction, sample_golden, write_json, write_raw


def test_golden_scored_against_itself_from_files(tmp_path: Path) -> None:
    golden = sample_golden("doc_a")
    golden.expected_flags = [
        ExpectedFlag(rule="funding.score", project="p1", path="funding[0].score", note="9.42≠9.5")
    ]
    flags = [
        Flag(
            rule="funding.score",
            severity="error",
            project="p1",
            path="funding[0].score",
            message="得分应为9.42",
        )
    ]
    write_json(tmp_path / "golden" / "doc_a.json", golden)
    write_json(tmp_path / "pred" / "doc_a.json", as_prediction(golden, flags))
    report = evaluate(tmp_path / "golden", tmp_path / "pred")
    assert report.overall.f1 == 1.0
    assert report.overall.tp == 62
    assert report.flags.overall.f1 == 1.0
    assert report.documents[0].error is None
    assert report.pred_dir == str(tmp_path / "pred") and report.backend is None


def test_printed_precision_read_from_the_golden_json(tmp_path: Path) -> None:
    golden = sample_golden("doc_a")
    data = golden.model_dump(mode="json")
    data["projects"][0]["funding"][0]["execution_rate"] = "@@"
    text = write_raw(tmp_path / "g" / "doc_a.json", data).read_text(encoding="utf-8")
    (tmp_path / "g" / "doc_a.json").write_text(text.replace('"@@"', "47.10"), encoding="utf-8")
    pred = as_prediction(golden)
    pred.projects[0].funding[0].execution_rate = 47.14  # equal to "47.1", not to "47.10"
    write_json(tmp_path / "p" / "doc_a.json", pred)
    report = evaluate(tmp_path / "g", tmp_path / "p")
    assert report.by_field["funding.execution_rate"].fd == 1


def test_number_precisions_paths() -> None:
    from decimal import Decimal

    data = {"projects": [{"funding": [{"budget": Decimal("116.70"), "weight": 20}]}]}
    assert number_precisions(data["projects"], "projects") == {"projects[0].funding[0].budget": 2}


def test_missing_prediction_file_is_reported_and_all_missing(tmp_path: Path) -> None:
    write_json(tmp_path / "golden" / "doc_a.json", sample_golden("doc_a"))
    write_json(tmp_path / "golden" / "doc_b.json", sample_golden("doc_b"))
    write_json(tmp_path / "pred" / "doc_a.json", as_prediction(sample_golden("doc_a")))
    (tmp_path / "pred" / "doc_b.json").write_text("{not json", encoding="utf-8")
    report = evaluate(tmp_path / "golden", tmp_path / "pred")
    assert report.document("doc_a").counts.f1 == 1.0
    doc_b = report.document("doc_b")
    assert doc_b.error is not None and "not a valid extractor output" in doc_b.error
    assert doc_b.counts.fn == 62 and doc_b.counts.tp == 0
    (tmp_path / "pred" / "doc_b.json").unlink()
    report = evaluate(tmp_path / "golden", tmp_path / "pred")
    assert "no prediction file" in (report.document("doc_b").error or "")


def test_empty_golden_dir_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    with pytest.raises(EvalError, match="no golden files"):
        evaluate(tmp_path, tmp_path)
    with pytest.raises(EvalError, match="golden folder not found"):
        evaluate(tmp_path / "nowhere")


def test_invalid_golden_and_wrong_doc_id_are_errors(tmp_path: Path) -> None:
    write_raw(tmp_path / "bad.json", {"doc_id": "bad"})
    with pytest.raises(EvalError, match=r"bad\.json: not a valid golden document"):
        evaluate(tmp_path, tmp_path)
    (tmp_path / "bad.json").unlink()
    write_json(tmp_path / "other.json", sample_golden("doc_a"))
    with pytest.raises(EvalError, match="differs from the file name"):
        evaluate(tmp_path, tmp_path)


def test_pipeline_runs_on_golden_docs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    golden_dir = tmp_path / "golden"
    for doc_id in ("doc_a", "doc_b", "doc_c"):
        write_json(golden_dir / f"{doc_id}.json", sample_golden(doc_id))
    (golden_dir / "docs").mkdir()
    (golden_dir / "docs" / "doc_a.txt").write_text("…", encoding="utf-8")
    (golden_dir / "docs" / "doc_b.pdf").write_text("…", encoding="utf-8")
    calls: list[tuple[str, str]] = []

    def extract_document(path: Path, backend: str = "rules") -> DocumentResult:
        calls.append((path.name, backend))
        if path.stem == "doc_b":
            raise ValueError("表格无法解析")
        return as_prediction(sample_golden(path.stem))

    fake: Any = types.ModuleType("extractor.pipeline")
    fake.extract_document = extract_document
    monkeypatch.setitem(sys.modules, "extractor.pipeline", fake)
    report = evaluate(golden_dir, backend="hybrid")
    assert calls == [("doc_a.txt", "hybrid"), ("doc_b.pdf", "hybrid")]
    assert report.backend == "hybrid"
    assert report.document("doc_a").counts.f1 == 1.0
    assert "ValueError: 表格无法解析" in (report.document("doc_b").error or "")
    assert "no document" in (report.document("doc_c").error or "")
    assert report.overall.tp == 62 and report.overall.fn == 124


def test_pipeline_missing_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_json(tmp_path / "doc_a.json", sample_golden("doc_a"))
    monkeypatch.setitem(sys.modules, "extractor.pipeline", None)  # import fails
    with pytest.raises(EvalError, match="pipeline is not available"):
        evaluate(tmp_path)


def test_worker_processes_score_like_the_single_process(tmp_path: Path) -> None:
    """`jobs=2` extracts in a batch of worker processes (OCR on): the same figures as
    extracting in this process; a broken input and a missing document are reported."""
    repo = Path(__file__).resolve().parents[2]
    source = next((repo / "golden").glob("004_*.json"))
    golden_dir = tmp_path / "g"
    (golden_dir / "docs").mkdir(parents=True)
    (golden_dir / source.name).write_bytes(source.read_bytes())
    text = repo / "golden" / "docs" / f"{source.stem}.txt"
    (golden_dir / "docs" / text.name).write_bytes(text.read_bytes())
    alone = evaluate(golden_dir)
    write_json(golden_dir / "broken.json", sample_golden("broken"))
    (golden_dir / "docs" / "broken.pdf").write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 4)
    write_json(golden_dir / "gone.json", sample_golden("gone"))
    report = evaluate(golden_dir, jobs=2)
    doc = report.document(source.stem)
    assert doc.error is None and doc.counts == alone.document(source.stem).counts
    assert "extraction failed" in (report.document("broken").error or "")
    assert "no document" in (report.document("gone").error or "")
