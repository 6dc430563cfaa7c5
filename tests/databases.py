"""A database for each test, made by the migrations once per run and copied.

Running the migrations for each of several hundred tests would cost more
than the tests; copying a migrated template costs a millisecond. The
template is made through `flask db upgrade`'s own code path, so every test
runs on the schema a real forum gets.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from forum import create_app, schema
from forum.extensions import db


def migrate(database_uri: str) -> None:
    """Bring the database at this URI to the newest revision."""
    app = create_app({"TESTING": True, "SECRET_KEY": "migrating test databases " * 2,
                      "SQLALCHEMY_DATABASE_URI": database_uri})
    with app.app_context():
        schema.upgrade()
        db.engine.dispose()


class SQLiteDatabases:
    """Fresh SQLite files, each a copy of one migrated template."""

    name = "sqlite"

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
