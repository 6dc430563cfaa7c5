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


# Run by the server in one round trip: end what the test left connected (its locks would hold up
# the deletes), check the revision, then delete every table's rows and reset the sequences.
# DELETE, not TRUNCATE: a test leaves a few rows, and TRUNCATE's new files for every table and
# index cost 140 ms. Every foreign key is DEFERRABLE, so the order of the deletes doesn't matter.
EMPTY = """
DO $$
DECLARE
    name text;
BEGIN
    PERFORM pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid();
    IF (SELECT array_agg(version_num) FROM alembic_version)
            IS DISTINCT FROM ARRAY['{revision}']::varchar[] THEN
        RAISE EXCEPTION 'the test left this database at another revision';
    END IF;
    SET CONSTRAINTS ALL DEFERRED;
    FOR name IN SELECT quote_ident(tablename) FROM pg_tables
                WHERE schemaname = 'public' AND tablename <> 'alembic_version' LOOP
        EXECUTE 'DELETE FROM ' || name;
    END LOOP;
    PERFORM setval(c.oid, 1, false) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind = 'S' AND n.nspname = 'public';
END
$$"""


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
        self.keepers: dict[str, psycopg.Connection] = {}  # a connection to each, for emptying it
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
        if self._emptied(name):
            self.idle.append(name)
        else:
            self._drop(name)

    def _drop(self, name: str) -> None:
        """Drop a database, closing whatever the test left connected."""
        keeper = self.keepers.pop(name, None)
        if keeper is not None:
            keeper.close()
        self.admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.made.discard(name)

    def _emptied(self, name: str) -> bool:
        """Empty a database at the template's revision for the next test; False if it is at another.

        A connection to each database is kept from one test to the next (a new one costs the
        server a process, 8 ms), and the emptying is one statement the server runs, not a round
        trip per table: 20 ms a test less, about 20 s of the run.
        """
        for attempt in (1, 2):
            keeper = self.keepers.get(name)
            try:
                if keeper is None or keeper.closed:
                    keeper = self.keepers[name] = self._connect(name)
                keeper.execute(EMPTY.replace("{revision}", self.revision))
                return True
            except psycopg.OperationalError:
                # The server was stopped and started by a test: the kept connection is gone. Once more.
                self.keepers.pop(name, None)
                if keeper is not None:
                    keeper.close()
                if attempt == 2:
                    return False
            except psycopg.Error:  # no alembic_version, or another revision: not reusable
                return False
        return False

    def close(self) -> None:
        for keeper in self.keepers.values():
            keeper.close()
        self.keepers.clear()
        for name in list(self.made):
            self._drop(name)
        self.admin.close()
        if self.cluster:
            self.cluster.remove()
