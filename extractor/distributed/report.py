"""The run report of a Ray run: the local batch's report (`run.json`, `run.csv`, written
by `extractor.batch.write_report`) with what only a cluster has — attempts and the
reasons for each retry, the node a document was read on, replaced workers, the rate
limiter's figures — and the terminal lines and progress bar."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extractor.batch import BatchReport, DocOutcome, result_line


@dataclass
class RayDocOutcome(DocOutcome):
    """A document's outcome; `attempts` > 1 when its worker died and it was retried,
    with one reason per lost attempt in `retries` (a document that ran out of retries
    lost all its attempts: `attempts` reasons, `attempts - 1` retries)."""

    attempts: int = 1
    retries: list[str] = field(default_factory=list)
    node: str | None = None
    worker_seconds: float | None = None  # inside the actor; `seconds` adds Ray's trips


@dataclass
class RayBatchReport(BatchReport):
    workers_replaced: int = 0
    limiter: dict[str, Any] | None = None

    def totals(self) -> dict[str, Any]:
        totals = super().totals()
        totals["retries"] = sum(max(0, getattr(o, "attempts", 1) - 1) for o in self.outcomes)
        totals["lost_attempts"] = sum(len(getattr(o, "retries", [])) for o in self.outcomes)
        totals["retried_documents"] = sum(1 for o in self.outcomes if getattr(o, "retries", None))
        totals["workers_replaced"] = self.workers_replaced
        nodes = {getattr(o, "node", None) for o in self.outcomes} - {None}
        totals["nodes_used"] = len(nodes)
        if self.limiter is not None:
            totals["llm_rate_limit"] = self.limiter
        return totals


def ray_result_line(outcome: DocOutcome) -> str:
    line = result_line(outcome)
    lost = getattr(outcome, "retries", None)
    if lost:
        retried = max(0, getattr(outcome, "attempts", 1) - 1)
        line += (
            f"  [yellow]（工作进程失去 {len(lost)} 次，重试 {retried} 次；"
            f"最后一次：{lost[-1]}）[/yellow]"
        )
    return line


def outcome_from_payload(
    task_path: Path, doc_id: str, sha256: str, payload: dict[str, Any]
) -> RayDocOutcome:
    outcome = RayDocOutcome(path=str(task_path), doc_id=doc_id, sha256=sha256)
    for key, value in payload["counts"].items():
        setattr(outcome, key, value)
    return outcome
