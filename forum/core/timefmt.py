"""Times as people read them: relative when recent, exact on hover; in the reader's zone and
date order (a member's own choice in settings, else the community's)."""
from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from flask import Flask, current_app, g, has_request_context
from flask_login import current_user
from markupsafe import Markup

from .database import utcnow


_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")

MONTH_FIRST, DAY_FIRST = "month-first", "day-first"
DATE_ORDERS = {MONTH_FIRST: "December 23, 2026", DAY_FIRST: "23 December 2026"}


@cache
def zone_names() -> tuple[str, ...]:
    """The zones a member may choose: places (Area/City), not aliases such as EST5EDT or Etc/GMT+5."""
    return tuple(sorted(name for name in available_timezones()
                        if "/" in name and not name.startswith(("Etc/", "SystemV/", "posix/", "right/"))))


def _community_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["DISPLAY_TIMEZONE"])


def _community() -> tuple[ZoneInfo, bool]:
    """The community's zone, and whether its dates put the month first."""
    return _community_zone(), current_app.config["DATE_ORDER"] == MONTH_FIRST


def _reader() -> tuple[ZoneInfo, bool]:
    """The reader's zone and whether their dates put the month first, looked up once a request.

    Outside a request (the worker, mail, commands) and for visitors, the
    community's: a visitor's page is cached for every visitor.
    """
    if has_request_context():
        found = g.get("_reader_dates")
        if found is None:
            user = current_user if current_user.is_authenticated else None
            zone_name = (user and user.time_zone) or current_app.config["DISPLAY_TIMEZONE"]
            order = (user and user.date_order) or current_app.config["DATE_ORDER"]
            found = g._reader_dates = (ZoneInfo(zone_name), order == MONTH_FIRST)
        return found
    return _community()


def _zone() -> ZoneInfo:
    return _reader()[0]


def local(moment: datetime) -> datetime:
    return moment.astimezone(_zone())


def _clock(moment: datetime) -> str:
    """'7:05 pm' (strftime would be slower, and a page formats a time per post)."""
    return f"{moment.hour % 12 or 12}:{moment.minute:02d} {'pm' if moment.hour >= 12 else 'am'}"


def _day(moment: datetime, month_first: bool) -> str:
    """'December 23' or '23 December'."""
    month = _MONTHS[moment.month - 1]
    return f"{month} {moment.day}" if month_first else f"{moment.day} {month}"


def _date(moment: datetime, month_first: bool) -> str:
    """'December 23, 2026' or '23 December 2026'."""
    return f"{_day(moment, True)}, {moment.year}" if month_first else f"{_day(moment, False)} {moment.year}"


_ZERO, _MINUTE, _HOUR, _DAY, _WEEK = (timedelta(0), timedelta(minutes=1), timedelta(hours=1), timedelta(days=1),
                                      timedelta(days=7))


