"""Reading one JSON object of an archive field by field, naming the JSON path of each problem."""
from __future__ import annotations

import json
from datetime import datetime, timezone
from ..core.text import clean_line, clean_text

# Enough to fix a file by; past this only the count grows, so a broken
# million-post file cannot fill memory with messages.
PROBLEMS_KEPT = 1000


class Problems:
    """Every problem found, as "path: message" lines, in the order found."""

    def __init__(self) -> None:
        self.messages: list[str] = []
        self.count = 0

    def add(self, path: str, message: str) -> None:
        self.count += 1
        if len(self.messages) < PROBLEMS_KEPT:
            self.messages.append(f"{path}: {message}" if path else message)

    def __bool__(self) -> bool:
        return self.count > 0


def quoted(value) -> str:
    """A value as JSON writes it, for messages: "p99", not 'p99'."""
    return json.dumps(value, ensure_ascii=False)


def kind_of(value) -> str:
    """A value's type in JSON's words, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


def format_time(moment: datetime | None) -> str | None:
    """UTC, ISO 8601, "+00:00": the one spelling export writes."""
    return None if moment is None else moment.astimezone(timezone.utc).isoformat()


# Times an archive may hold: any real post, with room to shift a day either way.
EARLIEST_TIME, LATEST_TIME = datetime(1900, 1, 1, tzinfo=timezone.utc), datetime(2999, 12, 31, tzinfo=timezone.utc)


class Record:
    """One object of the archive; each getter checks a field and returns it cleaned.

    A getter that finds a problem reports it and returns a harmless
    default, so checking goes on and every problem in the file is found.
    Call finish() last: fields no getter asked for are reported as unknown.
    """

    def __init__(self, value, path: str, problems: Problems):
        self.path, self.problems = path, problems
        self.valid = isinstance(value, dict)
        if not self.valid:
            problems.add(path, f"expected an object, got {kind_of(value)}")
        self.data = value if self.valid else {}
        self.asked: set[str] = set()

    def problem(self, name: str, message: str) -> None:
        self.problems.add(f"{self.path}.{name}", message)

    def _get(self, name: str, required: bool):
        """The raw value, or None when absent or null (reported when required)."""
        self.asked.add(name)
        value = self.data.get(name)
        if value is None and required and self.valid:
            self.problem(name, "missing" if name not in self.data else "must not be null")
        return value

    def _typed(self, name: str, value, wanted: type, label: str):
        if value is None or (isinstance(value, wanted) and not (wanted is int and isinstance(value, bool))):
            return value
        self.problem(name, f"expected {label}, got {kind_of(value)}")
        return None

    def text(self, name: str, *, required: bool = True, max_length: int | None = None,
             multiline: bool = False) -> str:
        value = self._typed(name, self._get(name, required), str, "a string")
        if value is None:
            return ""
        value = clean_text(value) if multiline else clean_line(value)
        if required and not value:
            self.problem(name, "must not be empty")
        elif max_length is not None and len(value) > max_length:
            self.problem(name, f"at most {max_length:,} characters, this has {len(value):,}")
        return value

    def choice(self, name: str, choices, *, default: str | None = None) -> str:
        value = self._typed(name, self._get(name, default is None), str, "a string")
        if value is None:
            return default or ""
        if value not in choices:
            self.problem(name, f"{quoted(value)} is not one of {', '.join(choices)}")
        return value

    def time(self, name: str, *, required: bool = True) -> datetime | None:
        value = self._typed(name, self._get(name, required), str, "a string")
        if value is None:
            return None
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            self.problem(name, f"{quoted(value)} is not an ISO 8601 time, e.g. 2024-03-15T18:30:00+00:00")
            return None
        if moment.tzinfo is None:
            self.problem(name, f"{quoted(value)} has no UTC offset: add one, e.g. +00:00 or -05:00")
            return None
        if not EARLIEST_TIME.year <= moment.year <= LATEST_TIME.year:
            self.problem(name, f"{quoted(value)} is outside the years the forum holds "
                               f"({EARLIEST_TIME.year} to {LATEST_TIME.year})")
            return None
        return moment.astimezone(timezone.utc)

    def flag(self, name: str) -> bool:
        return bool(self._typed(name, self._get(name, False), bool, "true or false"))

    def integer(self, name: str) -> int | None:
        return self._typed(name, self._get(name, True), int, "a number")

    def optional_integer(self, name: str) -> int | None:
        return self._typed(name, self._get(name, False), int, "a number")

    def array(self, name: str) -> list:
        return self._typed(name, self._get(name, False), list, "an array") or []

    def object(self, name: str) -> dict | None:
        return self._typed(name, self._get(name, False), dict, "an object")

    def finish(self) -> None:
        for name in self.data:
            if name not in self.asked:
                self.problem(name, "unknown field")
