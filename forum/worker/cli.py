"""The background worker's command: flask --app app worker."""
from __future__ import annotations

import logging
import signal
import threading

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("worker")
@click.option("--once", is_flag=True, help="Do what is waiting now, then exit.")
@with_appcontext
def worker_command(once: bool):
    """Update the search index, notify members, send mail and publish due panel questions, until stopped."""
    from . import loop

    # A long-running process says what it does: where mail went, what failed.
    if current_app.logger.level == logging.NOTSET or current_app.logger.level > logging.INFO:
        current_app.logger.setLevel(logging.INFO)
    if once:
        done = loop.run_once()
        click.echo("Worker: " + (", ".join(f"{job} {count}" for job, count in done.items()) or "nothing waiting") + ".")
        return
    stop = threading.Event()
    for number in (signal.SIGINT, signal.SIGTERM):  # finish the batch in hand, then stop
        signal.signal(number, lambda *_: stop.set())
    click.echo("Worker running (Ctrl-C to stop).")
    loop.run(stop)
    click.echo("Worker stopped.")
