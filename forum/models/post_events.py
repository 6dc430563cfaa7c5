"""A post was written, edited, hidden, shown again or deleted: one row, in the post's own transaction.

Whatever follows from a change to a post learns of it from this row,
never from a call by the writer, so posting, moderation and accounts
import none of what follows:
- the search index (forum.searching.indexing) and the pages that show the
  post (forum.page_cache.freshness) see the row as it is flushed, and
  their changes commit with it;
- notifications (forum.notifications.notify): a hidden or deleted post's
  are withdrawn as the row is flushed; who is told of a new or edited
  post is worked out by the worker, which deletes the row once handled,
  in one transaction, so a change is either fully announced or still
  waiting. Rows name the post, not the recipients: who is told is decided
  from the post as it is then (a post hidden meanwhile tells no one).
Email follows from the notifications.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from ..core.database import UTCDateTime, reference, utcnow
from ..core.extensions import db

# PostEvent.kind. The first two keep the names rows had when only
# notifications read them, so rows waiting across an upgrade still count.
WRITTEN = "post"
EDITED = "post_edit"
HIDDEN = "post_hidden"
SHOWN = "post_shown"
DELETED = "post_deleted"
CREDIT_CHANGED = "post_credit"  # its author closed their account and the post stays, as "Deleted member"
WITHDRAWN = (HIDDEN, DELETED)  # no longer for members' eyes


class PostEvent(db.Model):
    __tablename__ = "notification_events"  # its first name, from when only notifications read it
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    post_id: Mapped[int] = mapped_column(reference("posts.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def post_changed(post, kind: str) -> None:
    """Record that `post` changed (a kind above), in the writer's transaction; no commit."""
    if post.id is None:
        db.session.flush()  # a new post's id
    db.session.add(PostEvent(kind=kind, post_id=post.id))
