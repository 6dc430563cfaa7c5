"""The archive's records, checked one at a time and turned into clean Python values.

Both passes of an import call these: the first for the problems, the
second for the values. Limits follow the models and the moderators'
forms, so whatever imports can later be edited in the app.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app

from ..themes.forms import MONTH_RE, RESOURCE_KINDS, SLUG_RE
from ..models import ROLES
from ..models.panel import ANSWERED_LIVE, PUBLISHED, SCHEDULED, SOURCES, STATUSES
from ..panel.minutes import LONGEST
from ..accounts.passwords import hash_problem
from .fields import Problems, Record, quoted

KEY_MAX = 100


def _web_url(record: Record, name: str, *, required: bool) -> str:
    """Only absolute http(s) links, as the forms allow: never javascript: or data:."""
    url = record.text(name, required=required, max_length=500)
    parts = urlsplit(url)
    if url and (parts.scheme not in ("http", "https") or not parts.netloc or " " in url):
        record.problem(name, f"{quoted(url[:60])} is not a web address starting with https:// or http://")
    return url


def user(value, path: str, problems: Problems) -> dict:
    r = Record(value, path, problems)
    email = r.text("email", max_length=254).lower()
    if email and ("@" not in email or " " in email):
        r.problem("email", f"{quoted(email)} is not an email address")
    found = {
        "email": email,
        "display_name": r.text("display_name", max_length=80),
        "role": r.choice("role", ROLES),
        "position": r.text("position", required=False, max_length=120),
        "organisation": r.text("organisation", required=False, max_length=120),
        "location": r.text("location", required=False, max_length=120),
        "show_affiliation": not r.flag("affiliation_hidden"),
        "bio": r.text("bio", required=False, max_length=5000, multiline=True),
        "joined_at": r.time("joined_at", required=False),
        "password_hash": r.text("password_hash", required=False, max_length=255) or None,
    }
    problem = hash_problem(found["password_hash"]) if found["password_hash"] else None
    if problem:
        r.problem("password_hash", problem)
    r.finish()
    return found


def theme(value, path: str, problems: Problems) -> dict:
    """A theme without its threads, which are streamed on their own."""
    r = Record(value, path, problems)
    r.array("threads")  # the reader streams them and leaves [] here; anything else is a type error
    slug = r.text("slug", max_length=80)
    if slug and not SLUG_RE.match(slug):
        r.problem("slug", f"{quoted(slug)}: use lower-case letters, digits and single hyphens only")
    month = r.text("month")
    if month and not MONTH_RE.match(month):
        r.problem("month", f"{quoted(month)} is not a month written YYYY-MM")
    found = {
        "slug": slug, "month": month,
        "title": r.text("title", max_length=160),
        "summary": r.text("summary", required=False, max_length=2000, multiline=True),
        "blog_post": r.text("blog_post", required=False, max_length=20000, multiline=True),
        "panel": _panel(r.object("panel"), f"{path}.panel", problems),
        "opens_at": r.time("opens_at"),
        "closes_at": r.time("closes_at"),
        "resources": [_resource(item, f"{path}.resources[{n}]", problems)
                      for n, item in enumerate(r.array("resources"))],
        "panel_questions": [question(item, f"{path}.panel_questions[{n}]", problems)
                            for n, item in enumerate(r.array("panel_questions"))],
        # Optional: archives written before guest experts have none.
        "guest_experts": [_guest_expert(item, f"{path}.guest_experts[{n}]", problems)
                          for n, item in enumerate(r.array("guest_experts"))],
    }
    if found["opens_at"] and found["closes_at"] and found["closes_at"] <= found["opens_at"]:
        r.problem("closes_at", "the discussion must close after it opens")
    r.finish()
    return found


def _panel(value, path: str, problems: Problems) -> dict:
    r = Record(value if value is not None else {}, path, problems)
    found = {
        "title": r.text("title", required=False, max_length=200),
        "at": r.time("at", required=False),
        "join_url": _web_url(r, "join_url", required=False),
        "recording_url": _web_url(r, "recording_url", required=False),
        "panelists": [_panelist(item, f"{path}.panelists[{n}]", problems)
                      for n, item in enumerate(r.array("panelists"))],
    }
    r.finish()
    return found


def _panelist(value, path: str, problems: Problems) -> dict:
    r = Record(value, path, problems)
    found = {"name": r.text("name", max_length=120),
             "bio": r.text("bio", required=False, max_length=1000, multiline=True)}
    r.finish()
    return found


def _guest_expert(value, path: str, problems: Problems) -> dict:
    """A member who is a guest expert of the theme: their email, the panelist they are, since when."""
    r = Record(value, path, problems)
    found = {"user": r.text("user", max_length=254).lower(),
             "panelist": r.text("panelist", max_length=120),
             "invited_at": r.time("invited_at"),
             "emails_declined": r.flag("emails_declined")}
    r.finish()
    return found


def _resource(value, path: str, problems: Problems) -> dict:
    r = Record(value, path, problems)
    found = {
        "title": r.text("title", max_length=200),
        "url": _web_url(r, "url", required=True),
        "kind": r.choice("kind", RESOURCE_KINDS, default="article"),
        "note": r.text("note", required=False, max_length=300),
    }
    r.finish()
    return found


def question(value, path: str, problems: Problems) -> dict:
    r = Record(value, path, problems)
    found = {
        "question": r.text("question", max_length=5000, multiline=True),
        "asked_by": r.text("asked_by", required=False, max_length=200),
        "source": r.choice("source", tuple(SOURCES)),
        "status": r.choice("status", STATUSES),
        "publish_at": r.time("publish_at", required=False),
        "post": _key(r, "post", required=False),
        "asked_by_member": r.text("asked_by_member", required=False, max_length=254).lower() or None,
        "answered_at_second": r.optional_integer("answered_at_second"),
        "show_ahead": r.flag("show_ahead"),
    }
    if found["answered_at_second"] is not None and not 0 <= found["answered_at_second"] <= LONGEST:
        r.problem("answered_at_second", f"a moment in the recording, 0 to {LONGEST:,} seconds")
    if found["answered_at_second"] is not None and found["status"] != ANSWERED_LIVE:
        r.problem("answered_at_second", f"only a question answered live has one; this one is {quoted(found['status'])}")
    if found["status"] == SCHEDULED and found["publish_at"] is None:
        r.problem("publish_at", "a scheduled question needs a time to be published")
    if found["post"] and found["status"] != PUBLISHED:
        r.problem("post", f"only a published question has a post; this one is {quoted(found['status'])}")
    r.finish()
    return found


def _key(record: Record, name: str, *, required: bool) -> str | None:
    key = record.text(name, required=required, max_length=KEY_MAX)
    return key or None


def _post_fields(r: Record) -> dict:
    """What an opening post (on its thread) and a reply both carry."""
    found = {
        "author": r.text("author", max_length=254).lower(),
        "created_at": r.time("created_at"),
        "body": r.text("body", max_length=current_app.config["POST_MAX_LENGTH"], multiline=True),
        "edited_at": r.time("edited_at", required=False),
        "deleted": r.flag("deleted"),
        "hidden": r.flag("hidden"),
    }
    if found["edited_at"] and found["created_at"] and found["edited_at"] < found["created_at"]:
        r.problem("edited_at", "earlier than created_at")
    found["revisions"] = _revisions(r, found)
    return found


def _revisions(r: Record, post: dict) -> list[dict]:
    """A post's earlier versions, oldest first: each the text an edit replaced, who edited and when.

    Optional (archives from before edit history have none). The edits come
    after the post was written, in order, and the last is the post's own edited_at.
    """
    found = [_revision(item, f"{r.path}.revisions[{n}]", r.problems) for n, item in enumerate(r.array("revisions"))]
    if not found:
        return found
    if post["edited_at"] is None:
        r.problem("revisions", "a post with earlier versions needs edited_at, the time of its last edit")
    previous = post["created_at"]
    for n, revision in enumerate(found):
        at = revision["edited_at"]
        if at and previous and at < previous:
            r.problem(f"revisions[{n}].edited_at", "earlier than the post was written or edited before"
                      if n else "earlier than created_at")
        previous = at or previous
    if previous and post["edited_at"] and post["edited_at"] != previous:
        r.problem("edited_at", "not the time of the last of its revisions")
    return found


def _revision(value, path: str, problems: Problems) -> dict:
    r = Record(value, path, problems)
    found = {"body": r.text("body", max_length=current_app.config["POST_MAX_LENGTH"], multiline=True),
             "edited_by": r.text("edited_by", max_length=254).lower(),
             "edited_at": r.time("edited_at")}
    r.finish()
    return found


def thread(value, path: str, problems: Problems) -> dict:
    """A thread with its opening post's fields and its replies, each with `index` (its place in the file)."""
    r = Record(value, path, problems)
    found = {
        "title": r.text("title", max_length=200),
        "key": _key(r, "key", required=False),
        **_post_fields(r),
        "facilitated": r.flag("facilitated"),
        "pinned": r.flag("pinned"),
        "locked": r.flag("locked"),
        "posts": [_post(item, f"{path}.posts[{n}]", problems, n) for n, item in enumerate(r.array("posts"))],
    }
    r.finish()
    return found


def _post(value, path: str, problems: Problems, index: int) -> dict:
    r = Record(value, path, problems)
    found = {"key": _key(r, "key", required=True), "parent": _key(r, "parent", required=False),
             **_post_fields(r), "index": index, "path": path}
    r.finish()
    return found
