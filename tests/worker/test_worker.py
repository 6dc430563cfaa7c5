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
from forum.core.extensions import db
from forum.models import PanelQuestion, SearchOutbox
from tests.conftest import ROOT, Auth, Forms

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
    from forum.worker import loop as worker

    with worker_app.app_context():
        assert "search index" not in worker.run_once()
    assert "there is no search index in" in caplog.text and search.INDEX_MISSING in caplog.text
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
                               cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
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


@pytest.mark.whoosh_only
def test_a_deleted_index_is_not_replaced_by_an_empty_one_and_the_worker_says_so_once_a_minute(
        worker_app, client, runner, thread, caplog):
    """Its changes wait in the outbox for `search rebuild`, which brings back every post, old and new."""
    import logging
    import shutil

    from forum.worker import loop as worker

    reply(client, thread, "Our axolotl tank needs a new filter.")
    with worker_app.app_context():
        worker.run_once()
    search.close()
    shutil.rmtree(worker_app.config["SEARCH_INDEX_DIR"])
    response = Forms(client).post(f"/threads/{thread}/posts", {"body": "The quokka photos came back."},
                                  page=f"/threads/{thread}")
    assert response.status_code == 302
    caplog.set_level(logging.INFO)
    with worker_app.app_context():
        todo = worker.jobs()
        for second in range(0, 60, 5):  # a minute of passes, at most one try of the search job in it
            worker.run_due(todo, now=1000.0 + second)
    errors = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert len(errors) == 1 and errors[0].exc_info is None  # one line, no traceback
    assert "there is no search index in" in errors[0].getMessage()
    assert search.INDEX_MISSING in errors[0].getMessage()
    assert not (Path(worker_app.config["SEARCH_INDEX_DIR"]) / "current").exists()  # nothing made empty
    assert outbox_rows(worker_app) == 1
    result = runner.invoke(args=["search", "sync"])
    assert result.exit_code == 1 and search.INDEX_MISSING in result.output and outbox_rows(worker_app) == 1

    result = runner.invoke(args=["search", "rebuild"])
    assert result.exit_code == 0, result.output
    assert outbox_rows(worker_app) == 0
    assert "1 post found" in search_page(client, "axolotl") and "1 post found" in search_page(client, "quokka")
