"""Text inputs: every common encoding of Chinese OCR text reads the same."""

from pathlib import Path

import pytest

from extractor.errors import InputError
from extractor.ingest.text import read_text

SAMPLE = "项目支出绩效自评表\n项目名称\t\t城乡医疗救助\n\t年度资金总额:\t3113\t3113\n"


@pytest.mark.parametrize(
    ("encoding", "prefix", "label"),
    [
        ("utf-8", b"", "utf-8"),
        ("utf-8", b"\xef\xbb\xbf", "utf-8-sig"),
        ("gbk", b"", "gb18030"),
        ("gb18030", b"", "gb18030"),
    ],
)
def test_encodings(tmp_path: Path, encoding: str, prefix: bytes, label: str) -> None:
    path = tmp_path / "report.txt"
    path.write_bytes(prefix + SAMPLE.encode(encoding))
    doc = read_text(path, "report", "sha")
    assert doc.text == SAMPLE
    assert doc.encoding == label


def test_form_feeds_split_pages(tmp_path: Path) -> None:
    path = tmp_path / "two.txt"
    path.write_text("第一页\f第二页\n", encoding="utf-8")
    doc = read_text(path, "two", "sha")
    assert [p.number for p in doc.pages] == [1, 2]
    span = doc.locate(doc.text.index("第二页"), doc.text.index("第二页") + 3)
    assert (span.page, span.start, span.end) == (2, 0, 3)


def test_binary_and_empty_files_are_refused(tmp_path: Path) -> None:
    binary = tmp_path / "x.txt"
    binary.write_bytes(b"\x00\x01\x02" * 50)
    with pytest.raises(InputError, match="二进制"):
        read_text(binary, "x", "sha")
    empty = tmp_path / "e.txt"
    empty.write_bytes(b"  \n")
    with pytest.raises(InputError, match="为空"):
        read_text(empty, "e", "sha")
