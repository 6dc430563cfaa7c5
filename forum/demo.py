"""Loading the demo community (forum/demo_content.py) into the database.

Times in the content are relative to the day it is loaded, so the
current theme is open and the archived ones are archived whenever a
newcomer runs `make run` for the first time.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select

import search

from . import demo_content
from .extensions import db
from .markup import MARKUP_VERSION, render_markdown
from .models import PanelQuestion, Panelist, Post, Resource, Theme, Thread, User
from .models.panel import ANSWERED_LIVE, PUBLISHED
from .passwords import hash_password

DEMO_PASSWORD = "teach-lead-share"


def is_empty() -> bool:
    return not db.session.scalar(select(func.count(Theme.id)))


def load(today: datetime | None = None) -> dict:
    """Create the demo members, themes and discussions; commit once at the end."""
    midnight = (today or datetime.now(timezone.utc)).replace(hour=0, minute=0, second=0, microsecond=0)
    password_hash = hash_password(DEMO_PASSWORD)  # one slow hash, shared by every demo account
    users = _members(midnight, password_hash)
    posts = 0
    for data in demo_content.THEMES:
        posts += _theme(data, users, midnight)
    db.session.commit()
    search.rebuild()
    return {"members": len(users), "themes": len(demo_content.THEMES), "posts": posts}


def _members(midnight: datetime, password_hash: str) -> dict[str, User]:
    users = {}
    for n, data in enumerate(demo_content.MEMBERS):
        user = User.by_email(data["email"])
        if user is None:
            user = User(
                email=User.normalise_email(data["email"]), display_name=data["display_name"],
                role=data["role"], position=data["position"], organisation=data["organisation"],
                location=data["location"], bio=data["bio"], password_hash=password_hash,
                joined_at=midnight - timedelta(days=400 - n * 11),
            )
            db.session.add(user)
        users[data["key"]] = user
    db.session.flush()
    return users


def _theme(data: dict, users: dict[str, User], midnight: datetime) -> int:
    opens = midnight - timedelta(days=data["opens_days_ago"])
    panel = data["panel"]
    theme = Theme(
        slug=data["slug"], title=data["title"], month=opens.strftime("%Y-%m"),
        summary=data["summary"], blog_post=data["blog_post"],
        blog_post_html=render_markdown(data["blog_post"]),
        panel_title=panel["title"], panel_at=opens + timedelta(hours=panel["hours_after_opening"]),
        recording_url=panel.get("recording_url") or "",
        opens_at=opens, closes_at=opens + timedelta(days=data["open_for_days"]),
        created_at=opens - timedelta(days=20),
    )
    theme.panelists = [Panelist(name=p["name"], bio=p["bio"], position=i)
                       for i, p in enumerate(panel["panelists"])]
    theme.resources = [Resource(title=r["title"], url=r["url"], kind=r["kind"], note=r["note"], position=i)
                       for i, r in enumerate(data["resources"])]
    db.session.add(theme)
    count = 0
    keyed: dict[str, Post] = {}
    for thread_data in data["threads"]:
        count += _thread(theme, thread_data, users, opens, keyed)
    _panel_questions(theme, data.get("panel_questions", []), keyed, opens)
    return count


def _panel_questions(theme: Theme, questions: list[dict], keyed: dict[str, Post], opens: datetime) -> None:
    """Published ones point at their posts; the rest wait in the queue (or, once
    the month is over, are kept as answered live during the panel)."""
    archived = theme.closes_at <= datetime.now(timezone.utc)
    for position, data in enumerate(questions):
        post = keyed.get(data.get("published_as") or "")
        question = PanelQuestion(
            theme=theme, question=data["question"], asked_by=data["asked_by"], source=data["source"],
            position=position, created_at=opens,
        )
        if post is not None:
            question.status, question.post = PUBLISHED, post
            question.published_at, question.published_by = post.created_at, post.author
        elif archived:
            question.status = ANSWERED_LIVE
        db.session.add(question)


def _thread(theme: Theme, data: dict, users: dict[str, User], opens: datetime,
            keyed: dict[str, Post]) -> int:
    started = opens + timedelta(days=data["days_after_opening"])
    thread = Thread(theme=theme, title=data["title"], author=users[data["author"]],
                    facilitated=data.get("facilitated", False), pinned=data.get("pinned", False),
                    locked=data.get("locked", False), created_at=started, last_post_at=started)
    db.session.add(thread)
    made = {id(data): _post(thread, None, users[data["author"]], data["body"], started)}
    last = started
    # Insert replies in time order, so ids (and so tree order) follow the conversation.
    for at, parent, reply in _replies_in_time_order(data, started):
        made[id(reply)] = _post(thread, made[id(parent)], users[reply["author"]], reply["body"], at)
        if "key" in reply:
            keyed[reply["key"]] = made[id(reply)]
        last = max(last, at)
    thread.reply_count = len(made) - 1
    thread.last_post_at = last
    return len(made)


def _replies_in_time_order(thread_data: dict, started: datetime) -> list[tuple[datetime, dict, dict]]:
    """Every reply with its time and its parent, earliest first."""
    found = []

    def walk(parent: dict, parent_at: datetime) -> None:
        for reply in parent.get("replies", []):
            at = parent_at + timedelta(hours=reply["hours_after_parent"])
            found.append((at, parent, reply))
            walk(reply, at)

    walk(thread_data, started)
    found.sort(key=lambda item: item[0])
    return found


def _post(thread: Thread, parent: Post | None, author: User, body: str, at: datetime) -> Post:
    post = Post(thread=thread, parent=parent, author=author, body=body, html=render_markdown(body),
                markup_version=MARKUP_VERSION, created_at=at)
    db.session.add(post)
    db.session.flush()
    post.place_under(parent)
    return post

