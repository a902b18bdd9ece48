"""Markdown / HTML reader: OCR-tool tables with rowspan/colspan become row text; tables
split over a page break are joined; encodings; tags and scripts stripped; bad input."""

from __future__ import annotations

import html
from pathlib import Path

import pytest

from extractor.document import Document
from extractor.errors import InputError
from extractor.ingest.markup import parse_markup, read_markup
from tests.fixtures import make_pdfs as mk

DOCS = Path(__file__).resolve().parents[2] / "golden" / "docs"


def _seed(prefix: str) -> str:
    (path,) = DOCS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


def _read(path: Path) -> Document:
    return read_markup(path, path.stem, "0" * 64)


def _write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def _html_table(rows: list[list[str]]) -> str:
    """The table as an OCR tool prints it: merged cells as rowspan/colspan, the covered
    positions absent (same merges as the PDF fixtures)."""
    by_row: dict[int, list[str]] = {}
    for cell in mk.plan_cells(rows):
        attrs = (f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else "") + (
            f' colspan="{cell.colspan}"' if cell.colspan > 1 else ""
        )
        by_row.setdefault(cell.row, []).append(f"<td{attrs}>{html.escape(cell.text)}</td>")
    body = "".join(f"<tr>{''.join(by_row.get(r, []))}</tr>" for r in range(len(rows)))
    return f"<table>{body}</table>"


def _spaced(rows: list[list[str]]) -> list[str]:
    return ["\t".join(" ".join(cell.split()) for cell in row) for row in rows]


@pytest.mark.parametrize(
    ("prefix", "title"),
    [("000", "项目支出绩效自评表"), ("002", "2022年特定目标类项目绩效目标表")],
)
def test_real_form_from_markdown_with_html_table(tmp_path: Path, prefix: str, title: str) -> None:
    header, lines = mk.cut_form(_seed(prefix), title)
    rows = mk.split_rows(lines)
    markdown = f"# {header[0]}\n\n" + "".join(f"{h}\n\n" for h in header[1:])
    markdown += "![](images/3f2a.jpg)\n\n" + _html_table(rows) + "\n"
    doc = _read(_write(tmp_path, "form.md", markdown))
    assert [p.number for p in doc.pages] == [1]
    text_lines = [line for line in doc.pages[0].text.split("\n") if line]
    assert text_lines == header + _spaced(rows)


def test_rowspan_and_colspan() -> None:
    markup = """<table>
      <tr><th colspan="2">项目名称</th><td colspan="3">城乡医疗救助</td></tr>
      <tr><td rowspan="3">绩效指标</td><td>一级指标</td><td>二级指标</td>
          <td>三级指标</td><td>分值</td></tr>
      <tr><td rowspan="2">产出指标<br>(50分)</td><td rowspan="2">数量指标</td>
          <td>救助人次</td><td>10</td></tr>
      <tr><td>资助参保人数</td><td>10</td></tr>
      <tr><td colspan="4">总分</td><td>20</td></tr>
    </table>"""
    (page,), notes = parse_markup(markup, markdown=False)
    assert page.split("\n") == [
        "项目名称\t\t城乡医疗救助\t\t",
        "绩效指标\t一级指标\t二级指标\t三级指标\t分值",
        "\t产出指标(50分)\t数量指标\t救助人次\t10",
        "\t\t\t资助参保人数\t10",
        "总分\t\t\t\t20",
    ]
    assert notes == []


SPLIT = """<p>2022年特定目标类项目绩效目标表</p>
<table>
<tr><td>一级指标</td><td>二级指标</td><td>三级指标</td><td>指标值</td></tr>
<tr><td rowspan="2">产出指标</td><td>数量指标</td><td>城乡居民医疗保险参保率</td><td>≥95%</td></tr>
<tr><td>质量指标</td><td>资金到位率</td><td>=100%</td></tr>
</table>
<!-- page 2 -->
<table>
<tr><td>一级指标</td><td>二级指标</td><td>三级指标</td><td>指标值</td></tr>
<tr><td>效果指标</td><td>服务对象满意度指标</td><td>满意度</td><td>≥95%</td></tr>
</table>
<p>填报人：张三</p>
"""


