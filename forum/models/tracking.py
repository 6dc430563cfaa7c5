"""How far each member has read each thread: what is new to them."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..core.database import UTCDateTime, reference, utcnow
from ..core.extensions import db


class ThreadRead(db.Model):
    """The newest post of a thread a member has seen; later posts are new to them.

    Written by a POST from the thread page (a beacon, or the "mark read"
    button), never by the page view itself: a GET stays a read.
    """

    __tablename__ = "thread_reads"
    __table_args__ = (UniqueConstraint("user_id", "thread_id", name="uq_thread_reads_user_thread"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(reference("users.id", ondelete="CASCADE"))
    thread_id: Mapped[int] = mapped_column(reference("threads.id", ondelete="CASCADE"), index=True)
    # Post ids grow with time within a forum, so "newer than" is "id greater than".
    last_read_post_id: Mapped[int] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
