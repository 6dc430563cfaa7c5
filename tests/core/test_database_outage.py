"""A database that does not answer: a 503 that says what to do, never a 500; recovery without a restart."""
from __future__ import annotations

import sqlite3
import threading
import time

import pytest
from sqlalchemy import event, select
from sqlalchemy.exc import OperationalError

from forum import create_app
from forum.worker import loop as worker
from forum.discussions import reading, urls
from forum.core import storage_problems
from forum.core.extensions import db
from forum.models import PanelQuestion, Post, Thread
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


def assert_unavailable(response, sent: bool = False) -> None:
    html = response.get_data(as_text=True)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert "did not answer" in html and "try again in a minute" in html.lower()
    # A page that only failed to show does not speak of saving.
    assert ("Nothing you sent was saved" in html) is sent
    assert "Traceback" not in html


@pytest.mark.postgres_only
def test_a_stopped_database_answers_503_and_the_app_recovers_when_it_returns(databases, client, thread):
    token = csrf_from(client.get(f"/threads/{thread}").get_data(as_text=True))
    with databases.server_stopped():
        assert_unavailable(client.get("/"))
        assert_unavailable(client.get(f"/threads/{thread}"))
        assert_unavailable(reply(client, thread, token, "Written while the database was down."), sent=True)
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
        assert_unavailable(reply(impatient_client, thread, token, "Written while another writer waited."), sent=True)
        other.execute("ROLLBACK")
        assert reply(impatient_client, thread, token, "Written once it was free.").status_code == 302
    finally:
        other.close()


def _gone(*_args, **_kwargs):
    """What a query raises when the database went away: a connection closed under it."""
    raise OperationalError("SELECT", {}, Exception("server closed the connection unexpectedly"))


@pytest.mark.parametrize("action", ["reply", "edit"])
def test_a_post_committed_before_the_database_went_away_is_told_as_saved(app, client, thread, action, monkeypatch):
    token = csrf_from(client.get(f"/threads/{thread}").get_data(as_text=True))
    reply(client, thread, token, "First words.")
    with app.app_context():
        post_id = db.session.scalar(select(Post.id).where(Post.body == "First words."))
    # Finding the post's page is the first read after the commit.
    monkeypatch.setattr(reading, "page_of_post", _gone)
    if action == "reply":
        response = reply(client, thread, token, "Saved before the restart.")
    else:
        response = client.post(f"/posts/{post_id}/edit", data={"csrf_token": token, "body": "Saved before the restart."})
    monkeypatch.undo()

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "What you sent is saved" in html and "don't send it again" in html
    assert "Nothing you sent was saved" not in html
    with app.app_context():
        saved = db.session.scalars(select(Post).where(Post.body == "Saved before the restart.")).one()
        address = f"/posts/{saved.id}"
    assert f'href="{address}"' in html
    # Once the database answers, the link lands on the post.
    assert f"#post-{saved.id}" in client.get(address).headers["Location"]


def test_a_thread_committed_before_the_database_went_away_is_told_as_saved(app, client, thread, monkeypatch):
    theme_page = client.get("/themes/finding-time").get_data(as_text=True)
    monkeypatch.setattr(urls, "slugify", _gone)  # the thread's address is the first read after the commit
    response = client.post("/themes/finding-time/threads", data={
        "csrf_token": csrf_from(theme_page), "title": "Saved before the restart", "body": "An opening post."})
    monkeypatch.undo()
    with app.app_context():
        thread_id = db.session.scalar(select(Thread.id).where(Thread.title == "Saved before the restart"))
    assert response.status_code == 200
    assert f'href="/threads/{thread_id}"' in response.get_data(as_text=True)


@pytest.mark.sqlite_only
@pytest.mark.parametrize("fault, member_sees, log_says", [
    ("PRAGMA query_only = 1", "cannot be written to", "the database or a folder is read-only"),
    ("PRAGMA max_page_count = 1", "disk where the forum keeps its data is full", "the disk is full"),
])
def test_a_database_that_cannot_be_written_is_told_as_such_not_as_a_wait(app, client, thread, caplog,
                                                                          fault, member_sees, log_says):
    """A read-only file and a full disk last until someone acts: no "try again in a minute"."""
    token = csrf_from(client.get(f"/threads/{thread}").get_data(as_text=True))
    with app.app_context():
        db.engine.dispose()
        event.listen(db.engine, "connect", lambda connection, _record: connection.execute(fault))
    # Long enough to need new pages of the file.
    response = reply(client, thread, token, "Written to a full disk. " * 400)
    html = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "can&#39;t save anything right now" in html and member_sees in html
    assert "Nothing you sent was saved" in html and "in a minute" not in html
    assert f"the database cannot write: {log_says}" in caplog.text


@pytest.mark.postgres_only
def test_a_worker_started_while_the_database_is_down_waits_for_it(databases, app, make_user, make_theme,
                                                                   make_due_question, monkeypatch, caplog):
    make_user(email="moderator@example.org", display_name="Rosa Delgado", role="moderator")
    make_theme()
    make_due_question()
    monkeypatch.setattr(worker, "BACKOFF_SECONDS", 0.2)
    stop, failures = threading.Event(), []

    def work():
        with app.app_context():
            try:
                worker.run(stop)
            except Exception as error:  # what a deployment would see as the worker's death
                failures.append(error)

    with databases.server_stopped():
        running = threading.Thread(target=work)
        running.start()
        deadline = time.monotonic() + 30  # a bound for a stuck test, not a performance target
        while "search index check waits for the database" not in caplog.text:
            assert running.is_alive() and time.monotonic() < deadline, failures
            time.sleep(0.05)
    try:
        while not _published(app):
            assert running.is_alive() and time.monotonic() < deadline, failures
            time.sleep(0.1)
    finally:
        stop.set()
        running.join(timeout=30)
    assert not failures


def _published(app) -> bool:
    with app.app_context():
        try:
            return db.session.scalar(select(PanelQuestion.status)) == "published"
        finally:
            db.session.remove()


def test_a_worker_whose_sign_of_life_cannot_be_written_goes_on(app, tmp_path, caplog):
    blocked = tmp_path / "a-file"
    blocked.write_text("a file where a folder should be")
    app.config["WORKER_HEARTBEAT_FILE"] = str(blocked / "worker.alive")
    stop = threading.Event()
    with app.app_context():
        threading.Timer(0.5, stop.set).start()
        worker.run(stop)  # before: NotADirectoryError out of the loop, a traceback, the worker gone
    assert caplog.text.count("its sign of life cannot be written") == 1


def test_a_full_disk_is_told_apart_from_other_file_errors():
    with pytest.raises(OSError) as full, open("/dev/full", "w") as device:
        device.write("x")
        device.flush()
    assert storage_problems.problem_of(full.value) is storage_problems.FULL
    with pytest.raises(OSError) as missing:
        open("/nonexistent/folder/file")
    assert storage_problems.problem_of(missing.value) is None
