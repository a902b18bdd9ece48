"""Database engine for the review store.

`--db` takes a file path (SQLite, the default) or any SQLAlchemy URL
(``postgresql+psycopg://…``), so a team can move the store to a server later.

SQLite is opened in WAL mode with ``synchronous=FULL``: a committed decision survives a
killed server (and a power cut). Write transactions start with ``BEGIN IMMEDIATE`` so
two writers are serialised up front instead of failing half-way through.

Inside one process (the web server's worker threads) writers also queue on a FIFO lock
per database before they ask SQLite: SQLite's own busy handler retries after growing
sleeps, so under eight concurrent saves a writer could wait seconds while later ones
overtook it. The busy timeout still covers writers in other processes.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event

BUSY_TIMEOUT_MS = 10_000


def database_url(db: str | Path) -> str:
    """A SQLAlchemy URL for `db`: URLs pass through, anything else is a SQLite file."""
    text = str(db)
    if "://" in text:
        return text
    return f"sqlite:///{Path(text).expanduser().resolve()}"


def make_engine(db: str | Path) -> Engine:
    url = database_url(db)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 10})
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite would otherwise
        # open transactions lazily and never as IMMEDIATE).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        immediate = connection.get_execution_options().get("review_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


class FifoLock:
    """A lock granted in arrival order."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._waiting: deque[threading.Event] = deque()
        self._held = False

    def acquire(self) -> None:
        with self._guard:
            if not self._held:
                self._held = True
                return
            turn = threading.Event()
            self._waiting.append(turn)
        turn.wait()  # the releasing thread handed the lock over

    def release(self) -> None:
        with self._guard:
            if self._waiting:
                self._waiting.popleft().set()
            else:
                self._held = False

    def __enter__(self) -> FifoLock:
        self.acquire()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.release()


_WRITE_LOCKS: dict[str, FifoLock] = {}
_WRITE_LOCKS_GUARD = threading.Lock()


def write_lock(engine: Engine) -> FifoLock:
    """The process-wide write queue of the engine's database."""
    key = engine.url.render_as_string(hide_password=False)
    with _WRITE_LOCKS_GUARD:
        return _WRITE_LOCKS.setdefault(key, FifoLock())


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """One write transaction: committed when the block ends, rolled back on error.
    Writers of this process take their turn in arrival order."""
    with write_lock(engine), engine.connect() as connection:
        connection.execution_options(review_write=True)
        with connection.begin():
            yield connection


@contextmanager
def read_transaction(engine: Engine) -> Iterator[Connection]:
    """A consistent snapshot for reading."""
    with engine.connect() as connection, connection.begin():
        yield connection


def journal_mode(engine: Engine) -> str:
    with engine.connect() as connection:
        return str(connection.exec_driver_sql("PRAGMA journal_mode").scalar())
