"""The commands of the forum as a whole: init-db and welcome (make run's first and last words).

They are here, not in a package, because each spans several: the schema, the search index,
the worker's heartbeat, the demo, the accounts. And not in forum/core, which imports no model.
A package's own commands are in its cli.py (forum/accounts/cli.py: users; ...).
"""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import with_appcontext

from .core.extensions import db
from .models import User


@click.command("init-db")
@with_appcontext
def init_db_command():
    """Bring the database up to date (as `db upgrade` does) and create the search index."""
    import search

    from .models import Post
    from .schema import SchemaError, database_revision, has_tables, head_revision, upgrade

    before, existed = database_revision(), has_tables()
    try:
        upgrade(quiet=True)
    except SchemaError as problem:
        raise click.ClickException(str(problem)) from None
    where = _database_name()
    if not existed:
        click.echo(f"Created the database: {where}.")
    elif before != head_revision():
        click.echo(f"Upgraded the database {where} (from {before or 'before migrations'} to {head_revision()}).")
    else:
        click.echo(f"The database is up to date: {where}.")
    if not search.index_exists():
        # An empty forum's index is made in a moment: only a rebuild of posts is worth a word.
        posts = db.session.scalar(db.select(db.func.count(Post.id)))
        if posts:
            click.echo("Building the search index: there is none yet, or an earlier version of the forum "
                       "built it (an old one keeps answering searches until the new one is swapped in).")
        count = search.rebuild()
        if posts:
            click.echo(f"Search index created ({count} posts).")


def _database_name() -> str:
    """The SQLite file, or the server's address without its password."""
    url = db.engine.url
    return url.database if url.get_backend_name() == "sqlite" else url.render_as_string(hide_password=True)


@click.command("welcome", hidden=True)
@click.option("--host", default="127.0.0.1")
@click.option("--port", type=int, default=5000)
@click.option("--wait", "wait_seconds", type=float, default=60, help="How long to wait for the server and worker.")
@with_appcontext
def welcome_command(host: str, port: int, wait_seconds: float):
    """`make run`'s last words: once the server answers and the worker beats, where to open the forum."""
    import socket
    import time

    from .worker import heartbeat

    # Said last, so it is not lost above the server's banner: wait until both are up.
    shown_host = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    deadline = time.monotonic() + wait_seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection((shown_host, port), timeout=1).close()
        except OSError:
            time.sleep(0.2)
            continue
        if heartbeat.worker_alive():
            break
        time.sleep(0.2)
    from .replies_by_email import sample

    try_replying = sample.try_it()
    click.echo(f"\nOpen http://{shown_host}:{port} — {_who_logs_in()}\n"
               + (f"{try_replying}\n" if try_replying else "") + "Ctrl-C stops the forum.\n")


def _who_logs_in() -> str:
    """The demo's accounts when they are there; else how to make the first one."""
    from . import demo

    accounts = demo.showcase_accounts()
    if accounts:
        names = [f"{email} ({role})" for email, role in accounts]
        listed = names[0] if len(names) == 1 else ",\n".join(names[:-1]) + f" or {names[-1]}"
        return (f"log in as {listed};\nevery demo account's password is {demo.DEMO_PASSWORD}.")
    if db.session.scalar(db.select(User.id).limit(1)) is not None:
        return "log in with your account."
    return ("no one can log in yet. Make yourself an admin, in another terminal:\n"
            "  .venv/bin/flask --app app users create --email you@school.org --display-name \"Your Name\" "
            "--role admin")


def init_app(app: Flask) -> None:
    for command in (init_db_command, welcome_command):
        app.cli.add_command(command)
