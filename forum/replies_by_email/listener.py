"""The forum's own mail listener: SMTP (or LMTP) with aiosmtpd, for `flask mail receive`.

It takes mail only for reply addresses of MAIL_INCOMING_DOMAIN (any other
recipient is refused at RCPT, so it relays nothing), refuses a message over
REPLY_BY_EMAIL_MAX_BYTES (advertised in EHLO's SIZE; aiosmtpd answers 552),
and answers 250 only once the message is committed (receiving.store). When
the database is away it answers 451, and the sending server tries again.
"""
from __future__ import annotations

import asyncio

from aiosmtpd.controller import Controller
from aiosmtpd.lmtp import LMTP
from aiosmtpd.smtp import SMTP
from flask import Flask
from sqlalchemy.exc import OperationalError

from ..core.extensions import db
from . import addresses, receiving


class _Handler:
    def __init__(self, app: Flask):
        self.app = app

    async def handle_RCPT(self, _server, _session, envelope, address, _options):
        with self.app.app_context():
            wanted = addresses.is_reply_address(address)
        if not wanted:
            return "550 5.1.1 No such reply address here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, _server, _session, envelope):
        raw = envelope.original_content or envelope.content
        # An empty MAIL FROM is a bounce's: kept as "<>", apart from a sender nobody gave (stdin).
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        loop = asyncio.get_running_loop()
        # The database write blocks: off the event loop, so other connections go on meanwhile.
        return await loop.run_in_executor(None, self._keep, raw, envelope.mail_from or "<>",
                                          envelope.rcpt_tos[0])

    def _keep(self, raw: bytes, sender: str, recipient: str) -> str:
        with self.app.app_context():
            try:
                receiving.store(raw, sender, recipient)
            except receiving.Unreadable:
                return "554 5.6.0 This is not an email message: no headers"
            except OperationalError:
                self.app.logger.warning("mail receive: the database is unavailable; the sender will retry")
                return "451 4.3.0 Try again later"
            finally:
                db.session.remove()
        return "250 Message accepted"


class _Listener(Controller):
    def __init__(self, app: Flask, host: str, port: int, lmtp: bool):
        self.lmtp = lmtp
        super().__init__(_Handler(app), hostname=host, port=port,
                         data_size_limit=app.config["REPLY_BY_EMAIL_MAX_BYTES"], decode_data=False)

    def factory(self):
        return (LMTP if self.lmtp else SMTP)(self.handler, **self.SMTP_kwargs)


def start(app: Flask, host: str = "127.0.0.1", port: int = 8025, lmtp: bool = False) -> Controller:
    """A listener running in a thread of its own; stop() it."""
    listener = _Listener(app, host, port, lmtp)
    listener.start()
    return listener
