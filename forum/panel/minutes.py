"""The moment in a panel's recording where a question was answered live: reading what a moderator
types, saying it, and linking to it in the recording."""
from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Longer than any webinar; past it, a typo (seconds typed as minutes, say) is likelier than a moment.
LONGEST = 24 * 3600
FORMATS = "Type the minute as mm:ss (12:30), h:mm:ss (1:02:30) or whole minutes (12)."
_CLOCK = re.compile(r"(?:(\d{1,2}):)?(\d{1,3}):(\d{2})")
_YOUTUBE = {"youtube.com", "www.youtube.com", "m.youtube.com", "youtu.be", "www.youtube-nocookie.com"}
_VIMEO = {"vimeo.com", "www.vimeo.com", "player.vimeo.com"}


class BadMinute(ValueError):
    """What was typed is no moment in a recording; the message says what would be."""


def parse(typed: str | None) -> int | None:
    """Seconds from the recording's start, None for nothing typed, or BadMinute."""
    text = (typed or "").strip()
    if not text:
        return None
    if text.isdigit():
        seconds = int(text) * 60
    else:
        match = _CLOCK.fullmatch(text)
        if not match:
            raise BadMinute(f"“{text[:20]}” is not a time in the recording. {FORMATS}")
        hours, minutes, secs = int(match[1] or 0), int(match[2]), int(match[3])
        if secs >= 60 or (match[1] is not None and minutes >= 60):
            raise BadMinute(f"“{text}” has more than 59 {'seconds' if secs >= 60 else 'minutes'} in a place. {FORMATS}")
        seconds = hours * 3600 + minutes * 60 + secs
    if seconds > LONGEST:
        raise BadMinute(f"“{text}” is more than 24 hours into the recording. {FORMATS}")
    return seconds


def label(seconds: int | None) -> str:
    """12:30, or 1:02:30 past the first hour; '' for none."""
    if seconds is None:
        return ""
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def link(recording_url: str, seconds: int) -> str:
    """The recording opened at `seconds`: YouTube's own t= parameter, Vimeo's #t=1m5s, and the
    media fragment #t=<seconds> (which browsers' players read) anywhere else."""
    parts = urlsplit(recording_url)
    host = parts.hostname or ""
    if host in _YOUTUBE:
        query = [(name, value) for name, value in parse_qsl(parts.query, keep_blank_values=True) if name != "t"]
        return urlunsplit(parts._replace(query=urlencode([*query, ("t", str(seconds))]), fragment=""))
    if host in _VIMEO:
        minutes, secs = divmod(seconds, 60)
        return urlunsplit(parts._replace(fragment=f"t={minutes}m{secs}s"))
    return urlunsplit(parts._replace(fragment=f"t={seconds}"))
