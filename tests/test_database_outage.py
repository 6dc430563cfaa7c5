"""A database that does not answer: a 503 that says what to do, never a 500; recovery without a restart."""
from __future__ import annotations

import sqlite3

import pytest

from forum import create_app
from tests.conftest import FAST_HASH, csrf_from


@pytest.fixture
def thread(make_user, make_theme, make_thread, auth):
    user = make_user()
    make_theme()
    thread_id, _ = make_thread("finding-time", user)
    auth.login()
    return thread_id


def reply(client, thread: int, token: str, body: str):
    return client.post(f"/threads/{thread}/posts", data={"csrf_token": token, "body": body})


def assert_unavailable(response) -> None:
    html = response.get_data(as_text=True)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert "nothing you sent was saved" in html and "try again in a minute" in html
    assert "Traceback" not in html


@pytest.mark.postgres_only
def test_a_stopped_database_answers_503_and_the_app_recovers_when_it_returns(databases, client, thread):
    token = csrf_from(client.get(f"/threads/{thread}").get_data(as_text=True))
    with databases.server_stopped():
        assert_unavailable(client.get("/"))
        assert_unavailable(client.get(f"/threads/{thread}"))
        assert_unavailable(reply(client, thread, token, "Written while the database was down."))
    # The pool's dead connections are noticed and replaced: no restart of the app.
    assert client.get(f"/threads/{thread}").status_code == 200
    assert reply(client, thread, token, "Written after it came back.").status_code == 302
    html = client.get(f"/threads/{thread}").get_data(as_text=True)
    assert "Written after it came back." in html
    assert "Written while the database was down." not in html


@pytest.mark.sqlite_only
def test_a_write_lock_held_too_long_answers_503(app, client, thread):
    token = csrf_from(client.get(f"/threads/{thread}").get_data(as_text=True))
    impatient = create_app({**app.config, "SQLITE_BUSY_TIMEOUT_MS": 50, "PASSWORD_HASH_METHOD": FAST_HASH})
    impatient_client = impatient.test_client()
    impatient_client.set_cookie("session", client.get_cookie("session").value)
    other = sqlite3.connect(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"),
                            isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # a long import, say
        assert_unavailable(reply(impatient_client, thread, token, "Written while another writer waited."))
        other.execute("ROLLBACK")
        assert reply(impatient_client, thread, token, "Written once it was free.").status_code == 302
    finally:
        other.close()
