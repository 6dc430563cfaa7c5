"""Streaming an archive file: users, themes and threads one at a time, never the whole document.

ijson's C parser (yajl) turns the bytes into events; the reader builds
one thread (with its posts) at a time, so memory follows the largest
thread, not the file. Fields may come in any order, as JSON allows.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import BinaryIO, Iterator

import ijson

from .fields import Problems

_STARTS = ("start_map", "start_array")
_PARSER_MESSAGE = re.compile(r"(?:parse|lexical) error: ([^\n\\]+)")
# Objects and arrays nest at most 7 deep in an archive (a post in a thread in a
# theme); beyond this a value is refused before reading it would exhaust
# Python's recursion limit (an array 200,000 deep took the import down).
MAX_DEPTH = 16


class NotJSON(ValueError):
    """The bytes stop being JSON, or nest too deep, somewhere; `where` is the JSON path reached."""

    def __init__(self, where: str, reason: str):
        super().__init__(f"{where}: {reason}" if where else reason)
        self.where, self.reason = where, reason


@dataclass
class Item:
    """One record of the archive: kind is "user", "thread", "theme" or "field" (top level)."""

    kind: str
    path: str
    value: object
    index: int = 0  # place in its list
    theme: int = 0  # for a thread: its theme's place in "themes"


class DigestReader:
    """A binary file that hashes and counts what is read from it."""

    def __init__(self, raw: BinaryIO):
        self.raw, self.hash, self.done = raw, hashlib.blake2b(), 0

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.hash.update(data)
        self.done += len(data)
        return data

    def digest(self) -> bytes:
        return self.hash.digest()


def _reason(error: Exception) -> str:
    text = str(error)
    match = _PARSER_MESSAGE.search(text)
    reason = match.group(1).strip().rstrip(".") if match else text.splitlines()[0] if text else "unreadable"
    if reason == "premature EOF":
        return "the file ends too early: it looks truncated (nothing was imported)"
    return f"not valid JSON here ({reason})"


class Reader:
    """Yields Items in file order; structural problems (duplicate fields) go to `problems`."""

    def __init__(self, source: BinaryIO, problems: Problems):
        self.events = ijson.basic_parse(source, use_float=True, buf_size=256 * 1024)
        self.problems = problems
        self.where = ""

    def items(self) -> Iterator[Item]:
        try:
            yield from self._document()
            for _ in self.events:  # the parser reports anything after the document
                pass
        except ijson.JSONError as error:
            raise NotJSON(self.where, _reason(error)) from None

    def _next(self):
        return next(self.events)

    def _document(self) -> Iterator[Item]:
        event, value = self._next()
        if event != "start_map":
            self.problems.add("", "an archive is one JSON object: {\"format\": 1, \"users\": [...], \"themes\": [...]}")
            self._value(event, value, "", 1)
            return
        for key, event, value in self._members(""):
            if key == "users" and event == "start_array":
                for n, (item_event, item_value) in enumerate(self._elements()):
                    self.where = f"users[{n}]"
                    yield Item("user", self.where, self._value(item_event, item_value, self.where, 3), n)
            elif key == "themes" and event == "start_array":
                for n, (item_event, item_value) in enumerate(self._elements()):
                    yield from self._theme(n, item_event, item_value)
            else:
                self.where = key
                yield Item("field", key, self._value(event, value, key, 2))

    def _theme(self, n: int, event: str, value) -> Iterator[Item]:
        path = self.where = f"themes[{n}]"
        if event != "start_map":
            yield Item("theme", path, self._value(event, value, path, 3), n)
            return
        fields: dict = {}
        for key, event, value in self._members(path):
            if key == "threads" and event == "start_array":
                fields[key] = []  # streamed: the theme record only learns they were there
                for t, (item_event, item_value) in enumerate(self._elements()):
                    self.where = f"{path}.threads[{t}]"
                    yield Item("thread", self.where, self._value(item_event, item_value, self.where, 5), t, n)
            else:
                self.where = f"{path}.{key}"
                fields[key] = self._value(event, value, self.where, 4)
        self.where = path
        yield Item("theme", path, fields, n)

    def _members(self, path: str) -> Iterator[tuple[str, str, object]]:
        """(key, first event, its value) for each member of the object just started."""
        seen = set()
        while True:
            event, key = self._next()
            if event == "end_map":
                return
            if key in seen:
                self.problems.add(f"{path}.{key}" if path else key, "appears twice in the same object")
            seen.add(key)
            event, value = self._next()
            yield key, event, value

    def _elements(self) -> Iterator[tuple[str, object]]:
        while True:
            event, value = self._next()
            if event == "end_array":
                return
            yield event, value

    def _value(self, event: str, value, path: str, depth: int):
        """The whole value that starts with this event, as Python objects; depth counts the document's object."""
        if event in _STARTS and depth > MAX_DEPTH:
            raise NotJSON(path, f"nested more than {MAX_DEPTH} levels deep (an archive needs 7)")
        if event == "start_map":
            found = {}
            for key, sub_event, sub_value in self._members(path):
                found[key] = (self._value(sub_event, sub_value, f"{path}.{key}", depth + 1)
                              if sub_event in _STARTS else sub_value)
            return found
        if event == "start_array":
            return [self._value(sub_event, sub_value, f"{path}[{n}]", depth + 1) if sub_event in _STARTS else sub_value
                    for n, (sub_event, sub_value) in enumerate(self._elements())]
        return value
