"""Pass 2 of an import: read the checked file again and insert it, in one transaction.

Rows go in with batched core inserts and ids chosen here, so a thread's
posts get their materialised paths without a flush per post. Foreign
keys are checked at commit (users may come after the themes in a file).
The file is hashed on both passes: if it changed in between, nothing is
kept. Nothing is written to the search outbox; the caller rebuilds the
index once at the end.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable

from sqlalchemy import func, insert, select

from ..page_cache import freshness
from ..core.database import continue_ids_after_explicit_ones, defer_foreign_keys, utcnow
from ..core.extensions import db
from ..core.markup import render_markdown
from ..models import GuestExpert, PanelQuestion, Panelist, Post, PostRevision, Resource, Theme, Thread, User
from ..models.discussions import path_segment
from ..models.users import new_session_token
from ..discussions.post_rows import ThreadCounters, post_row
from . import records
from .checking import ArchiveInvalid, Facts
from .fields import Problems
from .reading import DigestReader, NotJSON, Reader

BATCH = 5000


@dataclass
class Loaded:
    """What an import added, and where its time went."""

    users: int = 0
    users_matched: int = 0  # already members: their posts are credited to the existing accounts
    themes: int = 0
    threads: int = 0
    posts: int = 0
    questions: int = 0
    ids_kept: bool = False
    seconds: dict[str, float] = field(default_factory=lambda: {"markdown": 0.0, "total": 0.0})


class Loader:
    """Turns the file's records into rows, inserted a batch at a time."""

    def __init__(self, facts: Facts, progress: Callable[[int], None] | None):
        self.facts, self.progress = facts, progress
        self.loaded = Loaded()
        self.problems = Problems()  # only a file changed since pass 1 has any
        self.users = dict(db.session.execute(select(User.email, User.id)).all())
        taken = facts.slugs & set(db.session.scalars(select(Theme.slug)))
        if taken:
            self.problems.add("", f"themes added to the forum since the file was checked: {', '.join(sorted(taken))}")
        self.loaded.ids_kept = facts.keys_are_ids and not db.session.scalar(select(func.count(Post.id)))
        self.next_id = {model: (db.session.scalar(select(func.max(model.id))) or 0) + 1
                        for model in (User, Theme, Thread, Post)}
        # Ids for the file's new members up front: posts may name them before they come.
        self.new_users = {email: self.take_id(User) for email in facts.emails if email not in self.users}
        self.users.update(self.new_users)
        self.theme_base = self.next_id[Theme]  # a theme's id is this plus its place in the file
        self.pending: dict[type, list[dict]] = {model: [] for model in (
            User, Theme, Panelist, Resource, GuestExpert, Thread, Post, PostRevision, PanelQuestion)}
        self.questions: list[dict] = []
        self.found_posts: dict[str, tuple[int, datetime, int]] = {}  # wanted key -> (id, time, author)
        self.now = utcnow()

    def take_id(self, model: type) -> int:
        taken = self.next_id[model]
        self.next_id[model] += 1
        return taken

    def add(self, model: type, row: dict) -> None:
        self.pending[model].append(row)
        if len(self.pending[Post]) >= BATCH or len(self.pending[model]) >= BATCH:
            self.flush()

    def flush(self) -> None:
        for model, rows in self.pending.items():  # parents before children, though checks wait for commit
            if rows:
                db.session.execute(insert(model.__table__), rows)
                if model is Post and self.progress:
                    self.progress(len(rows))
                rows.clear()

    def user(self, user: dict) -> None:
        if user["email"] not in self.new_users:
            self.loaded.users_matched += 1  # already a member: the account stays as it is
            return
        self.add(User, {**user, "id": self.new_users[user["email"]], "joined_at": user["joined_at"] or self.now,
                        "last_seen_at": None, "session_token": new_session_token()})
        self.loaded.users += 1

    def theme(self, theme: dict, index: int) -> None:
        theme_id = self.theme_base + index
        panel = theme["panel"]
        self.add(Theme, {
            "id": theme_id, "slug": theme["slug"], "title": theme["title"], "month": theme["month"],
            "summary": theme["summary"], "blog_post": theme["blog_post"],
            "blog_post_html": render_markdown(theme["blog_post"]),
            "panel_title": panel["title"], "panel_at": panel["at"], "recording_url": panel["recording_url"],
            "panel_join_url": panel["join_url"],
            "opens_at": theme["opens_at"], "closes_at": theme["closes_at"], "created_at": self.now,
        })
        for position, panelist in enumerate(panel["panelists"]):
            self.add(Panelist, {**panelist, "theme_id": theme_id, "position": position})
        for position, resource in enumerate(theme["resources"]):
            self.add(Resource, {**resource, "theme_id": theme_id, "position": position})
        for guest in theme["guest_experts"]:
            # The archive keeps whether they declined the panel's emails, not when: the import's time stands in.
            self.add(GuestExpert, {"theme_id": theme_id, "user_id": self.users[guest["user"]],
                                   "panelist": guest["panelist"], "invited_at": guest["invited_at"],
                                   "invited_by_id": None,
                                   "emails_declined_at": self.now if guest["emails_declined"] else None})
        for position, question in enumerate(theme["panel_questions"], start=1):
            self.questions.append({**question, "theme_id": theme_id, "position": position})
        self.loaded.themes += 1

    def thread(self, thread: dict, theme_index: int) -> None:
        thread_id = self.take_id(Thread)
        opening_id = self.post_id(thread["key"])
        opening = (opening_id, path_segment(opening_id), 0)  # (id, path, depth)
        placed = {thread["key"]: opening} if thread["key"] else {}
        counters = ThreadCounters()
        counters.add(self.post(thread, opening, thread_id, None))
        # In this order every parent comes before its replies: pass 1 made sure.
        for post in sorted(thread["posts"], key=lambda post: (post["created_at"], post["index"])):
            parent = placed[post["parent"]] if post["parent"] else opening
            post_id = self.post_id(post["key"])
            placed[post["key"]] = (post_id, f"{parent[1]}.{path_segment(post_id)}", parent[2] + 1)
            counters.add(self.post(post, placed[post["key"]], thread_id, parent[0]))
        self.add(Thread, {
            "id": thread_id, "theme_id": self.theme_base + theme_index, "title": thread["title"],
            "author_id": self.users[thread["author"]], "created_at": thread["created_at"],
            "facilitated": thread["facilitated"], "pinned": thread["pinned"], "locked": thread["locked"],
            **counters.columns(),
        })
        self.loaded.threads += 1

    def post_id(self, key: str | None) -> int:
        return int(key[1:]) if self.loaded.ids_kept else self.take_id(Post)

    def post(self, post: dict, place: tuple[int, str, int], thread_id: int, parent_id: int | None) -> dict:
        """One post (a thread's opening post, or a reply) at its place in the tree; its row."""
        (post_id, path, depth), author_id = place, self.users[post["author"]]
        # The format carries no time for deleting or hiding: the last known
        # time of the post stands in (edited, else written).
        gone_at = post["edited_at"] or post["created_at"]
        revisions = post["revisions"]
        started = time.perf_counter()  # nearly all of it Markdown
        row = {
            "id": post_id, "thread_id": thread_id, "parent_id": parent_id, "author_id": author_id,
            "path": path, "depth": depth,
            **post_row(body=post["body"], created_at=post["created_at"], edited_at=post["edited_at"],
                       # The last edit's editor: the thread page marks a moderator's edit from it.
                       edited_by_id=self.users[revisions[-1]["edited_by"]] if revisions else None,
                       deleted_at=gone_at if post["deleted"] else None,
                       hidden_at=gone_at if post["hidden"] else None),
        }
        self.loaded.seconds["markdown"] += time.perf_counter() - started
        self.add(Post, row)
        for number, revision in enumerate(revisions, start=1):
            self.add(PostRevision, {"post_id": post_id, "number": number, "body": revision["body"],
                                    "edited_by_id": self.users[revision["edited_by"]],
                                    "edited_at": revision["edited_at"]})
        if post["key"] in self.facts.wanted_keys:
            self.found_posts[post["key"]] = (post_id, post["created_at"], author_id)
        self.loaded.posts += 1
        return row

    def finish(self) -> None:
        for question in self.questions:
            post = self.found_posts.get(question.pop("post") or "")
            member = question.pop("asked_by_member")
            self.add(PanelQuestion, {
                **question, "asked_by_id": self.users[member] if member else None,
                "framing": "", "post_id": post and post[0], "created_at": self.now,
                "created_by_id": None, "scheduled_by_id": None,
                "published_at": post and post[1], "published_by_id": post and post[2],
            })
        self.loaded.questions = len(self.questions)
        self.flush()


