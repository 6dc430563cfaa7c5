"""A theme's dates as an iCalendar file (RFC 5545): the live panel and the discussion window.

Times are written in UTC ("...Z"), which every calendar turns into its
owner's own zone, so nobody's panel lands an hour off after a clock change.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

from flask import current_app

from ..mail.emails import absolute_url
from ..models import Theme

PANEL_LENGTH = timedelta(hours=1)  # the form has no end time; webinars run about an hour


def _text(value: str) -> str:
    """TEXT as RFC 5545 §3.3.11 writes it: backslash, semicolon, comma and line breaks escaped."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")


def _time(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def _fold(line: str) -> str:
    """Lines of at most 75 octets, continued on lines starting with a space (§3.1), never
    splitting a character."""
    pieces, current = [], b""
    for char in line:
        encoded = char.encode("utf-8")
        if len(current) + len(encoded) > (75 if not pieces else 74):
            pieces.append(current.decode("utf-8"))
            current = b""
        current += encoded
    pieces.append(current.decode("utf-8"))
    return "\r\n ".join(pieces)


def _event(uid: str, start: datetime, end: datetime, summary: str, description: str, url: str,
           stamp: datetime) -> list[str]:
    return ["BEGIN:VEVENT", f"UID:{uid}", f"DTSTAMP:{_time(stamp)}", f"DTSTART:{_time(start)}",
            f"DTEND:{_time(end)}", f"SUMMARY:{_text(summary)}", f"DESCRIPTION:{_text(description)}",
            f"URL:{url}", "END:VEVENT"]


def theme_calendar(theme: Theme, now: datetime) -> str:
    """The file: the panel (when it has a time) and the discussion, CRLF line ends."""
    url = absolute_url("themes.show", slug=theme.slug)
    host = urlsplit(current_app.config["SITE_URL"]).netloc
    community = current_app.config["COMMUNITY_NAME"]
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:-//{_text(community)}//Theme of the Month//EN",
             "CALSCALE:GREGORIAN", "METHOD:PUBLISH"]
    if theme.panel_at is not None:
        panelists = ", ".join(p.name for p in theme.panelists)
        lines += _event(f"theme-{theme.id}-panel@{host}", theme.panel_at, theme.panel_at + PANEL_LENGTH,
                        f"Live panel: {theme.panel_title or theme.title}",
                        f"{community}: the expert panel of “{theme.title}”"
                        + (f", with {panelists}" if panelists else "") + "."
                        + (f"\nRegister or join: {theme.panel_join_url}" if theme.panel_join_url else "")
                        + f"\n{url}", url, now)
    lines += _event(f"theme-{theme.id}-discussion@{host}", theme.opens_at, theme.closes_at,
                    f"Discussion: {theme.title}",
                    f"{community}: the discussion of “{theme.title}” is open for posts.\n{url}", url, now)
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)
