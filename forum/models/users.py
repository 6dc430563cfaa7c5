"""Members of the community and their roles."""
from __future__ import annotations

import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import String, Text, func, true
from sqlalchemy.orm import Mapped, mapped_column, validates

from ..core.database import UTCDateTime, utcnow
from ..core.extensions import db
from ..core.text import name_key

ROLES = ("member", "moderator", "admin")


def new_session_token() -> str:
    return secrets.token_urlsafe(24)


def _name_key_of_row(context) -> str:
    """For rows inserted without the model (an archive import's batches)."""
    return name_key(context.get_current_parameters()["display_name"])


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased, which is what makes it unique case-insensitively.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(80), index=True)
    # The name as @mentions compare it (forum.core.text.name_key), kept with it.
    name_key: Mapped[str] = mapped_column(String(80), index=True, default=_name_key_of_row)
    # None for members imported from an archive until they set a password.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default="member")
    position: Mapped[str] = mapped_column(String(120), default="")
    organisation: Mapped[str] = mapped_column(String(120), default="")
    location: Mapped[str] = mapped_column(String(120), default="")
    bio: Mapped[str] = mapped_column(Text, default="")
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Part of the id kept in the session cookie: changing it signs out
    # every other session (Flask-Login's alternative id).
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    # Email about notifications (batched, see forum.notifications.notify); one-click unsubscribe turns it off.
    email_notifications: Mapped[bool] = mapped_column(default=True)
    # "none", "daily" or "weekly" (forum.mail.mailings): what happened, for those who don't visit daily.
    digest: Mapped[str] = mapped_column(String(8), default="weekly")
    # The month's emails: a theme opens, a panel question is published, a week is left. Opt-in.
    month_emails: Mapped[bool] = mapped_column(default=False)
    # False: their school or organisation and location are shown to nobody but themselves and admins.
    show_affiliation: Mapped[bool] = mapped_column(default=True, server_default=true())
    # How this member reads dates: a zone name (America/Chicago) and "month-first" or
    # "day-first" (forum.core.timefmt); None: the community's (DISPLAY_TIMEZONE, DATE_ORDER).
    time_zone: Mapped[str | None] = mapped_column(String(64))
    date_order: Mapped[str | None] = mapped_column(String(16))
    # When the last notification email was composed: the next waits NOTIFICATION_EMAIL_MINUTES.
    notified_by_email_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The newest password-reset link's secret part: a new request or a use
    # changes it, so older links stop working (forum.accounts.tokens).
    reset_nonce: Mapped[str | None] = mapped_column(String(32))

    @validates("display_name")
    def _keep_name_key(self, _key, value: str) -> str:
        self.name_key = name_key(value)
        return value

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    def sign_out_everywhere(self) -> None:
        self.session_token = new_session_token()

    @property
    def is_moderator(self) -> bool:
        return self.role in ("moderator", "admin")

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def can_log_in(self) -> bool:
        return bool(self.password_hash)

    @staticmethod
    def normalise_email(email: str) -> str:
        return email.strip().lower()

    @classmethod
    def by_email(cls, email: str) -> "User | None":
        return db.session.scalar(
            db.select(cls).where(cls.email == cls.normalise_email(email))
        )

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email} {self.role}>"


def display_name_sort_key():
    return func.lower(User.display_name)
