"""Command-line tools: flask --app app <group> <command>."""
from __future__ import annotations

import logging
import signal
import threading

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from .core.extensions import db
from .forms.fields import check_password_strength
from .models import ROLES, OutgoingMail, User
from .models.notifications import SENT
from .accounts.passwords import hash_password
from .core.text import clean_line


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
    click.echo(f"\nOpen http://{shown_host}:{port} — {_who_logs_in()}\nCtrl-C stops the forum.\n")


def _who_logs_in() -> str:
    """The demo's accounts when they are there; else how to make the first one."""
    from . import demo as demo_data

    accounts = demo_data.showcase_accounts()
    if accounts:
        names = [f"{email} ({role})" for email, role in accounts]
        listed = names[0] if len(names) == 1 else ",\n".join(names[:-1]) + f" or {names[-1]}"
        return (f"log in as {listed};\nevery demo account's password is {demo_data.DEMO_PASSWORD}.")
    if db.session.scalar(db.select(User.id).limit(1)) is not None:
        return "log in with your account."
    return ("no one can log in yet. Make yourself an admin, in another terminal:\n"
            "  .venv/bin/flask --app app users create --email you@school.org --display-name \"Your Name\" "
            "--role admin")


users = AppGroup("users", help="Manage member accounts.")


@users.command("create")
@click.option("--email", required=True)
@click.option("--display-name", required=True)
@click.option("--role", type=click.Choice(ROLES), default="member", show_default=True)
@click.option("--password", help="Prompted for (hidden) when not given.")
def create_user(email: str, display_name: str, role: str, password: str | None):
    """Create an account with any role."""
    email = User.normalise_email(email)
    display_name = clean_line(display_name)
    if len(display_name) < 2:
        raise click.ClickException("The display name needs at least 2 characters.")
    if "@" not in email:
        raise click.ClickException(f"{email!r} is not an email address.")
    if User.by_email(email) is not None:
        raise click.ClickException(f"An account with email {email} already exists.")
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    problem = check_password_strength(password, email=email, name=display_name)
    if problem:
        raise click.ClickException(f"Password rejected: {problem}")
    user = User(email=email, display_name=display_name, role=role,
                password_hash=hash_password(password))
    db.session.add(user)
    db.session.commit()
    click.echo(f"Created {role} {display_name} <{email}> (id {user.id}).")


def _member(email: str) -> User:
    user = User.by_email(email)
    if user is None:
        raise click.ClickException(f"No account uses {User.normalise_email(email)}.")
    return user


@users.command("set-password")
@click.argument("email")
def set_password(email: str):
    """Set a member's password (prompted, hidden); every session of theirs ends."""
    from .accounts.membership import change_password

    user = _member(email)
    password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
    problem = check_password_strength(password, email=user.email, name=user.display_name)
    if problem:
        raise click.ClickException(f"Password rejected: {problem}")
    change_password(user, password)
    click.echo(f"Password set for {user.display_name} <{user.email}>; their other sessions are signed out.")


@users.command("invite")
@click.argument("email")
def invite(email: str):
    """Email a member a link to choose a password (a reset link if they have one already)."""
    from .mail import emails, mailer
    from .accounts import tokens

    user = _member(email)
    purpose = tokens.RESET if user.can_log_in else tokens.INVITATION
    mail = emails.queue_password_link(user, purpose)
    db.session.commit()
    mail_id = mail.id
    mailer.send_due()  # now, rather than waiting for the worker
    mail = db.session.get(OutgoingMail, mail_id)
    what = "a reset link" if purpose == tokens.RESET else "an invitation"
    if mail.status == SENT:
        click.echo(f"Sent {what} to {user.email} (valid for {tokens.valid_for(purpose)}).")
    else:
        click.echo(f"The mail server did not take {what} to {user.email} yet ({mail.last_error or 'waiting'}); "
                   "the worker keeps trying.")


demo = AppGroup("demo", help="The demo community.")


@demo.command("load")
@click.option("--if-empty", is_flag=True, help="Do nothing when the forum already has themes.")
def load_demo(if_empty: bool):
    """Load a believable demo community: members, themes, discussions."""
    from . import demo as demo_data

    if not demo_data.is_empty():
        if if_empty:
            return
        raise click.ClickException("The forum already has themes; the demo loads only into an empty one.")
    loaded = demo_data.load()
    click.echo(f"Loaded the demo community: {loaded.users} members, {loaded.themes} themes and "
               f"{loaded.posts} posts.")
    if not if_empty:  # `make run` (--if-empty) names the accounts once the forum is up
        click.echo(f"Every demo account's password is {demo_data.DEMO_PASSWORD}; log in as "
                   + ", ".join(f"{email} ({role})" for email, role in demo_data.showcase_accounts()) + ".")


