"""Commands for outgoing email: flask --app app mail ..."""
from __future__ import annotations

import click
from flask.cli import AppGroup


mail = AppGroup("mail", help="Outgoing email, and replies by email received (forum/replies_by_email).")


@mail.command("digest")
def mail_digest():
    """Compose and send the digests (and other mailings) that are due: for a cron job, or by hand."""
    from . import mailer, mailings

    made = mailings.schedule()
    composed = 0
    while did := mailings.compose_batch():
        composed += did
    sent = 0
    while did := mailer.send_due():
        sent += did
    click.echo(f"{made} mailing{'' if made == 1 else 's'} due; {composed} messages composed; {sent} sent.")
