"""What a reviewer calls a document: its department, title, year and forms, derived in
the review layer from what the stored result holds (the pipeline's output is not
changed for it).

- title: the first title-like line of the stored source text (a line of prose, not a
  table row, date or heading number), joined with the short line below it when the
  title is printed over two lines ("…项目绩效" / "自评报告");
- department: the 主管部门 of a department-level form when there is one (a department's
  own form names it in full), else the one most projects name; a leading budget code
  ("054-") is dropped;
- year: the year most projects carry, else the first year in the title;
- forms: how many forms of each kind, and the final-accounts tables (部门决算).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from extractor.review.export import FORM_NAMES
from extractor.review.records import DocumentView

if TYPE_CHECKING:
    from extractor.review.store import ReviewStore

DEPARTMENT_FORMS = ("department_self_evaluation", "department_target")
ACCOUNTS_NAME = "部门决算表"
TITLE_WORDS = ("报告", "表", "决算", "预算", "清单", "说明", "自评", "评价", "公开", "情况")
_CODE = re.compile(r"^\s*\d+\s*[-－—_.、]\s*")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_HEADING = re.compile(
    r"^\s*(第[一二三四五六七八九十]+[部章节]|[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+[.、])"
)
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
MAX_TITLE = 60
TITLE_LINES = 25  # lines of the first pages a title is looked for in


@dataclass(frozen=True)
class DocumentFacts:
    doc_id: str
    sha256: str
    title: str
    department: str
    year: int | None
    forms: list[tuple[str, int]] = field(default_factory=list)  # (form name, count)

    @property
    def label(self) -> str:
        """One line naming the document: 部门 · 标题."""
        parts = [p for p in (self.department, self.title) if p]
        if len(parts) == 2 and parts[0] in parts[1]:
            parts = parts[1:]
        return " · ".join(parts) or self.doc_id

    def to_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "department": self.department,
            "year": self.year,
            "forms": [{"name": name, "count": count} for name, count in self.forms],
            "sha256": self.sha256,
        }


def document_facts(view: DocumentView, pages: dict[int, str]) -> DocumentFacts:
    projects: list[dict[str, Any]] = view.current.get("projects", [])
    title = title_line([pages[n] for n in sorted(pages)[:2]]) or ""
    return DocumentFacts(
        doc_id=view.doc_id,
        sha256=view.record.sha256,
        title=title or (projects[0].get("name") if projects else "") or "",
        department=department_of(projects),
        year=year_of(projects, title),
        forms=form_counts(projects, view.current.get("accounts") or []),
    )


def facts_for(store: ReviewStore, views: list[DocumentView]) -> dict[str, DocumentFacts]:
    return {view.doc_id: document_facts(view, store.pages(view.doc_id)) for view in views}


def _is_title(line: str) -> bool:
    text = line.strip()
    return (
        bool(text)
        and "\t" not in line
        and len(text) <= MAX_TITLE
        and len(_CJK.findall(text)) >= 4
        and not _HEADING.match(text)
    )


def title_line(pages: list[str]) -> str | None:
    """The document's title as printed on its first page(s)."""
    lines = [ln for page in pages for ln in page.splitlines()][: TITLE_LINES * 2]
    lines = [ln.strip() for ln in lines if ln.strip()][:TITLE_LINES]
    for index, line in enumerate(lines):
        if not _is_title(line):
            continue
        title = " ".join(line.split())
        after = lines[index + 1] if index + 1 < len(lines) else ""
        if (
            not title.endswith(TITLE_WORDS)
            and after
            and "\t" not in after
            and len(after) <= 12
            and after.endswith(TITLE_WORDS)
        ):
            title += after
        return title
    return None


def _clean_department(name: str | None) -> str:
    return _CODE.sub("", " ".join((name or "").split()))


def department_of(projects: list[dict[str, Any]]) -> str:
    own = [
        _clean_department(p.get("department"))
        for p in projects
        if p.get("form") in DEPARTMENT_FORMS and p.get("department")
    ]
    if own:
        return own[0]
    named = Counter(_clean_department(p.get("department")) for p in projects)
    named.pop("", None)
    return named.most_common(1)[0][0] if named else ""


def year_of(projects: list[dict[str, Any]], title: str) -> int | None:
    years = Counter(p.get("year") for p in projects if isinstance(p.get("year"), int))
    if years:
        return years.most_common(1)[0][0]
    match = _YEAR.search(title)
    return int(match.group(1)) if match else None


def form_counts(
    projects: list[dict[str, Any]], accounts: list[dict[str, Any]]
) -> list[tuple[str, int]]:
    kinds = Counter(FORM_NAMES.get(p.get("form", ""), p.get("form", "")) for p in projects)
    counts = sorted(kinds.items(), key=lambda item: (-item[1], item[0]))
    tables = len({a.get("number") for a in accounts})
    if tables:
        counts.append((ACCOUNTS_NAME, tables))
    return counts
