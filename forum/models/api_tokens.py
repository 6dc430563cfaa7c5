"""Personal API tokens: a member's key for the JSON API (forum.api), kept only as a hash."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.database import UTCDateTime, reference, utcnow
from ..core.extensions import db

if TYPE_CHECKING:
    from .users import User

READ, READ_WRITE = "read", "read+write"
SCOPES = (READ, READ_WRITE)


class ApiToken(db.Model):
    """One token a member made in settings. Revoking it deletes the row (the audit log keeps the event)."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Closing an account deletes its tokens (forum.accounts.membership); the cascade is for the rest.
    user_id: Mapped[int] = mapped_column(reference("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    scope: Mapped[str] = mapped_column(String(16), default=READ)
    # SHA-256 of the whole token, hex: the secret itself is shown once and never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The token's first characters ("fk_3xQ9"), so that a member can tell their tokens apart.
    hint: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    @property
    def can_write(self) -> bool:
        return self.scope == READ_WRITE
