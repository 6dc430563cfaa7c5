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
from forum.extensions import db
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
    """Fresh PostgreSQL databases, each made with CREATE DATABASE ... TEMPLATE.

    On a throwaway cluster of the run's own (tests/postgres.py), or on the
    server at TEST_POSTGRES_URL, whose user may create databases.
    """

    def __init__(self, server_uri: str | None = None):
        self.cluster = None if server_uri else Cluster()
        self.server = make_url(server_uri or self.cluster.uri("postgres"))
        self.prefix = f"forum_test_{os.getpid()}_"
        self.numbers = itertools.count(1)
        self.made: set[str] = set()
        self.admin = self._connect()
        self.template = self._create(self.prefix + "template")
        migrate(self.uri(self.template))

    def _connect(self) -> psycopg.Connection:
        return psycopg.connect(
            user=self.server.username, password=self.server.password, port=self.server.port,
            host=self.server.host or self.server.query.get("host"),
            dbname=self.server.database or "postgres", autocommit=True)

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
        return self.uri(self._create(f"{self.prefix}{next(self.numbers)}", self.template))

    def blank(self, folder: Path, name: str = "blank") -> str:
        return self.uri(self._create(f"{self.prefix}{next(self.numbers)}"))

    def discard(self, uri: str) -> None:
        """Drop a test's database, closing whatever the test left connected."""
        name = make_url(uri).database
        self.admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.made.discard(name)

    def close(self) -> None:
        for name in list(self.made):
            self.discard(self.uri(name))
        self.admin.close()
        if self.cluster:
            self.cluster.remove()
