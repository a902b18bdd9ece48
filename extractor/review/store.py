"""The review store: import results, read documents as they stand, record decisions.

Every write is one transaction (`db.write_transaction`). A decision is committed before
its re-validation; the flags a re-validation produces are written in one transaction
with the decision they reflect (`documents.validated_through`), so a server stopped in
between loses nothing: the next open re-validates what was left.

A save reads the document once: the parsed extraction and the source text are cached
per document (checked against the stored row, so another process's import is seen) and
the decision is folded into the states in memory. Only a decision that changes a value
needs the validator, and that runs after the save is committed (`background.py`):
`decide` waits for it unless told not to (the web page does not; it asks for the flags
once they are re-checked).
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import Connection, CursorResult, Engine, and_, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from extractor.models import DocumentResult, Flag, Span
from extractor.ocr.sidecar import SourceReading
from extractor.review import schema
from extractor.review.background import Revalidator
from extractor.review.db import make_engine, read_transaction, write_transaction
from extractor.review.decide import Planned, Request, plan_decision, short
from extractor.review.errors import ConflictError, NotFoundError, ReviewError
from extractor.review.fields import flag_target
from extractor.review.migrations import migrate
from extractor.review.records import DocumentRecord, DocumentView, FlagRecord
from extractor.review.revalidate import needs_source, raised_by_validator, validate_current
from extractor.review.sources import Box, find_source
from extractor.review.state import AuditRow, FieldState, changes_value, dumps, fold_all, loads
from extractor.review.workers import ValidationWorkers, validate_here
from extractor.review.writer import GroupCommit, Job

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

    @property
    def revalidating(self) -> bool:
        """The flags in `view` do not show this change yet (see `wait_validated`)."""
        return self.view.revalidating


@dataclass(frozen=True)
class RunRecord:
    id: int
    label: str
    started_at: datetime
    documents: int


class _Cache:
    """Per-document parsed extraction and page texts, reused while the stored row is
    the same (a re-import, here or in another process, changes it)."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._parsed: dict[int, tuple[str, dict[str, Any]]] = {}
        self._pages: dict[int, tuple[datetime, list[str] | None]] = {}

    def parsed(self, record: DocumentRecord) -> dict[str, Any]:
        with self._guard:
            hit = self._parsed.get(record.id)
        if hit is not None and hit[0] == record.result_json:
            return hit[1]
        data: dict[str, Any] = loads(record.result_json)
        with self._guard:
            self._parsed[record.id] = (record.result_json, data)
        return data

    def pages(self, conn: Connection, record: DocumentRecord) -> list[str] | None:
        with self._guard:
            hit = self._pages.get(record.id)
        if hit is not None and hit[0] == record.imported_at:
            return hit[1]
        pages = _pages_list(conn, record.id)
        with self._guard:
            self._pages[record.id] = (record.imported_at, pages)
        return pages


