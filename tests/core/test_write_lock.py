"""On PostgreSQL a post's writers lock what they touch, not the whole forum.

A reply shares the write lock (a moderator's action, which holds it alone,
still never runs beside one) and locks the thread's row and the member's
posting limit. Each test holds one writer's transaction open, as a slow
writer would be in the middle of it, and looks in pg_locks at who waits.
"""
from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import event, text
from sqlalchemy.orm import Session

from forum.core.database import WRITE_LOCK_KEY
from forum.core.extensions import db
from forum.models import Post, Thread
from tests.conftest import Auth, Forms, csrf_from

pytestmark = pytest.mark.postgres_only


@pytest.fixture
def threads(app, make_user, make_theme, make_thread):
    """Two threads of one open theme, and two members."""
    make_user()
    make_user(email="other@example.org", display_name="Sam Okafor")
    make_theme()
    return make_thread("finding-time", 1)[0], make_thread("finding-time", 1, title="Another question")[0]


def _member_client(app, email="member@example.org"):
    client = app.test_client()
    Auth(Forms(client)).login(email)
    return client


def _token(client, thread_id):
    return csrf_from(client.get(f"/threads/{thread_id}").get_data(as_text=True))


def _waiting_locks(app) -> list[str]:
    """The lock types of every lock a backend waits for now, read from a connection of the driver's own."""
    with app.app_context():
        look = db.engine.raw_connection()
    try:
        cursor = look.cursor()
        cursor.execute("SELECT locktype FROM pg_locks WHERE NOT granted")
        return [row[0] for row in cursor.fetchall()]
    finally:
        look.rollback()
        look.close()


def _wait_for_waiters(app, count: int = 1) -> list[str]:
    deadline = time.monotonic() + 10
    while len(waiting := _waiting_locks(app)) < count:
        assert time.monotonic() < deadline, "no writer came to wait"
        time.sleep(0.02)
    return waiting


class _Send:
    """A form sent in a thread of its own; `response` once it is answered."""

    def __init__(self, client, url: str, data: dict):
        self.response = None
        self.worker = threading.Thread(target=self._send, args=(client, url, data))
        self.worker.start()

    def _send(self, client, url, data):
        self.response = client.post(url, data=data)

    def answered(self, seconds: float = 30) -> int:
        self.worker.join(timeout=seconds)
        assert self.response is not None, "the form was never answered"
        return self.response.status_code


class _Reply:
    """A member's reply form, signed in and ready to send (signing in writes: it is done first)."""

    def __init__(self, app, thread_id: int, body: str, email: str = "member@example.org"):
        self.client = _member_client(app, email)
        self.url = f"/threads/{thread_id}/posts"
        self.data = {"csrf_token": _token(self.client, thread_id), "body": body}

    def send(self) -> _Send:
        return _Send(self.client, self.url, self.data)


class _HeldAtCommit:
    """Sends a reply whose transaction stops just before COMMIT, every statement of it done, until release()."""

    def __init__(self):
        self.arrived, self.go, self.send = threading.Event(), threading.Event(), None

    def start(self, reply: _Reply) -> _HeldAtCommit:
        self.send = reply.send()
        assert self.arrived.wait(10), "the reply never came to its commit"
        return self

    def hold(self, _session):
        send = self.send
        if send is not None and threading.current_thread() is send.worker and not self.go.is_set():
            self.arrived.set()
            self.go.wait(30)

    def release(self) -> int:
        self.go.set()
        return self.send.answered()


@pytest.fixture
def held_at_commit():
    """_HeldAtCommit, with its commit hook listening for the whole test: a listener removed
    while another thread's commit calls the listeners breaks that commit."""
    held = []

    def hold(session):
        for each in held:
            each.hold(session)

    # After the page versions and the search documents: registered last.
    event.listen(Session, "before_commit", hold)

    def start(reply: _Reply) -> _HeldAtCommit:
        held.append(_HeldAtCommit())
        return held[-1].start(reply)

    yield start
    for each in held:
        each.go.set()
        if each.send is not None:
            each.send.worker.join(30)
    event.remove(Session, "before_commit", hold)


