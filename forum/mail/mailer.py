"""Sending the outgoing mail rows: through SMTP, or into a folder when no server is set.

The standard library's smtplib and email.message do the work: Flask-Mail
would add little over them and hides the server's reply codes, which
decide here whether a failure is retried (4xx, no connection) or given up
(5xx for that recipient) without holding up the others.
"""
from __future__ import annotations

import hashlib
import os
import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from pathlib import Path

from flask import current_app
from sqlalchemy import func, or_, select, update

from ..core.database import utcnow
from ..core.extensions import db
from ..models import OutgoingMail
from ..models.notifications import FAILED, PENDING, SENT

BATCH = 50
FIRST_RETRY_SECONDS = 60
LONGEST_WAIT = timedelta(hours=6)
# The keys of emails that answer a message the forum received (forum.replies_by_email.refusals).
ANSWER_KEY = "answer:"


def message_id(mail: OutgoingMail) -> str:
    """The same for every attempt of one row: a resend after a crash is the same message."""
    digest = hashlib.sha256(mail.key.encode()).hexdigest()[:32]
    domain = parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])[1].rpartition("@")[2] or "localhost"
    return f"<{digest}@{domain}>"


def build_message(mail: OutgoingMail) -> EmailMessage:
    """The MIME message of one row: plain text and HTML alternatives."""
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    message["To"] = mail.to_address
    message["Subject"] = mail.subject
    message["Date"] = format_datetime(mail.created_at)
    message["Message-ID"] = message_id(mail)
    # RFC 3834: no vacation replies, please. An answer to a message received (reply by email's
    # refusals) is "auto-replied", which no well-behaved responder answers either.
    message["Auto-Submitted"] = "auto-replied" if mail.key.startswith(ANSWER_KEY) else "auto-generated"
    if mail.reply_to:
        message["Reply-To"] = mail.reply_to
    if mail.unsubscribe_url:
        message["List-Unsubscribe"] = f"<{mail.unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(mail.text)
    message.add_alternative(mail.html, subtype="html")
    return message


class _Transport:
    """SMTP when MAIL_SERVER is set, else .eml files in MAIL_FOLDER."""

    def __init__(self):
        self.config = current_app.config
        self.smtp: smtplib.SMTP | None = None
        self.kept: list[tuple[str, Path]] = []  # (to, file) of each message kept as a file

    def __enter__(self):
        if self.config["MAIL_SERVER"]:
            self.smtp = self._connect()
        return self

    def __exit__(self, *_exc):
        self._say_where_kept()
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (smtplib.SMTPException, OSError):
                self.smtp.close()

    def _connect(self) -> smtplib.SMTP:
        config = self.config
        host, port, timeout = config["MAIL_SERVER"], int(config["MAIL_PORT"]), config["MAIL_TIMEOUT_SECONDS"]
        if config["MAIL_USE_SSL"]:
            smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(host, port, timeout=timeout)
            if config["MAIL_USE_TLS"]:
                smtp.starttls(context=ssl.create_default_context())
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        return smtp

    def send(self, mail: OutgoingMail) -> None:
        message = build_message(mail)
        if self.smtp is not None:
            self.smtp.send_message(message)
            return
        folder = Path(self.config["MAIL_FOLDER"])
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{mail.id:06d}-{mail.key.replace(':', '-').replace('/', '-')}.eml"
        temporary = path.with_suffix(".tmp")
        temporary.write_bytes(message.as_bytes())
        os.replace(temporary, path)  # a reader never sees half a message
        self.kept.append((mail.to_address, path))

    def _say_where_kept(self) -> None:
        """One line a batch: a digest to every member would fill the screen of `make run` otherwise."""
        if len(self.kept) == 1:
            to, path = self.kept[0]
            current_app.logger.info("mail to %s kept in %s (no MAIL_SERVER set)", to, path)
        elif self.kept:
            first, last = self.kept[0][1], self.kept[-1][1]
            current_app.logger.info("%d emails kept in %s (no MAIL_SERVER set): %s to %s",
                                    len(self.kept), first.parent, first.name, last.name)


@dataclass
class _Outcome:
    sent: bool
    permanent: bool = False
    error: str = ""


def _send_one(transport: _Transport, mail: OutgoingMail) -> _Outcome:
    try:
        transport.send(mail)
    except smtplib.SMTPRecipientsRefused as refused:
        code, reason = next(iter(refused.recipients.values()))
        return _Outcome(False, permanent=500 <= code < 600, error=f"{code} {_text(reason)}")
    except smtplib.SMTPResponseException as answer:
        if isinstance(answer, smtplib.SMTPSenderRefused) or answer.smtp_code == 421:
            raise  # the server refuses us, not this recipient: stop the batch
        return _Outcome(False, permanent=500 <= answer.smtp_code < 600,
                        error=f"{answer.smtp_code} {_text(answer.smtp_error)}")
    return _Outcome(True)


