"""Configuration, the secret key, security headers and error pages."""
from __future__ import annotations

import os
import re

import pytest

from forum import create_app
from forum.core.config import ConfigurationError
from tests.conftest import ROOT, csrf_from


def test_secret_key_generated_once_and_kept_in_instance(database_uri, monkeypatch):
    monkeypatch.delenv("FLASK_SECRET_KEY", raising=False)
    config = {"SQLALCHEMY_DATABASE_URI": database_uri}
    from flask import Flask

    first = create_app(config)
    first_key = first.config["SECRET_KEY"]
    key_file = os.path.join(first.instance_path, "secret_key")
    assert os.path.exists(key_file)
    assert len(first_key) >= 32
    assert create_app(config).config["SECRET_KEY"] == first_key
    assert isinstance(first, Flask)


def test_production_refuses_to_start_without_a_real_secret(database_uri):
    with pytest.raises(ConfigurationError):
        create_app({"PRODUCTION": True, "SECRET_KEY": None, "SQLALCHEMY_DATABASE_URI": database_uri})
    with pytest.raises(ConfigurationError):
        create_app({"PRODUCTION": True, "SECRET_KEY": "short", "SQLALCHEMY_DATABASE_URI": database_uri})


def test_production_sets_secure_cookies(database_uri):
    app = create_app({"PRODUCTION": True, "SECRET_KEY": "k" * 40, "SQLALCHEMY_DATABASE_URI": database_uri})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    response = app.test_client().get("/")
    assert "Strict-Transport-Security" in response.headers


def test_environment_variables_override_config(database_uri, monkeypatch):
    monkeypatch.setenv("FLASK_COMMUNITY_NAME", "Physics Leaders")
    app = create_app({"SECRET_KEY": "x" * 40, "SQLALCHEMY_DATABASE_URI": database_uri})
    assert app.config["COMMUNITY_NAME"] == "Physics Leaders"
    assert "Physics Leaders" in app.test_client().get("/").get_data(as_text=True)


@pytest.mark.sqlite_only
def test_sqlite_runs_in_wal_with_busy_timeout(app):
    from forum.core.extensions import db

    with app.app_context():
        with db.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
            assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL


def test_write_requests_begin_immediate_and_reads_deferred(app):
    from forum.core.database import _begin_statement

    with app.test_request_context("/", method="GET"):
        assert _begin_statement() == "BEGIN"
    with app.test_request_context("/login", method="POST"):
        assert _begin_statement() == "BEGIN IMMEDIATE"
    with app.app_context():  # CLI commands write
        assert _begin_statement() == "BEGIN IMMEDIATE"


@pytest.mark.parametrize("action", ["reply", "new thread", "edit", "delete", "hide", "lock"])
def test_a_form_holds_the_write_lock_once_and_finds_where_its_change_shows_without_it(
        app, client, auth, make_user, make_theme, make_thread, action):
    """Once the change is committed, reading where it is seen must not queue for the write lock (nor hold it)."""
    from sqlalchemy import event

    from forum.core.database import WRITE_LOCK_KEY
    from forum.core.extensions import db

    make_user(role="moderator" if action in ("hide", "lock") else "member")
    make_theme()
    thread_id, post_id = make_thread("finding-time", 1)
    auth.login()
    url, page, data = {
        "reply": (f"/threads/{thread_id}/posts", f"/threads/{thread_id}", {"body": "Where does this land?"}),
        "new thread": ("/themes/finding-time/threads", "/themes/finding-time",
                       {"title": "Another thread", "body": "Where does this land?"}),
        "edit": (f"/posts/{post_id}/edit", f"/posts/{post_id}/edit", {"body": "Edited: where does this land?"}),
        "delete": (f"/posts/{post_id}/delete", f"/threads/{thread_id}", {}),
        "hide": (f"/moderate/posts/{post_id}/hide", f"/threads/{thread_id}", {"reason": "Off topic"}),
        "lock": (f"/moderate/threads/{thread_id}/lock", f"/threads/{thread_id}", {}),
    }[action]
    token = csrf_from(client.get(page).get_data(as_text=True))
    app.config["SEARCH_INDEX_IN_REQUEST"] = False  # as deployed: the worker indexes, in its own transactions
    locks = []

    def note_lock(_conn, _cursor, statement, *_args):
        # The write lock, alone or shared (a post's writers also lock subjects of their own: lock_for).
        if statement.startswith("BEGIN IMMEDIATE") or str(WRITE_LOCK_KEY) in statement:
            locks.append(statement)

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", note_lock)
        try:
            response = client.post(url, data={"csrf_token": token, **data})
        finally:
            event.remove(db.engine, "before_cursor_execute", note_lock)
    assert response.status_code == 302 and "/threads/" in response.headers["Location"]
    assert len(locks) == 1, locks


