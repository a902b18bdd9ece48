"""Excel round trip: export the open flags, fill some rows, import them back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from typer import Typer
from typer.testing import CliRunner

from extractor.review import ReviewStore
from extractor.review.cli import register
from extractor.review.sheet import COLUMNS, export_sheet, import_sheet
from tests.review.fixtures import DOC_ID, RATE_ACTUAL, REASON_SCORE, SCRIPT_DOC_ID, WRONG_SCORE

runner = CliRunner()


def _write_sheet(store: ReviewStore, path: Path) -> None:
    data, _rows = export_sheet(store)
    path.write_bytes(data)


def _fill(path: Path, fills: dict[tuple[str, str], dict[str, Any]]) -> None:
    book = load_workbook(path)
    sheet = book["待处理"]
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        key = (row[header.index("文档")].value, row[header.index("字段路径")].value)
        for column, value in fills.get(key, {}).items():
            row[header.index(column)].value = value
    book.save(path)


def test_export_sheet_lists_open_flags(store: ReviewStore, tmp_path: Path) -> None:
    path = tmp_path / "sheet.xlsx"
    _write_sheet(store, path)
    book = load_workbook(path)
    assert book.sheetnames == ["待处理", "说明"]
    sheet = book["待处理"]
    assert tuple(c.value for c in sheet[1]) == COLUMNS
    rows = [
        dict(zip(COLUMNS, r, strict=True)) for r in sheet.iter_rows(min_row=2, values_only=True)
    ]
    ours = {r["字段路径"]: r for r in rows if r["文档"] == DOC_ID}
    assert set(ours) == {WRONG_SCORE, REASON_SCORE, RATE_ACTUAL, "total.score"}
    wrong = ours[WRONG_SCORE]
    assert wrong["项目编号"] == "p1" and wrong["项目名称"] == "乡村道路养护经费"
    assert wrong["提取值"] == 18 and wrong["期望值"] == "15"
    assert wrong["规则"] == "indicator.score_above_weight" and wrong["严重度"] == "错误"
    assert (
        "【效益指标(30分) 社会效益指标 群众出行便利 明显改善 明显改善 15 18】" in wrong["原文摘录"]
    )
    assert wrong["修正值"] is None and wrong["处理"] is None and wrong["版本"] == 0
    validations = sheet.data_validations.dataValidation
    assert validations and '"确认,修改,原文错误"' in validations[0].formula1


def test_import_sheet_applies_good_rows_and_reports_bad_ones(
    store: ReviewStore, tmp_path: Path
) -> None:
    path = tmp_path / "sheet.xlsx"
    _write_sheet(store, path)
    # Someone decides on total.score in the web page after the sheet was exported.
    store.decide(DOC_ID, "p1", "total.score", "confirm", reviewer="王五", version=0)
    _fill(
        path,
        {
            (DOC_ID, WRONG_SCORE): {"修正值": 15},  # 修正值 alone → 修改
            (DOC_ID, RATE_ACTUAL): {"处理": "原文错误"},  # no note → rejected
            (DOC_ID, REASON_SCORE): {"处理": "修改", "修正值": "九分"},  # not a number → rejected
            (DOC_ID, "total.score"): {"处理": "确认"},  # changed since export → conflict
            (SCRIPT_DOC_ID, WRONG_SCORE): {"处理": "同意"},  # unknown action → rejected
            (SCRIPT_DOC_ID, RATE_ACTUAL): {"处理": "确认", "备注": "原表即如此"},
        },
    )
    report = import_sheet(store, path, "赵六")
    assert [(r.doc_id, r.path, action) for r, action in report.applied] == [
        (DOC_ID, WRONG_SCORE, "修改"),
        (SCRIPT_DOC_ID, RATE_ACTUAL, "确认"),
    ]
    reasons = {(r.doc_id, r.path): reason for r, reason in report.rejected}
    assert "需要填写说明" in reasons[(DOC_ID, RATE_ACTUAL)]
    assert "数字字段" in reasons[(DOC_ID, REASON_SCORE)]
    assert (
        "保存冲突" in reasons[(DOC_ID, "total.score")]
        and "王五" in reasons[(DOC_ID, "total.score")]
    )
    assert "无法识别" in reasons[(SCRIPT_DOC_ID, WRONG_SCORE)]
    assert all(r.number >= 2 for r, _ in report.rejected)
    view = store.document_view(DOC_ID)
    assert view.current_value("p1", WRONG_SCORE) == 15
    row = next(r for r in view.audit if r.target == WRONG_SCORE)
    assert (row.reviewer, row.via, row.decision) == ("赵六", "sheet", "modify")
    latest = store.document_view(SCRIPT_DOC_ID).state("p1", RATE_ACTUAL).latest
    assert latest is not None and latest.note == "原表即如此"


def test_sheet_commands(store: ReviewStore, tmp_path: Path) -> None:
    db = str(store.engine.url.database)
    app = Typer()
    register(app)
    path = tmp_path / "s.xlsx"
    exported = runner.invoke(app, ["review", "export-sheet", "--db", db, "--out", str(path)])
    assert exported.exit_code == 0, exported.output
    assert "已导出 8 个待处理字段" in exported.output
    _fill(path, {(DOC_ID, WRONG_SCORE): {"处理": "修改"}})
    result = runner.invoke(
        app, ["review", "import-sheet", str(path), "--db", db, "--reviewer", "赵六"]
    )
    assert result.exit_code == 1
    assert "拒绝 1 行" in result.output and "未填写修正值" in result.output
    _fill(path, {(DOC_ID, WRONG_SCORE): {"修正值": "15"}})
    result = runner.invoke(
        app, ["review", "import-sheet", str(path), "--db", db, "--reviewer", "赵六"]
    )
    assert result.exit_code == 0, result.output
    assert "已应用 1 行" in result.output
    missing = runner.invoke(
        app,
        ["review", "import-sheet", str(tmp_path / "none.xlsx"), "--db", db, "--reviewer", "赵六"],
    )
    assert missing.exit_code == 2 and "无法读取" in missing.output


def test_import_sheet_asks_for_the_reviewer_instead_of_guessing(
    store: ReviewStore, tmp_path: Path
) -> None:
    db = str(store.engine.url.database)
    app = Typer()
    register(app)
    path = tmp_path / "s.xlsx"
    _write_sheet(store, path)
    _fill(path, {(DOC_ID, WRONG_SCORE): {"修正值": "15"}})
    # No --reviewer and no terminal to ask on: refused, nothing applied.
    unnamed = runner.invoke(app, ["review", "import-sheet", str(path), "--db", db])
    assert unnamed.exit_code == 2 and "--reviewer" in unnamed.output
    assert store.audit(DOC_ID) == []
