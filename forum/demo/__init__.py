"""The demo community: an archive file (community.json, docs/archive-format.md) loaded by the archive import.

The file reads as if it had been exported on RECORDED_ON. Loading moves
every time in it by the days between then and today, so the current
theme is open and the archived ones are archived whenever a newcomer
runs `make run` for the first time. Edit the file to change the demo;
`archive import` would load it as it stands, dated as written.

remove() takes the demo out again, so a forum started with `make run` can
go live without it. The `demo load` and `demo remove` commands are in cli.py.
"""
from __future__ import annotations

import json
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

from flask import Flask
from sqlalchemy import delete, exists, func, or_, select

import search

from .. import archive
from ..archive.fields import format_time
from ..page_cache import freshness
from ..uploads import files
from ..core.extensions import db
from ..models import AuditEntry, PanelQuestion, Post, PostRevision, Report, Theme, Thread, User
from ..accounts.passwords import hash_password

COMMUNITY = Path(__file__).with_name("community.json")
RECORDED_ON = datetime(2026, 1, 15, tzinfo=timezone.utc)
DEMO_PASSWORD = "teach-lead-share"
# The accounts a newcomer is told to try, one of each role (README says the same).
SHOWCASE = ("rosa.delgado@example.org", "siobhan.brennan@example.org", "jackie.wheeler@example.org")


def is_empty() -> bool:
    return not db.session.scalar(select(func.count(Theme.id)))


def showcase_accounts() -> list[tuple[str, str]]:
    """(email, role) of the showcase accounts still in the forum, in SHOWCASE's order."""
    roles = dict(db.session.execute(select(User.email, User.role).where(User.email.in_(SHOWCASE))).all())
    return [(email, roles[email]) for email in SHOWCASE if email in roles]


def load(today: datetime | None = None) -> archive.Loaded:
    """Import the demo, dated so that `today` plays the part of RECORDED_ON; commits, then indexes."""
    midnight = (today or datetime.now(timezone.utc)).replace(hour=0, minute=0, second=0, microsecond=0)
    document = json.loads(COMMUNITY.read_text(encoding="utf-8"))
    _move_in_time(document, midnight - RECORDED_ON)
    _move_months(document, _months_between(RECORDED_ON, midnight))
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
    """Every time in the document (the fields named `at` or `..._at`) moved by `shift`, in place."""
    if isinstance(value, list):
        for item in value:
            _move_in_time(item, shift)
    elif isinstance(value, dict):
        for name, item in value.items():
            if (name == "at" or name.endswith("_at")) and isinstance(item, str):
                value[name] = format_time(datetime.fromisoformat(item) + shift)
            else:
                _move_in_time(item, shift)


def _months_between(earlier: datetime, later: datetime) -> int:
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def _move_months(document: dict, months: int) -> None:
    """Every theme's month moved by whole months, in place.

    Not its new opening month: the month open on RECORDED_ON opened ten days
    before it, so loaded early in a month it would be named for the month before.
    """
    for theme in document["themes"]:
        year, month = divmod(int(theme["month"][:4]) * 12 + int(theme["month"][5:7]) - 1 + months, 12)
        theme["month"] = f"{year:04d}-{month + 1:02d}"


def remove() -> dict:
    """Delete the demo's themes with everything in them, and its members unless something
    outside the demo is theirs (a post, a moderator's action); commit, then index. Counts."""
    document = json.loads(COMMUNITY.read_text(encoding="utf-8"))
    slugs = [theme["slug"] for theme in document["themes"]]
    emails = [user["email"] for user in document["users"]]
    theme_ids = select(Theme.id).where(Theme.slug.in_(slugs))
    thread_ids = select(Thread.id).where(Thread.theme_id.in_(theme_ids))
    counts = {"themes": db.session.scalar(select(func.count()).select_from(theme_ids.subquery())),
              "posts": db.session.scalar(select(func.count(Post.id)).where(Post.thread_id.in_(thread_ids)))}
    # Children first; notifications, reports, reads, watches, panelists and resources go with
    # their posts, threads and themes (ON DELETE CASCADE).
    db.session.execute(delete(PanelQuestion).where(PanelQuestion.theme_id.in_(theme_ids)))
    db.session.execute(delete(Post).where(Post.thread_id.in_(thread_ids)))
    db.session.execute(delete(Thread).where(Thread.theme_id.in_(theme_ids)))
    db.session.execute(delete(Theme).where(Theme.slug.in_(slugs)))
    still_theirs = or_(
        exists().where(Post.author_id == User.id), exists().where(Post.hidden_by_id == User.id),
        exists().where(Post.edited_by_id == User.id), exists().where(PostRevision.edited_by_id == User.id),
        exists().where(PanelQuestion.created_by_id == User.id),
        exists().where(PanelQuestion.scheduled_by_id == User.id),
        exists().where(PanelQuestion.published_by_id == User.id),
        exists().where(Report.resolved_by_id == User.id),
        exists().where(AuditEntry.actor_id == User.id, AuditEntry.object_type != "user"))
    in_the_file = db.session.scalar(select(func.count(User.id)).where(User.email.in_(emails)))
    leaving = db.session.scalars(select(User.id).where(User.email.in_(emails), ~still_theirs)).all()
    db.session.execute(delete(AuditEntry).where(AuditEntry.actor_id.in_(leaving)))  # their logins
    their_files = files.forget_all_of(leaving)
    db.session.execute(delete(User).where(User.id.in_(leaving)))
    counts["members"], counts["members_kept"] = len(leaving), in_the_file - len(leaving)
    freshness.everything_changed()
    db.session.commit()
    files.delete_files(their_files)
    search.rebuild()
    return counts


def register(app: Flask) -> None:
    """The demo commands."""
    from . import cli

    app.cli.add_command(cli.demo_group)
