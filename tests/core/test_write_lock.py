"""A reply on PostgreSQL takes the write lock only once its own rows are written.

Each test holds the lock from a connection of its own, as another writer
in the middle of its transaction would, lets a reply come up against it,
and checks what the reply may and may not have done by then.
"""
from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import event, text

from forum.core.database import WRITE_LOCK_KEY
from forum.core.extensions import db
from forum.models import Post, Thread
from tests.conftest import Auth, Forms, csrf_from


def _statements_of(app, request):
    seen = []

    def note(_conn, _cursor, statement, *_args):
        seen.append(" ".join(statement.split(None, 3)[:3]))

    def note_commit(_conn):
        seen.append("COMMIT")

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", note)
        event.listen(db.engine, "commit", note_commit)
        try:
            response = request()
        finally:
            event.remove(db.engine, "before_cursor_execute", note)
            event.remove(db.engine, "commit", note_commit)
    return response, seen


@pytest.fixture
def thread_with_member(app, make_user, make_theme, make_thread):
    make_user()
    make_theme()
    thread_id, opening_id = make_thread("finding-time", 1)
    return thread_id, opening_id


def _member_client(app, email="member@example.org"):
    client = app.test_client()
    Auth(Forms(client)).login(email)
    return client


def _reply_token(client, thread_id):
    return csrf_from(client.get(f"/threads/{thread_id}").get_data(as_text=True))


@pytest.mark.postgres_only
@pytest.mark.parametrize("form", ["reply", "new thread"])
def test_a_post_writes_its_own_rows_before_it_takes_the_write_lock(app, thread_with_member, form):
    thread_id, _ = thread_with_member
    client = _member_client(app)
    token = _reply_token(client, thread_id)
    url, data = {"reply": (f"/threads/{thread_id}/posts", {"body": "Where does the lock come?"}),
                 "new thread": ("/themes/finding-time/threads",
                                {"title": "Lock timing", "body": "Where does the lock come?"})}[form]
    response, statements = _statements_of(app, lambda: client.post(url, data={"csrf_token": token, **data}))
    assert response.status_code == 302
    lock = statements.index("SELECT pg_advisory_xact_lock(%d)" % WRITE_LOCK_KEY)
    assert statements.count("SELECT pg_advisory_xact_lock(%d)" % WRITE_LOCK_KEY) == 1
    assert statements.index("INSERT INTO posts") < lock  # its own row: nobody else waits for it
    # A thread's counters, the rate limit and the page versions are every writer's.
    assert lock < statements.index("UPDATE threads SET")
    assert lock < statements.index("INSERT INTO throttle_events")


class _OtherWriter:
    """A connection holding the write lock, as a writer in the middle of its transaction."""

    def __init__(self, app):
        with app.app_context():
            self.connection = db.engine.connect()
        self.connection.exec_driver_sql("SET lock_timeout = '3s'")  # waits here would be a deadlock
        self.connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK_KEY})

    def waiters(self) -> int:
        look = self.connection.engine.raw_connection()  # the driver's own: no write lock taken to look
        try:
            cursor = look.cursor()
            cursor.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
            return cursor.fetchone()[0]
        finally:
            look.rollback()
            look.close()

    def wait_for_waiters(self, count: int = 1) -> None:
        deadline = time.monotonic() + 10
        while self.waiters() < count:
            assert time.monotonic() < deadline, "the reply never came to the write lock"
            time.sleep(0.02)

    def finish(self) -> None:
        self.connection.commit()
        self.connection.close()


def _post_in_background(client, url, data) -> tuple[threading.Thread, list]:
    answers = []
    worker = threading.Thread(target=lambda: answers.append(client.post(url, data=data)))
    worker.start()
    return worker, answers


def _reply_while_another_writes(app, thread_id: int, body: str, *statements: str, **values):
    """A member's reply sent while another writer holds the lock; that writer runs these
    statements once the reply waits for it, then commits. Returns the reply's response."""
    client = _member_client(app)
    token = _reply_token(client, thread_id)
    holder = _OtherWriter(app)
    try:
        worker, answers = _post_in_background(client, f"/threads/{thread_id}/posts",
                                              {"csrf_token": token, "body": body})
        holder.wait_for_waiters()
        for statement in statements:
            holder.connection.execute(text(statement), values)
    finally:
        holder.finish()
    worker.join(timeout=30)
    return answers[0]


