"""The review store: import results, read documents as they stand, record decisions.

Every write is one transaction (`db.write_transaction`); a decision and the flags its
re-validation produces are committed together or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import Connection, CursorResult, Engine, and_, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from extractor.models import DocumentResult, Flag, Span
from extractor.review import schema
from extractor.review.db import make_engine, read_transaction, write_transaction
from extractor.review.decide import Request, plan_decision
from extractor.review.errors import ConflictError, NotFoundError, ReviewError
from extractor.review.fields import flag_target
from extractor.review.migrations import migrate
from extractor.review.records import DocumentRecord, DocumentView, FlagRecord
from extractor.review.revalidate import needs_source, validate_current
from extractor.review.sources import find_source_pages
from extractor.review.state import AuditRow, FieldState, dumps, fold_all, loads

ImportStatus = Literal["new", "updated", "unchanged"]


@dataclass(frozen=True)
class ImportOutcome:
    doc_id: str
    status: ImportStatus
    flags: int
    has_source: bool


@dataclass(frozen=True)
class DecisionOutcome:
    row: AuditRow
    state: FieldState
    view: DocumentView


class ReviewStore:
    """A review store on any SQLAlchemy database (SQLite file by default)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        migrate(engine)

    @classmethod
    def open(cls, db: str | Path) -> ReviewStore:
        return cls(make_engine(db))

    def close(self) -> None:
        self.engine.dispose()

    # --- import ------------------------------------------------------------------

    def import_result(
        self,
        result: DocumentResult,
        pages: list[str] | None = None,
        *,
        base: Path | None = None,
        force: bool = False,
    ) -> ImportOutcome:
        """Store one extraction and its source text (looked up when not given).

        Importing the same result again changes nothing. A changed result replaces the
        stored extraction unless decisions exist, which needs `force` (the decisions stay
        and keep applying to their field paths)."""
        if pages is None:
            pages = find_source_pages(result, base)
        payload = result.model_dump_json()
        now = datetime.now(UTC)
        with write_transaction(self.engine) as conn:
            existing = _document_row(conn, result.doc_id)
            if existing is None:
                doc_pk = _new_id(
                    conn.execute(
                        insert(schema.documents).values(
                            doc_id=result.doc_id,
                            source_path=result.source.path,
                            sha256=result.source.sha256,
                            page_count=result.source.pages,
                            result_json=payload,
                            has_source=pages is not None,
                            imported_at=now,
                        )
                    )
                )
                _store_pages(conn, doc_pk, pages)
                _sync_flags(conn, doc_pk, result.flags, None, keep_source_rules=False)
                return ImportOutcome(result.doc_id, "new", len(result.flags), pages is not None)
            same = existing.result_json == payload
            if same and (existing.has_source or pages is None):
                return ImportOutcome(
                    result.doc_id, "unchanged", len(result.flags), existing.has_source
                )
            decisions = conn.execute(
                select(func.count()).where(schema.decisions.c.document_id == existing.id)
            ).scalar_one()
            if decisions and not same and not force:
                raise ReviewError(
                    f"文档 {result.doc_id} 已有 {decisions} 条审核记录，新的抽取结果与库中不同；"
                    "如仍要替换抽取结果（审核记录保留，并按字段路径继续生效），请加 --force"
                )
            conn.execute(
                update(schema.documents)
                .where(schema.documents.c.id == existing.id)
                .values(
                    source_path=result.source.path,
                    sha256=result.source.sha256,
                    page_count=result.source.pages,
                    result_json=payload,
                    has_source=pages is not None or existing.has_source,
                    imported_at=now,
                )
            )
            if pages is not None:
                conn.execute(
                    delete(schema.source_pages).where(
                        schema.source_pages.c.document_id == existing.id
                    )
                )
                _store_pages(conn, existing.id, pages)
            flags = result.flags
            if decisions:
                view = _load_view(conn, result.doc_id)
                current = DocumentResult.model_validate(view.current)
                flags = validate_current(current, _pages_list(conn, existing.id))
            _sync_flags(conn, existing.id, flags, None, keep_source_rules=False)
            return ImportOutcome(result.doc_id, "updated", len(flags), pages is not None)

    # --- reading -----------------------------------------------------------------

    def doc_ids(self) -> list[str]:
        with read_transaction(self.engine) as conn:
            return list(
                conn.execute(select(schema.documents.c.doc_id).order_by(schema.documents.c.doc_id))
                .scalars()
                .all()
            )

    def document_view(self, doc_id: str) -> DocumentView:
        with read_transaction(self.engine) as conn:
            return _load_view(conn, doc_id)

    def views(self) -> list[DocumentView]:
        with read_transaction(self.engine) as conn:
            ids = conn.execute(
                select(schema.documents.c.doc_id).order_by(schema.documents.c.doc_id)
            ).scalars()
            return [_load_view(conn, doc_id) for doc_id in list(ids)]

    def pages(self, doc_id: str) -> dict[int, str]:
        with read_transaction(self.engine) as conn:
            record = _document_row(conn, doc_id)
            if record is None:
                raise NotFoundError(f"找不到文档 {doc_id}")
            return dict(enumerate(_pages_list(conn, record.id) or [], start=1))

    def audit(self, doc_id: str | None = None) -> list[AuditRow]:
        with read_transaction(self.engine) as conn:
            return _audit_rows(conn, doc_id)

    # --- deciding ----------------------------------------------------------------

    def decide(
        self,
        doc_id: str,
        project: str | None,
        target: str,
        action: str,
        *,
        reviewer: str,
        version: int,
        value: str | None = None,
        note: str = "",
        decision_id: int | None = None,
        via: str = "api",
    ) -> DecisionOutcome:
        """Record one decision on a field (or a document-level flag) and re-validate.

        `version` is the field version the reviewer saw; a different current version
        means someone else decided in between, and ConflictError is raised."""
        request = Request(
            project=project or "",
            target=target,
            action=action,
            value=value,
            note=note,
            reviewer=reviewer,
            version=version,
            decision_id=decision_id,
        )
        with write_transaction(self.engine) as conn:
            view = _load_view(conn, doc_id)
            planned = plan_decision(view, request)
            try:
                row_id = _new_id(
                    conn.execute(
                        insert(schema.decisions).values(
                            document_id=view.record.id,
                            project=request.project,
                            target=target,
                            seq=planned.seq,
                            decision=planned.decision,
                            old_value=dumps(planned.old_value),
                            new_value=dumps(planned.new_value),
                            note=planned.note,
                            reviewer=planned.reviewer,
                            created_at=datetime.now(UTC),
                            rules=dumps(list(planned.rules)),
                            undoes=planned.undoes,
                            via=via,
                        )
                    )
                )
            except IntegrityError:
                raise ConflictError("保存冲突：此字段刚被其他人修改，请刷新后重试") from None
            self._revalidate(conn, view.record, request.project)
            after = _load_view(conn, doc_id)
            state = after.state(request.project, target)
            row = next(r for r in state.rows if r.id == row_id)
            return DecisionOutcome(row=row, state=state, view=after)

    def _revalidate(self, conn: Connection, record: DocumentRecord, project: str) -> None:
        """Re-run the validator on the current values; update the project's flags (and
        the document-level ones, when the source is at hand)."""
        view = _load_view(conn, record.doc_id)
        pages = _pages_list(conn, record.id)
        current = DocumentResult.model_validate(view.current)
        flags = validate_current(current, pages)
        scope = {project} if not pages else {project, ""}
        _sync_flags(conn, record.id, flags, scope, keep_source_rules=not pages)


