"""Figures a model read from the narrative feed the 共计/其中 check."""

from extractor.models import DocumentResult, Source
from extractor.validate import validate_result


def _result(figures: list[dict]) -> DocumentResult:
    return DocumentResult(
        doc_id="d",
        source=Source(path="d.txt", sha256="x", pages=1),
        meta={"narrative_figures": figures},
    )


def _figure(total: float, parts: list[float], grounded: bool = True) -> dict:
    return {
        "quantity": "救助资金支出",
        "amount": total,
        "unit": "万元",
        "parts": [
            {"label": f"项{i}", "amount": a, "unit": "万元", "grounded": True}
            for i, a in enumerate(parts)
        ],
        "grounded": grounded,
        "chunk_start": 0,
        "chunk_end": 10,
        "span": {"page": 1, "start": 0, "end": 10},
    }


def test_parts_that_do_not_add_up_are_flagged() -> None:
    flags = validate_result(_result([_figure(100, [40, 50])])).flags
    (flag,) = [f for f in flags if f.rule == "narrative.sum"]
    assert (flag.found, flag.expected, flag.path) == (100, 90, "narrative")
    assert "共计 100万元" in flag.message and "90万元" in flag.message


def test_parts_that_add_up_pass() -> None:
    assert not [
        f
        for f in validate_result(_result([_figure(90, [40, 50])])).flags
        if f.rule == "narrative.sum"
    ]


def test_ungrounded_figures_are_not_evidence() -> None:
    flags = validate_result(_result([_figure(100, [40, 50], grounded=False)])).flags
    assert not [f for f in flags if f.rule == "narrative.sum"]
