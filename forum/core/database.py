"""Connection settings and transaction modes on SQLite and PostgreSQL, and the UTC time column type."""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timezone
from typing import Any, Iterator

from flask import Flask, current_app, has_app_context, has_request_context, request
from sqlalchemy import DateTime, ForeignKey, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeDecorator
from werkzeug.routing import IntegerConverter, ValidationError

from .extensions import db

READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# PostgreSQL's stand-in for SQLite's write lock: one transaction-level
# advisory lock that every writing transaction takes first (any constant
# works; this one spells "forum").
WRITE_LOCK_KEY = 0x666F72756D
_TAKE_WRITE_LOCK = f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})"
# A transaction's write lock, in connection.info (set at each BEGIN): HELD,
# LATER (a writer that takes it when needed), or None (a reader).
_LOCK, HELD, LATER = "forum_write_lock", "held", "later"
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


def locks_when_needed(view):
    """Mark a form view whose writes wait for the write lock only when they need it (PostgreSQL).

    Its transaction begins without the lock, reads and writes rows of its
    own (a new post, its notification event), and calls hold_write_lock()
    before anything another writer may change too: a thread's counters, a
    watch under a unique key, a rate limit's count. The commit takes the
    lock in any case (_hold_write_lock_before_commit), so page versions
    and search documents are written one transaction at a time as before.
    Until then it holds nothing another writer waits for, so two writers
    can never each wait for the other.
    """
    view.locks_when_needed = True
    return view


def _locks_when_needed() -> bool:
    if not has_request_context() or request.endpoint is None:
        return False
    return getattr(current_app.view_functions.get(request.endpoint), "locks_when_needed", False)


def hold_write_lock(session: Session | None = None) -> None:
    """From here to the commit, no other transaction writes (PostgreSQL).

    Writing transactions hold it from BEGIN unless their view asked to
    take it late (locks_when_needed); SQLite's writers hold its own lock
    from BEGIN IMMEDIATE, so there this does nothing.
    """
    session = session or db.session()
    if session.get_bind().dialect.name != "postgresql":
        return
    connection = session.connection()
    if connection.info.get(_LOCK) == HELD:
        return
    session.flush()  # its own new rows go in before it waits, not while others wait for it
    connection.exec_driver_sql(_TAKE_WRITE_LOCK)
    connection.info[_LOCK] = HELD


def _note_lock_to_take(session: Session, _transaction, connection) -> None:
    session.info[_LOCK] = connection.info.get(_LOCK)


def _forget_lock_to_take(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_LOCK, None)


def _hold_write_lock_before_commit(session: Session) -> None:
    # Registered first, so the page versions and search documents written
    # before the commit (forum.page_cache.freshness, forum.searching.indexing) are under the lock.
    if session.info.pop(_LOCK, None) == LATER and has_app_context():
        hold_write_lock(session)


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


_listening = False


def _configure_postgresql(engine: Engine) -> None:
    """Writers queue on one lock, as they do on SQLite; readers never wait.

    Under READ COMMITTED a request that reads and then writes (delete a
    post unless it is deleted already, publish the questions that are due)
    could interleave with another doing the same. Taking the lock first
    gives every writing transaction what BEGIN IMMEDIATE gives it on
    SQLite, so each rule holds the same way on both databases. A view
    marked locks_when_needed (a reply, a new thread) takes it later, once
    its own rows are written; every writing transaction holds it by its
    commit, so page versions and search documents are still written one
    at a time. The lock is released at commit or rollback, across every
    app server sharing the database.
    """

    global _listening
    if not _listening:  # session events are global: attach once per process
        event.listen(Session, "after_begin", _note_lock_to_take)
        event.listen(Session, "after_transaction_end", _forget_lock_to_take)
        event.listen(Session, "before_commit", _hold_write_lock_before_commit, insert=True)
        _listening = True

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        connection.info[_LOCK] = (LATER if _locks_when_needed() else HELD) if _is_writing() else None
        if connection.info[_LOCK] == HELD:
            connection.exec_driver_sql(_TAKE_WRITE_LOCK)
