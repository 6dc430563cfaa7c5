"""Times as people read them: relative when recent, exact on hover."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import Flask, current_app

from .database import utcnow


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["DISPLAY_TIMEZONE"])


def local(moment: datetime) -> datetime:
    return moment.astimezone(_zone())


def _clock(moment: datetime) -> str:
    return moment.strftime("%-I:%M %p").replace("AM", "am").replace("PM", "pm")


def exact_time(moment: datetime | None) -> str:
    """'Thursday 12 March 2026, 7:05 pm EDT'."""
    if moment is None:
        return ""
    moment = local(moment)
    return f"{moment.strftime('%A %-d %B %Y')}, {_clock(moment)} {moment.strftime('%Z')}"


def human_time(moment: datetime | None, now: datetime | None = None) -> str:
    """'just now', '5 minutes ago', 'yesterday', '12 March' or '12 March 2024'."""
    if moment is None:
        return ""
    now = now or utcnow()
    delta = now - moment
    if timedelta(0) <= delta < timedelta(minutes=1):
        return "just now"
    if timedelta(0) <= delta < timedelta(hours=1):
        minutes = int(delta.total_seconds() // 60)
        return f"{minutes} minute{'s' if minutes != 1 else ''} ago"
    if timedelta(0) <= delta < timedelta(hours=24):
        hours = int(delta.total_seconds() // 3600)
        return f"{hours} hour{'s' if hours != 1 else ''} ago"
    here, today = local(moment), local(now)
    if (today.date() - here.date()).days == 1:
        return f"yesterday, {_clock(here)}"
    if timedelta(0) <= delta < timedelta(days=7):
        return f"{here.strftime('%A')}, {_clock(here)}"
    if here.year == today.year:
        return here.strftime("%-d %B")
    return here.strftime("%-d %B %Y")


def date_only(moment: datetime | None) -> str:
    return local(moment).strftime("%-d %B %Y") if moment else ""


def date_and_time(moment: datetime | None) -> str:
    """'12 March 2026, 7:05 pm EDT'."""
    if moment is None:
        return ""
    moment = local(moment)
    return f"{moment.strftime('%-d %B %Y')}, {_clock(moment)} {moment.strftime('%Z')}"


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(
        human_time=human_time, exact_time=exact_time, date_only=date_only,
        date_and_time=date_and_time,
    )