def test_table_split_over_a_page_break_is_joined(tmp_path: Path) -> None:
    doc = _read(_write(tmp_path, "split.html", SPLIT))
    assert [p.number for p in doc.pages] == [1, 2]
    assert doc.pages[0].text.split("\n") == [
        "2022年特定目标类项目绩效目标表",
        "一级指标\t二级指标\t三级指标\t指标值",
        "产出指标\t数量指标\t城乡居民医疗保险参保率\t≥95%",
        "\t质量指标\t资金到位率\t=100%",
        "效果指标\t服务对象满意度指标\t满意度\t≥95%",
    ]
    assert doc.pages[1].text == "填报人：张三"
    assert any("已合并为一张表" in n and "重复的 1 行表头" in n for n in doc.notes)


def test_adjacent_tables_without_a_repeated_header_stay_apart(tmp_path: Path) -> None:
    markup = SPLIT.replace(
        "<tr><td>一级指标</td><td>二级指标</td><td>三级指标</td><td>指标值</td></tr>\n<tr><td>效果",
        "<tr><td>效果",
    )
    doc = _read(_write(tmp_path, "two.html", markup))
    assert doc.pages[0].text.count("一级指标") == 1
    assert doc.pages[0].text.split("\n")[-1] == "\t质量指标\t资金到位率\t=100%"
    assert doc.pages[1].text.split("\n") == [
        "效果指标\t服务对象满意度指标\t满意度\t≥95%",
        "填报人：张三",
    ]
    assert doc.notes == []


GBK_PAGE = """<html><head><meta charset="gbk"><title>不要</title>
<style>td { color: red }</style><script>var x = "<td>不要</td>";</script></head>
<body><h1>项目支出绩效自评表</h1><p>（2022 年度）&nbsp;单位：万元 &amp; 元</p>
<table><tr><td>项目名称</td><td>医疗救助&lt;转移支付&gt;</td></tr></table></body></html>"""


def test_gbk_html_with_declared_charset(tmp_path: Path) -> None:
    doc = _read(_write(tmp_path, "gbk.html", GBK_PAGE, "gbk"))
    assert doc.encoding == "gb18030"
    assert doc.pages[0].text.split("\n") == [
        "项目支出绩效自评表",
        "（2022 年度） 单位：万元 & 元",
        "项目名称\t医疗救助<转移支付>",
    ]


@pytest.mark.parametrize(
    ("encoding", "prefix", "label"),
    [("gbk", b"", "gb18030"), ("utf-8", b"\xef\xbb\xbf", "utf-8-sig"), ("utf-8", b"", "utf-8")],
)
def test_encodings_of_short_markdown(
    tmp_path: Path, encoding: str, prefix: bytes, label: str
) -> None:
    text = "项目名称：城乡医疗救助\n\n<table><tr><td>年度资金总额</td><td>3113</td></tr></table>\n"
    path = tmp_path / "short.md"
    path.write_bytes(prefix + text.encode(encoding))  # short GBK reads as Korean to a detector
    doc = _read(path)
    assert doc.encoding == label
    assert doc.pages[0].text == "项目名称：城乡医疗救助\n\n年度资金总额\t3113"


def test_tags_in_cells_and_paragraphs() -> None:
    markup = (
        "<table><tr><td><p>1. 巩固医保脱贫攻坚成果。</p> <p>2. 有效提升\n基金监管能力。</p></td>"
        "<td>a\tb <b>粗体</b></td></tr></table>\n<div>第一段<br/>第二段</div>"
    )
    (page,), _ = parse_markup(markup, markdown=False)
    assert page.split("\n") == [
        "1. 巩固医保脱贫攻坚成果。2. 有效提升 基金监管能力。\ta b 粗体",
        "第一段",
        "第二段",
    ]


def test_markdown_leftovers_and_pipe_tables(tmp_path: Path) -> None:
    text = (
        "## 一、**项目**概况\n\n![图 1](images/p1.png)\n\n"
        "| 一级指标 | 二级指标 | 分值 |\n|:---|---|---:|\n| 产出指标 | 数量指标 | 20 |\n\n尾注\n"
    )
    doc = _read(_write(tmp_path, "notes.md", text))
    assert doc.pages[0].text.split("\n") == [
        "一、项目概况",
        "",
        "一级指标\t二级指标\t分值",
        "产出指标\t数量指标\t20",
        "",
        "尾注",
    ]


