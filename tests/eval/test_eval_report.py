"""Outputs: Markdown, JSON, the rich view and the CLI command."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from typer.testing import CliRunner

from eval.cli import eval_command
from eval.report import count_cells, render, to_json, to_markdown
from eval.results import Counts, EvalReport
from eval.scoring import DocumentInput, score_documents
from tests.eval.eval_builders import as_prediction, sample_golden, write_json


def _report() -> EvalReport:
    golden = sample_golden()
    pred = as_prediction(golden)
    pred.projects[0].indicators[0].score = 15
    pred.projects[0].indicators[1].name = "资金发放|准确率"  # a pipe must not break a table
    del pred.projects[1]
    return score_documents([DocumentInput(golden=golden, pred=pred)])


def test_markdown() -> None:
    md = to_markdown(_report(), worst=5)
    assert md.startswith("## Extraction eval")
    assert "**Overall field F1 " in md
    assert "### Per document" in md and "| doc_a |" in md
    assert "<summary>Per field</summary>" in md and "| indicator.score |" in md
    assert "### Worst mismatches (3 of 3)" in md
    wrong = next(line for line in md.splitlines() if "indicators[0].score" in line)
    assert "| 20 | 15 | p3:10-40 |" in wrong  # expected, found, where to look
    assert "资金发放\\|准确率" in md
    assert "Comparison rules" in md and "finer of the two" in md


def test_markdown_lists_failed_documents() -> None:
    golden = sample_golden()
    report = score_documents([DocumentInput(golden=golden, pred=None, error="读取失败")])
    assert "- `doc_a`: 读取失败" in to_markdown(report)


def test_json_round_trip() -> None:
    report = _report()
    data = json.loads(to_json(report))
    assert set(data) >= {
        "overall",
        "by_record_type",
        "by_field",
        "documents",
        "flags",
        "mismatches",
        "comparison_rules",
    }
    assert data["overall"]["f1"] == report.overall.f1
    assert data["mismatches"][0]["kind"] == "missing_record"
    assert EvalReport.model_validate_json(report.model_dump_json()).overall == report.overall


def test_rich_render() -> None:
    console = Console(record=True, width=200)
    render(_report(), console, worst=2)
    text = console.export_text()
    for title in (
        "Overall",
        "Per document",
        "Per record type",
        "Per field",
        "Validator flags",
        "Worst mismatches (2 of 3)",
        "Comparison rules",
    ):
        assert title in text


def _app() -> typer.Typer:
    app = typer.Typer()
    app.command("eval")(eval_command)

    @app.command()
    def other() -> None:  # a second command so "eval" stays a sub-command
        pass

    return app


def test_cli_writes_json_and_markdown(tmp_path: Path) -> None:
    golden = sample_golden()
    write_json(tmp_path / "golden" / "doc_a.json", golden)
    write_json(tmp_path / "pred" / "doc_a.json", as_prediction(golden))
    result = CliRunner().invoke(
        _app(),
        [
            "eval",
            "--golden",
            str(tmp_path / "golden"),
            "--pred",
            str(tmp_path / "pred"),
            "--json",
            str(tmp_path / "r.json"),
            "--md",
            str(tmp_path / "r.md"),
            "--worst",
            "3",
        ],
    )
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["overall"]["f1"] == 1.0
    assert (tmp_path / "r.md").read_text(encoding="utf-8").startswith("## Extraction eval")


def test_cli_empty_golden_dir(tmp_path: Path) -> None:
    result = CliRunner().invoke(_app(), ["eval", "--golden", str(tmp_path)])
    assert result.exit_code == 2
    assert "no golden files" in result.output


def test_scores_are_rounded_down_for_display() -> None:
    cells = count_cells(Counts(tp=3370, fd=1))
    assert cells[:3] == ["0.999", "0.999", "0.999"]  # not a perfect-looking 1.000
    assert count_cells(Counts(tp=5))[:3] == ["1.000", "1.000", "1.000"]
