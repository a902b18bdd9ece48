"""The figures of a run (or of the whole store) that the person signing off a batch
reads at a glance: execution rates and scores across the forms, flags by rule and
severity, how far the review has got, and the documents with the most open errors.

Values are the reviewed ones (the extraction with the decisions in force). The web
dashboard draws them as SVG (`web/charts.py`); the Excel export puts them on its 汇总
sheet with native charts (`workbook.py`).

Score bands follow the national grading of performance evaluations (财预〔2020〕10号:
优 ≥ 90, 良 80–90, 中 60–80, 差 < 60).
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from extractor.review.overview import DocumentFacts
from extractor.review.records import DocumentView

SEVERITIES = ("error", "warning", "info")
PROGRESS = ("open", "confirmed", "source_error", "cleared")
PROGRESS_NAMES = {
    "open": "待处理",
    "confirmed": "已确认",
    "source_error": "原文错误",
    "cleared": "已消除（修改后）",
}
TOP_DOCUMENTS = 10
TOP_RULES = 12
# The readers' and the OCR's notes are not in the validator's rule table.
NOTE_NAMES = {
    "reader.row_misfit": "读取：行与表头列不对齐，按内容识别",
    "reader.unknown_column": "读取：表头有未能对应的列",
    "reader.form_kind": "读取：表格无标题，按列判断表单类型",
    "ocr.low_confidence": "识别：文字识别置信度低",
}


@dataclass(frozen=True)
class Band:
    label: str
    low: float | None  # inclusive; None: no lower bound
    high: float | None  # exclusive; None: no upper bound
    tone: str  # css tone: bad, low, mid, good, top, odd
    exact: float | None = None  # a band of one value (100%)
    above: bool = False  # `low` itself is not in the band (">100%")

    def holds(self, value: float) -> bool:
        if self.exact is not None:
            return value == self.exact
        if self.low is not None and (value < self.low or (self.above and value == self.low)):
            return False
        return self.high is None or value < self.high


RATE_BANDS: tuple[Band, ...] = (
    Band("<50%", None, 50, "bad"),
    Band("50–70%", 50, 70, "bad"),
    Band("70–80%", 70, 80, "low"),
    Band("80–90%", 80, 90, "mid"),
    Band("90–95%", 90, 95, "good"),
    Band("95–100%", 95, 100, "good"),
    Band("100%", None, None, "top", exact=100),
    Band(">100%", 100, None, "odd", above=True),
)
SCORE_BANDS: tuple[Band, ...] = (
    Band("<60 差", None, 60, "bad"),
    Band("60–70 中", 60, 70, "low"),
    Band("70–80 中", 70, 80, "low"),
    Band("80–90 良", 80, 90, "mid"),
    Band("90–95 优", 90, 95, "good"),
    Band("95–100 优", 95, 100, "good"),
    Band("100 满分", None, None, "top", exact=100),
    Band(">100 超出", 100, None, "odd", above=True),
)


@dataclass(frozen=True)
class Bin:
    label: str
    count: int
    tone: str


@dataclass(frozen=True)
class Distribution:
    bins: list[Bin]
    count: int  # values counted
    median: float | None
    missing: int  # forms without a value


@dataclass(frozen=True)
class RuleCount:
    rule: str
    name: str
    by_severity: dict[str, int]
    open: int

    @property
    def total(self) -> int:
        return sum(self.by_severity.values())


@dataclass(frozen=True)
class DocumentCount:
    doc_id: str
    label: str
    open_errors: int
    open_warnings: int
    flags: int


@dataclass
class RunFigures:
    documents: int = 0
    forms: int = 0
    flags: int = 0
    open_by_severity: dict[str, int] = field(default_factory=dict)
    decisions: int = 0
    reviewers: list[str] = field(default_factory=list)
    documents_done: int = 0  # no open flag left
    execution: Distribution = field(default_factory=lambda: Distribution([], 0, None, 0))
    scores: Distribution = field(default_factory=lambda: Distribution([], 0, None, 0))
    rules: list[RuleCount] = field(default_factory=list)
    progress: list[tuple[str, str, int]] = field(default_factory=list)  # status, name, count
    worst: list[DocumentCount] = field(default_factory=list)

    @property
    def open(self) -> int:
        return sum(self.open_by_severity.values())


def execution_rate(project: dict[str, Any]) -> float | None:
    """The project's funding execution rate (%): the 年度资金总额 line's printed rate,
    else executed / budget of that line."""
    lines = project.get("funding") or []
    line = next((x for x in lines if x.get("source") == "total"), lines[0] if lines else None)
    if line is None:
        return None
    rate = line.get("execution_rate")
    if isinstance(rate, (int, float)):
        return float(rate)
    budget, executed = line.get("budget"), line.get("executed")
    if isinstance(budget, (int, float)) and isinstance(executed, (int, float)) and budget > 0:
        return round(100 * executed / budget, 2)
    return None


def total_score(project: dict[str, Any]) -> float | None:
    score = (project.get("total") or {}).get("score")
    return float(score) if isinstance(score, (int, float)) else None


def distribution(
    projects: list[dict[str, Any]],
    value: Callable[[dict[str, Any]], float | None],
    bands: tuple[Band, ...],
    applies: Callable[[dict[str, Any]], bool],
) -> Distribution:
    values = []
    missing = 0
    for project in projects:
        if not applies(project):
            continue
        found = value(project)
        if found is None:
            missing += 1
        else:
            values.append(found)
    counts = Counter(next(b.label for b in bands if b.holds(v)) for v in values)
    bins = [Bin(b.label, counts.get(b.label, 0), b.tone) for b in bands]
    median = round(statistics.median(values), 2) if values else None
    return Distribution(bins, len(values), median, missing)


def _has_funding(project: dict[str, Any]) -> bool:
    return bool(project.get("funding"))


def _is_scored(project: dict[str, Any]) -> bool:
    return project.get("form") not in ("project_target", "department_target")


def run_figures(views: list[DocumentView], facts: dict[str, DocumentFacts]) -> RunFigures:
    from extractor.validate.rules import RULES

    figures = RunFigures(documents=len(views))
    projects = [p for view in views for p in view.current.get("projects", [])]
    figures.forms = len(projects)
    figures.execution = distribution(projects, execution_rate, RATE_BANDS, _has_funding)
    figures.scores = distribution(projects, total_score, SCORE_BANDS, _is_scored)
    open_by: Counter[str] = Counter()
    by_rule: dict[str, Counter[str]] = {}
    open_rule: Counter[str] = Counter()
    statuses: Counter[str] = Counter()
    reviewers: Counter[str] = Counter()
    worst = []
    for view in views:
        figures.flags += len(view.flags)
        figures.decisions += len(view.audit)
        reviewers.update(row.reviewer for row in view.audit)
        errors = warnings = 0
        for flag in view.flags:
            by_rule.setdefault(flag.rule, Counter())[flag.severity] += 1
            statuses[flag.status] += 1
            if flag.is_open:
                open_by[flag.severity] += 1
                open_rule[flag.rule] += 1
                errors += flag.severity == "error"
                warnings += flag.severity == "warning"
        if not any(f.is_open for f in view.flags):
            figures.documents_done += 1
        label = facts[view.doc_id].label if view.doc_id in facts else view.doc_id
        worst.append(DocumentCount(view.doc_id, label, errors, warnings, len(view.flags)))
    figures.open_by_severity = {s: open_by.get(s, 0) for s in SEVERITIES}
    figures.reviewers = [name for name, _ in reviewers.most_common()]
    rules = [
        RuleCount(
            rule=rule,
            name=RULES[rule].description if rule in RULES else NOTE_NAMES.get(rule, rule),
            by_severity={s: counts.get(s, 0) for s in SEVERITIES},
            open=open_rule.get(rule, 0),
        )
        for rule, counts in by_rule.items()
    ]
    rules.sort(key=lambda r: (-r.total, r.rule))
    figures.rules = rules[:TOP_RULES]
    figures.progress = [(s, PROGRESS_NAMES[s], statuses.get(s, 0)) for s in PROGRESS]
    worst = [d for d in worst if d.open_errors or d.open_warnings]
    worst.sort(key=lambda d: (-d.open_errors, -d.open_warnings, d.doc_id))
    figures.worst = worst[:TOP_DOCUMENTS]
    return figures