@demo.command("remove")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def remove_demo(yes: bool):
    """Take the demo community out: its themes, discussions, questions and members."""
    from . import demo as demo_data

    if not yes:
        click.confirm("Delete the demo's themes with every post in them, and its members?", abort=True)
    counts = demo_data.remove()
    kept = (f"; {counts['members_kept']} demo member{'s' if counts['members_kept'] != 1 else ''} kept, "
            "as something outside the demo is theirs") if counts["members_kept"] else ""
    click.echo(f"Removed {counts['themes']} themes, {counts['posts']} posts and {counts['members']} members{kept}.")


posts = AppGroup("posts", help="Maintenance of stored posts.")


@posts.command("rerender")
@click.option("--all", "everything", is_flag=True, help="Re-render every post, not only stale ones.")
def rerender(everything: bool):
    """Re-render stored HTML after the Markdown or sanitising policy changed."""
    from .discussions.posting import rerender_stale
    from .themes.months import rerender_blog_posts

    done = rerender_stale(everything=everything)
    themes = rerender_blog_posts()
    click.echo(f"Re-rendered {done} posts and {themes} theme blog posts.")


search_group = AppGroup("search", help="The full-text search index.")


@search_group.command("rebuild")
def search_rebuild():
    """Build a fresh index from the database and swap it in (search keeps working)."""
    import search
    from sqlalchemy import func, select

    from .models import Post

    total = db.session.scalar(select(func.count(Post.id)))
    # click draws the bar only on a terminal; under cron or CI it stays quiet.
    try:
        with click.progressbar(length=total, label="Indexing posts") as bar:
            count = search.rebuild(progress=bar.update)
    except search.RebuildRunning as running:
        raise click.ClickException(str(running)) from None
    click.echo(f"Indexed {count} visible posts of {total}.")


@search_group.command("sync")
def search_sync():
    """Apply changes still waiting in the outbox (after a crash or a busy index)."""
    import search

    try:
        click.echo(f"Applied {search.apply_pending(timeout=30)} waiting changes.")
    except search.IndexMissing as missing:
        raise click.ClickException(f"{missing}. {search.INDEX_MISSING}") from None
    if not search.index_exists():  # nothing was waiting, so nothing above looked for the index
        raise click.ClickException(search.REBUILD_NEEDED)


@click.command("worker")
@click.option("--once", is_flag=True, help="Do what is waiting now, then exit.")
@with_appcontext
def worker_command(once: bool):
    """Update the search index, notify members, send mail and publish due panel questions, until stopped."""
    from .worker import loop as worker

    # A long-running process says what it does: where mail went, what failed.
    if current_app.logger.level == logging.NOTSET or current_app.logger.level > logging.INFO:
        current_app.logger.setLevel(logging.INFO)
    if once:
        done = worker.run_once()
        click.echo("Worker: " + (", ".join(f"{job} {count}" for job, count in done.items()) or "nothing waiting") + ".")
        return
    stop = threading.Event()
    for number in (signal.SIGINT, signal.SIGTERM):  # finish the batch in hand, then stop
        signal.signal(number, lambda *_: stop.set())
    click.echo("Worker running (Ctrl-C to stop).")
    worker.run(stop)
    click.echo("Worker stopped.")


mail = AppGroup("mail", help="Outgoing email.")


@mail.command("digest")
def mail_digest():
    """Compose and send the digests (and other mailings) that are due: for a cron job, or by hand."""
    from .mail import mailer, mailings

    made = mailings.schedule()
    composed = 0
    while did := mailings.compose_batch():
        composed += did
    sent = 0
    while did := mailer.send_due():
        sent += did
    click.echo(f"{made} mailing{'' if made == 1 else 's'} due; {composed} messages composed; {sent} sent.")


panel = AppGroup("panel", help="Panel questions.")


@panel.command("publish-due")
def publish_due():
    """Publish scheduled panel questions whose time has come (for a cron job)."""
    import search

    from .panel.questions import publish_due as publish

    count = publish()
    if count:
        try:
            search.apply_pending()  # no request ends here to do it
        except search.IndexMissing as missing:  # published all the same; the rows wait for a rebuild
            click.echo(f"Warning: {missing}. {search.INDEX_MISSING}", err=True)
    click.echo(f"Published {count} panel question{'' if count == 1 else 's'}.")


