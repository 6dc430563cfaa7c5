"""The background worker: what must happen soon after a change, but not inside its request.

Each job does one batch of what is waiting and says how much it did. The
work itself is described by rows written in the same transaction as the
change (the search outbox, notification events, the mail outbox; scheduled
panel questions; messages received for reply by email), so a worker that
is killed loses nothing: the rows are still there when it starts again.
`flask --app app worker` runs the loop; `make run` starts one beside the
web server, and a deployment runs it as a process of its own.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Callable

from flask import current_app
from sqlalchemy.exc import OperationalError

import search

from . import heartbeat
from ..searching import indexing
from ..panel import questions
from ..notifications import notify
from ..mail import mailer, mailings
from ..replies_by_email import processing as replies_by_email
from ..core.database import read_transaction
from ..core.extensions import db

BACKOFF_SECONDS = 5.0
# A missing search index needs an admin's rebuild: said once a minute, not four times a second.
INDEX_MISSING_BACKOFF_SECONDS = 60.0


def _when_waiting(waiting: Callable[[], bool], work: Callable[[], int]) -> Callable[[], int]:
    """A job that looks for rows without the write lock first: an idle worker asks four times a second."""
    def run() -> int:
        with read_transaction():
            found = waiting()
        return work() if found else 0
    return run


@dataclass
class Job:
    name: str
    run: Callable[[], int]
    every_seconds: float  # at most this long between two runs while idle
    due_at: float = field(default=0.0)


def jobs() -> list[Job]:
    """The worker's jobs, most urgent first."""
    poll = current_app.config["WORKER_POLL_SECONDS"]
    return [
        Job("search index", _when_waiting(indexing.changes_waiting, search.apply_pending), poll),
        Job("notifications", _when_waiting(notify.events_waiting, notify.handle_events), poll),
        Job("replies by email", _when_waiting(replies_by_email.waiting, replies_by_email.handle_waiting), poll),
        Job("notification emails", notify.compose_emails, 5.0),
        Job("mailings", mailings.compose_batch, 5.0),
        Job("mail", mailer.send_due, 5.0),
        Job("mail schedule", mailings.schedule, 60.0),
        # Their posts' outbox rows go to the search job.
        Job("panel questions", questions.publish_due, 30.0),
        # Once, as a job, so a database that is down at start-up is waited for like any other.
        Job("search index check", _check_search_index, float("inf")),
    ]


def _check_search_index() -> int:
    if not search.index_exists():
        current_app.logger.warning("worker: %s", search.REBUILD_NEEDED)
    return 0


def run_due(todo: list[Job], now: float, done: dict[str, int] | None = None) -> int:
    """Run each job whose time has come; returns how much work was done (added up in `done`)."""
    total = 0
    for job in todo:
        if job.due_at > now:
            continue
        try:
            did = job.run()
        except OperationalError as error:  # the database is away: wait, then try again
            current_app.logger.warning("worker: %s waits for the database: %s", job.name, error)
            did, job.due_at = 0, now + BACKOFF_SECONDS
        except search.IndexMissing as missing:  # an error a minute, no traceback: nothing here can fix it
            current_app.logger.error("worker: %s: %s. %s", job.name, missing, search.INDEX_MISSING)
            did, job.due_at = 0, now + INDEX_MISSING_BACKOFF_SECONDS
        except Exception:
            current_app.logger.exception("worker: %s failed; its rows are kept for the next try", job.name)
            did, job.due_at = 0, now + BACKOFF_SECONDS
        else:
            # Work found: come back at once, there may be more.
            job.due_at = now if did else now + job.every_seconds
        finally:
            db.session.remove()
        total += did
        if done is not None and did:
            done[job.name] = done.get(job.name, 0) + did
    return total


def run_once() -> dict[str, int]:
    """Everything that is waiting now, then return (for tests and cron): how much, by job."""
    todo, done = jobs(), {}
    # Every job on each pass, whatever its schedule, until a pass finds nothing.
    while run_due(todo, now=float("inf"), done=done):
        pass
    return done


def run(stop: threading.Event) -> None:
    """Work until `stop` is set; between passes, sleep until the next job is due."""
    todo = jobs()
    current_app.logger.debug("worker started: %s", ", ".join(job.name for job in todo))
    beaten, unwritable = 0.0, None
    try:
        while not stop.is_set():
            now = time.monotonic()
            if now - beaten >= heartbeat.BEAT_SECONDS:
                failed = heartbeat.beat()  # page views leave due panel questions to us
                if failed and unwritable is None:  # said once, not every beat
                    current_app.logger.error("worker: its sign of life cannot be written (%s); "
                                             "it goes on without it", failed)
                unwritable, beaten = failed, now
            if run_due(todo, now):
                continue
            wake = min(min(job.due_at for job in todo), beaten + heartbeat.BEAT_SECONDS)
            stop.wait(max(0.0, wake - time.monotonic()))
    finally:
        heartbeat.stop()
