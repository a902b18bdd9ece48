"""Every golden file validates against the golden schema and names its document."""

import hashlib
import json
from pathlib import Path

import jsonschema
import pytest

from extractor import schema
from extractor.models import GoldenDocument

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
FILES = sorted(GOLDEN.glob("*.json"))


def test_every_document_has_a_golden_file() -> None:
    docs = {p.stem for p in (GOLDEN / "docs").iterdir()}
    assert docs == {p.stem for p in FILES}


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem[:3])
def test_golden_file_is_valid(path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    jsonschema.validate(data, schema.load("golden.schema.json"))
    golden = GoldenDocument.model_validate(data)
    assert golden.doc_id == path.stem
    source = GOLDEN.parent / golden.source.path
    assert hashlib.sha256(source.read_bytes()).hexdigest() == golden.source.sha256
    ids = [p.id for p in golden.projects]
    assert len(ids) == len(set(ids))
    for flag in golden.expected_flags:
        assert flag.project is None or flag.project in ids
