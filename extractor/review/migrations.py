"""Schema versions, applied in code at open time and recorded in `schema_version`.

Each migration runs in the same transaction as its version row, so a store is never
left half-migrated. When the schema changes: keep the old steps as they are, add a step
with the next number that alters the tables (ALTER TABLE …), and update `schema.py`.
`test_store.py` checks that a fresh store matches `schema.metadata`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import NamedTuple

from sqlalchemy import Connection, Engine, func, inspect, select, text

from extractor.review import schema
from extractor.review.db import write_transaction
from extractor.review.errors import StoreVersionError


class Migration(NamedTuple):
    version: int
    description: str
    apply: Callable[[Connection], None]


_APPEND_ONLY_TRIGGERS = (
    """CREATE TRIGGER decisions_no_update BEFORE UPDATE ON decisions
       BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END""",
    """CREATE TRIGGER decisions_no_delete BEFORE DELETE ON decisions
       BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END""",
)


def _v1(connection: Connection) -> None:
    """Documents, source pages, flags and the append-only decisions table."""
    tables = [
        schema.documents,
        schema.source_pages,
        schema.flags,
        schema.decisions,
    ]
    schema.metadata.create_all(connection, tables=tables)
    if connection.dialect.name == "sqlite":
        for statement in _APPEND_ONLY_TRIGGERS:
            connection.exec_driver_sql(statement)


def _add_column(connection: Connection, table: str, column: str, kind: str) -> None:
    """ALTER TABLE … ADD COLUMN, unless the column is there: step 1 creates its tables
    from the current `schema`, so a fresh store already has the later columns."""
    if column not in {c["name"] for c in inspect(connection).get_columns(table)}:
        connection.execute(text(f"ALTER TABLE {table} ADD COLUMN {column} {kind}"))


def _v2(connection: Connection) -> None:
    """Page images, runs and re-validation after the save: the source file found at
    import, flag and cell boxes, runs, the decisions the flags reflect."""
    _add_column(connection, "documents", "source_file", "TEXT")
    _add_column(connection, "documents", "validated_through", "INTEGER NOT NULL DEFAULT 0")
    _add_column(connection, "flags", "span_bbox", "TEXT")
    _add_column(connection, "source_pages", "boxes", "TEXT")
    schema.metadata.create_all(connection, tables=[schema.runs, schema.run_documents])


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "初始结构：文档、原文、问题、审核记录", _v1),
    Migration(2, "页面图像与批次：原文件位置、问题与单元格的框选位置、批次", _v2),
)
LATEST = MIGRATIONS[-1].version


def current_version(connection: Connection) -> int:
    if not inspect(connection).has_table("schema_version"):
        return 0
    return int(connection.execute(select(func.max(schema.schema_version.c.version))).scalar() or 0)


def migrate(engine: Engine) -> int:
    """Bring the store to the latest schema; returns the version it is at."""
    with write_transaction(engine) as connection:
        schema.metadata.create_all(connection, tables=[schema.schema_version])
        version = current_version(connection)
        if version > LATEST:
            raise StoreVersionError(
                f"审核库的结构版本为 {version}，高于本程序支持的 {LATEST}：请升级程序后再打开"
            )
        for step in MIGRATIONS:
            if step.version <= version:
                continue
            step.apply(connection)
            connection.execute(
                schema.schema_version.insert().values(
                    version=step.version, description=step.description, applied_at=datetime.now(UTC)
                )
            )
            version = step.version
    return version
