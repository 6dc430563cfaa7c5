"""Export: the whole community as one archive document, written as it is read.

The layout is fixed so that two exports of the same data are the same
bytes: users by id, themes by opening time, threads and posts by id,
panel questions in queue order; times in UTC with "+00:00"; post keys
"p<id>". Users, posts, resources and questions take one line each, so
a backup reads (and diffs) line by line.
"""
from __future__ import annotations

import json
from itertools import groupby
from typing import Iterable, Iterator, TextIO

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..core.database import read_transaction
from ..core.extensions import db
from ..models import GuestExpert, PanelQuestion, Post, PostRevision, Theme, Thread, User
from .checking import FORMAT
from .fields import format_time


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False)


class ArchiveWriter:
    """Writes the document piece by piece: users, then each theme with its threads streamed."""

    def __init__(self, out: TextIO):
        self.out = out
        self.themes_written = 0

    def users(self, users: Iterable[dict]) -> None:
        self.out.write(f'{{\n  "format": {FORMAT},\n  "users": ')
        self._lines(users, "  ")
        self.out.write(',\n  "themes": [')

    def theme(self, theme: dict, threads: Iterable[tuple[dict, list[dict]]]) -> None:
        """A theme's fields (panel_questions last), its threads streamed as (thread fields, posts)."""
        out = self.out
        out.write(",\n    {" if self.themes_written else "\n    {")
        for name, value in theme.items():
            if name == "panel_questions":
                continue
            out.write(f"\n      {_json(name)}: ")
            if name in ("resources", "guest_experts"):
                self._lines(value, "      ")
            else:
                out.write(_json(value))
            out.write(",")
        out.write('\n      "threads": [')
        first = True
        for thread, posts in threads:
            out.write("\n        {" if first else ",\n        {")
            first = False
            for name, value in thread.items():
                out.write(f"\n          {_json(name)}: {_json(value)},")
            out.write('\n          "posts": ')
            self._lines(posts, "          ")
            out.write("\n        }")
        out.write("\n      ]," if not first else "],")
        out.write('\n      "panel_questions": ')
        self._lines(theme["panel_questions"], "      ")
        out.write("\n    }")
        self.themes_written += 1

    def finish(self) -> None:
        self.out.write("\n  ]\n}\n" if self.themes_written else "]\n}\n")

    def _lines(self, items: Iterable[dict], indent: str) -> None:
        """A list with one item per line."""
        lines = [_json(item) for item in items]
        if not lines:
            self.out.write("[]")
            return
        self.out.write(f"[\n{indent}  ")
        self.out.write(f",\n{indent}  ".join(lines))
        self.out.write(f"\n{indent}]")


def user_record(user: User, with_password_hash: bool) -> dict:
    found = {
        "email": user.email, "display_name": user.display_name, "role": user.role,
        "position": user.position, "organisation": user.organisation, "location": user.location,
        "bio": user.bio, "joined_at": format_time(user.joined_at),
    }
    if not user.show_affiliation:  # written only when set, so older archives read the same
        found["affiliation_hidden"] = True
    if with_password_hash and user.password_hash:
        found["password_hash"] = user.password_hash
    return found


def theme_record(theme: Theme, questions: list[PanelQuestion], emails: dict[int, str],
                 guests: list[dict] | None = None) -> dict:
    return {
        "slug": theme.slug, "title": theme.title, "month": theme.month, "summary": theme.summary,
        "blog_post": theme.blog_post,
        "panel": {"title": theme.panel_title, "at": format_time(theme.panel_at),
                  **({"join_url": theme.panel_join_url} if theme.panel_join_url else {}),  # older files read the same
                  "recording_url": theme.recording_url,
                  "panelists": [{"name": p.name, "bio": p.bio} for p in theme.panelists]},
        "opens_at": format_time(theme.opens_at), "closes_at": format_time(theme.closes_at),
        "resources": [{"title": r.title, "url": r.url, "kind": r.kind, "note": r.note}
                      for r in theme.resources],
        **({"guest_experts": guests} if guests else {}),  # written only when there are some: older files read the same
        "panel_questions": [question_record(q, emails) for q in questions],
    }


def guest_records(theme: Theme, emails: dict[int, str]) -> list[dict]:
    """A theme's guest experts, in the order they were invited."""
    return [{"user": emails[guest.user_id], "panelist": guest.panelist, "invited_at": format_time(guest.invited_at),
             "emails_declined": guest.emails_declined_at is not None}
            for guest in db.session.scalars(select(GuestExpert).where(GuestExpert.theme_id == theme.id)
                                            .order_by(GuestExpert.invited_at, GuestExpert.id))]