@pytest.mark.parametrize("path", ["/", "/login", "/join", "/members", "/no-such-page"])
def test_security_headers_on_every_response(client, path):
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    for directive in ["object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'",
                      "form-action 'self'", "script-src 'self'"]:
        assert directive in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"]


def test_pages_have_no_inline_script(client):
    html = client.get("/join").get_data(as_text=True)
    assert "<script>" not in html
    assert " onclick=" not in html and "style=" not in html


def test_not_found_page_in_layout(client):
    response = client.get("/themes/no-such-theme")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "Page not found" in html and 'class="site-header"' in html


def test_method_not_allowed_page(client):
    response = client.put("/login")
    assert response.status_code == 405
    assert "available here" in response.get_data(as_text=True)


def test_request_too_large_page(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 1000
    response = client.post("/join", data={"display_name": "x" * 5000})
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)


def test_server_error_page_hides_the_traceback(database_uri, monkeypatch):
    app = create_app({"SECRET_KEY": "x" * 40, "SQLALCHEMY_DATABASE_URI": database_uri})

    @app.route("/boom")
    def boom():
        raise RuntimeError("secret internals")

    monkeypatch.setattr(app.logger, "disabled", True)  # the logger outlives the app
    response = app.test_client().get("/boom")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "secret internals" not in html and "Traceback" not in html
    assert "Something went wrong" in html


def test_bad_page_numbers_are_forgiven(app, client):
    app.config["MEMBER_PAGES_PUBLIC"] = True
    for value in ["-3", "abc", "99999999999", "1e9"]:
        assert client.get(f"/members?page={value}").status_code == 200


def test_read_transaction_is_deferred_outside_requests(app):
    from forum.core.database import _begin_statement, read_transaction, write_transaction

    with app.app_context():
        with read_transaction():
            assert _begin_statement() == "BEGIN"
        assert _begin_statement() == "BEGIN IMMEDIATE"
    with app.test_request_context("/", method="GET"):
        with write_transaction():
            assert _begin_statement() == "BEGIN IMMEDIATE"


def test_the_readme_documents_every_setting():
    """The settings table in the README names every default of forum/core/config.py, and nothing else."""

    from forum.core.config import default_config

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("### Every setting"):readme.index("### A real deployment")]
    documented = set()
    for row in table.splitlines():
        if row.startswith("| `"):
            documented.update(re.findall(r"`([A-Z][A-Z_]+)`", row.split(" | ")[0]))
    assert documented - {"SECRET_KEY"} == set(default_config("/instance"))


POSTGRES_URI = "postgresql+psycopg://forum@127.0.0.1:1/forum"  # never connected to: the check comes first


@pytest.mark.sqlite_only  # no database is opened
def test_whoosh_beside_postgresql_is_refused_unless_there_is_one_app_server(tmp_path, monkeypatch):
    monkeypatch.delenv("FLASK_SINGLE_SERVER")  # what the suite sets for its one-server forums
    config = {"SQLALCHEMY_DATABASE_URI": POSTGRES_URI, "SECRET_KEY": "x" * 40,
              "SEARCH_INDEX_DIR": str(tmp_path / "index")}
    with pytest.raises(ConfigurationError, match=r"SEARCH_BACKEND = \"postgres\".*SINGLE_SERVER = True"):
        create_app(config)
    create_app({**config, "SINGLE_SERVER": True})
    create_app({**config, "SEARCH_BACKEND": "postgres"})
