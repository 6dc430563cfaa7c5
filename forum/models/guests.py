"""Guest experts: a theme's panelists invited to answer in its discussion, with a member's rights only."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.database import UTCDateTime, reference, utcnow
from ..core.extensions import db

if TYPE_CHECKING:
    from .themes import Theme
    from .users import User


class GuestExpert(db.Model):
    """One member, a guest expert of one theme: a badge on their posts there, and word of its questions.

    The row stays when the theme is archived, so the posts they wrote keep
    their badge; the theme's state (from the clock) ends what the role
    brings: the profile's badge, notices of new questions.
    """

    __tablename__ = "guest_experts"
    __table_args__ = (
        # A member is a guest once per theme; the thread page looks them up by (user, theme).
        UniqueConstraint("user_id", "theme_id", name="uq_guest_experts_user_theme"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    theme_id: Mapped[int] = mapped_column(reference("themes.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(reference("users.id", ondelete="CASCADE"))
    # How the badge names them, as the panel lists them ("Dr. Ana Martínez"): free text, a panelist's name.
    panelist: Mapped[str] = mapped_column(String(120))
    invited_by_id: Mapped[int | None] = mapped_column(reference("users.id", ondelete="SET NULL"))
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set by the one-click link in a panel-question email: no more of those emails (the bell goes on).
    emails_declined_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    theme: Mapped[Theme] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id])

    def __repr__(self) -> str:
        return f"<GuestExpert {self.user_id} of theme {self.theme_id}>"
