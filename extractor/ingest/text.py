"""Read OCR text files (like the seeds): detect the encoding, split pages on form feeds."""

from __future__ import annotations

from pathlib import Path

from charset_normalizer import from_bytes

from extractor.document import Document, Page
from extractor.errors import InputError
from extractor.ingest.rowgrid import text_tables
from extractor.tables import join_tables

# Encodings tried before asking the detector: almost every file we see is one of them,
# and short GBK files are easy for a statistical detector to misread.
_LIKELY = ("utf-8", "gb18030")


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode report text; returns (text, encoding). Raises InputError for binary data."""
    if b"\x00" in data[:4096]:
        raise InputError("文件是二进制内容，不是文本")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    for encoding in _LIKELY:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    best = from_bytes(data).best()
    if best is None:
        raise InputError("无法识别文本编码")
    return str(best), best.encoding


def read_text(path: Path, doc_id: str, sha256: str) -> Document:
    data = path.read_bytes()
    if not data.strip():
        raise InputError("文件为空")
    text, encoding = decode_bytes(data)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    pages = [Page(number=i + 1, text=t) for i, t in enumerate(text.split("\f"))]
    tables = join_tables(pages, [text_tables(page) for page in pages])
    return Document(
        doc_id=doc_id,
        path=str(path),
        sha256=sha256,
        pages=pages,
        encoding=encoding,
        tables=tables,
    )
