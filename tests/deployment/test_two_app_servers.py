"""Two app servers for real: one PostgreSQL, one redis-server, and on each machine a gunicorn and a worker.

Each machine has an instance folder of its own (page cache files, mail
folder, heartbeat, index folder, uploads folder), as two machines would;
they share the database (with the attached files in it), the page cache
(Redis) and the secret key. What a member does on
one shows on the other, and the two workers share the work without doing
any of it twice.
"""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

import pytest
from PIL import Image

from forum.mail import mailings
from forum.core.database import utcnow
from forum.core.extensions import db
from forum.models import Notification, OutgoingMail, PanelQuestion, Post, Thread, User, Watch
from tests.conftest import ROOT, PASSWORD
from tests.live_server import session, stop, wait_until_serving
from tests.mailserver import free_port, sending_process


READERS = 12  # members who receive the digest, besides the four below
LEASE_SECONDS = 3  # a worker's hold on its batch of mail: short, so a killed worker's rows come back soon


class Machine:
    """One app server: gunicorn with two workers, and `flask worker` beside it, on an instance folder of its own."""

    def __init__(self, name: str, shared: dict[str, str], folder: Path):
        folder.mkdir()
        self.name, self.port = name, free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, **shared,
                    "FLASK_UPLOAD_FOLDER": str(folder / "uploads"), "FLASK_CACHE_DIR": str(folder / "page-cache"),
                    "FLASK_MAIL_FOLDER": str(folder / "mail"), "FLASK_SEARCH_INDEX_DIR": str(folder / "index"),
                    "FLASK_WORKER_HEARTBEAT_FILE": str(folder / "worker.alive")}
        self.env.pop("FLASK_SINGLE_SERVER", None)  # two servers: nothing may rely on being the only one
        self.log = (folder / "log").open("w")
        self.server = self._start([sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{self.port}",
                                   "--log-level", "warning", "app:app"])
        self.worker: subprocess.Popen | None = None

    def _start(self, command: list[str]) -> subprocess.Popen:
        return subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT)

    def start_worker(self) -> None:
        if self.worker is not None:
            self.worker.wait(timeout=30)  # one that was killed: reaped before its successor starts
        self.worker = self._start([sys.executable, "-m", "flask", "--app", "app", "worker"])

    def get(self, path: str) -> str:
        return urllib.request.urlopen(f"{self.base}{path}", timeout=30).read().decode()

    def stop(self) -> None:
        for process in (self.server, self.worker):
            stop(process)
        self.log.close()


def eventually(check, what: str, seconds: float = 60) -> None:
    """Wait for `check()` to hold: a bound for a stuck test, not a performance target."""
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, f"never happened: {what}"
        time.sleep(0.05)


@pytest.fixture
def forum(app, make_user, make_theme, make_thread):
    """A thread Brett started yesterday and two others watch; a dozen more members; digests daily for all."""
    brett = make_user(email="brett@example.org", display_name="Brett Criswell")
    make_user(email="maria@example.org", display_name="Maria Lopez")
    watchers = [brett] + [make_user(email=f"watcher{n}@example.org", display_name=f"Watcher {n}")
                          for n in range(2)]
    for n in range(READERS):
        make_user(email=f"reader{n}@example.org", display_name=f"Reader {n}")
    make_theme()
    thread_id, _ = make_thread("finding-time", brett, title="Planning periods that overlap")
    with app.app_context():
        _, start, _ = mailings.digest_period(mailings.DIGEST_DAILY, utcnow())
        # The thread began yesterday, so that today's daily digest has it to tell.
        db.session.execute(db.update(Thread).values(created_at=start + timedelta(hours=3)))
        db.session.execute(db.update(Post).values(created_at=start + timedelta(hours=3)))
        db.session.execute(db.update(User).values(digest="daily"))
        for watcher in watchers[1:]:
            db.session.add(Watch(user_id=watcher, thread_id=thread_id, level="watching",
                                 created_at=utcnow() - timedelta(days=1)))
        db.session.commit()
    return {"thread": thread_id, "watchers": watchers}


@pytest.fixture
def machines(app, redis_server, mail_server, tmp_path):
    shared = {"FLASK_SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
              "FLASK_SEARCH_BACKEND": "postgres",
              "FLASK_CACHE_TYPE": "RedisCache", "FLASK_CACHE_REDIS_URL": redis_server.url,
              "FLASK_SECRET_KEY": app.config["SECRET_KEY"],
              "FLASK_PASSWORD_HASH_METHOD": app.config["PASSWORD_HASH_METHOD"],
              "FLASK_MAIL_SERVER": "127.0.0.1", "FLASK_MAIL_PORT": str(mail_server.port),
              "FLASK_MAIL_CLAIM_SECONDS": str(LEASE_SECONDS),
              "FLASK_UPLOAD_STORE": "database",
              "FLASK_WORKER_POLL_SECONDS": "0.1"}
    started = [Machine("A", shared, tmp_path / "a"), Machine("B", shared, tmp_path / "b")]
    try:
        for machine in started:
            wait_until_serving(machine.base)
        yield started
    finally:
        for machine in started:
            machine.stop()


