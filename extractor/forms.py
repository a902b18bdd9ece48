"""What a form is, from what it says it is.

The form's title decides (项目支出绩效自评表 → self-evaluation even when it prints a
指标性质 column; 绩效目标申报表 → target even with one 指标值 column and no 权重;
评分表 → scoring). Without a title, the document's own words near the form decide
(绩效目标…, 自评…, 评价报告…). The columns only break a tie. Two more things a form says:
整体 / 部门（单位） in its title or a 部门名称 header without a 项目名称 make it
department-level; level-1 labels of an evaluation framework (决策, 过程 …) make it a
scoring table whatever its title calls it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from rapidfuzz import fuzz

from extractor.models import FormKind
from extractor.normalize import normalize_text, squash
from extractor.vocabulary import vocabulary

Decider = Literal["title", "document", "columns"]
TITLE_FUZZY_MIN = 88.0  # partial ratio of an OCR-damaged title to a family's title
TITLE_FUZZY_WORD = 7  # shorter titles are matched exactly (a misread 表 is still a 表)

_YEAR = re.compile(r"20\d\d\s*年度?")
_BRACKETS = re.compile(r"[（(][^（）()]*[)）]")
# Words a report uses about its forms when no title is printed, most specific first.
_DOCUMENT_WORDS: tuple[tuple[str, FormKind], ...] = (
    ("绩效目标申报", "project_target"),
    ("绩效目标表", "project_target"),
    ("自评表", "project_self_evaluation"),
    ("绩效自评", "project_self_evaluation"),
    ("评分表", "evaluation_scoring"),
    ("评价报告", "evaluation_scoring"),
    ("绩效目标", "project_target"),
)
_LABEL_PREFIX = re.compile(r"^([A-Za-z]\d*|[一二三四五六七八九十]+)[、.．]?")
_LABEL_WEIGHT = re.compile(r"[（(]?\d+(\.\d+)?分?[)）]?$")


@dataclass(frozen=True)
class KindDecision:
    kind: FormKind
    by: Decider
    words: str  # what decided: the title or document words, or the columns


def _title_key(text: str) -> str:
    key = squash(normalize_text(text).text)
    return _BRACKETS.sub("", _YEAR.sub("", key))


def kind_of_title(title: str) -> FormKind | None:
    """The form kind a title names, or None for a line that is no form title."""
    key = _title_key(title)
    if not key or len(key) > 60 or re.search(r"[，。；;]", key):
        return None
    terms = vocabulary().titles
    for term in terms:  # longest first
        if term.word in key:
            return term.meaning  # type: ignore[return-value]
    best: tuple[float, FormKind] | None = None
    for term in terms:
        if len(term.word) < TITLE_FUZZY_WORD:
            continue
        score = fuzz.partial_ratio(term.word, key)
        if score >= TITLE_FUZZY_MIN and (best is None or score > best[0]):
            best = (score, term.meaning)  # type: ignore[assignment]
    said = _kind_of_title_words(key)
    if best:
        # a near miss of a family's title loses to the kind the title spells out: 绩效目标
        # 自评表 is close to 绩效目标表 but is a self-evaluation (自评 of the 目标)
        if said is not None and _stem(said) != _stem(best[1]):
            return _department_kind(said, best[1].startswith("department"))
        return best[1]
    return said


def _stem(kind: FormKind) -> str:
    """What a kind is about, at any level: target, self_evaluation, scoring."""
    return kind.split("_", 1)[-1]


def _kind_of_title_words(key: str) -> FormKind | None:
    """A table title no family prints yet ("…绩效目标审批表", "…项目自评得分表"): its
    words say what it is (`[title_words]` of the vocabulary), when it is a 表 about 绩效."""
    if not re.search(r"表$", key) or not re.search(r"绩效|自评|评价|评分|指标", key):
        return None
    for term in vocabulary().title_words:  # most specific first
        if term.word in key:
            return term.meaning  # type: ignore[return-value]
    return None


def title_line(lines: list[str]) -> str:
    """The nearest line (last first) that is a form title, or ""."""
    for line in reversed(lines):
        if kind_of_title(line) is not None:
            return squash(line)
    return ""


def is_department(words: str) -> bool:
    key = squash(normalize_text(words).text)
    return any(marker in key for marker in vocabulary().department_markers)


@lru_cache(maxsize=1 << 14)
def is_framework_label(text: str) -> bool:
    """A level-1 label of an evaluation framework: 决策, "B过程(20分)", "A决策15分"."""
    key = _LABEL_WEIGHT.sub("", _LABEL_PREFIX.sub("", squash(normalize_text(text).text)))
    return key in vocabulary().framework_level1


def _department_kind(kind: FormKind, department: bool) -> FormKind:
    if department and kind == "project_self_evaluation":
        return "department_self_evaluation"
    if department and kind == "project_target":
        return "department_target"
    return kind


def _by_columns(fields: set[str]) -> FormKind:
    if "actual" in fields:
        return "project_self_evaluation"
    if "target" in fields and "score" not in fields:
        return "project_target"
    if "nature" in fields and "score" not in fields:
        return "project_target"
    if "target" in fields:
        return "project_self_evaluation"
    return "evaluation_scoring"


def decide_kind(
    title: str,
    near: str,
    fields: set[str],
    *,
    department: bool = False,
    framework: bool = False,
) -> KindDecision:
    """The form's kind: `title` (its printed title, or ""), `near` (the document's words
    before it), `fields` (the columns its header announces), `department` (its header
    block names a department rather than a project), `framework` (its level-1 labels are
    an evaluation framework's)."""
    if framework:
        return KindDecision("evaluation_scoring", "columns" if not title else "title", title)
    kind = kind_of_title(title) if title else None
    if kind is not None:
        # a title that names a project (项目…自评表) is a project form, whatever its header
        named = is_department(title) or (department and "项目" not in _title_key(title))
        return KindDecision(_department_kind(kind, named), "title", squash(title))
    key = squash(normalize_text(near).text)
    for word, meaning in _DOCUMENT_WORDS:
        if word in key[-600:]:
            return KindDecision(_department_kind(meaning, department), "document", word)
    return KindDecision(
        _department_kind(_by_columns(fields), department), "columns", ",".join(sorted(fields))
    )
