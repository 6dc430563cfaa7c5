"""Connection settings and transaction modes on SQLite and PostgreSQL, and the UTC time column type."""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timezone
from typing import Any, Iterator

from flask import Flask, current_app, has_request_context, request
from sqlalchemy import DateTime, ForeignKey, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.types import TypeDecorator
from werkzeug.routing import IntegerConverter, ValidationError

from .extensions import db

READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# PostgreSQL's stand-in for SQLite's write lock: one transaction-level
# advisory lock (any constant works; this one spells "forum"). Most writers
# hold it alone from BEGIN; a post's writers share it and lock only what
# they touch (see _configure_postgresql).
WRITE_LOCK_KEY = 0x666F72756D
_TAKE_WRITE_LOCK = f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})"
_SHARE_WRITE_LOCK = f"SELECT pg_advisory_xact_lock_shared({WRITE_LOCK_KEY})"
# The first half of the two-number advisory keys lock_for() takes: a
# space of their own, apart from WRITE_LOCK_KEY's (whose first half is 0x66).
_SUBJECT_LOCKS = 0x666F7275
_TAKE_SUBJECT_LOCK = f"SELECT pg_advisory_xact_lock({_SUBJECT_LOCKS}, hashtext(%(subject)s))"
# A transaction's write lock, in connection.info (set at each BEGIN): ALONE
# (held alone), SHARED (shared with other posts' writers), or None (a reader).
_LOCK, ALONE, SHARED = "forum_write_lock", "alone", "shared"
# None: decide by the request's method; True or False: forced by the helpers below.
_writing: ContextVar[bool | None] = ContextVar("writing", default=None)


# The largest id both databases can store: ids are INTEGER, 32 bits on
# PostgreSQL (SQLite's are 64), which is two billion posts.
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """`<int:...>` in URLs: an id by `id_from`'s rule, else 404 (not an OverflowError)."""

    def to_python(self, value: str) -> int:
        found = id_from(value)
        if found is None:
            raise ValidationError()
        return found


