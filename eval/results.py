"""The report the eval produces (pydantic, so `.model_dump_json()` serves machines)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field, computed_field

from extractor.models import Span


def _ratio(numerator: int, denominator: int, other_denominator: int) -> float:
    """numerator / denominator; 1.0 when there is nothing to score on either side."""
    if denominator:
        return numerator / denominator
    return 1.0 if other_denominator == 0 else 0.0


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


class Counts(BaseModel):
    """Field outcomes. P = TP/(TP+FD+FA), R = TP/(TP+FD+FN)."""

    tp: int = 0
    fd: int = 0
    fn: int = 0
    fa: int = 0

    def add(self, outcome: str) -> None:
        attr = outcome.lower()
        setattr(self, attr, getattr(self, attr) + 1)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def precision(self) -> float:
        return _ratio(self.tp, self.tp + self.fd + self.fa, self.tp + self.fd + self.fn)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def recall(self) -> float:
        return _ratio(self.tp, self.tp + self.fd + self.fn, self.tp + self.fd + self.fa)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def f1(self) -> float:
        return _f1(self.precision, self.recall)


class FlagCounts(BaseModel):
    """Validator flags (warnings and errors): predicted vs expected, one-to-one matches.
    `unscored` counts the flags raised beside them that are not scored (info flags,
    flags of other stages such as ocr.low_confidence)."""

    expected: int = 0
    predicted: int = 0
    matched: int = 0
    unscored: int = 0

    @computed_field  # type: ignore[prop-decorator]
    @property
    def precision(self) -> float:
        return _ratio(self.matched, self.predicted, self.expected)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def recall(self) -> float:
        return _ratio(self.matched, self.expected, self.predicted)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def f1(self) -> float:
        return _f1(self.precision, self.recall)

    def merge(self, other: FlagCounts) -> None:
        self.expected += other.expected
        self.predicted += other.predicted
        self.matched += other.matched
        self.unscored += other.unscored


class RecordCounts(BaseModel):
    """How many records of one type the golden and the prediction hold, and how many aligned."""

    golden: int = 0
    predicted: int = 0
    matched: int = 0


MismatchKind = Literal["wrong", "missing", "extra", "missing_record", "extra_record"]


class Mismatch(BaseModel):
    """A field (or a whole record) the prediction got wrong, with where to look."""

    doc_id: str
    project: str  # project name (golden's, else predicted)
    record_type: Literal["project", "funding", "indicator"]
    kind: MismatchKind
    field: str  # generic field id ("indicator.score"), or the record type for a record
    path: str  # golden path, e.g. "projects[2].indicators[4].score"; predicted path if extra
    pred_path: str | None = None
    expected: Any = None
    found: Any = None
    span: Span | None = None  # the predicted record's span (the golden's for a missing one)
    fields: int = 1  # fields counted against the score (a record: all of its fields)
    cost: float = 1.0  # ranking key: FD = 2 + error size, FN/FA = 1, a record = its sum


class FlagIssue(BaseModel):
    """An expected flag the validator did not raise, or a flag it raised unexpectedly."""

    doc_id: str
    kind: Literal["missed", "unexpected"]
    rule: str
    project: str | None = None  # project name
    path: str  # golden path for missed; predicted path (mapped when possible) for unexpected
    text: str = ""  # the golden note or the flag's message
    severity: str | None = None  # an unexpected flag's severity (info flags are no alarm)


class FormCounts(BaseModel):
    """Form type: of the golden projects, how many a predicted project was aligned with
    (projects are aligned by name, whatever their form) and how many of those carry the
    golden's form. Accuracy counts a project never found as wrong."""

    golden: int = 0
    aligned: int = 0
    correct: int = 0

    @computed_field  # type: ignore[prop-decorator]
    @property
    def accuracy(self) -> float:
        return self.correct / self.golden if self.golden else 1.0

    def merge(self, other: FormCounts) -> None:
        self.golden += other.golden
        self.aligned += other.aligned
        self.correct += other.correct


class GroupReport(BaseModel):
    """The documents of one template family, one rendering, or one family in one
    rendering, scored together (field counts summed: micro-averaged)."""

    documents: int = 0
    failed: int = 0  # documents whose extraction failed (scored as all-missing)
    counts: Counts = Field(default_factory=Counts)
    forms: FormCounts = Field(default_factory=FormCounts)

    def add(self, doc: DocumentReport) -> None:
        self.documents += 1
        self.failed += doc.error is not None
        for attr in ("tp", "fd", "fn", "fa"):
            setattr(self.counts, attr, getattr(self.counts, attr) + getattr(doc.counts, attr))
        self.forms.merge(doc.forms)


