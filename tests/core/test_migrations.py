"""Schema migrations: every forum, old or new, reaches the newest schema with its data."""
from __future__ import annotations

import json

import pytest
from alembic.autogenerate import compare_metadata
from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Integer, func, inspect, select, text

from forum import create_app, schema
from forum.core.extensions import db
from forum.models import Panelist, Post, Resource, Theme, User
import search
from tests.conftest import FAST_HASH


@pytest.fixture
def blank_app(databases, tmp_path):
    """An app on a database with no tables at all."""
    app = create_app({"TESTING": True, "SECRET_KEY": "test secret key, long enough for the checks here",
                      "SQLALCHEMY_DATABASE_URI": databases.blank(tmp_path),
                      "SEARCH_INDEX_DIR": str(tmp_path / "search-index"),
                      "PASSWORD_HASH_METHOD": FAST_HASH})
    yield app
    search.close()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def invoke(app, *args: str) -> str:
    result = app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return result.output


def export(app) -> str:
    result = app.test_cli_runner().invoke(args=["archive", "export", "--with-password-hashes", "-"])
    assert result.exit_code == 0, result.output
    return result.stdout


def as_the_baseline_keeps_it(exported: str) -> dict:
    """An export as a downgrade to the baseline leaves it: what later migrations added goes (edit
    history, guest experts, a question's minute and show-ahead flag), and a question a member asked
    on the forum becomes an emailed one credited to their name."""
    document = json.loads(exported)
    names = {user["email"]: user["display_name"] for user in document["users"]}
    for theme in document["themes"]:
        theme.pop("guest_experts", None)
        for question in theme["panel_questions"]:
            question.pop("answered_at_second", None)
            question.pop("show_ahead", None)
            member = question.pop("asked_by_member", None)
            if member is not None:
                question.update(source="email", asked_by=names[member])
        for thread in theme["threads"]:
            for post in [thread, *thread["posts"]]:
                post.pop("revisions", None)
    return document


def revision(app) -> str | None:
    with app.app_context(), db.engine.connect() as connection:
        return schema.current_revision(connection)


def tables(app) -> set[str]:
    with app.app_context():
        return set(inspect(db.engine).get_table_names())


def test_models_and_migrations_agree(app):
    """Fails when a model changed without a migration: run `flask --app app db migrate -m ...`."""
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts=schema.COMPARE_OPTIONS)
        differences = compare_metadata(context, db.metadata)
    assert differences == [], "models differ from the migrations; write a migration:\n" + "\n".join(
        map(str, differences))


def test_db_upgrade_creates_a_new_forum_and_is_repeatable(blank_app):
    assert "users" not in tables(blank_app)
    invoke(blank_app, "db", "upgrade")
    assert {"users", "themes", "threads", "posts", "panel_questions"} <= tables(blank_app)
    assert revision(blank_app) == schema.head_revision()
    invoke(blank_app, "db", "upgrade")
    assert "The database is up to date" in invoke(blank_app, "init-db")
    with blank_app.app_context():
        assert search.index_exists()  # made by init-db, in silence: an empty forum has nothing to index
    assert blank_app.test_client().get("/").status_code == 200


def test_upgrade_from_the_baseline_keeps_every_row(blank_app):
    # The demo is written by today's models, then the schema is taken back to
    # the baseline with its rows: a forum as it was before any later migration.
    invoke(blank_app, "db", "upgrade")
    invoke(blank_app, "demo", "load")
    before = export(blank_app)
    invoke(blank_app, "db", "downgrade", schema.BASELINE)
    assert revision(blank_app) == schema.BASELINE
    invoke(blank_app, "db", "upgrade")
    assert revision(blank_app) == schema.head_revision()
    assert json.loads(export(blank_app)) == as_the_baseline_keeps_it(before)
    with blank_app.app_context():
        assert db.session.scalar(select(func.count(Post.id))) == 101


def test_a_forum_made_before_migrations_is_adopted_with_its_data(blank_app):
    invoke(blank_app, "db", "upgrade")
    invoke(blank_app, "demo", "load")
    before = export(blank_app)
    invoke(blank_app, "db", "downgrade", schema.BASELINE)  # the tables create_all made then
    with blank_app.app_context(), db.engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE alembic_version")
    assert revision(blank_app) is None

    invoke(blank_app, "init-db")  # what `make run` does after pulling this version
    assert revision(blank_app) == schema.head_revision()
    assert json.loads(export(blank_app)) == as_the_baseline_keeps_it(before)


def test_a_forum_older_than_the_baseline_is_refused_and_left_alone(blank_app):
    invoke(blank_app, "db", "upgrade")
    with blank_app.app_context(), db.engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE alembic_version")
        connection.exec_driver_sql("ALTER TABLE posts DROP COLUMN markup_version")
    result = blank_app.test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code != 0
    assert "column posts.markup_version" in result.output and "archive export" in result.output
    assert "Traceback" not in result.output
    assert "alembic_version" not in tables(blank_app)


def test_downgrade_to_nothing_and_up_again(blank_app):
    invoke(blank_app, "db", "upgrade")
    invoke(blank_app, "db", "downgrade", "base")
    assert tables(blank_app) <= {"alembic_version"}
    invoke(blank_app, "db", "upgrade")
    assert revision(blank_app) == schema.head_revision()


def _rebuild_themes_table(connection) -> None:
    """What a batch migration does on SQLite to alter a column: copy the table, drop the old."""
    with Operations.context(MigrationContext.configure(connection)):
        from alembic import op

        with op.batch_alter_table("themes", recreate="always") as batch:
            batch.add_column(db.Column("views", Integer, nullable=True))


@pytest.mark.sqlite_only
def test_a_batch_migration_keeps_rows_that_refer_to_the_rebuilt_table(app, runner):
    """Dropping the old copy of `themes` must not cascade to panelists and resources."""
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    with app.app_context():
        counts = [db.session.scalar(select(func.count(model.id))) for model in (Panelist, Resource)]
        assert min(counts) > 0
        db.session.remove()
        with schema.migration_connection(db.engine) as connection:
            with connection.begin():
                _rebuild_themes_table(connection)
                schema.check_foreign_keys(connection)
        assert [db.session.scalar(select(func.count(model.id))) for model in (Panelist, Resource)] == counts
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        columns = inspect(db.session.connection()).get_columns("themes")
        assert "views" in {column["name"] for column in columns}


@pytest.mark.sqlite_only
def test_a_migration_that_breaks_references_is_rolled_back(app, make_user, make_theme):
    make_theme()
    with app.app_context():
        theme_id = db.session.scalar(select(Theme.id))
        db.session.add(Panelist(theme_id=theme_id, name="Dr. Ada Alberts"))
        db.session.commit()
        db.session.remove()
        with pytest.raises(schema.SchemaError, match="panelists"):
            with schema.migration_connection(db.engine) as connection:
                with connection.begin():
                    connection.exec_driver_sql("DELETE FROM themes")
                    schema.check_foreign_keys(connection)
        assert db.session.scalar(select(func.count(Theme.id))) == 1
        assert db.session.scalar(select(func.count(User.id))) == 0
