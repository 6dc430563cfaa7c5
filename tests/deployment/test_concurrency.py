"""Several worker processes writing to one SQLite database at once."""
from __future__ import annotations

import multiprocessing

import pytest

from forum.core.extensions import db
from forum.models import Post, Thread
from tests.conftest import FAST_HASH, other_processes, seed_reply


def _write_replies(database_uri: str, thread_id: int, author_id: int, count: int, start) -> str:
    """A worker: its own app and connections, replying as fast as it can."""
    from forum import create_app
    from forum.models import User

    app = create_app({"TESTING": True, "SECRET_KEY": "k" * 40, "PASSWORD_HASH_METHOD": FAST_HASH,
                      "SQLALCHEMY_DATABASE_URI": database_uri})
    start.wait()
    try:
        for n in range(count):
            with app.test_request_context("/threads/x/posts", method="POST"):
                thread = db.session.get(Thread, thread_id)  # read, then write: the risky shape
                seed_reply(thread, db.session.get(User, author_id), f"Reply {n}")
    except Exception as error:  # reported to the parent, which fails the test
        return f"{type(error).__name__}: {error}"
    return "ok"


@pytest.mark.slow  # many writers for real, a few seconds
def test_concurrent_writers_never_hit_database_is_locked(app, make_user, make_theme, make_thread):
    author = make_user()
    make_theme()
    thread_id, _ = make_thread("finding-time", author)
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    context = other_processes()
    with context.Manager() as manager:
        start = manager.Event()
        with context.Pool(3) as pool:
            results = [pool.apply_async(_write_replies, (uri, thread_id, author, 25, start)) for _ in range(3)]
            start.set()
            outcomes = [result.get(timeout=120) for result in results]
    assert outcomes == ["ok", "ok", "ok"]
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Post.id)).where(Post.parent_id.is_not(None))) == 75
        assert db.session.get(Thread, thread_id).reply_count == 75


def _post_through_http(database_uri: str, index_dir: str, search_backend: str, thread_id: int, email: str,
                       count: int, start) -> str:
    """A worker process posting replies over HTTP, each request indexing its own reply."""
    from forum import create_app
    from tests.conftest import Auth, Forms

    app = create_app({"TESTING": True, "SECRET_KEY": "k" * 40, "PASSWORD_HASH_METHOD": FAST_HASH,
                      "SQLALCHEMY_DATABASE_URI": database_uri, "SEARCH_INDEX_DIR": index_dir,
                      "SEARCH_BACKEND": search_backend, "SEARCH_INDEX_IN_REQUEST": True})
    client = app.test_client()
    forms = Forms(client)
    Auth(forms).login(email=email)
    start.wait()
    for n in range(count):
        response = forms.post(f"/threads/{thread_id}/posts",
                              {"body": f"Quokka report {email.split('@')[0]} number w{n}x"},
                              page=f"/threads/{thread_id}")
        if response.status_code != 302:
            return f"reply {n} answered {response.status_code}"
    return "ok"


@pytest.mark.slow  # many writers for real, a few seconds
def test_concurrent_writers_keep_the_index_complete(app, client, make_user, make_theme, make_thread):
    authors = [make_user(email=f"w{n}@example.org", display_name=f"Writer {n}") for n in range(3)]
    make_theme()
    thread_id, _ = make_thread("finding-time", authors[0])
    args = (app.config["SQLALCHEMY_DATABASE_URI"], app.config["SEARCH_INDEX_DIR"], app.config["SEARCH_BACKEND"],
            thread_id)
    # Started afresh, not from the fork server: in one run of the whole suite (a busy machine) the
    # search found fewer than the 45 replies with the outbox empty, which 10 runs of this test and
    # its module alone did not repeat; until that is understood, these writers start as they did.
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager:
        start = manager.Event()
        with context.Pool(3) as pool:
            jobs = [pool.apply_async(_post_through_http, (*args, f"w{n}@example.org", 15, start))
                    for n in range(3)]
            start.set()
            outcomes = [job.get(timeout=180) for job in jobs]
    assert outcomes == ["ok", "ok", "ok"]
    from forum.models import SearchOutbox

    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(SearchOutbox.id))) == 0
    html = client.get("/search", query_string={"q": "quokka"}).get_data(as_text=True)
    assert "45 posts found" in html
    for writer in range(3):
        for n in (0, 7, 14):
            page = client.get("/search", query_string={"q": f'"w{writer} number w{n}x"'}).get_data(as_text=True)
            assert "1 post found" in page, (writer, n)


def _post_then_die(database_uri: str, index_dir: str, thread_id: int) -> None:
    """A worker killed between its commit and its index update."""
    import os

    import search
    from forum import create_app
    from tests.conftest import Auth, Forms

    app = create_app({"TESTING": True, "SECRET_KEY": "k" * 40, "PASSWORD_HASH_METHOD": FAST_HASH,
                      "SQLALCHEMY_DATABASE_URI": database_uri, "SEARCH_INDEX_DIR": index_dir,
                      "SEARCH_INDEX_IN_REQUEST": True})
    forms = Forms(app.test_client())
    Auth(forms).login(email="w0@example.org")
    search.apply_pending = lambda *args, **kwargs: os._exit(9)  # dies right after the commit
    forms.post(f"/threads/{thread_id}/posts", {"body": "Axolotl habitat lesson"}, page=f"/threads/{thread_id}")


def test_a_worker_killed_after_commit_loses_nothing(app, client, runner, make_user, make_theme, make_thread):
    author = make_user(email="w0@example.org", display_name="Writer 0")
    make_theme()
    thread_id, _ = make_thread("finding-time", author)
    import search

    with app.test_request_context():
        search.rebuild()  # a built index, as init-db leaves it: search sync checks it is there
    context = other_processes()
    worker = context.Process(target=_post_then_die, args=(app.config["SQLALCHEMY_DATABASE_URI"],
                                                         app.config["SEARCH_INDEX_DIR"], thread_id))
    worker.start()
    worker.join(timeout=60)
    assert worker.exitcode == 9
    assert "No posts found" in client.get("/search", query_string={"q": "axolotl"}).get_data(as_text=True)
    result = runner.invoke(args=["search", "sync"])
    assert result.exit_code == 0 and "Applied 1 waiting" in result.output, result.output
    assert "1 post found" in client.get("/search", query_string={"q": "axolotl"}).get_data(as_text=True)
