"""Records that security rules need to share across worker processes."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..core.database import UTCDateTime, utcnow
from ..core.extensions import db


class ThrottleEvent(db.Model):
    """One counted attempt (a failed login, a reset request, a post), kept for its window.

    Kept in the database rather than in memory so that every worker
    process sees the same count (forum.throttle).
    """

    __tablename__ = "throttle_events"
    __table_args__ = (Index("ix_throttle_events_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(300))  # what is counted, and for whom: "login-pair:1.2.3.4|a@b.org"
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