# --- helpers on a connection ----------------------------------------------------------


def _new_id(result: CursorResult[Any]) -> int:
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def _document_row(conn: Connection, doc_id: str) -> DocumentRecord | None:
    row = conn.execute(select(schema.documents).where(schema.documents.c.doc_id == doc_id)).first()
    if row is None:
        return None
    return DocumentRecord(
        id=row.id,
        doc_id=row.doc_id,
        source_path=row.source_path,
        sha256=row.sha256,
        page_count=row.page_count,
        result_json=row.result_json,
        has_source=bool(row.has_source),
        imported_at=row.imported_at,
    )


def _store_pages(conn: Connection, doc_pk: int, pages: list[str] | None) -> None:
    if pages:
        conn.execute(
            insert(schema.source_pages),
            [{"document_id": doc_pk, "number": i, "text": text} for i, text in enumerate(pages, 1)],
        )


def _pages_list(conn: Connection, doc_pk: int) -> list[str] | None:
    rows = conn.execute(
        select(schema.source_pages.c.text)
        .where(schema.source_pages.c.document_id == doc_pk)
        .order_by(schema.source_pages.c.number)
    ).scalars()
    pages = list(rows)
    return pages or None


def _audit_rows(conn: Connection, doc_id: str | None) -> list[AuditRow]:
    d = schema.decisions
    query = (
        select(d, schema.documents.c.doc_id)
        .join(schema.documents, schema.documents.c.id == d.c.document_id)
        .order_by(d.c.id)
    )
    if doc_id is not None:
        query = query.where(schema.documents.c.doc_id == doc_id)
    return [
        AuditRow(
            id=r.id,
            doc_id=r.doc_id,
            project=r.project,
            target=r.target,
            seq=r.seq,
            decision=r.decision,
            old_value=loads(r.old_value),
            new_value=loads(r.new_value),
            note=r.note,
            reviewer=r.reviewer,
            created_at=r.created_at,
            rules=tuple(loads(r.rules)),
            undoes=r.undoes,
            via=r.via,
        )
        for r in conn.execute(query)
    ]


