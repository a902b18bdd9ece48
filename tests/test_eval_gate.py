"""The CI accuracy gates: the rules backend must not drop below `eval/thresholds.json`
(thresholds only go up) on the bundled golden documents and on the generated
development corpus (golden/corpus: per template family, per rendering, per family ×
rendering, form type)."""

import json
from pathlib import Path

import pytest

from eval.harness import evaluate
from eval.thresholds import check_thresholds, load_thresholds

GOLDEN = Path(__file__).resolve().parent.parent / "golden"


def test_accuracy_does_not_drop() -> None:
    report = evaluate(GOLDEN, backend="rules")
    failures = check_thresholds(report, load_thresholds())
    assert not failures, "\n".join(failures)


def test_corpus_accuracy_does_not_drop() -> None:
    """Every rendering of every development family, scans OCR'd, in two workers."""
    thresholds = load_thresholds().corpus
    assert thresholds is not None and thresholds.per_family_f1 and thresholds.per_rendering_f1
    assert thresholds.per_family_rendering_f1
    report = evaluate(GOLDEN / "corpus", backend="rules", jobs=2)
    failures = check_thresholds(report, thresholds)
    assert not failures, "\n".join(failures)


TEXT_RENDERINGS = ("markdown", "ocr_text", "text_pdf")


def _text_renderings(folder: Path, into: Path) -> Path:
    """A golden folder holding only the text renderings of `folder` (links, no copies)."""
    into.mkdir()
    (into / "docs").symlink_to(folder / "docs")
    for path in folder.glob("*.json"):
        meta = json.loads(path.read_text(encoding="utf-8")).get("meta", {})
        if meta.get("rendering") in TEXT_RENDERINGS:
            (into / path.name).symlink_to(path)
    return into


@pytest.mark.parametrize("name", sorted(load_thresholds().held_out))
def test_held_out_sets_used_for_development_do_not_drop(name: str, tmp_path: Path) -> None:
    """Each held-out set measured once and then developed against keeps its reading."""
    thresholds = load_thresholds().held_out[name]
    assert thresholds.per_rendering_f1 and thresholds.form_accuracy == 1.0
    folder = _text_renderings(GOLDEN / name, tmp_path / name)
    report = evaluate(folder, backend="rules", jobs=2)
    assert len(report.documents) >= 20
    failures = check_thresholds(report, thresholds)
    assert not failures, "\n".join(failures)