archive = AppGroup("archive", help="Move the whole community in or out as one JSON document.")


@archive.command("export")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--with-password-hashes", is_flag=True, help="Include password hashes: keep such a file secret.")
def archive_export(file: str, with_password_hashes: bool):
    """Write members, themes, discussions and panel questions to FILE (- for standard output)."""
    import os

    from . import archive as archive_io

    # Written aside and renamed when complete: a failed export never leaves half a backup.
    with click.open_file(file, "w", encoding="utf-8", atomic=file != "-") as out:
        counts = archive_io.export(out, with_password_hashes=with_password_hashes)
    if file != "-":
        os.chmod(file, 0o600)  # members' emails, maybe password hashes: for its owner only
    click.echo(f"Exported {counts['users']} members, {counts['themes']} themes, {counts['threads']} "
               f"threads and {counts['posts']} posts.", err=file == "-")


@archive.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
def archive_import(file: str):
    """Load an archive FILE (- for standard input): all of it, or, if anything is wrong, nothing."""
    import os
    import shutil
    import tempfile
    import time

    import search

    from . import archive as archive_io

    with tempfile.NamedTemporaryFile(suffix=".json") as spool:
        if file == "-":  # read twice (check, then load), so standard input is kept aside first
            with click.open_file("-", "rb") as stdin:
                shutil.copyfileobj(stdin, spool)
            spool.flush()
            file = spool.name
        try:
            with click.progressbar(length=os.path.getsize(file), label="Checking") as bar:
                facts = archive_io.check(file, progress=bar.update)
            with click.progressbar(length=facts.posts, label="Importing posts") as bar:
                loaded = archive_io.load(file, facts, progress=bar.update)
        except archive_io.ArchiveInvalid as invalid:
            problems = invalid.problems
            for message in problems.messages:
                click.echo(message, err=True)
            if problems.count > len(problems.messages):
                click.echo(f"... and {problems.count - len(problems.messages):,} more.", err=True)
            if invalid.already_imported:
                click.echo("Every theme in this archive is in the forum already: "
                           "it looks imported already.", err=True)
            raise click.ClickException(f"Nothing was imported: {problems.count:,} "
                                       f"problem{'' if problems.count == 1 else 's'} in the archive.")
    started = time.perf_counter()
    with click.progressbar(length=loaded.posts, label="Indexing posts") as bar:
        search.rebuild(progress=bar.update)
    indexing = time.perf_counter() - started
    total = loaded.seconds["total"] + indexing
    matched = f" ({loaded.users_matched} already members)" if loaded.users_matched else ""
    click.echo(f"Imported {loaded.users} members{matched}, {loaded.themes} themes, {loaded.threads} threads, "
               f"{loaded.posts} posts and {loaded.questions} panel questions"
               f"{' (posts kept their ids)' if loaded.ids_kept else ''}.")
    click.echo(f"Took {total:.1f} s: Markdown {loaded.seconds['markdown']:.1f} s, "
               f"search index {indexing:.1f} s.")


cache_group = AppGroup("cache", help="The page cache for visitors (forum/page_cache/cache.py).")


@cache_group.command("clear")
def cache_clear():
    """Empty the page cache. Never needed for pages to be right: a change gives pages new keys."""
    from .page_cache.cache import cache

    cache.clear()
    click.echo("The page cache is empty.")


uploads_group = AppGroup("uploads", help="Attached files, and where their bytes are kept (UPLOAD_STORE).")


@uploads_group.command("copy")
@click.option("--to", "target", type=click.Choice(["folder", "database"]), required=True,
              help="The store to copy every file into.")
def uploads_copy(target: str):
    """Copy every attached file from the store in use into another, before UPLOAD_STORE names it."""
    from .uploads import stores as upload_stores

    if target == current_app.config["UPLOAD_STORE"]:
        raise click.ClickException(f"UPLOAD_STORE is {target!r} already: name the store to copy into.")
    copied, present, missing = upload_stores.copy_all(target)
    click.echo(f"Copied {copied} file{'' if copied == 1 else 's'} into the {target} store "
               f"({present} there already).")
    if missing:
        raise click.ClickException(f"{len(missing)} file{'' if len(missing) == 1 else 's'} listed in the database "
                                   f"had no bytes to copy: {', '.join(missing[:20])}")
    click.echo(f'Now set UPLOAD_STORE = "{target}" on every app server.')


def init_app(app: Flask) -> None:
    for command in (init_db_command, users, demo, archive, posts, search_group, cache_group, panel, mail,
                    uploads_group, worker_command, welcome_command):
        app.cli.add_command(command)
