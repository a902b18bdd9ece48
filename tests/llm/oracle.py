"""An oracle for the LLM path: a local server that answers every form request with the
golden records of that chunk, in the response schema — what a perfect model would say.

    with oracle_server(GOLDEN) as server:                # tests.llm.fake_server.FakeOpenAI
        report = evaluate(GOLDEN, backend="llm", llm=oracle_config(server, cache_dir))

The golden files are hand-written from the documents; this module only reshapes them
into answers (`FormAnswer`), so a perfect score tests everything after the model: the
requests, the parts of long forms, the conversion of answers into records, grounding,
the merge with the template parser, validation and the eval.

A request is matched to its chunk by the text it sends (the user message); a chunk to
its golden project by the words both hold (the project's name and indicator names), so
the oracle follows the chunker wherever it cuts. Narrative chunks state no figures.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from extractor.chunk import chunk_document
from extractor.document import Chunk
from extractor.inputs import load_document
from extractor.llm.config import LLMConfig
from extractor.llm.grounding import fold
from extractor.llm.prompts import PromptSet
from extractor.llm.requests import RequestBuilder
from extractor.models import GoldenDocument, Project
from extractor.ocr.settings import DISABLED
from tests.llm.fake_server import Answer, Error, FakeOpenAI, Reply

MODEL = "oracle"
REUSE = 0.5  # the cost of giving a project to a second chunk (only a repeat is worth it)


def oracle_config(server: FakeOpenAI, cache_dir: Path, **changes: Any) -> LLMConfig:
    values: dict[str, Any] = {
        "base_url": server.base_url,
        "model": MODEL,
        "api_key": "test-key",
        "cache_dir": cache_dir,
        "timeout": 10.0,
        "max_retries": 0,
        "validation_retries": 0,
        "concurrency": 8,
    }
    values.update(changes)
    return LLMConfig(**values)


def _likeness(chunk: Chunk, project: Project) -> float:
    """How much of a golden project the chunk holds: its indicator names (share) and its
    name (a bonus: several projects may share indicator names)."""
    text = fold(chunk.context[-2000:] + chunk.text)
    names = [fold(i.name) for i in project.indicators if len(fold(i.name)) >= 2]
    share = sum(n in text for n in names) / len(names) if names else 0.0
    return share + (1.0 if project.name and fold(project.name) in text else 0.0)


def golden_projects(chunks: list[Chunk], golden: GoldenDocument) -> dict[int, Project]:
    """Form chunk index → its golden project: both are in document order, so the best
    assignment that keeps the order (a chunk may share the project before it: a report
    printing its indicator system twice)."""
    forms = [i for i, c in enumerate(chunks) if c.kind == "form"]
    projects = golden.projects
    if not forms or not projects:
        return {}
    score = [[_likeness(chunks[i], p) for p in projects] for i in forms]
    # best[k][j]: best total for the first k+1 forms with form k on project j (or none: -1)
    best: list[dict[int, tuple[float, int | None]]] = []
    for k, row in enumerate(score):
        here: dict[int, tuple[float, int | None]] = {}
        previous = best[k - 1] if k else {-1: (0.0, None)}
        for j in [-1, *range(len(projects))]:
            gain = row[j] if j >= 0 and row[j] > 0.3 else (0.0 if j < 0 else -1.0)
            if gain < 0:
                continue
            options = [
                (total + gain - (REUSE if j >= 0 and pj == j else 0.0), pj)
                for pj, (total, _) in previous.items()
                if j < 0 or pj <= j
            ]
            if options:
                here[j] = max(options, key=lambda o: o[0])
        best.append(here)
    chosen: dict[int, Project] = {}
    j = max(best[-1], key=lambda key: best[-1][key][0])
    for k in range(len(forms) - 1, -1, -1):
        _, before = best[k][j]
        if j >= 0:
            chosen[forms[k]] = projects[j]
        j = before if before is not None else -1
    return chosen


def form_answer(project: Project, indicators: list[int], head: bool, tail: bool) -> dict[str, Any]:
    """The golden project as the model's answer: the project fields and funding in the
    first part, the given indicators, the 总分 row in the last part."""
    answer: dict[str, Any] = {
        "name": project.name if head else "",
        "year": project.year if head else None,
        "department": project.department if head else None,
        "implementer": project.implementer if head else None,
        "funding": [line.model_dump(exclude={"span"}) for line in project.funding if head],
        "indicators": [],
        "subtotals": [s.model_dump() for s in project.subtotals] if head else [],
        "total_weight": project.total.weight if tail else None,
        "total_score": project.total.score if tail else None,
    }
    for index in indicators:
        ind = project.indicators[index]
        record = ind.model_dump(exclude={"span", "target", "actual"})
        record["target"] = ind.target.raw if ind.target else None
        record["actual"] = ind.actual.raw if ind.actual else None
        answer["indicators"].append(record)
    return answer


def _parts_of(project: Project, bodies: list[str]) -> list[list[int]]:
    """Which part (by its text after the repeated header) holds each indicator; one not
    found stays with the one before it."""
    folded = [fold(b) for b in bodies]
    owner: list[list[int]] = [[] for _ in bodies]
    current = 0
    for index, ind in enumerate(project.indicators):
        key = fold(ind.name)
        found = next((k for k in range(current, len(bodies)) if key and key in folded[k]), None)
        current = found if found is not None else current
        owner[current].append(index)
    return owner


def answers_for(path: Path, golden: GoldenDocument, builder: RequestBuilder) -> dict[str, Any]:
    """User message → answer, for every call the document's chunks make."""
    chunks = chunk_document(load_document(path, ocr=DISABLED))
    specs = builder.specs(chunks)
    answers: dict[str, Any] = {}
    by_chunk: dict[int, list[Any]] = {}
    for spec in specs:
        if spec.kind == "narrative":
            answers[spec.messages[-1]["content"]] = {"figures": []}
        else:
            by_chunk.setdefault(spec.chunk_index, []).append(spec)
    matched = golden_projects(chunks, golden)
    for index, parts in by_chunk.items():
        project = matched.get(index)
        parts.sort(key=lambda s: s.part)
        if project is None:
            for spec in parts:
                answers[spec.messages[-1]["content"]] = {"name": "", "indicators": []}
            continue
        bodies = [_part_body(spec.messages[-1]["content"]) for spec in parts]
        owned = _parts_of(project, bodies)
        for k, spec in enumerate(parts):
            head, tail = k == 0, k == len(parts) - 1
            answers[spec.messages[-1]["content"]] = form_answer(project, owned[k], head, tail)
    return answers


def _part_body(user: str) -> str:
    """The form text of a request (after the last "表格内容" marker)."""
    return user.rsplit("表格内容", 1)[-1]


def oracle_answers(golden_dir: Path, config: LLMConfig) -> dict[str, Any]:
    builder = RequestBuilder(config, PromptSet.load())
    answers: dict[str, Any] = {}
    for path in sorted(Path(golden_dir).glob("*.json")):
        golden = GoldenDocument.model_validate_json(path.read_text(encoding="utf-8"))
        doc = next((golden_dir / "docs").glob(f"{golden.doc_id}.*"))
        answers.update(answers_for(doc, golden, builder))
    return answers


class Oracle:
    """The server's responder: the golden answer of the request's text."""

    def __init__(self, answers: dict[str, Any]) -> None:
        self.answers = answers
        self.unknown = 0

    def __call__(self, body: dict[str, Any]) -> Reply:
        user = next(
            (m["content"] for m in reversed(body.get("messages", [])) if m.get("role") == "user"),
            "",
        )
        answer = self.answers.get(user)
        if answer is None:
            self.unknown += 1
            return Error(404, message=f"the oracle has no answer for: {user[:80]!r}")
        return Answer(json.loads(json.dumps(answer)))
