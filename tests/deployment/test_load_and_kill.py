"""Writers, readers and a killer at once: nothing acknowledged is lost or doubled, and no answer is a 5xx.

gunicorn with 4 workers and `flask worker` beside it, on a file database
and a real index: 20 members post replies that each carry a unique token,
readers search and read the thread, one gunicorn worker is killed with
SIGKILL every few seconds, and `search rebuild` runs once in the middle.
Then every reply the server acknowledged must be in the database exactly
once and findable by its token (after `search sync` at most).
"""
from __future__ import annotations

import json
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from urllib.parse import urlencode

import pytest

from forum.core.extensions import db
from forum.models import Post
from search.whoosh_engine import index_root, searchers
from tests.live_server import session, stop, wait_until_serving
from tests.mailserver import free_port
from tests.conftest import ROOT

pytestmark = [pytest.mark.slow, pytest.mark.sqlite_only]

SECONDS = 30
WRITERS = 20
READERS = 4
KILL_EVERY = 3.0


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


def test_writers_readers_and_sigkill(app, make_user, make_theme, make_thread, tmp_path):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        pytest.skip("needs a file database that other processes can open")
    password = "correct horse battery"
    members = [make_user(email=f"writer{n}@example.org", display_name=f"Writer {n}") for n in range(WRITERS)]
    make_theme()
    thread_id, _ = make_thread("finding-time", members[0], title="Under load")
    env = {**os.environ,
           "FLASK_SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
           "FLASK_SEARCH_INDEX_DIR": app.config["SEARCH_INDEX_DIR"],
           "FLASK_MAIL_FOLDER": str(tmp_path / "mail"),
           "FLASK_WORKER_HEARTBEAT_FILE": app.config["WORKER_HEARTBEAT_FILE"],
           "FLASK_CACHE_DIR": app.config["CACHE_DIR"],
           "FLASK_SECRET_KEY": app.config["SECRET_KEY"],
           "FLASK_PASSWORD_HASH_METHOD": app.config["PASSWORD_HASH_METHOD"],
           # Twenty writers post far faster than any member may.
           "FLASK_RATE_LIMITS": json.dumps({**app.config["RATE_LIMITS"], "post": [10**9, 600]})}
    subprocess.run([sys.executable, "-m", "flask", "--app", "app", "search", "rebuild"], cwd=ROOT, env=env,
                   check=True, capture_output=True)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    logs = [(tmp_path / "gunicorn.log").open("w"), (tmp_path / "worker.log").open("w")]
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", "4", "-b", f"127.0.0.1:{port}",
                               "--log-level", "warning", "app:app"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=logs[0])
    indexer = subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "worker"], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=logs[1])
    acknowledged, unanswered, server_errors, reads = [], [], [], []
    kills, rebuild = [], {}
    lock = threading.Lock()
    try:
        wait_until_serving(base)
        sessions = [session(base, f"writer{n}@example.org", password) for n in range(WRITERS)]
        deadline = time.monotonic() + SECONDS

        def writer(n: int) -> None:
            opener, _ = sessions[n]
            form = opener.open(f"{base}/threads/{thread_id}", timeout=60).read().decode()
            token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
            while time.monotonic() < deadline:
                mark = f"tok{uuid.uuid4().hex}"
                data = urlencode({"csrf_token": token, "body": f"Reply {mark} under load"}).encode()
                try:
                    opener.open(f"{base}/threads/{thread_id}/posts", data=data, timeout=60)
                    status = 200
                except urllib.error.HTTPError as answer:
                    status = answer.code
                except OSError:  # the worker serving it was killed: no answer, so no promise
                    with lock:
                        unanswered.append(mark)
                    continue
                with lock:
                    if status >= 500:
                        server_errors.append(("POST reply", status))
                    elif status < 400:
                        acknowledged.append(mark)

        def reader(n: int) -> None:
            rng = random.Random(n)
            while time.monotonic() < deadline:
                url = (f"{base}/threads/{thread_id}" if rng.random() < 0.5
                       else f"{base}/search?{urlencode({'q': rng.choice(['reply', 'load', 'under', 'tok'])})}")
                started = time.perf_counter()
                try:
                    status = urllib.request.urlopen(url, timeout=60).status
                except urllib.error.HTTPError as answer:
                    status = answer.code
                except OSError:
                    continue
                with lock:
                    reads.append((time.perf_counter() - started) * 1000)
                    if status >= 500:
                        server_errors.append((url, status))

        def killer() -> None:
            rng = random.Random(0)
            time.sleep(KILL_EVERY)
            while time.monotonic() < deadline - 2:
                pids = worker_pids(server.pid)
                if pids:
                    victim = rng.choice(pids)
                    os.kill(victim, signal.SIGKILL)
                    kills.append(victim)
                time.sleep(KILL_EVERY)

        def rebuilder() -> None:
            time.sleep(SECONDS / 2)
            done = subprocess.run([sys.executable, "-m", "flask", "--app", "app", "search", "rebuild"],
                                  cwd=ROOT, env=env, capture_output=True, text=True)
            rebuild.update(code=done.returncode, output=done.stdout + done.stderr)

        threads = ([threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
                   + [threading.Thread(target=reader, args=(n,)) for n in range(READERS)]
                   + [threading.Thread(target=killer), threading.Thread(target=rebuilder)])
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        for process in (server, indexer):
            stop(process)
        for log in logs:
            log.close()

    subprocess.run([sys.executable, "-m", "flask", "--app", "app", "search", "sync"], cwd=ROOT, env=env,
                   check=True, capture_output=True)
    with app.app_context():
        rows = db.session.execute(db.select(Post.id, Post.body).where(Post.thread_id == thread_id)).all()
        integrity = db.session.execute(db.text("PRAGMA integrity_check")).scalar()
        with searchers.using(index_root()) as searcher:
            indexed = {fields["post_id"] for fields in searcher.all_stored_fields()}
    posts_of: dict[str, list[int]] = {}
    for post_id, body in rows:
        for mark in re.findall(r"tok[0-9a-f]{32}", body):
            posts_of.setdefault(mark, []).append(post_id)
    lost = [mark for mark in acknowledged if mark not in posts_of]
    doubled = [mark for mark, ids in posts_of.items() if len(ids) > 1]
    unindexed = [mark for mark in acknowledged if mark in posts_of and str(posts_of[mark][0]) not in indexed]
    # And through the search page, as a member would look for a few of them.
    client = app.test_client()
    sample = random.Random(1).sample(acknowledged, min(20, len(acknowledged)))
    unindexed += [mark for mark in sample
                  if "1 post found" not in client.get("/search", query_string={"q": mark}).get_data(as_text=True)]
    p95 = statistics.quantiles(reads, n=20)[-1] if len(reads) > 20 else float("nan")
    print(f"\nload and kill: {len(acknowledged)} acknowledged, {len(unanswered)} unanswered (worker killed), "
          f"{len(lost)} lost, {len(doubled)} doubled, {len(unindexed)} unindexed, "
          f"{len(server_errors)} 5xx, {len(kills)} SIGKILLs, {len(reads)} reads, read p95 {p95:.0f} ms, "
          f"rebuild exit {rebuild.get('code')}, integrity {integrity}")
    assert acknowledged, "no reply was acknowledged"
    assert kills, "no worker was killed"
    assert rebuild.get("code") == 0, rebuild.get("output")
    assert server_errors == [] and lost == [] and doubled == [] and unindexed == []
    assert integrity == "ok"
