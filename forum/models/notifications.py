"""Reaching members: what happened, who is told, what they follow, and the mail that goes out."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.database import UTCDateTime, reference, utcnow
from ..core.extensions import db

if TYPE_CHECKING:
    from .discussions import Post, Thread
    from .panel import PanelQuestion
    from .themes import Theme
    from .users import User

# Watch levels, as Discourse names them, most attentive first.
WATCHING = "watching"  # told of every new post (threads) or every new thread (themes)
TRACKING = "tracking"  # counts of what is new, no notifications
NORMAL = "normal"      # told only of replies to one's own posts and of mentions
MUTED = "muted"        # told of nothing
WATCH_LEVELS = (WATCHING, TRACKING, NORMAL, MUTED)

# What a member is told of.
REPLY = "reply"                  # someone replied to your post
WATCHED_POST = "watched_post"    # a new post in a thread you watch
MENTION = "mention"              # someone wrote @your name
QUESTION = "question"            # a panel question was published in a theme you watch
PANEL_QUESTION = "panel_question"  # a panel question was published in a theme you are a guest expert of
NEW_THREAD = "new_thread"        # a new thread in a theme you watch
REPORT_HIDDEN = "report_hidden"  # a post you reported was hidden by a moderator
REPORT_KEPT = "report_kept"      # a moderator looked at a post you reported and left it up
REPORT_OUTCOMES = (REPORT_HIDDEN, REPORT_KEPT)
# The fate of a question a member asked the panel on the forum.
YOUR_QUESTION_POSTED = "your_question_posted"  # it is posted in the discussion (post_id)
YOUR_QUESTION_ANSWERED = "your_question_live"  # the panel answered it live (panel_question_id, no post)
NOTIFICATION_KINDS = (REPLY, WATCHED_POST, MENTION, QUESTION, PANEL_QUESTION, NEW_THREAD, *REPORT_OUTCOMES,
                      YOUR_QUESTION_POSTED, YOUR_QUESTION_ANSWERED)

# OutgoingMail.status
PENDING, SENT, FAILED = "pending", "sent", "failed"


class Notification(db.Model):
    """One thing one member is told of, shown under the bell until read."""

    __tablename__ = "notifications"
    __table_args__ = (
        # One notification per member and post, whatever the reasons: handling
        # an event twice finds the row there already.
        UniqueConstraint("user_id", "post_id", name="uq_notifications_user_post"),
        # News of a panel question that is no post (answered live): once per member, question and kind.
        UniqueConstraint("user_id", "panel_question_id", "kind", name="uq_notifications_user_question_kind"),
        # The bell's count: member's unread rows, an index-only range.
        Index("ix_notifications_user_read", "user_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(reference("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    # Every notification is of a post, but one of a panel question answered live, which has none.
    post_id: Mapped[int | None] = mapped_column(reference("posts.id", ondelete="CASCADE"), index=True)
    panel_question_id: Mapped[int | None] = mapped_column(
        reference("panel_questions.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(reference("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # True while the member wants it by email and no email has taken it yet.
    email_pending: Mapped[bool] = mapped_column(default=False, index=True)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    post: Mapped[Post | None] = relationship()
    panel_question: Mapped[PanelQuestion | None] = relationship()


class Watch(db.Model):
    """A member's chosen level for one thread or one theme (exactly one of the two)."""

    __tablename__ = "watches"
    __table_args__ = (
        UniqueConstraint("user_id", "thread_id", name="uq_watches_user_thread"),
        UniqueConstraint("user_id", "theme_id", name="uq_watches_user_theme"),
        Index("ix_watches_thread_level", "thread_id", "level"),
        Index("ix_watches_theme_level", "theme_id", "level"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(reference("users.id", ondelete="CASCADE"))
    thread_id: Mapped[int | None] = mapped_column(reference("threads.id", ondelete="CASCADE"))
    theme_id: Mapped[int | None] = mapped_column(reference("themes.id", ondelete="CASCADE"))
    level: Mapped[str] = mapped_column(String(10))
    # Since when this level holds: posts written before it don't notify by it.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    thread: Mapped[Thread | None] = relationship()
    theme: Mapped[Theme | None] = relationship()


class OutgoingMail(db.Model):
    """One email, composed and waiting to be sent (or sent, or given up on).

    `key` names what the email is for (a member and the notifications it
    carries, a reset request), so composing it twice finds the first row.
    Its Message-ID comes from the key: if the worker dies after the server
    took the message but before the row says so, the message is sent
    again under the same Message-ID, which mail systems treat as one.
    """

    __tablename__ = "outgoing_mail"
    __table_args__ = (Index("ix_outgoing_mail_status_next", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(120), unique=True)
    user_id: Mapped[int | None] = mapped_column(reference("users.id", ondelete="SET NULL"), index=True)
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text)
    # The one-click unsubscribe address (RFC 8058), for messages one can leave.
    unsubscribe_url: Mapped[str] = mapped_column(String(500), default="")
    # Where a reply goes (forum.replies_by_email.addresses): an email about one post can be answered.
    reply_to: Mapped[str] = mapped_column(String(254), default="", server_default="")
    status: Mapped[str] = mapped_column(String(10), default=PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_error: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User | None] = relationship()


class Mailing(db.Model):
    """One email to many members (a digest, a theme opening, a panel question), sent in batches.

    `key` names it ("digest:weekly:2026-W48", "theme-open:12"), so it is
    made once. The worker composes it for members a batch at a time, in
    id order, and keeps `cursor` (the last member done) in the same
    transaction as the batch's messages: a crash redoes one batch at
    most, and each message's own key stops a member getting it twice.
    """

    __tablename__ = "mailings"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # forum.mail.mailings.KINDS
    theme_id: Mapped[int | None] = mapped_column(reference("themes.id", ondelete="CASCADE"))
    question_id: Mapped[int | None] = mapped_column(reference("panel_questions.id", ondelete="CASCADE"))
    period_start: Mapped[datetime | None] = mapped_column(UTCDateTime)
    period_end: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cursor: Mapped[int] = mapped_column(default=0)
    sent: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
