"""Reply by email: members answer a notification by replying to it, and the reply is posted.

addresses (the per-member, per-post reply address), receiving (each message
kept before it is acknowledged), listener (`flask mail receive`: SMTP or
LMTP), extracting (only what the member wrote), processing (the worker's
job: a post through posting.reply, or a refusal), refusals (the one email
saying why), cli (receive, deliver, sample-reply: under `flask mail`).
docs/replies-by-email.md says how the parts fit.
"""
from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Its commands join the mail group (`flask mail receive`, `deliver`, `sample-reply`)."""
    from ..mail.cli import mail
    from . import cli

    for command in (cli.receive, cli.deliver, cli.sample_reply):
        mail.add_command(command)