def _flag_rows(conn: Connection, doc_pk: int) -> list[FlagRecord]:
    f = schema.flags
    records = []
    for r in conn.execute(select(f).where(f.c.document_id == doc_pk).order_by(f.c.position)):
        span = (
            Span(page=r.span_page, start=r.span_start, end=r.span_end)
            if r.span_page is not None
            else None
        )
        records.append(
            FlagRecord(
                id=r.id,
                project=r.project,
                target=r.target,
                rule=r.rule,
                path=r.path,
                severity=r.severity,
                message=r.message,
                expected=loads(r.expected_json),
                found=loads(r.found_json),
                span=span,
                position=r.position,
                active=bool(r.active),
            )
        )
    return records


def _load_view(conn: Connection, doc_id: str) -> DocumentView:
    record = _document_row(conn, doc_id)
    if record is None:
        raise NotFoundError(f"找不到文档 {doc_id}")
    audit = _audit_rows(conn, doc_id)
    return DocumentView(
        record=record,
        extracted=loads(record.result_json),
        flags=_flag_rows(conn, record.id),
        states=fold_all(audit),
        audit=audit,
    )


def _flag_values(flag: Flag) -> dict[str, Any]:
    span = flag.span
    return {
        "path": flag.path,
        "severity": flag.severity,
        "message": flag.message,
        "expected_json": dumps(flag.expected),
        "found_json": dumps(flag.found),
        "span_page": span.page if span else None,
        "span_start": span.start if span else None,
        "span_end": span.end if span else None,
    }


def _sync_flags(
    conn: Connection,
    doc_pk: int,
    flags: list[Flag],
    scope: set[str] | None,
    *,
    keep_source_rules: bool,
) -> None:
    """Make the stored flags of the projects in `scope` (all when None) match `flags`:
    matching ones are refreshed and active, missing ones become inactive (已消除), new
    ones are added. With `keep_source_rules`, flags of rules that need the source
    text (which this run could not read) are left as they were."""
    f = schema.flags
    fresh: dict[tuple[str, str, str], Flag] = {}
    for flag in flags:
        project = flag.project or ""
        if scope is not None and project not in scope:
            continue
        fresh.setdefault((project, flag_target(flag), flag.rule), flag)
    condition = f.c.document_id == doc_pk
    if scope is not None:
        condition = and_(condition, f.c.project.in_(sorted(scope)))
    existing = {
        (r.project, r.target, r.rule): r
        for r in conn.execute(select(f.c.id, f.c.project, f.c.target, f.c.rule).where(condition))
    }
    position = conn.execute(
        select(func.coalesce(func.max(f.c.position), 0)).where(f.c.document_id == doc_pk)
    ).scalar_one()
    for key, row in existing.items():
        if key in fresh:
            values = {**_flag_values(fresh[key]), "active": True}
        elif keep_source_rules and needs_source(key[2]):
            continue
        else:
            values = {"active": False}
        conn.execute(update(f).where(f.c.id == row.id).values(**values))
    for key, flag in fresh.items():
        if key in existing:
            continue
        position += 1
        conn.execute(
            insert(f).values(
                document_id=doc_pk,
                project=key[0],
                target=key[1],
                rule=key[2],
                position=position,
                active=True,
                **_flag_values(flag),
            )
        )