class ReviewStore:
    """A review store on any SQLAlchemy database (SQLite file by default)."""

    def __init__(self, engine: Engine, *, workers: ValidationWorkers | None = None) -> None:
        self.engine = engine
        self.workers = workers  # re-validation in worker processes (None: here)
        migrate(engine)
        self._cache = _Cache()
        self._writer: GroupCommit[_Decision, DecisionOutcome] = GroupCommit(self._apply_decisions)
        self._revalidator = Revalidator(self._revalidate_documents)
        self._through: dict[str, int] = {}  # validated_through as this process wrote it
        self._revalidator.schedule(self._stale_documents())  # left by a stopped server

    @classmethod
    def open(cls, db: str | Path, *, workers: ValidationWorkers | None = None) -> ReviewStore:
        return cls(make_engine(db), workers=workers)

    def close(self) -> None:
        self._revalidator.close()
        if self.workers is not None:
            self.workers.close()
        self.engine.dispose()

    @property
    def sqlite_path(self) -> Path | None:
        """The database file, for a SQLite store."""
        url = self.engine.url
        if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
            return None
        return Path(url.database)

    # --- import ------------------------------------------------------------------

    def start_run(self, label: str) -> int:
        """A new run (one `extractor run --db` or `review import`); returns its id."""
        with write_transaction(self.engine) as conn:
            return _new_id(
                conn.execute(
                    insert(schema.runs).values(label=label[:255], started_at=datetime.now(UTC))
                )
            )

    def runs(self) -> list[RunRecord]:
        r, rd = schema.runs, schema.run_documents
        query = (
            select(r.c.id, r.c.label, r.c.started_at, func.count(rd.c.document_id))
            .select_from(r.outerjoin(rd, rd.c.run_id == r.c.id))
            .group_by(r.c.id, r.c.label, r.c.started_at)
            .order_by(r.c.id.desc())
        )
        with read_transaction(self.engine) as conn:
            return [RunRecord(row[0], row[1], row[2], int(row[3])) for row in conn.execute(query)]

    def import_result(
        self,
        result: DocumentResult,
        pages: list[str] | None = None,
        *,
        base: Path | None = None,
        force: bool = False,
        run: int | None = None,
        reading: SourceReading | None = None,
    ) -> ImportOutcome:
        """Store one extraction and its source text (looked up when not given: from
        `reading`, what the run read the source as, else as `find_source` says).

        Importing the same result again changes nothing. A changed result replaces the
        stored extraction unless decisions exist, which needs `force` (the decisions stay
        and keep applying to their field paths). With `run`, the document is counted in
        that run whatever the outcome."""
        source_file: str | None = None
        boxes: list[list[Box]] | None = None
        if pages is None:
            found = find_source(result, base, reading)
            if found is not None:
                pages, boxes = found.pages, found.boxes
                source_file = str(found.path) if found.path is not None else None
        with write_transaction(self.engine) as conn:
            outcome = self._import(conn, result, pages, boxes, source_file, force)
            if run is not None:
                _link_run(conn, run, result.doc_id)
            return outcome

    def _import(
        self,
        conn: Connection,
        result: DocumentResult,
        pages: list[str] | None,
        boxes: list[list[Box]] | None,
        source_file: str | None,
        force: bool,
    ) -> ImportOutcome:
        payload = result.model_dump_json()
        now = datetime.now(UTC)
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
                        source_file=source_file,
                    )
                )
            )
            _store_pages(conn, doc_pk, pages, boxes)
            _sync_flags(conn, doc_pk, result.flags, None)
            return ImportOutcome(result.doc_id, "new", len(result.flags), pages is not None)
        same = existing.result_json == payload
        if same and (existing.has_source or pages is None):
            if source_file and source_file != existing.source_file:
                conn.execute(
                    update(schema.documents)
                    .where(schema.documents.c.id == existing.id)
                    .values(source_file=source_file)
                )
            return ImportOutcome(result.doc_id, "unchanged", len(result.flags), existing.has_source)
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
                source_file=source_file or existing.source_file,
            )
        )
        if pages is not None:
            conn.execute(
                delete(schema.source_pages).where(schema.source_pages.c.document_id == existing.id)
            )
            _store_pages(conn, existing.id, pages, boxes)
        flags = result.flags
        if decisions:
            view = self._load_view(conn, result.doc_id)
            current = DocumentResult.model_validate(view.current)
            notes = [f for f in result.flags if not raised_by_validator(f.rule)]
            flags = validate_current(current, _pages_list(conn, existing.id)) + notes
            conn.execute(
                update(schema.documents)
                .where(schema.documents.c.id == existing.id)
                .values(validated_through=max(row.id for row in view.audit))
            )
        _sync_flags(conn, existing.id, flags, None)
        return ImportOutcome(result.doc_id, "updated", len(flags), pages is not None)

    # --- reading -----------------------------------------------------------------

    def doc_ids(self, run: int | None = None) -> list[str]:
        d = schema.documents
        query = select(d.c.doc_id).order_by(d.c.doc_id)
        if run is not None:
            rd = schema.run_documents
            query = query.join(rd, rd.c.document_id == d.c.id).where(rd.c.run_id == run)
        with read_transaction(self.engine) as conn:
            return list(conn.execute(query).scalars().all())

    def document_view(self, doc_id: str) -> DocumentView:
        with read_transaction(self.engine) as conn:
            return self._load_view(conn, doc_id)

    def views(self, run: int | None = None) -> list[DocumentView]:
        ids = self.doc_ids(run)
        with read_transaction(self.engine) as conn:
            views = []
            for doc_id in ids:
                try:
                    views.append(self._load_view(conn, doc_id))
                except NotFoundError:
                    continue
            return views

    def pages(self, doc_id: str) -> dict[int, str]:
        with read_transaction(self.engine) as conn:
            record = _document_row(conn, doc_id)
            if record is None:
                raise NotFoundError(f"找不到文档 {short(doc_id)}")
            return dict(enumerate(self._cache.pages(conn, record) or [], start=1))

    def page_boxes(self, doc_id: str, number: int) -> list[Box]:
        """Where the text of page `number` sits on the page (empty when unknown)."""
        with read_transaction(self.engine) as conn:
            record = _document_row(conn, doc_id)
            if record is None:
                raise NotFoundError(f"找不到文档 {short(doc_id)}")
            return _page_boxes(conn, record.id, number)

    def audit(self, doc_id: str | None = None) -> list[AuditRow]:
        with read_transaction(self.engine) as conn:
            return _audit_rows(conn, doc_id)

    def _load_view(self, conn: Connection, doc_id: str) -> DocumentView:
        record = _document_row(conn, doc_id)
        if record is None:
            raise NotFoundError(f"找不到文档 {short(doc_id)}")
        audit = _audit_rows(conn, doc_id)
        return DocumentView(
            record=record,
            extracted=self._cache.parsed(record),
            flags=_flag_rows(conn, record.id),
            states=fold_all(audit),
            audit=audit,
        )

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
        wait: bool = True,
    ) -> DecisionOutcome:
        """Record one decision on a field (or a document-level flag); a change of value
        re-validates the document.

        `version` is the field version the reviewer saw; a different current version
        means someone else decided in between, and ConflictError is raised.

        Concurrent calls are applied in batches (`writer.GroupCommit`): one transaction
        per batch, each decision checked against the document as the decisions before it
        in the batch left it. The decision is committed before re-validation starts;
        with `wait` (the default) the outcome shows the flags re-checked, without it
        the outcome comes at once and says whether they are still `revalidating`."""
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
        outcome = self._writer.submit(_Decision(doc_id, request, via))
        if not (wait and outcome.revalidating):
            return outcome
        self.wait_validated(doc_id, outcome.row.id)
        view = self.document_view(doc_id)
        return DecisionOutcome(outcome.row, view.state(request.project, target), view)

    def wait_validated(self, doc_id: str, decision: int, timeout: float = 120.0) -> bool:
        """Wait until the stored flags reflect `decision` (or its re-validation failed,
        which is logged); False on timeout."""

        def stored() -> bool:
            with read_transaction(self.engine) as conn:
                record = _document_row(conn, doc_id)
                if record is None or record.validated_through >= decision:
                    return True
                return not _changed_after(conn, record.id, record.validated_through, decision)

        if stored():
            return True
        checked = time.monotonic()

        def done() -> bool:  # after each round: this process's rounds, then the store
            nonlocal checked
            if doc_id in self._revalidator.failed or self._through.get(doc_id, 0) >= decision:
                return True
            if time.monotonic() - checked < 1.0:
                return False
            checked = time.monotonic()
            return stored()

        return self._revalidator.wait(done, timeout)

    def _apply_decisions(self, batch: list[Job[_Decision, DecisionOutcome]]) -> None:
        with write_transaction(self.engine) as conn:
            views: dict[str, DocumentView] = {}
            changed: set[str] = set()
            rows: dict[int, AuditRow] = {}
            for job in batch:
                item = job.payload
                try:
                    view = views.get(item.doc_id) or self._load_view(conn, item.doc_id)
                    planned = plan_decision(view, item.request)
                    with conn.begin_nested():
                        row = _insert_decision(conn, view, item.request, planned, item.via)
                except IntegrityError:
                    job.error = ConflictError("保存冲突：此字段刚被其他人修改，请刷新后重试")
                    continue
                except ReviewError as exc:
                    job.error = exc
                    continue
                rows[id(job)] = row
                audit = [*view.audit, row]
                views[item.doc_id] = DocumentView(
                    view.record, view.extracted, view.flags, fold_all(audit), audit
                )
                if changes_value(row):
                    changed.add(item.doc_id)
            after = {
                doc_id: DocumentView(
                    view.record,
                    view.extracted,
                    _flag_rows(conn, view.record.id),
                    fold_all(view.audit),
                    view.audit,
                )
                for doc_id, view in views.items()
            }
            for job in batch:
                row = rows.get(id(job))
                if row is None:
                    continue
                final = after[job.payload.doc_id]
                state = final.state(row.project, row.target)
                job.result = DecisionOutcome(row=row, state=state, view=final)
        self._revalidator.schedule(changed)  # committed: now re-check their flags

    def _stale_documents(self) -> set[str]:
        """Documents with a change of value their flags do not reflect yet."""
        d, dec = schema.documents, schema.decisions
        query = (
            select(d.c.doc_id)
            .join(dec, dec.c.document_id == d.c.id)
            .where(
                dec.c.id > d.c.validated_through,
                dec.c.decision.in_(("modify", "undo")),
                dec.c.old_value != dec.c.new_value,
            )
            .distinct()
        )
        with read_transaction(self.engine) as conn:
            return set(conn.execute(query).scalars())

    def _revalidate_documents(self, doc_ids: list[str]) -> set[str]:
        """One round of the background re-validation (`background.Revalidator`): the
        documents as they stand now through the validator (in the worker processes when
        there are any, all at once), their changed projects' flags (and the
        document-level ones, when the source is at hand) written with the decision they
        reflect. Returns the documents changed again meanwhile."""
        jobs = []
        with read_transaction(self.engine) as conn:
            for doc_id in doc_ids:
                try:
                    view = self._load_view(conn, doc_id)
                except NotFoundError:
                    continue
                record = view.record
                fresh = [
                    r for r in view.audit if changes_value(r) and r.id > record.validated_through
                ]
                if not fresh:
                    continue
                through = max(row.id for row in view.audit)
                stored = {p["id"]: p for p in view.extracted.get("projects", [])}
                edited = {
                    p["id"]: p
                    for p in view.current.get("projects", [])
                    if stored.get(p["id"]) is not p
                }
                pages = self._cache.pages(conn, record)
                key = (str(self.engine.url), record.id, record.imported_at)
                base = record.result_json
                future = self.workers.submit(base, edited, pages, key) if self.workers else None
                projects = {row.project for row in fresh}
                jobs.append((record, through, projects, base, edited, pages, key, future))
        results = []
        for record, through, projects, base, edited, pages, key, future in jobs:
            if self.workers is not None:
                flags = self.workers.collect(future, base, edited, pages, key)
            else:
                flags = validate_here(base, edited, pages, key)
            results.append((record, through, projects, pages, flags))
        again: set[str] = set()
        done: list[tuple[str, int]] = []
        with write_transaction(self.engine) as conn:
            for record, through, projects, pages, flags in results:
                now = _document_row(conn, record.doc_id)
                if now is None or now.imported_at != record.imported_at:
                    continue  # re-imported meanwhile: the import validated it
                if now.validated_through >= through:
                    continue
                scope = set(projects) if not pages else {*projects, ""}
                keep_source = not pages

                def keep(rule: str, keep_source: bool = keep_source) -> bool:
                    return not raised_by_validator(rule) or (keep_source and needs_source(rule))

                _sync_flags(conn, record.id, flags, scope, keep=keep)
                conn.execute(
                    update(schema.documents)
                    .where(schema.documents.c.id == record.id)
                    .values(validated_through=through)
                )
                done.append((record.doc_id, through))
                if _changed_after(conn, record.id, through):
                    again.add(record.doc_id)
        for doc_id, through in done:  # committed: waiters may go on
            self._through[doc_id] = max(self._through.get(doc_id, 0), through)
        return again


