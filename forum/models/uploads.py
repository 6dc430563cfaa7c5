"""Files members attach to posts: images (re-encoded) and PDFs, kept where UPLOAD_STORE says (forum/uploads/stores.py)."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.database import UTCDateTime, reference, utcnow
from ..core.extensions import db

if TYPE_CHECKING:
    from .users import User


class Upload(db.Model):
    __tablename__ = "uploads"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Random and unguessable: the file's name on disk and in its address.
    key: Mapped[str] = mapped_column(String(32), unique=True)
    # The member's quota is the sum of their uploads' sizes.
    owner_id: Mapped[int] = mapped_column(reference("users.id", ondelete="CASCADE"), index=True)
    extension: Mapped[str] = mapped_column(String(8))  # "jpg", "png" or "pdf": what the content is
    name: Mapped[str] = mapped_column(String(120))  # as the member's computer called it, for downloads
    byte_size: Mapped[int] = mapped_column()
    width: Mapped[int | None] = mapped_column()
    height: Mapped[int | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    owner: Mapped[User] = relationship()

    @property
    def filename(self) -> str:
        return f"{self.key}.{self.extension}"

    @property
    def is_image(self) -> bool:
        return self.extension != "pdf"


class UploadContent(db.Model):
    """A file's bytes, when the database keeps them (UPLOAD_STORE = "database"): every app server reads them.

    A table of its own, so listing and counting uploads never reads their
    bytes; it goes with its upload (ON DELETE CASCADE).
    """
    __tablename__ = "upload_contents"

    upload_id: Mapped[int] = mapped_column(reference("uploads.id", ondelete="CASCADE"), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)

    upload: Mapped[Upload] = relationship()