def load(path: str, facts: Facts, progress: Callable[[int], None] | None = None) -> Loaded:
    """Insert the checked file and commit; on any problem roll back and raise."""
    started = time.perf_counter()
    # Inside the transaction (BEGIN IMMEDIATE, taken by the first statement),
    # so no other writer can take an id or a slug between here and commit.
    defer_foreign_keys()
    try:
        loader = Loader(facts, progress)
        if loader.problems:
            raise ArchiveInvalid(loader.problems)
        with open(path, "rb") as raw:
            source = DigestReader(raw)
            try:
                for item in Reader(source, loader.problems).items():
                    if item.kind == "field":
                        continue  # the top level was checked in pass 1
                    record = getattr(records, item.kind)(item.value, item.path, loader.problems)
                    if loader.problems:
                        break
                    if item.kind == "user":
                        loader.user(record)
                    elif item.kind == "thread":
                        loader.thread(record, item.theme)
                    else:
                        loader.theme(record, item.index)
            except NotJSON as error:
                loader.problems.add(error.where, error.reason)
            except KeyError as error:  # a member pass 1 found is gone from the forum
                loader.problems.add("", f"{error} is no longer in the forum: nothing was imported")
            while source.read(1 << 20):  # the rest, for the digest
                pass
        if source.digest() != facts.digest:
            loader.problems.add("", "the file changed after it was checked: nothing was imported")
        if loader.problems:
            raise ArchiveInvalid(loader.problems)
        loader.finish()
        continue_ids_after_explicit_ones(*(model.__tablename__ for model in loader.next_id))
        freshness.everything_changed()  # rows were inserted in bulk, out of the session's sight
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    loader.loaded.seconds["total"] = time.perf_counter() - started
    return loader.loaded
