"""The search outbox: what the index must catch up with, written with the change."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from ..core.database import UTCDateTime, utcnow
from ..core.extensions import db


class SearchOutbox(db.Model):
    """One "bring the index in step with this object" request.

    Rows say what changed, not how: applying one re-reads the object and
    indexes it if it is visible or removes it if not, so applying a row
    twice, or rows in any order, gives the same index.
    """

    __tablename__ = "search_outbox"
    # Ids must never be reused: a writer deletes the rows it applied by id,
    # and SQLite would otherwise hand a freed id to a newer, unapplied row.
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # "post", "thread" or "theme"
    ref_id: Mapped[int] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