@dataclass(frozen=True)
class _Decision:
    doc_id: str
    request: Request
    via: str


def _insert_decision(
    conn: Connection, view: DocumentView, request: Request, planned: Planned, via: str
) -> AuditRow:
    created = datetime.now(UTC)
    row_id = _new_id(
        conn.execute(
            insert(schema.decisions).values(
                document_id=view.record.id,
                project=request.project,
                target=request.target,
                seq=planned.seq,
                decision=planned.decision,
                old_value=dumps(planned.old_value),
                new_value=dumps(planned.new_value),
                note=planned.note,
                reviewer=planned.reviewer,
                created_at=created,
                rules=dumps(list(planned.rules)),
                undoes=planned.undoes,
                via=via,
            )
        )
    )
    return AuditRow(
        id=row_id,
        doc_id=view.doc_id,
        project=request.project,
        target=request.target,
        seq=planned.seq,
        decision=planned.decision,
        old_value=planned.old_value,
        new_value=planned.new_value,
        note=planned.note,
        reviewer=planned.reviewer,
        created_at=created,
        rules=planned.rules,
        undoes=planned.undoes,
        via=via,
    )


# --- helpers on a connection ----------------------------------------------------------


def _new_id(result: CursorResult[Any]) -> int:
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def _link_run(conn: Connection, run: int, doc_id: str) -> None:
    record = _document_row(conn, doc_id)
    if record is None:
        return
    rd = schema.run_documents
    linked = conn.execute(
        select(func.count()).where(rd.c.run_id == run, rd.c.document_id == record.id)
    ).scalar_one()
    if not linked:
        conn.execute(insert(rd).values(run_id=run, document_id=record.id))


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
        source_file=row.source_file,
        validated_through=row.validated_through,
    )