def test_replies_to_two_threads_never_wait_for_each_other(app, threads, held_at_commit):
    first, second = threads
    other = _Reply(app, second, "Sent while the first is held.", "other@example.org")
    held = held_at_commit(_Reply(app, first, "Held open at its commit."))
    try:
        other = other.send()
        assert other.answered(seconds=15) == 302  # before the first commits
        assert held.send.response is None
        assert _waiting_locks(app) == []
    finally:
        assert held.release() == 302
    with app.app_context():
        assert [db.session.get(Thread, thread_id).reply_count for thread_id in threads] == [1, 1]


def test_replies_to_one_thread_wait_for_each_other_and_keep_its_counts_and_versions_in_order(
        app, threads, held_at_commit):
    thread_id, _ = threads
    with app.app_context():
        version_before = db.session.get(Thread, thread_id).page_version
    other = _Reply(app, thread_id, "The second of two.", "other@example.org")
    held = held_at_commit(_Reply(app, thread_id, "The first of two."))
    try:
        other = other.send()
        assert _wait_for_waiters(app) == ["transactionid"]  # the thread's row, which the first holds
        assert other.response is None
    finally:
        assert held.release() == 302
    assert other.answered() == 302
    with app.app_context():
        thread = db.session.get(Thread, thread_id)
        assert thread.reply_count == 2
        posts = db.session.scalars(db.select(Post).where(Post.thread_id == thread_id).order_by(Post.id)).all()
        assert [post.body for post in posts[1:]] == ["The first of two.", "The second of two."]
        assert thread.last_post_at == posts[-1].created_at
        assert thread.page_version > version_before


class _OtherWriter:
    """A connection in the middle of a transaction of its own, which commits when finish() is called."""

    def __init__(self, app, *statements: str, **values):
        with app.app_context():
            self.connection = db.engine.connect()
        self.connection.exec_driver_sql("SET lock_timeout = '5s'")  # a wait past that would be a deadlock
        for statement in statements:
            self.connection.execute(text(statement), values)

    def finish(self) -> None:
        self.connection.commit()
        self.connection.close()


def _reply_while_another_writes(app, thread_id: int, body: str, *statements: str, **values) -> tuple[_Send, list]:
    """A member's reply sent while another transaction has run these statements: the reply, answered once that
    transaction committed, and the locks waited for meanwhile."""
    reply = _Reply(app, thread_id, body)
    other = _OtherWriter(app, *statements, **values)
    try:
        sent = reply.send()
        waited = _wait_for_waiters(app)
        assert sent.response is None
    finally:
        other.finish()
    sent.answered()
    return sent, waited


def test_a_thread_locked_while_a_reply_waits_refuses_the_reply_and_keeps_its_text(app, threads):
    thread_id, _ = threads
    reply, _ = _reply_while_another_writes(app, thread_id, "Sent just as the thread closed.",
                                           "UPDATE threads SET locked = true WHERE id = :thread", thread=thread_id)
    assert reply.response.status_code == 403
    page = reply.response.get_data(as_text=True)
    assert "locked by a moderator" in page and "Sent just as the thread closed." in page
    with app.app_context():
        assert db.session.get(Thread, thread_id).reply_count == 0
        assert db.session.scalar(db.select(db.func.count(Post.id)).where(Post.thread_id == thread_id)) == 1


def test_a_writer_holding_the_lock_alone_runs_beside_no_post(app, threads):
    """A moderator's action or the worker holds the write lock alone: a reply waits for it to commit."""
    reply, waited = _reply_while_another_writes(app, threads[0], "Waits for the moderator.",
                                                "SELECT pg_advisory_xact_lock(:key)", key=WRITE_LOCK_KEY)
    assert waited == ["advisory"] and reply.response.status_code == 302