class DocumentReport(BaseModel):
    doc_id: str
    # From the golden's meta (the generated corpus sets them): template family, rendering
    # (text_pdf, markdown, ocr_text, scan_pdf, image) and whether the family is held out.
    family: str | None = None
    rendering: str | None = None
    held_out: bool | None = None
    forms: FormCounts = Field(default_factory=FormCounts)
    counts: Counts = Field(default_factory=Counts)
    by_record_type: dict[str, Counts] = Field(default_factory=dict)
    records: dict[str, RecordCounts] = Field(default_factory=dict)
    flags: FlagCounts = Field(default_factory=FlagCounts)
    # the validator on the golden's own records (None: not measured, e.g. --pred)
    flags_on_golden: FlagCounts | None = None
    error: str | None = None  # the extraction failed: everything counts as missing


class FlagReport(BaseModel):
    overall: FlagCounts = Field(default_factory=FlagCounts)
    # the validator alone, on the golden records: what it misses that no reader can fix
    on_golden: FlagCounts | None = None
    by_rule: dict[str, FlagCounts] = Field(default_factory=dict)
    issues: list[FlagIssue] = Field(default_factory=list)


class AccountTableReport(BaseModel):
    """One final-accounts table (or side) of one document: its row fields (code, name,
    行次, each amount) and its header fields (title, unit, 备注, column labels and 栏次,
    printed formulas), and how many rows the golden and the prediction hold."""

    doc_id: str
    table: str  # "表1 收入", "表6"
    title: str = ""
    rows: Counts = Field(default_factory=Counts)
    header: Counts = Field(default_factory=Counts)
    records: RecordCounts = Field(default_factory=RecordCounts)


class FormulaStats(BaseModel):
    """Printed formulas: how many the golden lists (`printed`), how many the prediction
    read (`predicted`) and how many of those are the golden's (`matched`); and, from the
    predictions' meta, how many the extractor parsed, applied and found holding."""

    printed: int = 0
    predicted: int = 0
    matched: int = 0
    parsed: int = 0
    applied: int = 0
    hold: int = 0


class AccountMismatch(BaseModel):
    doc_id: str
    table: str
    kind: MismatchKind
    field: str  # "account.row.values", "account.column.label" …
    path: str  # golden path ("accounts[3].rows[4].values[1]"); predicted path if extra
    expected: Any = None
    found: Any = None


class AccountsReport(BaseModel):
    """Final-accounts scores, kept apart from the project fields (their own gate)."""

    rows: Counts = Field(default_factory=Counts)  # the accounts F1: row fields
    header: Counts = Field(default_factory=Counts)
    by_field: dict[str, Counts] = Field(default_factory=dict)
    tables: list[AccountTableReport] = Field(default_factory=list)
    formulas: FormulaStats = Field(default_factory=FormulaStats)
    mismatches: list[AccountMismatch] = Field(default_factory=list)


class EvalReport(BaseModel):
    golden_dir: str | None = None
    pred_dir: str | None = None
    backend: str | None = None  # None when scoring existing predictions
    comparison_rules: list[str] = Field(default_factory=list)
    overall: Counts = Field(default_factory=Counts)
    by_record_type: dict[str, Counts] = Field(default_factory=dict)
    by_field: dict[str, Counts] = Field(default_factory=dict)
    documents: list[DocumentReport] = Field(default_factory=list)
    flags: FlagReport = Field(default_factory=FlagReport)
    mismatches: list[Mismatch] = Field(default_factory=list)  # worst first, all of them
    accounts: AccountsReport | None = None  # when a golden or a prediction has accounts
    forms: FormCounts = Field(default_factory=FormCounts)  # form type of every project
    # Per template family, per rendering and per family × rendering ("family/rendering"),
    # for goldens whose meta names them (the generated corpus); empty otherwise.
    by_family: dict[str, GroupReport] = Field(default_factory=dict)
    by_rendering: dict[str, GroupReport] = Field(default_factory=dict)
    by_family_rendering: dict[str, GroupReport] = Field(default_factory=dict)

    def document(self, doc_id: str) -> DocumentReport:
        for doc in self.documents:
            if doc.doc_id == doc_id:
                return doc
        raise KeyError(doc_id)
