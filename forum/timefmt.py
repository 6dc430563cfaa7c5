"""Times as people read them: relative when recent, exact on hover."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import Flask, current_app
from markupsafe import Markup

from .database import utcnow


_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["DISPLAY_TIMEZONE"])


def local(moment: datetime) -> datetime:
    return moment.astimezone(_zone())


def _clock(moment: datetime) -> str:
    """'7:05 pm' (strftime would be slower, and a page formats a time per post)."""
    return f"{moment.hour % 12 or 12}:{moment.minute:02d} {'pm' if moment.hour >= 12 else 'am'}"


def _day(moment: datetime) -> str:
    return f"{moment.day} {_MONTHS[moment.month - 1]}"


_ZERO, _MINUTE, _HOUR, _DAY, _WEEK = (timedelta(0), timedelta(minutes=1), timedelta(hours=1), timedelta(days=1),
                                      timedelta(days=7))


class Clock:
    """Times for one page: the zone and the present looked up once, however many posts it shows."""

    def __init__(self, now: datetime | None = None) -> None:
        self.zone = _zone()
        self.now = now or utcnow()
        self.today = self.now.astimezone(self.zone).date()

    def exact(self, moment: datetime) -> str:
        """'Thursday 12 March 2026, 7:05 pm EDT'."""
        return self._exact(moment.astimezone(self.zone))

    def human(self, moment: datetime) -> str:
        """'just now', '5 minutes ago', 'yesterday, 7:05 pm', 'Tuesday, 7:05 pm', '12 March' or '12 March 2024'."""
        return self._human(moment, moment.astimezone(self.zone))

    def time_tag(self, moment: datetime) -> Markup:
        """The <time> element a post shows: relative, with the exact time on hover."""
        here = moment.astimezone(self.zone)
        # Every part is made here from a datetime: nothing to escape.
        return Markup(f'<time datetime="{moment.isoformat()}" title="{self._exact(here)}">'
                      f'{self._human(moment, here)}</time>')

    @staticmethod
    def _exact(here: datetime) -> str:
        return f"{_DAYS[here.weekday()]} {_day(here)} {here.year}, {_clock(here)} {here.tzname()}"

    def _human(self, moment: datetime, here: datetime) -> str:
        delta = self.now - moment
        if _ZERO <= delta < _DAY:
            if delta < _MINUTE:
                return "just now"
            if delta < _HOUR:
                minutes = int(delta.total_seconds() // 60)
                return f"{minutes} minute{'s' if minutes != 1 else ''} ago"
            hours = int(delta.total_seconds() // 3600)
            return f"{hours} hour{'s' if hours != 1 else ''} ago"
        if (self.today - here.date()).days == 1:
            return f"yesterday, {_clock(here)}"
        if _ZERO <= delta < _WEEK:
            return f"{_DAYS[here.weekday()]}, {_clock(here)}"
        if here.year == self.today.year:
            return _day(here)
        return f"{_day(here)} {here.year}"


def exact_time(moment: datetime | None) -> str:
    """'Thursday 12 March 2026, 7:05 pm EDT'."""
    return Clock().exact(moment) if moment is not None else ""


def human_time(moment: datetime | None, now: datetime | None = None) -> str:
    """'just now', '5 minutes ago', 'yesterday', '12 March' or '12 March 2024'."""
    return Clock(now).human(moment) if moment is not None else ""


def time_tag(moment: datetime) -> Markup:
    return Clock().time_tag(moment)


def date_only(moment: datetime | None) -> str:
    if moment is None:
        return ""
    moment = local(moment)
    return f"{_day(moment)} {moment.year}"


def date_and_time(moment: datetime | None) -> str:
    """'12 March 2026, 7:05 pm EDT'."""
    if moment is None:
        return ""
    moment = local(moment)
    return f"{_day(moment)} {moment.year}, {_clock(moment)} {moment.tzname()}"


def to_utc(local_naive: datetime | None) -> datetime | None:
    """A time typed in the community's time zone (a datetime-local input), as UTC."""
    if local_naive is None:
        return None
    return local_naive.replace(tzinfo=_zone()).astimezone(ZoneInfo("UTC"))


def to_local_naive(moment: datetime | None) -> datetime | None:
    """The reverse, for filling a datetime-local input."""
    if moment is None:
        return None
    return moment.astimezone(_zone()).replace(tzinfo=None)


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(
        human_time=human_time, exact_time=exact_time, date_only=date_only,
        date_and_time=date_and_time, time_tag=time_tag,
    )
