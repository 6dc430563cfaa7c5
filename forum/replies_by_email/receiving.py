"""Keeping what arrives: each message a row, committed before its sender is told it arrived.

Both ways in (the SMTP/LMTP listener, forum.replies_by_email.listener, and
`flask mail deliver` for an MTA's pipe) call store() and answer only once
it returned: a message the forum said it took is in the database, whatever
happens next. The worker (forum.replies_by_email.processing) reads it later.
"""
from __future__ import annotations

import hashlib
from email.parser import BytesHeaderParser
from email.policy import compat32

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..core.extensions import db
from ..models import IncomingMessage

MESSAGE_ID_MAX = 255


class Unreadable(ValueError):
    """Not an email message at all: no header to read."""


def message_key(raw: bytes) -> str:
    """What makes a message the same message: its Message-ID, or the hash of its bytes without one."""
    headers = BytesHeaderParser(policy=compat32).parsebytes(raw)
    if not headers.keys():
        raise Unreadable("no header")
    found = " ".join(str(headers.get("Message-ID", "")).split())
    if found and len(found) <= MESSAGE_ID_MAX:
        return found
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def store(raw: bytes, sender: str = "", recipient: str = "", byte_size: int | None = None) -> bool:
    """Keep one message received, committed; False when it was kept already (the same Message-ID).

    `raw` is at most REPLY_BY_EMAIL_MAX_BYTES of it; `byte_size` the whole
    message's size when more arrived (the worker refuses it). Unreadable
    when it has no headers.
    """
    key = message_key(raw)
    if db.session.scalar(select(IncomingMessage.id).where(IncomingMessage.message_id == key)) is not None:
        return False
    limit = current_app.config["REPLY_BY_EMAIL_MAX_BYTES"]
    db.session.add(IncomingMessage(message_id=key, raw=raw[:limit], byte_size=byte_size or len(raw),
                                   sender=(sender or "")[:254], recipient=(recipient or "")[:254]))
    try:
        db.session.commit()
    except IntegrityError:  # the same message, delivered at the same moment through another way in
        db.session.rollback()
        return False
    return True
