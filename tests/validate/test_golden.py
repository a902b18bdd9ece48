"""Validate every golden file that exists (as a DocumentResult, ignoring
expected_flags): validation runs, is fast, emits well-formed flags whose paths name real
fields; and on the golden's own records every warning/error flag is one the golden
expects (each with its reason) and every expected flag is raised."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest

from extractor.document import Document, Page
from extractor.models import DocumentResult, GoldenDocument
from extractor.validate import RULES, validate_result

GOLDEN = Path(__file__).resolve().parents[2] / "golden"
PATHS = re.compile(
    r"^(narrative|projects|total\.(weight|score)|subtotals\[\d+\]\.(weight|score)"
    r"|funding\[\d+\]\.\w+|indicators\[\d+\]\.(score|weight|target|actual|name)"
    r"|accounts\[\d+\]\.rows\[\d+\]\.values\[\d+\])$"
)
_INDEXED = re.compile(r"^(indicators|funding|subtotals)\[(\d+)\]\.(\w+)$")


def _names_a_field(result: DocumentResult, project_id: str, path: str) -> bool:
    """The path resolves on the flagged project: index in range, field of the record."""
    project = next(p for p in result.projects if p.id == project_id)
    match = _INDEXED.match(path)
    if match is None:
        return path.startswith(("total.", "narrative", "projects"))
    records = getattr(project, match.group(1))
    index = int(match.group(2))
    return index < len(records) and match.group(3) in type(records[index]).model_fields


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
        if flag.project is not None:
            assert _names_a_field(result, flag.project, flag.path), (flag.project, flag.path)
        assert flag.message
    assert report.checks_run > 0
    assert elapsed < 1.0  # milliseconds in practice; generous for slow CI machines
    print(
        f"{path.stem}: {len(report.flags)} flags {report.by_severity()}, skipped {report.skipped}"
    )


@pytest.mark.parametrize("path", _golden_files(), ids=lambda p: p.stem)
def test_golden_records_raise_exactly_the_expected_flags(path: Path) -> None:
    """The validator alone, on records a person wrote: nothing the golden does not
    expect (at warning/error), nothing it expects missing. A new warning/error rule that
    fires on a bundled report needs a reason in the golden, or the info severity."""
    from eval.align import align_document
    from eval.flags import match_flags, scored_flags

    golden = GoldenDocument.model_validate_json(path.read_text(encoding="utf-8"))
    result = _load(path)
    result.flags = validate_result(result, _source(result)).flags
    matched = match_flags(golden, result, align_document(golden.projects, result.projects))
    unexpected = [(m.flag.rule, m.flag.project, m.path, m.flag.message) for m in matched.unexpected]
    missed = [(f.rule, f.project, f.path, f.note[:60]) for f in matched.missed]
    assert not unexpected and not missed, {"unexpected": unexpected, "missed": missed}
    assert len(scored_flags(result)) == len(golden.expected_flags)
