"""Does a candidate value satisfy the validator's arithmetic? Used by the hybrid
backend to prefer one of two disagreeing candidates.

The candidate is put into a copy of the project and the validator's record rules run on
it (`extractor.validate.validate_result` without a document: sums, rates, scores); the
candidate satisfies the arithmetic when no arithmetic flag touches the field's record,
the totals or the subtotals it feeds.
"""

from __future__ import annotations

import re
from typing import Any

from extractor.llm.paths import set_path
from extractor.models import DocumentResult, Flag, Project, Source

ARITHMETIC_RULES = frozenset(
    {
        "funding.total_sum",
        "funding.execution_rate",
        "funding.received_rate",
        "funding.score",
        "funding.balance",
        "indicator.score_above_weight",
        "indicator.formula",
        "total.weight_sum",
        "total.score_sum",
        "subtotal.weight_sum",
        "subtotal.score_sum",
    }
)
_NUMERIC_FIELDS = re.compile(
    r"^(funding\[\d+\]\.(initial_budget|budget|carried_in|received|received_rate|executed|"
    r"execution_rate|balance|weight|score)|indicators\[\d+\]\.(weight|score)|"
    r"subtotals\[\d+\]\.(weight|score)|total\.(weight|score))$"
)


def takes_part(path: str) -> bool:
    """True for the fields the validator's arithmetic reads."""
    return bool(_NUMERIC_FIELDS.match(path))


def _scope(path: str) -> tuple[str, ...]:
    record = path.rsplit(".", 1)[0] + "."
    if path.startswith("funding["):
        return (record, "total.", "funding[")  # a source line feeds the total line's sums
    if path.startswith("indicators["):
        return (record, "total.", "subtotals[")
    return (record,)


def problems(project: Project, path: str, value: Any) -> list[Flag]:
    """Arithmetic flags touching `path` once `value` is put there."""
    from extractor.validate import validate_result

    candidate = project.model_copy(deep=True)
    candidate.id = candidate.id or "p"
    set_path(candidate, path, value)
    result = DocumentResult(
        doc_id="candidate", source=Source(path="", sha256="", pages=0), projects=[candidate]
    )
    report = validate_result(result)
    scope = _scope(path)
    return [f for f in report.flags if f.rule in ARITHMETIC_RULES and f.path.startswith(scope)]
