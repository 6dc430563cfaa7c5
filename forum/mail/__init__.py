"""Email: what each one says (emails), the mailings to many members (mailings: digests and the month's
emails), sending them (mailer), and the digest command (cli). Templates are in templates/email/."""
from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """The mail command."""
    from . import cli

    app.cli.add_command(cli.mail)
