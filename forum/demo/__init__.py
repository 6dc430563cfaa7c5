"""The demo community: an archive file (community.json, docs/archive-format.md) loaded by the archive import.

The file reads as if it had been exported on RECORDED_ON. Loading moves
every time in it by the days between then and today, so the current
theme is open and the archived ones are archived whenever a newcomer
runs `make run` for the first time. Edit the file to change the demo;
`archive import` would load it as it stands, dated as written.
"""
from __future__ import annotations

import json
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import func, select

import search

from .. import archive
from ..archive.fields import format_time
from ..extensions import db
from ..models import Theme
from ..passwords import hash_password

COMMUNITY = Path(__file__).with_name("community.json")
RECORDED_ON = datetime(2026, 1, 15, tzinfo=timezone.utc)
DEMO_PASSWORD = "teach-lead-share"


def is_empty() -> bool:
    return not db.session.scalar(select(func.count(Theme.id)))


def load(today: datetime | None = None) -> archive.Loaded:
    """Import the demo, dated so that `today` plays the part of RECORDED_ON; commits, then indexes."""
    midnight = (today or datetime.now(timezone.utc)).replace(hour=0, minute=0, second=0, microsecond=0)
    document = json.loads(COMMUNITY.read_text(encoding="utf-8"))
    _move_in_time(document, midnight - RECORDED_ON)
    password_hash = hash_password(DEMO_PASSWORD)  # one slow hash, shared by every demo account
    for user in document["users"]:
        user["password_hash"] = password_hash
    # The import reads its file twice (a check pass, then the inserts), so it gets a file.
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".json") as dated:
        json.dump(document, dated, ensure_ascii=False)
        dated.flush()
        loaded = archive.load(dated.name, archive.check(dated.name))
    search.rebuild()
    return loaded


def _move_in_time(value, shift: timedelta) -> None:
    """Every time in the document (the fields named `at` or `..._at`) moved by `shift`, in place.

    A theme's month is its opening month, as a moderator would name it.
    """
    if isinstance(value, list):
        for item in value:
            _move_in_time(item, shift)
    elif isinstance(value, dict):
        for name, item in value.items():
            if (name == "at" or name.endswith("_at")) and isinstance(item, str):
                value[name] = format_time(datetime.fromisoformat(item) + shift)
            else:
                _move_in_time(item, shift)
        if "month" in value and value.get("opens_at"):
            value["month"] = value["opens_at"][:7]
