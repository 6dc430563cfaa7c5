"""A worker killed mid-message: the message waits, nothing is posted twice."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

from tests.conftest import ROOT
from tests.replies_by_email.conftest import deliver, incoming, message, replies_to, reply_address, run_worker

# The worker, in a process of its own, killed (SIGKILL, as the OOM killer or a power cut would) at
# the last moment: the reply's post is written and flushed, the message marked posted, the
# transaction not yet committed.
KILLED_BEFORE_COMMIT = """
import json, os, signal, sys
from sqlalchemy import event
from sqlalchemy.orm import Session
from forum import create_app
from forum.models import IncomingMessage, Post
from forum.worker import loop

def die(session):
    posted = [m for m in session.identity_map.values() if isinstance(m, IncomingMessage) and m.status == "posted"]
    if posted and any(isinstance(o, Post) for o in session.identity_map.values()):
        print("killed before commit", flush=True)
        os.kill(os.getpid(), signal.SIGKILL)

event.listen(Session, "before_commit", die)
app = create_app(json.loads(os.environ["FORUM_TEST_CONFIG"]))
with app.app_context():
    loop.run_once()
print("not killed", flush=True)
"""

PASSED_ON = ("SQLALCHEMY_DATABASE_URI", "SECRET_KEY", "SEARCH_BACKEND", "SEARCH_INDEX_DIR", "MAIL_FOLDER",
             "UPLOAD_FOLDER", "CACHE_DIR", "WORKER_HEARTBEAT_FILE", "PASSWORD_HASH_METHOD", "MAIL_INCOMING_DOMAIN")


def test_a_worker_killed_before_its_commit_loses_nothing_and_posts_once(app, forum):
    address = reply_address(app, forum["jose"], forum["post"])
    assert deliver(app, message("gmail", address)).exit_code == 0
    config = {"TESTING": True, **{key: app.config[key] for key in PASSED_ON}}
    died = subprocess.run([sys.executable, "-c", KILLED_BEFORE_COMMIT], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "FORUM_TEST_CONFIG": json.dumps(config)}, timeout=60)
    assert died.returncode == -signal.SIGKILL, died.stderr
    assert "killed before commit" in died.stdout
    assert replies_to(app, forum["post"]) == [] and incoming(app) == [("pending", "")]
    run_worker(app)  # the next worker
    run_worker(app)
    assert [author for author, _ in replies_to(app, forum["post"])] == [forum["jose"]]
    assert incoming(app) == [("posted", "")]