def id_from(text: str | None) -> int | None:
    """An id in a path, a form field or a query string: plain ASCII digits, 1 to MAX_ID, else None."""
    if not text or not text.isascii() or not text.isdigit() or len(text) > 10:
        return None
    value = int(text)
    return value if 0 < value <= MAX_ID else None


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """Stores naive UTC, hands back aware UTC: SQLite has no time zones."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc)


def reference(target: str, **options) -> ForeignKey:
    """A foreign key whose check a transaction may put off until it commits.

    Checked at once, as usual, except where a transaction asks otherwise
    (defer_foreign_keys): an archive import streams rows in file order, in
    which members may come after the posts they wrote.
    """
    return ForeignKey(target, deferrable=True, **options)


def defer_foreign_keys() -> None:
    """Check references at commit for the rest of this transaction."""
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(text("PRAGMA defer_foreign_keys = ON"))
    else:
        db.session.execute(text("SET CONSTRAINTS ALL DEFERRED"))


def continue_ids_after_explicit_ones(*tables: str) -> None:
    """After rows were inserted with ids chosen by us, new rows must start past them.

    SQLite picks max(id) + 1 by itself; a PostgreSQL sequence knows nothing
    of ids it did not hand out, so it is moved past the largest.
    """
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for table in tables:
        db.session.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE(MAX(id), 0) + 1, false) "
            f"FROM {table}"))


def _is_writing() -> bool:
    """Page views read; everything else (form posts, the CLI, the worker) writes."""
    forced = _writing.get()
    if forced is not None:
        return forced
    return not (has_request_context() and request.method in READ_ONLY_METHODS)


def takes_row_locks(view):
    """Mark a form view whose transaction shares the write lock and locks only what it touches (PostgreSQL).

    For the writes members make all day (a reply, a new thread, an edit, a
    deletion): two of them to different threads never wait for each other.
    Their transaction holds the write lock shared from BEGIN, so a writer
    that holds it alone (a moderator's action, the worker) still never runs
    beside one, and locks the rows and keys its rules read (the thread's
    row, the member's posting limit: lock_for) as it goes.
    """
    view.takes_row_locks = True
    return view


def _takes_row_locks() -> bool:
    if not has_request_context() or request.endpoint is None:
        return False
    return getattr(current_app.view_functions.get(request.endpoint), "takes_row_locks", False)


def lock_for(subject: str) -> None:
    """Wait for, then hold until the commit, the lock of one subject ("thread:12", "throttle:post:7").

    For a rule that reads and then writes what another writer of the same
    subject may write too. A transaction holding the write lock alone has
    no one to wait for; on SQLite every writer holds the whole database.
    """
    session = db.session()
    if session.get_bind().dialect.name != "postgresql":
        return
    connection = session.connection()
    if connection.info.get(_LOCK) == ALONE:
        return
    session.flush()  # its own new rows go in before it waits, not while others wait for it
    connection.exec_driver_sql(_TAKE_SUBJECT_LOCK, {"subject": subject})


def _begin_statement() -> str:
    """Writers take SQLite's write lock at BEGIN, readers don't.

    In WAL mode a deferred transaction that reads and then writes fails at
    once with "database is locked" when another connection wrote in between,
    and the busy timeout does not help; BEGIN IMMEDIATE waits for the lock
    instead. Page views stay deferred so readers never queue behind writers.
    """
    return "BEGIN IMMEDIATE" if _is_writing() else "BEGIN"


@contextmanager
def read_transaction() -> Iterator[None]:
    """One deferred (read-only) transaction, e.g. for a long export from the CLI.

    Outside a page view transactions begin IMMEDIATE; a long read that
    took the write lock would make every post fail for its duration.
    Ends with a rollback: nothing written here is kept.
    """
    db.session.rollback()
    token = _writing.set(False)
    try:
        yield
    finally:
        db.session.rollback()
        _writing.reset(token)


@contextmanager
def write_transaction() -> Iterator[None]:
    """Run a write from a page view in its own BEGIN IMMEDIATE transaction.

    The page's read transaction is ended first, so the write never has to
    upgrade a deferred transaction (which fails at once under contention).
    Commits on success, rolls back on error.
    """
    db.session.commit()
    token = _writing.set(True)
    try:
        yield
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    finally:
        _writing.reset(token)


@contextmanager
def recorded_statements(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    """The SQL statements (with parameters) a block runs, transaction control left out.

    For the tests that pin a page's query count, and for the benchmark.
    """
    statements: list[tuple[str, Any]] = []

    def record(_conn, _cursor, statement, parameters, *_args):
        if not statement.startswith(("PRAGMA", "BEGIN", "COMMIT", "ROLLBACK", "SELECT pg_advisory_xact_lock")):
            statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def configure_database(app: Flask) -> None:
    """Attach connection settings and transaction control to the app's engine."""
    with app.app_context():
        engine: Engine = db.engine
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine, int(app.config["SQLITE_BUSY_TIMEOUT_MS"]))
    elif engine.dialect.name == "postgresql":
        _configure_postgresql(engine)


def _configure_sqlite(engine: Engine, busy_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        # Hand transaction control to the "begin" hook below.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {busy_ms}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        connection.exec_driver_sql(_begin_statement())


def _configure_postgresql(engine: Engine) -> None:
    """Writers queue on one lock, as they do on SQLite, except a post's; readers never wait.

    Under READ COMMITTED a request that reads and then writes (delete a
    post unless it is deleted already, publish the questions that are due)
    could interleave with another doing the same. Taking the lock first
    gives a writing transaction what BEGIN IMMEDIATE gives it on SQLite, so
    each rule holds the same way on both databases. A post's writers
    (views marked takes_row_locks) share the lock instead: they wait only
    for a writer holding it alone, and lock the rows and keys their rules
    read and write. The lock is released at commit or rollback, across
    every app server sharing the database.
    """

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        connection.info[_LOCK] = (SHARED if _takes_row_locks() else ALONE) if _is_writing() else None
        if connection.info[_LOCK]:
            connection.exec_driver_sql(_SHARE_WRITE_LOCK if connection.info[_LOCK] == SHARED else _TAKE_WRITE_LOCK)
