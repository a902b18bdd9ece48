"""The final-accounts goldens (`golden/accounts/`) are valid golden files: schema, the
document they name, and expected flags that point at printed cells."""

import hashlib
import json
import re
from pathlib import Path

import jsonschema
import pytest

from extractor import schema
from extractor.models import GoldenDocument

GOLDEN = Path(__file__).resolve().parents[2] / "golden" / "accounts"
FILES = sorted(GOLDEN.glob("*.json"))
_CELL = re.compile(r"^accounts\[(\d+)\]\.rows\[(\d+)\]\.values\[(\d+)\]$")


def test_every_document_has_a_golden_file() -> None:
    assert {p.stem for p in (GOLDEN / "docs").iterdir()} == {p.stem for p in FILES}
    assert len(FILES) >= 2


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_golden_file_is_valid(path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    jsonschema.validate(data, schema.load("golden.schema.json"))
    golden = GoldenDocument.model_validate(data)
    assert golden.doc_id == path.stem
    source = GOLDEN.parents[1] / golden.source.path
    assert hashlib.sha256(source.read_bytes()).hexdigest() == golden.source.sha256
    for table in golden.accounts:
        assert all(len(row.values) == len(table.columns) for row in table.rows)
    for flag in golden.expected_flags:
        assert flag.note, flag
        m = _CELL.match(flag.path)
        if flag.rule.startswith("accounts."):
            assert m is not None, flag.path
            t, r, c = (int(g) for g in m.groups())
            assert golden.accounts[t].rows[r].values[c] is not None, flag.path
        else:
            assert flag.path == "narrative"
