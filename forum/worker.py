"""The background worker: what must happen soon after a change, but not inside its request.

Each job does one batch of what is waiting and says how much it did. The
work itself is described by rows written in the same transaction as the
change (the search outbox, notification events, the mail outbox; scheduled
panel questions), so a worker that
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

from . import indexing
from .database import read_transaction
from .extensions import db

BACKOFF_SECONDS = 5.0


def _index_changes() -> int:
    import search

    # Looked for without the write lock: an idle worker asks four times a second.
    with read_transaction():
        waiting = indexing.changes_waiting()
    return search.apply_pending() if waiting else 0


def _handle_notification_events() -> int:
    from . import notify

    with read_transaction():
        waiting = notify.events_waiting()
    return notify.handle_events() if waiting else 0


def _compose_notification_emails() -> int:
    from . import notify

    return notify.compose_emails()


def _schedule_mailings() -> int:
    from . import mailings

    return mailings.schedule()


def _compose_mailings() -> int:
    from . import mailings

    return mailings.compose_batch()


def _send_mail() -> int:
    from . import mailer

    return mailer.send_due()


def _publish_due_questions() -> int:
    from . import panel

    return panel.publish_due()  # their posts' outbox rows go to the search job


@dataclass
class Job:
    name: str
    run: Callable[[], int]
    every_seconds: float  # at most this long between two runs while idle
    due_at: float = field(default=0.0)


def jobs() -> list[Job]:
    """The worker's jobs, most urgent first."""
    return [
        Job("search index", _index_changes, current_app.config["WORKER_POLL_SECONDS"]),
        Job("notifications", _handle_notification_events, current_app.config["WORKER_POLL_SECONDS"]),
        Job("notification emails", _compose_notification_emails, 5.0),
        Job("mailings", _compose_mailings, 5.0),
        Job("mail", _send_mail, 5.0),
        Job("mail schedule", _schedule_mailings, 60.0),
        Job("panel questions", _publish_due_questions, 30.0),
    ]


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
    current_app.logger.info("worker started: %s", ", ".join(job.name for job in todo))
    while not stop.is_set():
        now = time.monotonic()
        if run_due(todo, now):
            continue
        stop.wait(max(0.0, min(job.due_at for job in todo) - time.monotonic()))
