"""SQLite connection settings and transaction modes, and the UTC time column type."""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timezone
from typing import Any, Iterator

from flask import Flask, has_request_context, request
from sqlalchemy import DateTime, event
from sqlalchemy.engine import Engine
from sqlalchemy.types import TypeDecorator

from .extensions import db

READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# None: decide by the request's method; True or False: forced by the helpers below.
_writing: ContextVar[bool | None] = ContextVar("writing", default=None)


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


def _begin_statement() -> str:
    """Writers take SQLite's write lock at BEGIN, readers don't.

    In WAL mode a deferred transaction that reads and then writes fails at
    once with "database is locked" when another connection wrote in between,
    and the busy timeout does not help; BEGIN IMMEDIATE waits for the lock
    instead. Page views stay deferred so readers never queue behind writers.
    """
    forced = _writing.get()
    if forced is not None:
        return "BEGIN IMMEDIATE" if forced else "BEGIN"
    if has_request_context() and request.method in READ_ONLY_METHODS:
        return "BEGIN"
    return "BEGIN IMMEDIATE"


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
        if not statement.startswith(("PRAGMA", "BEGIN", "COMMIT", "ROLLBACK")):
            statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def configure_sqlite(app: Flask) -> None:
    """Attach pragmas and transaction control to the app's SQLite engine."""
    with app.app_context():
        engine: Engine = db.engine
    if engine.dialect.name != "sqlite":
        return
    busy_ms = int(app.config["SQLITE_BUSY_TIMEOUT_MS"])

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
