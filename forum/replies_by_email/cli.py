"""Receiving replies by email: flask --app app mail receive | deliver | sample-reply."""
from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import with_appcontext

# sysexits.h, which MTAs read from a pipe transport's command: 65 bounces the message, 75 retries it.
EX_OK, EX_DATAERR, EX_NOUSER, EX_TEMPFAIL = 0, 65, 67, 75
_CHUNK = 64 * 1024


@click.command("receive")
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to listen on.")
@click.option("--port", type=int, default=8025, show_default=True)
@click.option("--lmtp", is_flag=True, help="Speak LMTP (for an MTA that hands mail on by LMTP) instead of SMTP.")
@with_appcontext
def receive(host: str, port: int, lmtp: bool):
    """Listen for replies by email (SMTP, or LMTP), keeping each for the worker to post."""
    import signal
    import threading

    from . import addresses, listener

    if not addresses.enabled():
        raise click.ClickException("Reply by email is off: set MAIL_INCOMING_DOMAIN (README, “Reply by email”).")
    server = listener.start(current_app._get_current_object(), host, port, lmtp)
    stop = threading.Event()
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, lambda *_: stop.set())
    click.echo(f"Receiving replies for reply+…@{current_app.config['MAIL_INCOMING_DOMAIN']} by "
               f"{'LMTP' if lmtp else 'SMTP'} on {host}:{port} (Ctrl-C to stop).")
    try:
        stop.wait()
    finally:
        server.stop()


@click.command("deliver")
@click.option("--sender", default="", help="The envelope sender (Postfix: ${sender}); \"<>\" for a bounce.")
@click.option("--recipient", default="", help="The reply address it was sent to (Postfix: ${original_recipient}).")
@with_appcontext
def deliver(sender: str, recipient: str):
    """Keep one message read on stdin, for an MTA's pipe transport. Exit 0 kept, 65 not an email,
    67 not a reply address, 75 the database is unavailable (the MTA tries again)."""
    from sqlalchemy.exc import OperationalError

    from . import addresses, receiving

    if recipient and not addresses.is_reply_address(recipient):
        click.echo(f"{recipient} is not a reply address of this forum.", err=True)
        sys.exit(EX_NOUSER)
    raw, size = _read_stdin(current_app.config["REPLY_BY_EMAIL_MAX_BYTES"])
    try:
        kept = receiving.store(raw, sender, recipient, size)
    except receiving.Unreadable:
        click.echo("This is not an email message: it has no headers.", err=True)
        sys.exit(EX_DATAERR)
    except OperationalError as error:
        click.echo(f"The database is unavailable ({error.orig or error}); try again later.", err=True)
        sys.exit(EX_TEMPFAIL)
    click.echo("Kept for the worker to post." if kept else "Kept already (the same Message-ID): ignored.")


def _read_stdin(limit: int) -> tuple[bytes, int]:
    """Up to `limit` bytes of the message, and its whole size (the rest is read and dropped)."""
    stream = sys.stdin.buffer
    kept, size = bytearray(), 0
    while chunk := stream.read(_CHUNK):
        size += len(chunk)
        if len(kept) < limit:
            kept += chunk[:limit - len(kept)]
    return bytes(kept), size


@click.command("sample-reply")
@click.option("--to-post", "post_id", type=int, required=True, help="The post the reply answers.")
@click.option("--from", "from_email", default="", help="The member who replies (default: a member other than its author).")
@with_appcontext
def sample_reply(post_id: int, from_email: str):
    """Write to stdout a reply by email, as a member's mail client would send it, to try `mail deliver`."""
    from . import sample

    try:
        click.echo(sample.reply_message(post_id, from_email), nl=False)
    except ValueError as error:
        raise click.ClickException(str(error)) from None