class Clock:
    """Times for one page or one email: the zone, the date order and the present looked up once,
    however many times it shows. `community=True`: the community's, whoever reads."""

    def __init__(self, now: datetime | None = None, community: bool = False) -> None:
        self.zone, self.month_first = _community() if community else _reader()
        self.now = now or utcnow()
        self.today = self.now.astimezone(self.zone).date()

    def exact(self, moment: datetime) -> str:
        """'Thursday, March 12, 2026, 7:05 pm EDT' (day first: 'Thursday 12 March 2026, 7:05 pm EDT')."""
        return self._exact(moment.astimezone(self.zone))

    def human(self, moment: datetime) -> str:
        """'just now', '5 minutes ago', 'yesterday, 7:05 pm', 'Tuesday, 7:05 pm', 'March 12' or 'March 12, 2024'."""
        return self._human(moment, moment.astimezone(self.zone))

    def day(self, moment: datetime, weekday: bool = False) -> str:
        """'December 23' ('Wednesday, December 23'), or day first '23 December' ('Wednesday 23 December')."""
        here = moment.astimezone(self.zone)
        found = _day(here, self.month_first)
        return f"{_DAYS[here.weekday()]}{',' if self.month_first else ''} {found}" if weekday else found

    def date(self, moment: datetime) -> str:
        """'December 23, 2026' or '23 December 2026'."""
        return _date(moment.astimezone(self.zone), self.month_first)

    def day_and_time(self, moment: datetime) -> str:
        """'Wednesday, December 23, 7:00 pm EST' (a panel's time in an email)."""
        here = moment.astimezone(self.zone)
        return f"{self.day(moment, weekday=True)}, {_clock(here)} {here.tzname()}"

    def date_and_time(self, moment: datetime) -> str:
        """'March 12, 2026, 7:05 pm EDT'."""
        here = moment.astimezone(self.zone)
        return f"{_date(here, self.month_first)}, {_clock(here)} {here.tzname()}"

    def month(self, moment: datetime) -> str:
        """'March 2026'."""
        here = moment.astimezone(self.zone)
        return f"{_MONTHS[here.month - 1]} {here.year}"

    def time_tag(self, moment: datetime) -> Markup:
        """The <time> element a post shows: relative, with the exact time on hover."""
        return self.time_tag_and_exact(moment)[0]

    def time_tag_and_exact(self, moment: datetime) -> tuple[Markup, str]:
        """time_tag(), and the exact time it names (a post's accessible name carries it)."""
        here = moment.astimezone(self.zone)
        exact = self._exact(here)
        # Every part is made here from a datetime: nothing to escape. A screen reader, which
        # shows no hover, reads the exact time after the relative one.
        return Markup(f'<time datetime="{moment.isoformat()}" title="{exact}">{self._human(moment, here)}</time>'
                      f'<span class="visually-hidden"> ({exact})</span>'), exact

    def _exact(self, here: datetime) -> str:
        comma = "," if self.month_first else ""
        return f"{_DAYS[here.weekday()]}{comma} {_date(here, self.month_first)}, {_clock(here)} {here.tzname()}"

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
            return _day(here, self.month_first)
        return _date(here, self.month_first)


def exact_time(moment: datetime | None) -> str:
    """'Thursday, March 12, 2026, 7:05 pm EDT'."""
    return Clock().exact(moment) if moment is not None else ""


def human_time(moment: datetime | None, now: datetime | None = None) -> str:
    """'just now', '5 minutes ago', 'yesterday, 7:05 pm', 'March 12' or 'March 12, 2024'."""
    return Clock(now).human(moment) if moment is not None else ""


def time_tag(moment: datetime) -> Markup:
    return Clock().time_tag(moment)


def date_only(moment: datetime | None) -> str:
    """'March 12, 2026'."""
    return Clock().date(moment) if moment is not None else ""


def month_and_year(moment: datetime | None) -> str:
    """'March 2026'."""
    return Clock().month(moment) if moment is not None else ""


def date_and_time(moment: datetime | None) -> str:
    """'March 12, 2026, 7:05 pm EDT'."""
    return Clock().date_and_time(moment) if moment is not None else ""


# Moderators type schedules in the community's zone, whatever their own: a
# month's times are the community's (the forms say which zone they are in).

def to_utc(local_naive: datetime | None) -> datetime | None:
    """A time typed in the community's time zone (a datetime-local input), as UTC."""
    if local_naive is None:
        return None
    return local_naive.replace(tzinfo=_community_zone()).astimezone(ZoneInfo("UTC"))


def to_local_naive(moment: datetime | None) -> datetime | None:
    """The reverse, for filling a datetime-local input."""
    if moment is None:
        return None
    return moment.astimezone(_community_zone()).replace(tzinfo=None)


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(
        human_time=human_time, exact_time=exact_time, date_only=date_only,
        date_and_time=date_and_time, time_tag=time_tag, month_and_year=month_and_year,
    )
