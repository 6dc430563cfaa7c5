"""Questions from a theme's expert panel, queued for moderators to post one at a time."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.database import UTCDateTime, reference, utcnow
from ..core.extensions import db

if TYPE_CHECKING:
    from .discussions import Post
    from .themes import Theme
    from .users import User

QUEUED, SCHEDULED, PUBLISHED = "queued", "scheduled", "published"
DISMISSED, ANSWERED_LIVE = "dismissed", "answered_live"
STATUSES = (QUEUED, SCHEDULED, PUBLISHED, DISMISSED, ANSWERED_LIVE)
# Only these can still become a post.
PUBLISHABLE = (QUEUED, SCHEDULED)

# A member's own question, sent from the theme page before the panel (asked_by_id names them).
FORUM = "forum"
# Stored value -> how it reads in a sentence.
SOURCES = {"webinar_qa": "webinar Q&A", "webinar_chat": "webinar chat", "email": "email",
           FORUM: "asked on the forum"}


class PanelQuestion(db.Model):
    """A question (or chat remark) from the panel, credited to whoever asked it.

    The person who asked is free text, not a user: they are usually not members.
    """

    __tablename__ = "panel_questions"
    __table_args__ = (
        # Serves the "is anything due?" check every theme and thread page makes.
        Index("ix_panel_questions_due", "status", "theme_id", "publish_at"),
        CheckConstraint(f"status IN {STATUSES!r}", name="status"),
        CheckConstraint(f"source IN {tuple(SOURCES)!r}", name="source"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    theme_id: Mapped[int] = mapped_column(reference("themes.id", ondelete="CASCADE"), index=True)
    question: Mapped[str] = mapped_column(Text)
    asked_by: Mapped[str] = mapped_column(String(200), default="")  # "Name, role", as given
    # The member who asked it on the forum (source "forum"): credited by their name as it is now,
    # so a closed account reads as closed accounts do everywhere.
    asked_by_id: Mapped[int | None] = mapped_column(reference("users.id", ondelete="SET NULL"), index=True)
    source: Mapped[str] = mapped_column(String(16), default="webinar_qa")
    framing: Mapped[str] = mapped_column(String(500), default="")  # shown above the question
    status: Mapped[str] = mapped_column(String(16), default=QUEUED)
    position: Mapped[int] = mapped_column(default=0)  # order in the queue
    publish_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Indexed: a thread page asks of each post it shows whether it is a question (for the panel's answer).
    post_id: Mapped[int | None] = mapped_column(reference("posts.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(reference("users.id"))
    # Publishing on schedule is credited to whoever scheduled it.
    scheduled_by_id: Mapped[int | None] = mapped_column(reference("users.id"))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_by_id: Mapped[int | None] = mapped_column(reference("users.id"))
    # Where in the recording the panel answered it, in seconds from the start (answered live).
    answered_at_second: Mapped[int | None] = mapped_column()
    # The moderator lets members read it on the panel page before it is posted.
    show_ahead: Mapped[bool] = mapped_column(default=False, server_default="0")

    theme: Mapped[Theme] = relationship()
    post: Mapped[Post | None] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    scheduled_by: Mapped[User | None] = relationship(foreign_keys=[scheduled_by_id])
    published_by: Mapped[User | None] = relationship(foreign_keys=[published_by_id])
    asked_by_member: Mapped[User | None] = relationship(foreign_keys=[asked_by_id])

    @property
    def is_publishable(self) -> bool:
        return self.status in PUBLISHABLE

    @property
    def source_label(self) -> str:
        return SOURCES.get(self.source, self.source)

    def __repr__(self) -> str:
        return f"<PanelQuestion {self.id} {self.status}>"