@pytest.mark.postgres_only
def test_a_reply_waiting_for_the_lock_holds_nothing_its_holder_changes(app, thread_with_member):
    """Before the lock a reply only inserts rows of its own: the lock's holder can change the thread,
    its posts, the theme and the author, then commit, without waiting for the reply (no deadlock)."""
    thread_id, opening_id = thread_with_member
    response = _reply_while_another_writes(
        app, thread_id, "A reply that has to wait.",
        "UPDATE threads SET page_version = page_version + 1, pinned = true WHERE id = :thread",
        "UPDATE posts SET edited_at = now() WHERE id = :opening",
        "UPDATE themes SET page_version = page_version + 1",
        "UPDATE users SET position = 'Coach' WHERE id = 1",
        thread=thread_id, opening=opening_id)
    assert response.status_code == 302
    with app.app_context():
        thread = db.session.get(Thread, thread_id)
        assert thread.reply_count == 1 and thread.pinned


@pytest.mark.postgres_only
def test_a_thread_locked_while_a_reply_waits_refuses_the_reply_and_keeps_its_text(app, thread_with_member):
    thread_id, _ = thread_with_member
    response = _reply_while_another_writes(app, thread_id, "Sent just as the thread closed.",
                                           "UPDATE threads SET locked = true WHERE id = :thread", thread=thread_id)
    page = response.get_data(as_text=True)
    assert response.status_code == 403
    assert "locked by a moderator" in page and "Sent just as the thread closed." in page
    with app.app_context():
        assert db.session.get(Thread, thread_id).reply_count == 0
        assert db.session.scalar(db.select(db.func.count(Post.id)).where(Post.thread_id == thread_id)) == 1


@pytest.mark.postgres_only
def test_the_posting_limit_holds_for_posts_that_wait_for_the_lock_together(app, thread_with_member):
    app.config["RATE_LIMITS"] = {**app.config["RATE_LIMITS"], "post": [1, 600]}
    thread_id, _ = thread_with_member
    clients = [_member_client(app), _member_client(app)]  # one member, two tabs
    tokens = [_reply_token(client, thread_id) for client in clients]
    sent = [(f"/threads/{thread_id}/posts", {"body": "A reply from one tab."}),
            ("/themes/finding-time/threads", {"title": "From the other tab", "body": "A new thread."})]
    holder = _OtherWriter(app)
    try:
        started = [_post_in_background(client, url, {"csrf_token": token, **data})
                   for client, token, (url, data) in zip(clients, tokens, sent)]
        holder.wait_for_waiters(2)
    finally:
        holder.finish()
    statuses = []
    for worker, answers in started:
        worker.join(timeout=30)
        statuses.append(answers[0].status_code)
    assert sorted(statuses) == [302, 429]
    with app.app_context():
        posts = db.session.scalar(db.select(db.func.count(Post.id)))
        assert posts == 2  # the opening post, and one of the two


@pytest.mark.postgres_only
def test_a_writer_that_waits_to_lock_holds_the_lock_by_its_commit(app, thread_with_member):
    """Page versions and search documents are written under the lock even when the view never asked for it."""
    thread_id, opening_id = thread_with_member
    with app.test_request_context(f"/threads/{thread_id}/posts", method="POST"):  # the reply's view: locks late
        def edit_and_commit():
            post = db.session.get(Post, opening_id)
            post.edited_at = post.created_at
            db.session.commit()

        _, statements = _statements_of(app, edit_and_commit)
    lock = "SELECT pg_advisory_xact_lock(%d)" % WRITE_LOCK_KEY
    assert statements.count(lock) == 1
    reading_the_post = next(n for n, statement in enumerate(statements) if statement.startswith("SELECT posts.id,"))
    assert reading_the_post < statements.index(lock) < statements.index("UPDATE threads SET")



@pytest.mark.postgres_only
def test_a_reply_with_a_file_counts_and_checks_room_under_the_lock(app, thread_with_member):
    """The no-JavaScript form stores the file in transactions of its own before the reply's:
    each takes the lock before it reads a count or the room left, as the reply does."""
    import io

    thread_id, _ = thread_with_member
    client = _member_client(app)
    token = _reply_token(client, thread_id)
    response, statements = _statements_of(app, lambda: client.post(
        f"/threads/{thread_id}/posts", content_type="multipart/form-data", data={
            "csrf_token": token, "body": "The handout we used.", "submit": "1",
            "attachment": (io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "handout.pdf")}))
    assert response.status_code == 302
    lock = "SELECT pg_advisory_xact_lock(%d)" % WRITE_LOCK_KEY
    transactions = " ".join(statements).split("COMMIT")
    shared = [("SELECT count(throttle_events.id)", "INSERT INTO throttle_events"),
              ("SELECT coalesce(sum(uploads.byte_size)", "INSERT INTO uploads")]
    checked = 0
    for transaction in transactions:
        for read, write in shared:
            if write in transaction:
                assert lock in transaction and transaction.index(lock) < transaction.index(read), transaction
                checked += 1
    assert checked == 3  # the file's limit, its room, and the reply's limit