def _text(reason) -> str:
    return reason.decode("utf-8", "replace") if isinstance(reason, bytes) else str(reason)


def _record(mail: OutgoingMail, outcome: _Outcome) -> None:
    now = utcnow()
    mail.attempts += 1
    if outcome.sent:
        mail.status, mail.sent_at, mail.last_error = SENT, now, ""
        return
    mail.last_error = outcome.error[:500]
    if outcome.permanent or mail.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
        mail.status = FAILED
        current_app.logger.warning("mail %s to %s given up: %s", mail.key, mail.to_address, outcome.error)
    else:
        mail.next_attempt_at = now + retry_delay(mail.attempts)


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4, 8 ... minutes after each failure, at most six hours."""
    return min(timedelta(seconds=FIRST_RETRY_SECONDS * 2 ** (attempts - 1)), LONGEST_WAIT)


def _claim() -> tuple[list[OutgoingMail], datetime]:
    """A batch of waiting rows, leased to this worker; and when the lease ends.

    The rows are locked while they are leased (skipping rows another worker
    is leasing at the same moment), and the lease is their next attempt's
    time moved to its end: until then no other worker, on this machine or
    another, takes them. No transaction is held while they travel.
    """
    now = utcnow()
    mails = db.session.scalars(
        select(OutgoingMail)
        .where(OutgoingMail.status == PENDING, OutgoingMail.next_attempt_at <= now)
        .order_by(OutgoingMail.next_attempt_at, OutgoingMail.id).limit(BATCH)
        .with_for_update(skip_locked=True)
    ).all()
    lease_ends = now + timedelta(seconds=current_app.config["MAIL_CLAIM_SECONDS"])
    for mail in mails:
        mail.next_attempt_at = lease_ends
    db.session.flush()
    for mail in mails:
        db.session.expunge(mail)  # as flushed: read again by nobody, updated by id
    db.session.commit()
    return mails, lease_ends


def send_due() -> int:
    """Send a batch of waiting mail; each row is recorded once its server answers.

    The batch is claimed first, in a short transaction of its own, then
    each row is recorded in another after its send: the database is not
    held while a message travels. A message is started only in the first
    half of the lease, so it is recorded long before another worker could
    take the row. A worker killed mid-batch leaves its unrecorded rows to be
    sent once the lease ends (under the same Message-ID); rows left when
    the half is over are let go at once. When the server can't be reached
    the whole batch waits, retried with the same backoff.
    """
    mails, lease_ends = _claim()
    if not mails:
        return 0
    ids, done = [mail.id for mail in mails], 0
    stop_starting = lease_ends - timedelta(seconds=current_app.config["MAIL_CLAIM_SECONDS"] / 2)
    try:
        with _Transport() as transport:
            for mail in mails:
                if utcnow() >= stop_starting:
                    break
                outcome = _send_one(transport, mail)
                db.session.add(mail)  # back in the session: its row is updated, not read again
                _record(mail, outcome)
                db.session.commit()
                done += 1
    except (smtplib.SMTPException, OSError) as error:
        db.session.rollback()
        _postpone(ids, f"mail server unavailable: {error}")
        current_app.logger.warning("mail server unavailable, %d messages wait: %s", len(mails), error)
        return done
    _let_go(ids[done:], lease_ends)
    return done


def _let_go(ids: list[int], lease_ends: datetime) -> None:
    """Rows claimed but not started: due again now, for any worker."""
    if ids:
        db.session.execute(update(OutgoingMail).where(
            OutgoingMail.id.in_(ids), OutgoingMail.status == PENDING,
            OutgoingMail.next_attempt_at == lease_ends).values(next_attempt_at=utcnow()))
        db.session.commit()


def _postpone(ids: list[int], error: str) -> None:
    for mail in db.session.scalars(select(OutgoingMail).where(
            OutgoingMail.id.in_(ids), OutgoingMail.status == PENDING)):
        _record(mail, _Outcome(False, error=error))
    db.session.commit()


# What admins see at /admin/mail.

def in_trouble(limit: int = 200) -> list[OutgoingMail]:
    """Mail given up on, or waiting for another try: the newest first."""
    return db.session.scalars(
        select(OutgoingMail).where(or_(OutgoingMail.status == FAILED,
                                       (OutgoingMail.status == PENDING) & (OutgoingMail.attempts > 0)))
        .order_by(OutgoingMail.id.desc()).limit(limit)).all()


def counts_by_status() -> dict[str, int]:
    return dict(db.session.execute(select(OutgoingMail.status, func.count()).group_by(OutgoingMail.status)).all())
