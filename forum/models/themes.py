"""A month's theme: its panel, panelists, resources and discussion window."""
from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.database import UTCDateTime, reference, utcnow
from ..core.extensions import db

if TYPE_CHECKING:
    from .discussions import Thread

UPCOMING, OPEN, ARCHIVED = "upcoming", "open", "archived"


@lru_cache(maxsize=1024)
def month_label(month: str) -> str:
    """"2024-03" as people say it: "March 2024"."""
    return datetime.strptime(month, "%Y-%m").strftime("%B %Y")


def panel_ahead(panel_at: datetime | None, now: datetime | None = None) -> bool:
    """Whether the live panel is still to come (a panel without a time yet is)."""
    return panel_at is None or panel_at > (now or utcnow())


def theme_state(opens_at: datetime, closes_at: datetime, now: datetime | None = None) -> str:
    now = now or utcnow()
    if now < opens_at:
        return UPCOMING
    if now < closes_at:
        return OPEN
    return ARCHIVED


class Theme(db.Model):
    __tablename__ = "themes"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(160))
    month: Mapped[str] = mapped_column(String(7), index=True)  # "YYYY-MM"
    summary: Mapped[str] = mapped_column(Text, default="")
    blog_post: Mapped[str] = mapped_column(Text, default="")  # Markdown source
    blog_post_html: Mapped[str] = mapped_column(Text, default="")
    panel_title: Mapped[str] = mapped_column(String(200), default="")
    panel_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    recording_url: Mapped[str] = mapped_column(String(500), default="")
    # Where to register for (or join) the live panel: shown until the panel has happened.
    panel_join_url: Mapped[str] = mapped_column(String(500), default="", server_default="")
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Raised by forum.page_cache.freshness when the theme or any of its threads changes.
    # One counter for the whole forum, so the highest is the forum's version
    # (the front page's and the archive's).
    page_version: Mapped[int] = mapped_column(default=0, index=True)

    panelists: Mapped[list[Panelist]] = relationship(
        back_populates="theme", order_by="Panelist.position, Panelist.id",
        cascade="all, delete-orphan",
    )
    resources: Mapped[list[Resource]] = relationship(
        back_populates="theme", order_by="Resource.position, Resource.id",
        cascade="all, delete-orphan",
    )
    threads: Mapped[list[Thread]] = relationship(back_populates="theme")

    def state(self, now: datetime | None = None) -> str:
        """Upcoming, open or archived, from the clock: never stored."""
        return theme_state(self.opens_at, self.closes_at, now)

    def panel_ahead(self, now: datetime | None = None) -> bool:
        return panel_ahead(self.panel_at, now)

    def is_open(self, now: datetime | None = None) -> bool:
        return self.state(now) == OPEN

    @property
    def month_label(self) -> str:
        return month_label(self.month)

    def __repr__(self) -> str:
        return f"<Theme {self.slug}>"


class Panelist(db.Model):
    __tablename__ = "panelists"

    id: Mapped[int] = mapped_column(primary_key=True)
    theme_id: Mapped[int] = mapped_column(reference("themes.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    bio: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)

    theme: Mapped[Theme] = relationship(back_populates="panelists")


class Resource(db.Model):
    __tablename__ = "resources"

    id: Mapped[int] = mapped_column(primary_key=True)
    theme_id: Mapped[int] = mapped_column(reference("themes.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(500))
    kind: Mapped[str] = mapped_column(String(40), default="article")
    note: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)

    theme: Mapped[Theme] = relationship(back_populates="resources")
