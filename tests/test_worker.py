"""The worker: replies return after their commit, and the index catches up within a moment."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import search
from forum.extensions import db
from forum.models import PanelQuestion, SearchOutbox
from tests.conftest import Auth, Forms

STILL_INDEXING = "still being added to search"


@pytest.fixture
def worker_app(app):
    """The app as deployed: requests leave the index to the worker."""
    app.config["SEARCH_INDEX_IN_REQUEST"] = False
    return app


@pytest.fixture
def thread(worker_app, make_user, make_theme, make_thread):
    author = make_user()
    make_theme()
    thread_id, _ = make_thread("finding-time", author)
    with worker_app.app_context():
        search.apply_pending()  # start from an index in step with the database
    return thread_id


def reply(client, thread: int, body: str) -> None:
    forms = Forms(client)
    Auth(forms).login()
    response = forms.post(f"/threads/{thread}/posts", {"body": body}, page=f"/threads/{thread}")
    assert response.status_code == 302


def search_page(client, words: str) -> str:
    return client.get("/search", query_string={"q": words}).get_data(as_text=True)


def outbox_rows(app) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count(SearchOutbox.id)))


@pytest.mark.whoosh_only
def test_a_reply_returns_before_the_index_and_the_worker_catches_up(worker_app, client, runner, thread):
    reply(client, thread, "Our numbat survey ran all term.")
    assert outbox_rows(worker_app) == 1
    page = search_page(client, "numbat")
    assert "No posts found" in page and STILL_INDEXING in page

    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "search index 1" in result.output
    assert outbox_rows(worker_app) == 0
    page = search_page(client, "numbat")
    assert "1 post found" in page and STILL_INDEXING not in page


@pytest.mark.whoosh_only
def test_a_failing_job_keeps_its_rows_and_the_worker_goes_on(worker_app, client, runner, thread, tmp_path, caplog):
    reply(client, thread, "Pangolin scales in the physics lab.")
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the index should be")
    worker_app.config["SEARCH_INDEX_DIR"] = str(blocked)
    from forum import worker

    with worker_app.app_context():
        assert "search index" not in worker.run_once()
    assert "search index failed; its rows are kept" in caplog.text
    assert outbox_rows(worker_app) == 1

    worker_app.config["SEARCH_INDEX_DIR"] = str(tmp_path / "search-index")
    assert "search index 1" in runner.invoke(args=["worker", "--once"]).output
    assert "1 post found" in search_page(client, "pangolin")


def test_the_worker_publishes_due_panel_questions(worker_app, client, runner, thread, make_user, make_due_question):
    make_user(email="moderator@example.org", display_name="Rosa Delgado", role="moderator")
    make_due_question()
    assert runner.invoke(args=["worker", "--once"]).exit_code == 0
    with worker_app.app_context():
        assert db.session.scalar(db.select(PanelQuestion.status)) == "published"
    assert "1 post found" in search_page(client, "protect planning time")


@pytest.mark.whoosh_only
def test_a_running_worker_indexes_new_replies_and_stops_on_sigterm(worker_app, client, thread, tmp_path):
    env = {**os.environ,
           "FLASK_SQLALCHEMY_DATABASE_URI": worker_app.config["SQLALCHEMY_DATABASE_URI"],
           "FLASK_SEARCH_INDEX_DIR": worker_app.config["SEARCH_INDEX_DIR"],
           "FLASK_SECRET_KEY": worker_app.config["SECRET_KEY"],
           "FLASK_MAIL_FOLDER": worker_app.config["MAIL_FOLDER"],
           "FLASK_WORKER_HEARTBEAT_FILE": worker_app.config["WORKER_HEARTBEAT_FILE"],
           "FLASK_CACHE_DIR": worker_app.config["CACHE_DIR"],
           "FLASK_WORKER_POLL_SECONDS": "0.05"}
    log = (tmp_path / "worker.log").open("w+")
    process = subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "worker"],
                               cwd=Path(__file__).parent.parent, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        reply(client, thread, "The quokka census is in.")
        deadline = time.monotonic() + 30  # a bound for a stuck worker, not a performance target
        while "1 post found" not in search_page(client, "quokka"):
            assert time.monotonic() < deadline, "the worker never indexed the reply"
            assert process.poll() is None, "the worker died"
            time.sleep(0.05)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        log.seek(0)
        output = log.read()
        log.close()
    assert "Worker running" in output and "Worker stopped" in output
    assert outbox_rows(worker_app) == 0
