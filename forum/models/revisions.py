"""A post's earlier versions: the text an edit replaced, who replaced it and when."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.database import UTCDateTime, reference
from ..core.extensions import db

if TYPE_CHECKING:
    from .users import User


class PostRevision(db.Model):
    """One edit of a post, kept as the Markdown it replaced.

    Revision 1 is the text as first written, replaced by the edit made at
    `edited_at` by `edited_by`; revision n is the text that edit n-1 wrote.
    The post's own row holds the newest text, so a thread page reads
    nothing here.
    """

    __tablename__ = "post_revisions"
    # Numbered under the thread's row lock that every edit takes: two edits can't take one number.
    __table_args__ = (UniqueConstraint("post_id", "number", name="uq_post_revisions_post_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(reference("posts.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column()
    body: Mapped[str] = mapped_column(Text)  # Markdown, as it was before the edit
    edited_by_id: Mapped[int] = mapped_column(reference("users.id"), index=True)
    edited_at: Mapped[datetime] = mapped_column(UTCDateTime)

    edited_by: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<PostRevision {self.number} of post {self.post_id}>"