def reply_on(machine: Machine, email: str, thread_id: int, body: str) -> None:
    opener, _ = session(machine.base, email, PASSWORD)
    page = opener.open(f"{machine.base}/threads/{thread_id}", timeout=30).read().decode()
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    try:
        opener.open(f"{machine.base}/threads/{thread_id}/posts",
                    data=urlencode({"csrf_token": token, "body": body}).encode(), timeout=30)
    except urllib.error.HTTPError as answer:  # the 302 that acknowledges the reply
        assert answer.code == 302, answer.code


def attach_on(machine: Machine, email: str, data: bytes, name: str) -> str:
    """Attach a file as the composer's button does; the address it is served at."""
    opener, _ = session(machine.base, email, PASSWORD)
    page = opener.open(f"{machine.base}/themes/finding-time", timeout=30).read().decode()
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    boundary = uuid.uuid4().hex
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            f"Content-Type: application/octet-stream\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    request = urllib.request.Request(f"{machine.base}/uploads", data=body,
                                     headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    return json.loads(opener.open(request, timeout=30).read())["url"]


@pytest.mark.slow
@pytest.mark.postgres_only
def test_two_app_servers_share_what_members_see_and_do_each_job_once(app, forum, machines, mail_server):
    a, b = machines
    thread = forum["thread"]
    assert "Planning periods" in b.get(f"/threads/{thread}")  # B's visitor page is now in the shared cache
    with app.app_context():
        members = set(db.session.scalars(db.select(User.email)))

    # First, yesterday's digest, due on both machines at once; the worker that sends the fourteenth
    # message dies with it in flight.
    killed: list[Machine] = []

    def slow_then_kill(message):
        if len(mail_server.received) == 14 and not killed:
            workers = {machine.worker.pid: machine for machine in machines}
            sender = workers[sending_process(message, list(workers))]
            sender.worker.kill()  # the server has this message; its worker never hears "250"
            killed.append(sender)
        time.sleep(0.5)  # a server that takes its time: the workers' passes overlap

    mail_server.on_message = slow_then_kill
    for machine in machines:
        machine.start_worker()
    eventually(lambda: killed, "a worker killed during its batch")
    eventually(lambda: {m["To"] for m in mail_server.received} == members, "a digest to every member")
    time.sleep(2 * LEASE_SECONDS)  # time for a worker to send anything twice
    mail_server.on_message = None
    by_member = Counter(m["To"] for m in mail_server.received)
    ids_by_member = {to: {m["Message-ID"] for m in mail_server.received if m["To"] == to} for to in by_member}
    assert all(len(ids) == 1 for ids in ids_by_member.values()), ids_by_member  # one digest each
    # Only the message in flight when the worker died arrived twice, under one Message-ID.
    assert sum(by_member.values()) == len(members) + 1, by_member

    # Then a reply on A, with both workers running.
    mail_server.reset()
    killed[0].start_worker()
    reply_on(a, "maria@example.org", thread, "We swapped duties to free a common period: aardvark.")
    # On B at once: its cached page and its search.
    assert "aardvark" in b.get(f"/threads/{thread}")
    assert "1 post found" in b.get("/search?q=aardvark")
    # An image attached on A loads from B.
    image = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 200)).save(image, "PNG")
    url = attach_on(a, "maria@example.org", image.getvalue(), "seating-chart.png")
    served = urllib.request.urlopen(f"{b.base}{url}", timeout=30)
    assert served.status == 200 and served.headers["Content-Type"] == "image/jpeg"
    assert Image.open(io.BytesIO(served.read())).size == (64, 48)
    # Three watchers: three notices, and one email each, whichever worker composed and sent it.
    told = {"brett@example.org", "watcher0@example.org", "watcher1@example.org"}
    eventually(lambda: {m["To"] for m in mail_server.received} == told, "an email to each watcher")
    time.sleep(2 * LEASE_SECONDS)
    assert sorted(m["To"] for m in mail_server.received) == sorted(told)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Notification)) == 3
        statuses = Counter(db.session.scalars(db.select(OutgoingMail.status)))
    assert statuses == {"sent": len(members) + len(told)}


def test_a_machine_without_a_worker_publishes_due_questions_once_beside_another_machines_worker(
        app, make_user, make_theme, make_due_question, tmp_path):
    """The heartbeat is per machine: B, whose worker is down, publishes on page views while A's worker
    publishes too. Each question becomes one post all the same."""
    from forum import create_app
    from forum.worker import loop as worker

    make_user(email="moderator@example.org", display_name="Rosa Delgado", role="moderator")
    slug = make_theme()
    for n in range(3):
        make_due_question(f"Due question {n}?")
    machine_a = create_app({**app.config, "WORKER_HEARTBEAT_FILE": str(tmp_path / "a.alive")})
    (tmp_path / "a.alive").touch()  # A's worker is alive; B (the `app` fixture) has no heartbeat
    start, errors = threading.Barrier(2), []

    def a_worker():
        with machine_a.app_context():
            start.wait()
            try:
                worker.run_once()
            except Exception as error:
                errors.append(error)

    running = threading.Thread(target=a_worker)
    running.start()
    visitor = app.test_client()
    start.wait()
    assert visitor.get(f"/themes/{slug}").status_code == 200
    running.join(timeout=60)
    assert not errors
    with app.app_context():
        posts = db.session.scalars(db.select(Post.body).where(Post.body.like("%Due question%"))).all()
        published = db.session.scalar(db.select(db.func.count(PanelQuestion.id))
                                      .where(PanelQuestion.status == "published"))
    assert published == 3 and len(posts) == 3
