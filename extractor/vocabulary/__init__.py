"""The words of the forms, kept as data: one TOML file per template family.

Each file (`national.toml`, `provincial.toml`, `target.toml`, `scoring.toml`,
`department.toml`, …) lists what its family prints:

- `[titles]`: title words → form kind (`project_self_evaluation` …); `[title_words]`:
  single words that name the kind of a title no family lists yet (目标, 自评, 评分);

- `[columns]`: header words → indicator field (`level1`, `level2`, `name`, `nature`,
  `target`, `unit`, `actual`, `weight`, `score`, `reason`, `group`; `text` for columns
  that carry text the records do not keep, such as 评分标准);
- `[funding.columns]`: funding header words → `FundingLine` field;
- `[funding.rows]`: funding row labels → source (`total`, `fiscal`, `carryover`,
  `other`; `as_printed` for labels kept as printed);
- `[header]`: the header block's label cells → `name`, `department`, `implementer`;
- `department_markers`, `[framework] level1`: words that make a form department-level,
  or a table an evaluation framework.

The reader matches against the union of all families, exactly first and fuzzily after,
so adding a province's template is a new file here (and a corpus entry), not code.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from extractor.errors import ExtractorError

FORM_KINDS = (
    "project_self_evaluation",
    "department_self_evaluation",
    "project_target",
    "department_target",
    "evaluation_scoring",
)
INDICATOR_COLUMNS = (
    "group",
    "level1",
    "level2",
    "name",
    "nature",
    "target",
    "unit",
    "actual",
    "weight",
    "score",
    "reason",
    "text",
)
FUNDING_COLUMNS = (
    "initial_budget",
    "budget",
    "carried_in",
    "received",
    "received_rate",
    "executed",
    "execution_rate",
    "balance",
    "weight",
    "score",
    "ignore",  # a column of amounts the records do not keep (中长期资金总额)
)
FUNDING_SOURCES = ("total", "fiscal", "carryover", "other", "as_printed")
HEADER_FIELDS = ("name", "department", "implementer")


class VocabularyError(ExtractorError, ValueError):
    """A vocabulary file names a field or kind the reader does not know."""


@dataclass(frozen=True)
class Term:
    """A word of a family's vocabulary and what it stands for."""

    word: str
    meaning: str  # a form kind, a field or a funding source
    family: str


@dataclass
class Vocabulary:
    titles: list[Term] = field(default_factory=list)  # longest first
    title_words: list[Term] = field(default_factory=list)  # in file order
    columns: list[Term] = field(default_factory=list)
    funding_columns: list[Term] = field(default_factory=list)
    funding_rows: list[Term] = field(default_factory=list)
    header: list[Term] = field(default_factory=list)
    department_markers: list[str] = field(default_factory=list)
    framework_level1: list[str] = field(default_factory=list)
    families: list[str] = field(default_factory=list)

    def words(self, terms: list[Term], meaning: str) -> list[str]:
        return [t.word for t in terms if t.meaning == meaning]


def _terms(table: dict[str, Any], allowed: tuple[str, ...], family: str, what: str) -> list[Term]:
    out = []
    for meaning, words in table.items():
        if meaning not in allowed:
            raise VocabularyError(f"{family}: unknown {what} {meaning!r} (known: {allowed})")
        out.extend(Term("".join(w.split()), meaning, family) for w in words)
    return out


def _add(vocab: Vocabulary, family: str, data: dict[str, Any]) -> None:
    vocab.families.append(family)
    vocab.titles += _terms(data.get("titles", {}), FORM_KINDS, family, "form kind")
    vocab.title_words += _terms(data.get("title_words", {}), FORM_KINDS, family, "form kind")
    vocab.columns += _terms(data.get("columns", {}), INDICATOR_COLUMNS, family, "column")
    funding = data.get("funding", {})
    vocab.funding_columns += _terms(
        funding.get("columns", {}), FUNDING_COLUMNS, family, "funding column"
    )
    vocab.funding_rows += _terms(funding.get("rows", {}), FUNDING_SOURCES, family, "source")
    vocab.header += _terms(data.get("header", {}), HEADER_FIELDS, family, "header field")
    vocab.department_markers += data.get("department_markers", [])
    vocab.framework_level1 += data.get("framework", {}).get("level1", [])


def _unique(terms: list[Term]) -> list[Term]:
    """One term per (word, meaning), longest words first (they are the surer match)."""
    seen: dict[tuple[str, str], Term] = {}
    for term in terms:
        seen.setdefault((term.word, term.meaning), term)
    return sorted(seen.values(), key=lambda t: -len(t.word))


@cache
def vocabulary() -> Vocabulary:
    """Every family file of this folder, merged."""
    vocab = Vocabulary()
    folder = resources.files(__package__)
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            data = tomllib.loads(entry.read_text(encoding="utf-8"))
            _add(vocab, str(data.get("name", entry.name.removesuffix(".toml"))), data)
    vocab.titles = _unique(vocab.titles)
    vocab.columns = _unique(vocab.columns)
    vocab.funding_columns = _unique(vocab.funding_columns)
    vocab.funding_rows = _unique(vocab.funding_rows)
    vocab.header = _unique(vocab.header)
    return vocab
