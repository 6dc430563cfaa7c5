"""Members' reports of posts that break the community's rules, and what moderators did."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.database import UTCDateTime, reference, utcnow
from ..core.extensions import db

if TYPE_CHECKING:
    from .discussions import Post
    from .users import User

# Report.outcome, once a moderator has looked.
HIDDEN, KEPT = "hidden", "kept"


class Report(db.Model):
    __tablename__ = "reports"
    __table_args__ = (
        # A member reports a post once; a second click finds the row there.
        UniqueConstraint("post_id", "reporter_id", name="uq_reports_post_reporter"),
        # The moderators' queue: open reports, oldest first.
        Index("ix_reports_open", "resolved_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(reference("posts.id", ondelete="CASCADE"), index=True)
    reporter_id: Mapped[int] = mapped_column(reference("users.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(reference("users.id"))
    outcome: Mapped[str | None] = mapped_column(String(16))  # HIDDEN or KEPT

    post: Mapped[Post] = relationship()
    reporter: Mapped[User] = relationship(foreign_keys=[reporter_id])
