"""The record of what moderators and admins did, and of account events, for accountability."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.database import UTCDateTime, reference, utcnow
from ..core.extensions import db

if TYPE_CHECKING:
    from .users import User


class AuditEntry(db.Model):
    """One action: who did what to which object, and when. Never changed once written."""

    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    # None for actions no person took (none yet; kept open for imports and jobs).
    actor_id: Mapped[int | None] = mapped_column(reference("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(40))  # e.g. "post.hide"
    object_type: Mapped[str] = mapped_column(String(30))  # e.g. "post"
    object_id: Mapped[int | None] = mapped_column()
    detail: Mapped[str] = mapped_column(String(300), default="")
    # For account events (logins and the like): where the request came from. Admins only see it.
    client_address: Mapped[str | None] = mapped_column(String(45))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    actor: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<AuditEntry {self.id} {self.action} {self.object_type} {self.object_id}>"
