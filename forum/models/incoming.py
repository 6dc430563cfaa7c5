"""Email received for the forum: replies members send to a notification (forum/replies_by_email)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from ..core.database import UTCDateTime, reference, utcnow
from ..core.extensions import db

# IncomingMessage.status
WAITING, POSTED, REFUSED, IGNORED = "pending", "posted", "refused", "ignored"


class IncomingMessage(db.Model):
    """One message as it was received, kept before the sender's server is told it arrived.

    The worker turns it into a post (posted), or explains by email why not
    (refused), or drops it without a word (ignored: auto-replies, bounces,
    forged addresses). `message_id` is the message's Message-ID, or a hash of
    its bytes when it has none: the same message delivered twice is one row.
    An operational record, never in the archive or a member's data download.
    """

    __tablename__ = "incoming_messages"
    __table_args__ = (Index("ix_incoming_messages_status", "status", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(String(255), unique=True)
    # As received, at most REPLY_BY_EMAIL_MAX_BYTES of it; byte_size is the whole message's.
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    byte_size: Mapped[int] = mapped_column()
    # The envelope's MAIL FROM (empty for bounces) and RCPT TO, as the server or the MTA gave them.
    sender: Mapped[str] = mapped_column(String(254), default="")
    recipient: Mapped[str] = mapped_column(String(254), default="")
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(10), default=WAITING)
    # The member the reply address named, once it was read (refusals are told to them, never to the From).
    user_id: Mapped[int | None] = mapped_column(reference("users.id", ondelete="SET NULL"))
    post_id: Mapped[int | None] = mapped_column(reference("posts.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(String(500), default="")
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
