"""The store's tables (SQLAlchemy Core, portable to PostgreSQL).

- `documents`: one imported extraction per document, kept as imported (`result_json`).
- `source_pages`: the source text of each document, page by page, stored at import time
  so the web page shows the source without reading any file outside the store.
- `flags`: every flag seen for a document, keyed by (project, target, rule); `active`
  is false once a correction made the validator stop raising it (已消除).
- `runs` / `run_documents`: each `extractor run --db` or `review import` is a run; the
  documents it brought in (new, updated or unchanged) are linked to it, so the dashboard
  can show one run or the whole store.
- `decisions`: the append-only audit trail. `seq` numbers the decisions on one field
  and is its version: the unique (document, project, target, seq) makes a stale
  concurrent save fail instead of overwriting.

`project` is '' (not NULL) for document-level flags so the unique keys hold.
The schema is created and changed only by `migrations.py`.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

schema_version = Table(
    "schema_version",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("description", String(200), nullable=False),
    Column("applied_at", DateTime(timezone=True), nullable=False),
)

documents = Table(
    "documents",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("doc_id", String(255), nullable=False, unique=True),
    Column("source_path", Text, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("page_count", Integer, nullable=False),
    Column("result_json", Text, nullable=False),  # the extraction as imported
    Column("has_source", Boolean, nullable=False),
    Column("imported_at", DateTime(timezone=True), nullable=False),
    # The source file found at import (absolute), for page images; NULL when not found.
    Column("source_file", Text),
    # The last decision whose change of value the stored flags reflect (re-validation
    # runs after the save, `background.py`); 0: none yet.
    Column("validated_through", Integer, nullable=False, server_default="0"),
)

source_pages = Table(
    "source_pages",
    metadata,
    Column("document_id", ForeignKey("documents.id"), primary_key=True),
    Column("number", Integer, primary_key=True, autoincrement=False),
    Column("text", Text, nullable=False),
    # JSON [[start, end, x0, y0, x1, y1], …]: where stretches of `text` sit on the page
    # (PDF points), for the page image's cell box; NULL when the reader gave none.
    Column("boxes", Text),
)

flags = Table(
    "flags",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("document_id", ForeignKey("documents.id"), nullable=False, index=True),
    Column("project", String(64), nullable=False),
    Column("target", String(255), nullable=False),  # field path, or path@page:offset
    Column("rule", String(64), nullable=False),
    Column("path", String(255), nullable=False),  # the flag's path as the validator wrote it
    Column("severity", String(16), nullable=False),
    Column("message", Text, nullable=False),
    Column("expected_json", Text, nullable=False),
    Column("found_json", Text, nullable=False),
    Column("span_page", Integer),
    Column("span_start", Integer),
    Column("span_end", Integer),
    Column("span_bbox", Text),  # JSON [x0, y0, x1, y1] in PDF points, when known
    Column("position", Integer, nullable=False),  # order of first appearance
    Column("active", Boolean, nullable=False),
    UniqueConstraint("document_id", "project", "target", "rule", name="uq_flag_key"),
)

runs = Table(
    "runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("label", String(255), nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
)

run_documents = Table(
    "run_documents",
    metadata,
    Column("run_id", ForeignKey("runs.id"), primary_key=True),
    Column("document_id", ForeignKey("documents.id"), primary_key=True, index=True),
)

decisions = Table(
    "decisions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("document_id", ForeignKey("documents.id"), nullable=False, index=True),
    Column("project", String(64), nullable=False),
    Column("target", String(255), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("decision", String(16), nullable=False),  # confirm|modify|source_error|undo
    Column("old_value", Text, nullable=False),  # JSON
    Column("new_value", Text, nullable=False),  # JSON
    Column("note", Text, nullable=False),
    Column("reviewer", String(100), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("rules", Text, nullable=False),  # JSON list: open flag rules this decision answered
    Column("undoes", ForeignKey("decisions.id")),
    Column("via", String(16), nullable=False),  # web | sheet | api
    UniqueConstraint("document_id", "project", "target", "seq", name="uq_decision_seq"),
)
