"""Telling a member why their reply by email was not posted: one short email, never a loop.

It goes only to the member the reply address belongs to, at their
account's address, never to the From of the message (which anyone can
write), and at most once an hour per address: a mail system that answers
our answer gets nothing more back. It is "Auto-Submitted: auto-replied"
(forum.mail.mailer.ANSWER_KEY), which well-behaved responders leave alone.
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from ..core.database import utcnow
from ..core.extensions import db
from ..mail import emails, mailer
from ..models import IncomingMessage, OutgoingMail, Post, User

QUIET = timedelta(hours=1)
WROTE_MAX = 20_000


def answered_lately(address: str) -> bool:
    """Whether this address had one of these answers within the hour."""
    return db.session.scalar(select(OutgoingMail.id).where(
        OutgoingMail.key.startswith(mailer.ANSWER_KEY), OutgoingMail.to_address == address,
        OutgoingMail.created_at >= utcnow() - QUIET).limit(1)) is not None


def tell(message: IncomingMessage, member: User, post: Post, reason: str, wrote: str) -> bool:
    """Queue the answer saying why (no commit); False when one went to the member within the hour."""
    if answered_lately(member.email):
        return False
    emails.queue(f"{mailer.ANSWER_KEY}{message.id}", member, "Your reply by email was not posted",
                 "reply-refused", reason=reason, wrote=wrote[:WROTE_MAX], thread=post.thread.title,
                 url=emails.absolute_url("threads.permalink", post_id=post.id))
    return True