def test_page_markers(tmp_path: Path) -> None:
    text = "<!-- page 1 -->\n第一页\n\f\n第二页\n<!-- pagebreak -->\n<!-- page 3 -->\n第三页\n"
    doc = _read(_write(tmp_path, "pages.md", text))
    assert [(p.number, p.text) for p in doc.pages] == [(1, "第一页"), (2, "第二页"), (3, "第三页")]
    one = _read(_write(tmp_path, "one.md", "第一行\n\n\n\n第二行\n"))
    assert [p.text for p in one.pages] == ["第一行\n\n第二行"]
    styled = '<p>第一页</p><div style="page-break-before: always"><p>第二页</p></div>'
    two = _read(_write(tmp_path, "two.html", styled))
    assert [(p.number, p.text) for p in two.pages] == [(1, "第一页"), (2, "第二页")]


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("missing.md", None, "文件不存在"),
        ("empty.md", b"", "为空"),
        ("binary.html", b"\x00\x01\x02\x03" * 64, "二进制"),
        ("report.docx", "项目名称".encode(), "不支持的文件类型"),
        ("tags.html", b"<html><head><script>x()</script></head><body> </body></html>", "没有可读"),
    ],
)
def test_bad_input_raises_input_error(
    tmp_path: Path, name: str, data: bytes | None, reason: str
) -> None:
    path = tmp_path / name
    if data is not None:
        path.write_bytes(data)
    with pytest.raises(InputError, match=reason):
        _read(path)


def test_html_tables_are_kept_as_grids_with_spans(tmp_path: Path) -> None:
    text = (
        "# 项目支出绩效自评表\n\n"
        '<table><tr><td rowspan="2">一级指标</td><td colspan="2">指标</td></tr>'
        "<tr><td>三级指标</td><td>分值</td></tr>"
        "<tr><td>产出指标</td><td>培训人次</td><td>10</td></tr></table>\n"
    )
    doc = _read(_write(tmp_path, "form.md", text))
    (table,) = doc.tables
    assert (table.n_rows, table.n_cols, table.source) == (3, 3, "markup")
    assert table.title == ["项目支出绩效自评表"]
    cells = {(c.row, c.col): c for c in table.cells}
    assert (cells[(0, 0)].row_span, cells[(0, 1)].col_span) == (2, 2)
    assert (0, 2) not in cells and (1, 0) not in cells  # covered positions
    for cell in table.cells:
        assert doc.pages[0].text[cell.start : cell.end] == cell.text
    assert table.grid()[1][0] is cells[(0, 0)]


def _table_html(rows: list[list[str]]) -> str:
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table>{body}</table>"


def test_a_table_split_without_its_header_is_joined_across_a_page_marker(tmp_path: Path) -> None:
    head = [["一级指标", "三级指标", "分值"], ["产出指标", "培训人次", "10"]]
    tail = [["效益指标", "群众知晓率", "20"]]
    text = f"绩效自评表\n{_table_html(head)}\n<!-- page 2 -->\n2\n{_table_html(tail)}\n"
    doc = _read(_write(tmp_path, "form.md", text))
    (table,) = doc.tables
    assert table.n_rows == 3 and table.pages == [1, 2]
    assert [c.text for c in table.rows()[2]] == ["效益指标", "群众知晓率", "20"]


def test_a_titled_or_new_form_table_is_not_joined(tmp_path: Path) -> None:
    one = [["一级指标", "三级指标", "分值"], ["产出指标", "培训人次", "10"]]
    two = [["项目名称", "道路养护", ""], ["一级指标", "三级指标", "分值"]]
    text = f"{_table_html(one)}\n\n{_table_html(two)}\n表二\n{_table_html(one)}"
    doc = _read(_write(tmp_path, "form.md", text))
    assert len(doc.tables) == 3
    assert doc.tables[2].title == ["表二"]
