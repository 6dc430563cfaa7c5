"""app.py, which WSGI servers and `flask --app app` load."""
import os
import socket
import subprocess
import sys

import pytest
from tests.conftest import ROOT



@pytest.mark.sqlite_only  # makes a SQLite forum of its own whichever database the run is on
def test_the_objects_start_up_made_are_kept_out_of_the_garbage_collectors_walks(tmp_path):
    env = {**os.environ, "FLASK_SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'forum.sqlite3'}",
           "FLASK_SEARCH_INDEX_DIR": str(tmp_path / "index"), "FLASK_CACHE_DIR": str(tmp_path / "cache"),
           "FLASK_MAIL_FOLDER": str(tmp_path / "mail"), "FLASK_UPLOAD_FOLDER": str(tmp_path / "uploads")}
    shown = subprocess.run(
        [sys.executable, "-c", "import gc, app; print(gc.get_freeze_count(), len(gc.get_objects()))"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=True).stdout.split()
    frozen, still_walked = int(shown[0]), int(shown[1])
    assert frozen > 10 * still_walked, (frozen, still_walked)


@pytest.mark.sqlite_only
def test_make_run_s_steps_read_as_what_happens_then_where_to_log_in(tmp_path):
    """What `make run` shows a newcomer: a line per step, no migration log, then where to go."""
    env = {**os.environ, "FLASK_SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'forum.sqlite3'}",
           "FLASK_SEARCH_INDEX_DIR": str(tmp_path / "index"), "FLASK_CACHE_DIR": str(tmp_path / "cache"),
           "FLASK_MAIL_FOLDER": str(tmp_path / "mail"), "FLASK_UPLOAD_FOLDER": str(tmp_path / "uploads"),
           "FLASK_WORKER_HEARTBEAT_FILE": str(tmp_path / "worker.alive"),
           "FLASK_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"}

    def flask(*args: str) -> str:
        done = subprocess.run([sys.executable, "-m", "flask", "--app", "app", *args], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=120, check=True)
        return done.stdout + done.stderr

    assert flask("init-db") == f"Created the database: {tmp_path / 'forum.sqlite3'}.\n"
    (tmp_path / "worker.alive").touch()
    with socket.create_server(("127.0.0.1", 0)) as server:  # `make run DEMO=0`: no one to log in as yet
        port = server.getsockname()[1]
        assert "no one can log in yet. Make yourself an admin" in flask("welcome", "--port", str(port))
    assert flask("demo", "load", "--if-empty") == (
        "Loaded the demo community: 15 members, 4 themes and 101 posts.\n")
    assert flask("init-db") == f"The database is up to date: {tmp_path / 'forum.sqlite3'}.\n"

    # Said once the server answers and the worker beats: a port that listens, a heartbeat.
    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
        said = flask("welcome", "--host", "127.0.0.1", "--port", str(port))
    assert said == (
        f"\nOpen http://127.0.0.1:{port} — log in as rosa.delgado@example.org (moderator),\n"
        "siobhan.brennan@example.org (admin) or jackie.wheeler@example.org (member);\n"
        "every demo account's password is teach-lead-share.\nCtrl-C stops the forum.\n\n")