def test_the_posting_limit_holds_for_two_posts_sent_at_once(app, threads):
    app.config["RATE_LIMITS"] = {**app.config["RATE_LIMITS"], "post": [1, 600]}
    first, _ = threads
    clients = [_member_client(app), _member_client(app)]  # one member, two tabs
    tokens = [_token(client, first) for client in clients]
    limit = _OtherWriter(app, "SELECT pg_advisory_xact_lock(1718579829, hashtext('throttle:post:1'))")
    try:
        sent = [_Send(clients[0], f"/threads/{first}/posts", {"csrf_token": tokens[0], "body": "From one tab."}),
                _Send(clients[1], "/themes/finding-time/threads",
                      {"csrf_token": tokens[1], "title": "From the other tab", "body": "A new thread."})]
        _wait_for_waiters(app, 2)
    finally:
        limit.finish()
    assert sorted(send.answered() for send in sent) == [302, 429]
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Post.id))) == 3  # two opening posts, and one of the two


def test_a_reply_with_a_file_counts_and_checks_room_under_the_member_s_lock(app, threads):
    """The no-JavaScript form stores the file in transactions of its own before the reply's:
    each locks the member's count or room before it reads it, as the reply does."""
    import io

    thread_id, _ = threads
    client = _member_client(app)
    token = _token(client, thread_id)
    seen = []

    def note(_conn, _cursor, statement, parameters, *_args):
        seen.append(f"lock {parameters['subject']}" if "hashtext" in statement else " ".join(statement.split(None, 3)[:3]))

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", note)
        event.listen(db.engine, "commit", lambda _conn: seen.append("COMMIT"))
        try:
            response = client.post(f"/threads/{thread_id}/posts", content_type="multipart/form-data", data={
                "csrf_token": token, "body": "The handout we used.", "submit": "1",
                "attachment": (io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "handout.pdf")})
        finally:
            event.remove(db.engine, "before_cursor_execute", note)
    assert response.status_code == 302
    transactions = " ".join(seen).split("COMMIT")
    locked_reads = [("lock throttle:upload:1", "SELECT count(throttle_events.id)"),
                    ("lock uploads:1", "SELECT coalesce(sum(uploads.byte_size)"),
                    ("lock throttle:post:1", "SELECT count(throttle_events.id)")]
    found = []
    for lock, read in locked_reads:
        for transaction in transactions:
            if lock in transaction:
                assert transaction.index(lock) < transaction.index(read), transaction
                found.append(lock)
    assert found == [lock for lock, _ in locked_reads]


def test_an_edit_and_a_deletion_lock_their_own_thread_only(app, threads, held_at_commit):
    first, second = threads
    with app.app_context():
        opening_of_second = db.session.scalar(db.select(Post.id).where(Post.thread_id == second))
    client = _member_client(app)
    page = client.get(f"/posts/{opening_of_second}/edit").get_data(as_text=True)
    edit = {"csrf_token": csrf_from(page), "body": "Edited while a reply elsewhere is held."}
    reply_to_delete = _Reply(app, second, "A reply, deleted while the other thread's reply is held.")
    assert reply_to_delete.send().answered() == 302
    with app.app_context():
        doomed = db.session.scalar(db.select(Post.id).where(Post.thread_id == second).order_by(Post.id.desc()))
    held = held_at_commit(_Reply(app, first, "Held open at its commit."))
    try:
        assert _Send(client, f"/posts/{opening_of_second}/edit", edit).answered(seconds=15) == 302
        deleting = _Send(client, f"/posts/{doomed}/delete", {"csrf_token": edit["csrf_token"]})
        assert deleting.answered(seconds=15) == 302
        assert held.send.response is None and _waiting_locks(app) == []
    finally:
        assert held.release() == 302
    with app.app_context():
        assert db.session.get(Post, opening_of_second).body == edit["body"]
        assert [db.session.get(Thread, thread_id).reply_count for thread_id in threads] == [1, 0]
