"""Cleaning of what people type before it is stored.

Control characters (NUL above all) never reach the database, and
bidirectional override, embedding and isolate characters are removed
from one-line fields such as names and titles, so a name cannot reorder
the text displayed around it.
"""
from __future__ import annotations

import re
import unicodedata

_BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
_ONE_LINE_STRIP = re.compile(
    "[\x00-\x1f\x7f-\x9f" + _BIDI_CONTROLS + "\u2028\u2029\ufeff]"
)
# Tabs and newlines survive in multi-line text; other controls don't.
_MULTI_LINE_STRIP = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufeff]")
_SPACES = re.compile(r"\s+")


def clean_line(value: str | None) -> str:
    """One-line text: no controls or bidi overrides, spaces collapsed, trimmed."""
    if value is None:
        return ""
    value = unicodedata.normalize("NFC", value)
    value = _ONE_LINE_STRIP.sub(" ", value)
    return _SPACES.sub(" ", value).strip()


def clean_text(value: str | None) -> str:
    """Multi-line text: newlines normalised, controls removed, ends trimmed."""
    if value is None:
        return ""
    value = unicodedata.normalize("NFC", value)
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return _MULTI_LINE_STRIP.sub("", value).strip()
