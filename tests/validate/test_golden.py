"""Validate every golden file that exists (as a DocumentResult, ignoring
expected_flags). Accuracy against expected_flags is the eval harness's business; this
only checks that validation runs, is fast, and emits well-formed flags."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest

from extractor.document import Document, Page
from extractor.models import DocumentResult
from extractor.validate import RULES, validate_result

GOLDEN = Path(__file__).resolve().parents[2] / "golden"
PATHS = re.compile(
    r"^(narrative|projects|total\.(weight|score)|subtotals\[\d+\]\.(weight|score)"
    r"|funding\[\d+\]\.\w+|indicators\[\d+\]\.(score|target|actual|name))$"
)


def _golden_files() -> list[Path]:
    return sorted(GOLDEN.glob("*.json"))


def _load(path: Path) -> DocumentResult:
    data = json.loads(path.read_text(encoding="utf-8"))
    data.pop("expected_flags", None)
    return DocumentResult.model_validate(data)


def _source(result: DocumentResult) -> Document | None:
    for candidate in sorted((GOLDEN / "docs").glob(f"{result.doc_id}.*")):
        if candidate.suffix in {".txt", ".md", ".html"}:
            text = candidate.read_text(encoding="utf-8")
            pages = [Page(number=i + 1, text=t) for i, t in enumerate(text.split("\f"))]
            return Document(doc_id=result.doc_id, path=str(candidate), sha256="", pages=pages)
    return None


@pytest.mark.parametrize("path", _golden_files(), ids=lambda p: p.stem)
def test_golden_file_validates(path: Path) -> None:
    result = _load(path)
    document = _source(result)
    started = time.perf_counter()
    report = validate_result(result, document)
    elapsed = time.perf_counter() - started
    ids = {p.id for p in result.projects}
    for flag in report.flags:
        assert flag.rule in RULES
        assert flag.severity == RULES[flag.rule].severity
        assert PATHS.match(flag.path), flag.path
        assert flag.project is None or flag.project in ids
        assert flag.message
    assert report.checks_run > 0
    assert elapsed < 1.0  # milliseconds in practice; generous for slow CI machines
    print(
        f"{path.stem}: {len(report.flags)} flags {report.by_severity()}, skipped {report.skipped}"
    )
