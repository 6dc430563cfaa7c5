"""A database for each test, made by the migrations once per run and copied.

TEST_DATABASE=postgresql runs the suite on PostgreSQL instead of SQLite.

Running the migrations for each of several hundred tests would cost more
than the tests; copying a migrated template costs a millisecond. The
template is made through `flask db upgrade`'s own code path, so every test
runs on the schema a real forum gets.
"""
from __future__ import annotations

import itertools
import os
import shutil
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import psycopg
import pytest
from sqlalchemy.engine import make_url

from forum import create_app, schema
from forum.core.extensions import db
from tests.postgres import Cluster


def migrate(database_uri: str) -> None:
    """Bring the database at this URI to the newest revision."""
    app = create_app({"TESTING": True, "SECRET_KEY": "migrating test databases " * 2,
                      "SQLALCHEMY_DATABASE_URI": database_uri})
    with app.app_context():
        schema.upgrade()
        db.engine.dispose()


class SQLiteDatabases:
    """Fresh SQLite files, each a copy of one migrated template."""

    def __init__(self, folder: Path):
        self.template = folder / "template.sqlite3"
        migrate(self.uri(self.template))

    @staticmethod
    def uri(path: Path) -> str:
        return f"sqlite:///{path}"

    def fresh(self, folder: Path, name: str = "forum") -> str:
        """A migrated, empty database of its own, in the test's folder."""
        path = folder / f"{name}.sqlite3"
        shutil.copyfile(self.template, path)
        return self.uri(path)

    def blank(self, folder: Path, name: str = "blank") -> str:
        """An empty database with no tables at all, for the migration tests."""
        return self.uri(folder / f"{name}.sqlite3")

    def discard(self, uri: str) -> None:
        """Nothing to do: the file goes with the test's folder."""

    def close(self) -> None:
        """Nothing to do: pytest removes its temporary folders."""


class PostgresDatabases:
    """Fresh PostgreSQL databases, made with CREATE DATABASE ... TEMPLATE and then reused.

    On a throwaway cluster of the run's own (tests/postgres.py), or on the
    server at TEST_POSTGRES_URL, whose user may create databases.

    CREATE DATABASE costs 0.35 s here (it copies the catalogs), which over
    700 tests was most of the PostgreSQL run. So a database a test is done
    with is emptied (its rows deleted, its sequences reset) and handed to the next
    test, unless the test left its schema at another revision; then it is
    dropped.
    """

    def __init__(self, server_uri: str | None = None):
        self.cluster = None if server_uri else Cluster()
        self.server = make_url(server_uri or self.cluster.uri("postgres"))
        self.prefix = f"forum_test_{os.getpid()}_"
        self.numbers = itertools.count(1)
        self.made: set[str] = set()
        self.idle: list[str] = []  # emptied, at the newest revision, ready for a test
        self.admin = self._connect()
        self.template = self._create(self.prefix + "template")
        migrate(self.uri(self.template))
        with self._connect(self.template) as connection:
            self.revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()[0]

    def _connect(self, database: str | None = None) -> psycopg.Connection:
        return psycopg.connect(
            user=self.server.username, password=self.server.password, port=self.server.port,
            host=self.server.host or self.server.query.get("host"),
            dbname=database or self.server.database or "postgres", autocommit=True)

    @contextmanager
    def server_stopped(self) -> Iterator[None]:
        """The server down for the block, up again after (only a cluster of our own)."""
        if self.cluster is None:
            pytest.skip("TEST_POSTGRES_URL names a server these tests may not stop")
        self.admin.close()
        self.cluster.stop()
        try:
            yield
        finally:
            self.cluster.start()
            self.admin = self._connect()

    def _create(self, name: str, template: str | None = None) -> str:
        clause = f" TEMPLATE {template}" if template else ""
        self.admin.execute(f'CREATE DATABASE "{name}"{clause}')
        self.made.add(name)
        return name

    def uri(self, database: str) -> str:
        return self.server.set(database=database).render_as_string(hide_password=False)

    def fresh(self, folder: Path, name: str = "forum") -> str:
        if self.idle:
            return self.uri(self.idle.pop())
        return self.uri(self._create(f"{self.prefix}{next(self.numbers)}", self.template))

    def blank(self, folder: Path, name: str = "blank") -> str:
        return self.uri(self._create(f"{self.prefix}{next(self.numbers)}"))

    def discard(self, uri: str) -> None:
        """Empty a test's database for the next test, or drop it if the test changed its schema."""
        name = make_url(uri).database
        self.admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                           "WHERE datname = %s AND pid <> pg_backend_pid()", (name,))
        if self._emptied(name):
            self.idle.append(name)
        else:
            self._drop(name)

    def _drop(self, name: str) -> None:
        """Drop a database, closing whatever the test left connected."""
        self.admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.made.discard(name)

    def _emptied(self, name: str) -> bool:
        """Truncate every table of a database at the template's revision; False if it is at another."""
        try:
            with self._connect(name) as connection:
                if not connection.execute("SELECT to_regclass('alembic_version') IS NOT NULL").fetchone()[0]:
                    return False
                if connection.execute("SELECT version_num FROM alembic_version").fetchall() != [(self.revision,)]:
                    return False
                tables = [row[0] for row in connection.execute(
                    "SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = 'public' "
                    "AND tablename <> 'alembic_version'")]
                # DELETE, not TRUNCATE: a test leaves a few rows, and TRUNCATE's new
                # files for every table and index cost 140 ms. Every foreign key is
                # DEFERRABLE, so the order of the deletes doesn't matter.
                with connection.transaction():
                    connection.execute("SET CONSTRAINTS ALL DEFERRED")
                    for table in tables:
                        connection.execute(f"DELETE FROM {table}")
                    connection.execute("SELECT setval(c.oid, 1, false) FROM pg_class c "
                                       "JOIN pg_namespace n ON n.oid = c.relnamespace "
                                       "WHERE c.relkind = 'S' AND n.nspname = 'public'")
        except psycopg.Error:
            return False
        return True

    def close(self) -> None:
        for name in list(self.made):
            self._drop(name)
        self.admin.close()
        if self.cluster:
            self.cluster.remove()