def _store_pages(
    conn: Connection, doc_pk: int, pages: list[str] | None, boxes: list[list[Box]] | None
) -> None:
    if pages:
        rows = []
        for number, text in enumerate(pages, 1):
            page_boxes = boxes[number - 1] if boxes and number <= len(boxes) else None
            rows.append(
                {
                    "document_id": doc_pk,
                    "number": number,
                    "text": text,
                    "boxes": json.dumps([list(b) for b in page_boxes]) if page_boxes else None,
                }
            )
        conn.execute(insert(schema.source_pages), rows)


def _page_boxes(conn: Connection, doc_pk: int, number: int) -> list[Box]:
    sp = schema.source_pages
    raw = conn.execute(
        select(sp.c.boxes).where(sp.c.document_id == doc_pk, sp.c.number == number)
    ).scalar()
    return [tuple(b) for b in json.loads(raw)] if raw else []  # type: ignore[misc]


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
            Span(
                page=r.span_page,
                start=r.span_start,
                end=r.span_end,
                bbox=json.loads(r.span_bbox) if r.span_bbox else None,
            )
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
        "span_bbox": json.dumps(span.bbox) if span and span.bbox else None,
    }


def _sync_flags(
    conn: Connection,
    doc_pk: int,
    flags: list[Flag],
    scope: set[str] | None,
    *,
    keep: Any = None,
) -> None:
    """Make the stored flags of the projects in `scope` (all when None) match `flags`:
    matching ones are refreshed and active, missing ones become inactive (已消除), new
    ones are added. Flags of the rules `keep` names (rules that this run could not
    check) are left as they were."""
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
    existing = {(r.project, r.target, r.rule): r for r in conn.execute(select(f).where(condition))}
    position = conn.execute(
        select(func.coalesce(func.max(f.c.position), 0)).where(f.c.document_id == doc_pk)
    ).scalar_one()
    for key, row in existing.items():
        if key in fresh:
            values = {**_flag_values(fresh[key]), "active": True}
            if all(getattr(row, name) == value for name, value in values.items()):
                continue  # unchanged: no write
        elif keep is not None and keep(key[2]):
            continue
        elif not row.active:
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


def _changed_after(conn: Connection, doc_pk: int, decision: int, until: int | None = None) -> bool:
    """Whether a change of value was decided after `decision` (and not after `until`)."""
    dec = schema.decisions
    condition = and_(
        dec.c.document_id == doc_pk,
        dec.c.id > decision,
        dec.c.decision.in_(("modify", "undo")),
        dec.c.old_value != dec.c.new_value,
    )
    if until is not None:
        condition = and_(condition, dec.c.id <= until)
    return bool(conn.execute(select(func.count()).where(condition)).scalar_one())
