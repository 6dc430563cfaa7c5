"""The worker's sign of life: a file (in the instance folder) it touches while it runs.

Page views publish due panel questions only while no worker is alive on
this machine (a forum run without one still publishes them on time),
and read that from the file's age: no query, no write.
"""
from __future__ import annotations

import os
import time
from pathlib import Path

from flask import current_app

BEAT_SECONDS = 10.0
# A worker whose last beat is older than this is taken for gone.
ALIVE_SECONDS = 3 * BEAT_SECONDS


def _path() -> Path:
    return Path(current_app.config["WORKER_HEARTBEAT_FILE"])


def beat() -> OSError | None:
    """Touch the file; the error when it cannot be written (a full or read-only disk).

    The worker goes on without it: page views then publish due panel
    questions too, so nothing is missed.
    """
    try:
        _path().touch()
    except OSError as error:
        return error
    return None


def stop() -> None:
    try:
        _path().unlink(missing_ok=True)
    except OSError:  # it could not be written either: nothing to take back
        pass


def worker_alive() -> bool:
    return alive(_path())


def alive(path: str | Path) -> bool:
    """worker_alive() for a file named outside a request (the page cache's WSGI front door)."""
    try:
        return time.time() - os.stat(path).st_mtime < ALIVE_SECONDS
    except FileNotFoundError:
        return False
