"""Cleaning of what people type before it is stored.

Control characters (NUL above all) never reach the database, and
bidirectional override, embedding and isolate characters are removed
from all text (one-line fields also lose the direction marks), so a
name, a bio or a post cannot reorder the text displayed around it.
"""
from __future__ import annotations

import re
import unicodedata

# Overrides, embeddings and isolates: they reorder what follows them.
_BIDI_OVERRIDES = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
# Direction marks too: harmless in a paragraph of Hebrew or Arabic, never needed in a name.
_BIDI_CONTROLS = _BIDI_OVERRIDES + "\u200e\u200f\u061c"
_ONE_LINE_STRIP = re.compile(
    "[\x00-\x1f\x7f-\x9f" + _BIDI_CONTROLS + "\u2028\u2029\ufeff]"
)
# Tabs and newlines survive in multi-line text; other controls and bidi overrides don't.
_MULTI_LINE_STRIP = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufeff" + _BIDI_OVERRIDES + "]")
_SPACES = re.compile(r"\s+")


def clean_line(value: str | None) -> str:
    """One-line text: no controls or bidi overrides, spaces collapsed, trimmed."""
    if value is None:
        return ""
    value = unicodedata.normalize("NFC", value)
    value = _ONE_LINE_STRIP.sub(" ", value)
    return _SPACES.sub(" ", value).strip()


def shortened(value: str | None, length: int) -> str:
    """One-line text (clean_line) of at most `length` characters, cut at the end with "…"."""
    value = clean_line(value)
    return value if len(value) <= length else value[: length - 1].rstrip() + "…"


def clean_text(value: str | None) -> str:
    """Multi-line text: newlines normalised, controls removed, ends trimmed."""
    if value is None:
        return ""
    value = unicodedata.normalize("NFC", value)
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return _MULTI_LINE_STRIP.sub("", value).strip()

_OVERRIDES = re.compile("[" + _BIDI_OVERRIDES + "]")


def without_bidi_overrides(value: str) -> str:
    """For text stored before overrides were removed on input (rendering old posts again)."""
    return _OVERRIDES.sub("", value)


def name_key(name: str) -> str:
    """A name reduced to what a mention is compared by: letters and digits, folded."""
    folded = unicodedata.normalize("NFKD", (name or "").casefold())
    return "".join(ch for ch in folded if ch.isalnum())[:80]