def question_record(question: PanelQuestion, emails: dict[int, str]) -> dict:
    found = {"question": question.question, "asked_by": question.asked_by, "source": question.source,
             "status": question.status, "publish_at": format_time(question.publish_at)}
    if question.post_id is not None:
        found["post"] = f"p{question.post_id}"
    # Written only when set, so archives without them read the same.
    if question.asked_by_id is not None:
        found["asked_by_member"] = emails[question.asked_by_id]
    if question.answered_at_second is not None:
        found["answered_at_second"] = question.answered_at_second
    if question.show_ahead:
        found["show_ahead"] = True
    return found


def post_fields(post, emails: dict[int, str], revisions: dict[int, list[dict]]) -> dict:
    """Author, time, body, the optional marks and earlier versions: shared by replies and opening posts."""
    found = {"author": emails[post.author_id], "created_at": format_time(post.created_at), "body": post.body,
             **post_marks(post)}
    if post.id in revisions:  # written only when kept, so older archives read the same
        found["revisions"] = revisions[post.id]
    return found


def post_marks(post) -> dict:
    """What became of a post, written only when it happened: edited_at, deleted, hidden."""
    found = {}
    if post.edited_at is not None:
        found["edited_at"] = format_time(post.edited_at)
    if post.deleted_at is not None:
        found["deleted"] = True
    if post.hidden_at is not None:
        found["hidden"] = True
    return found


_POST_COLUMNS = (Post.id, Post.thread_id, Post.parent_id, Post.author_id, Post.body, Post.created_at,
                 Post.edited_at, Post.deleted_at, Post.hidden_at)


def _revisions(theme: Theme, emails: dict[int, str]) -> dict[int, list[dict]]:
    """The earlier versions of a theme's posts, oldest first, by post id (few posts have any)."""
    rows = db.session.execute(
        select(PostRevision.post_id, PostRevision.body, PostRevision.edited_by_id, PostRevision.edited_at)
        .join(Post, PostRevision.post_id == Post.id).join(Thread, Post.thread_id == Thread.id)
        .where(Thread.theme_id == theme.id).order_by(PostRevision.post_id, PostRevision.number))
    found: dict[int, list[dict]] = {}
    for row in rows:
        found.setdefault(row.post_id, []).append({"body": row.body, "edited_by": emails[row.edited_by_id],
                                                  "edited_at": format_time(row.edited_at)})
    return found


def _threads(theme: Theme, emails: dict[int, str]) -> Iterator[tuple[dict, list[dict]]]:
    """A theme's threads with their posts, one thread in memory at a time."""
    threads = {t.id: t for t in db.session.scalars(
        select(Thread).where(Thread.theme_id == theme.id).order_by(Thread.id))}
    revisions = _revisions(theme, emails)
    rows = db.session.execute(
        select(*_POST_COLUMNS).join(Thread, Post.thread_id == Thread.id)
        .where(Thread.theme_id == theme.id).order_by(Post.thread_id, Post.id)
        .execution_options(yield_per=2000)
    )
    for thread_id, posts in groupby(rows, key=lambda row: row.thread_id):
        thread, posts = threads[thread_id], list(posts)
        opening = next((p for p in posts if p.parent_id is None), posts[0])
        record = {"title": thread.title, "key": f"p{opening.id}", **post_fields(opening, emails, revisions),
                  "created_at": format_time(thread.created_at), "facilitated": thread.facilitated,
                  "pinned": thread.pinned, "locked": thread.locked}
        replies = []
        for post in posts:
            if post is opening:
                continue
            reply = {"key": f"p{post.id}"}
            if post.parent_id not in (None, opening.id):
                reply["parent"] = f"p{post.parent_id}"
            replies.append({**reply, **post_fields(post, emails, revisions)})
        yield record, replies


def export(out: TextIO, *, with_password_hashes: bool = False) -> dict:
    """Write the archive to `out`; returns counts of what it holds."""
    counts = {"users": 0, "themes": 0, "threads": 0, "posts": 0}
    # One read transaction: a consistent snapshot that never blocks writers.
    with read_transaction():
        emails = dict(db.session.execute(select(User.id, User.email)).all())
        writer = ArchiveWriter(out)
        users = db.session.scalars(select(User).order_by(User.id)).all()
        writer.users(user_record(user, with_password_hashes) for user in users)
        counts["users"] = len(users)
        themes = db.session.scalars(
            select(Theme).options(selectinload(Theme.panelists), selectinload(Theme.resources))
            .order_by(Theme.opens_at, Theme.id)
        ).all()
        for theme in themes:
            questions = db.session.scalars(
                select(PanelQuestion).where(PanelQuestion.theme_id == theme.id)
                .order_by(PanelQuestion.position, PanelQuestion.id)
            ).all()

            def counted(threads):
                for thread, posts in threads:
                    counts["threads"] += 1
                    counts["posts"] += 1 + len(posts)
                    yield thread, posts

            writer.theme(theme_record(theme, questions, emails, guest_records(theme, emails)),
                         counted(_threads(theme, emails)))
            counts["themes"] += 1
        writer.finish()
    return counts
