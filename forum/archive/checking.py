"""Pass 1 of an import: read the whole file, find every problem, change nothing.

What it keeps is far smaller than the file: the set of post keys (about
100 bytes a post, for uniqueness and panel questions), the file's emails
and slugs, and one thread's posts at a time (a parent is always in its
reply's thread).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable

from sqlalchemy import select

from ..core.extensions import db
from ..models import Theme, User
from ..models.discussions import SEGMENT_WIDTH
from . import records
from .fields import PROBLEMS_KEPT, Problems, format_time, kind_of, quoted
from .reading import DigestReader, Item, NotJSON, Reader

FORMAT = 1
# "p" and a post id, as export writes keys: see Facts.keys_are_ids.
ID_KEY = re.compile(r"p[1-9][0-9]*")
LARGEST_ID = 36 ** SEGMENT_WIDTH - 1  # beyond it a path segment outgrows its fixed width


class ArchiveInvalid(ValueError):
    """The file can't be imported; `problems` says where and why. Nothing was changed."""

    def __init__(self, problems: Problems, already_imported: bool = False):
        super().__init__(f"{problems.count} problems")
        self.problems = problems
        self.already_imported = already_imported


@dataclass
class Facts:
    """What pass 1 learnt and pass 2 needs."""

    digest: bytes = b""
    size: int = 0
    users: int = 0
    themes: int = 0
    threads: int = 0
    posts: int = 0  # opening posts included
    questions: int = 0
    slugs: set[str] = field(default_factory=set)
    emails: list[str] = field(default_factory=list)  # the file's users, in file order
    # Keys that panel questions name: pass 2 remembers these posts' ids.
    wanted_keys: set[str] = field(default_factory=set)
    # Every key is "p<number>" and every thread has one, as export writes
    # them: imported into a forum with no posts, posts keep those numbers
    # as ids, so a restored backup keeps its permalinks.
    keys_are_ids: bool = True


class Checker:
    """Takes the file's records in order; problems that need the whole file wait for finish()."""

    def __init__(self) -> None:
        self.problems = Problems()
        self.facts = Facts()
        self.known_emails = set(db.session.scalars(select(User.email)))
        self.known_slugs = set(db.session.scalars(select(Theme.slug)))
        self.keys: set[str] = set()
        self.emails: dict[str, str] = {}  # email -> path of its user
        self.slugs: dict[str, str] = {}
        self.slugs_taken = 0
        # Authors not (yet) seen -> [times used, the first paths]: users may come after themes.
        self.awaited_authors: dict[str, list] = {}
        self.question_posts: list[tuple[str, str]] = []  # (path, key)
        self.top_level: set[str] = set()

    def item(self, item: Item) -> None:
        if item.kind == "user":
            self.user(records.user(item.value, item.path, self.problems), item.path)
        elif item.kind == "thread":
            self.thread(records.thread(item.value, item.path, self.problems), item.path)
        elif item.kind == "theme":
            self.theme(records.theme(item.value, item.path, self.problems), item.path)
        else:
            self.field(item.path, item.value)

    def field(self, name: str, value) -> None:
        self.top_level.add(name)
        if name == "format":
            if value != FORMAT or isinstance(value, bool):
                self.problems.add("format", f"this forum reads archive format {FORMAT}, not {quoted(value)}")
        elif name in ("users", "themes"):
            self.problems.add(name, f"expected an array, got {kind_of(value)}")
        else:
            self.problems.add(name, "unknown field")

    def user(self, user: dict, path: str) -> None:
        self.facts.users += 1
        email = user["email"]
        if not email:
            return
        if email in self.emails:
            self.problems.add(f"{path}.email", f"{quoted(email)} is already the email of {self.emails[email]}")
            return
        self.emails[email] = path
        self.awaited_authors.pop(email, None)

    def author(self, email: str, path: str) -> None:
        if email and email not in self.emails and email not in self.known_emails:
            uses = self.awaited_authors.setdefault(email, [0, []])
            uses[0] += 1
            if len(uses[1]) < PROBLEMS_KEPT:
                uses[1].append(path)

    def editors(self, post: dict, path: str) -> None:
        """Who made each of a post's edits is a member, as its author is."""
        for n, revision in enumerate(post["revisions"]):
            self.author(revision["edited_by"], f"{path}.revisions[{n}].edited_by")

    def key(self, key: str | None, path: str) -> None:
        if key is None:
            self.facts.keys_are_ids = False
            return
        if key in self.keys:
            self.problems.add(path, f"another post already has key {quoted(key)}")
        self.keys.add(key)
        if self.facts.keys_are_ids and not (ID_KEY.fullmatch(key) and int(key[1:]) <= LARGEST_ID):
            self.facts.keys_are_ids = False

    def thread(self, thread: dict, path: str) -> None:
        self.facts.threads += 1
        self.facts.posts += 1 + len(thread["posts"])
        self.author(thread["author"], f"{path}.author")
        self.editors(thread, path)
        self.key(thread["key"], f"{path}.key")
        started = thread["created_at"]
        # key -> (time, place in the list); the opening post comes before every reply.
        here: dict[str, tuple[datetime | None, int]] = {}
        if thread["key"]:
            here[thread["key"]] = (started, -1)
        for post in thread["posts"]:
            self.author(post["author"], f"{post['path']}.author")
            self.editors(post, post["path"])
            self.key(post["key"], f"{post['path']}.key")
            if post["key"] and post["key"] not in here:
                here[post["key"]] = (post["created_at"], post["index"])
        for post in thread["posts"]:
            self.parent(post, here, started)

    def parent(self, post: dict, here: dict, started: datetime | None) -> None:
        """The post replied to is in the same thread and was written first."""
        at, parent = post["created_at"], post["parent"]
        if parent is None:
            if at and started and at < started:
                self.problems.add(f"{post['path']}.created_at",
                                  f"{format_time(at)} is before the thread was started ({format_time(started)})")
            return
        where = f"{post['path']}.parent"
        if parent not in here:
            elsewhere = parent in self.keys
            self.problems.add(where, f"post {quoted(parent)} is in another thread" if elsewhere
                              else f"no post with key {quoted(parent)}")
            return
        parent_at, parent_index = here[parent]
        if parent_index == post["index"]:
            self.problems.add(where, "a post can't reply to itself")
        elif at is None or parent_at is None:
            pass  # a missing time is reported already
        elif parent_at > at:
            self.problems.add(where, f"post {quoted(parent)} was written after this reply "
                                     f"({format_time(parent_at)})")
        elif parent_at == at and parent_index > post["index"]:
            self.problems.add(where, f"post {quoted(parent)} has the same time as this reply "
                                     "but comes after it in the list")

    def theme(self, theme: dict, path: str) -> None:
        self.facts.themes += 1
        self.facts.questions += len(theme["panel_questions"])
        slug = theme["slug"]
        if slug:
            if slug in self.slugs:
                self.problems.add(f"{path}.slug", f"{quoted(slug)} is already the slug of {self.slugs[slug]}")
            elif slug in self.known_slugs:
                self.slugs_taken += 1
                self.problems.add(f"{path}.slug", f"the forum already has a theme {quoted(slug)}")
            self.slugs.setdefault(slug, path)
        guests: set[str] = set()
        for n, guest in enumerate(theme["guest_experts"]):
            where = f"{path}.guest_experts[{n}].user"
            self.author(guest["user"], where)  # a member of the file or of the forum, as authors are
            if guest["user"] in guests:
                self.problems.add(where, f"{quoted(guest['user'])} is already a guest expert of this theme")
            guests.add(guest["user"])
        for n, question in enumerate(theme["panel_questions"]):
            if question["asked_by_member"]:  # a member who asked on the forum: in the file or the forum
                self.author(question["asked_by_member"], f"{path}.panel_questions[{n}].asked_by_member")
            if question["post"]:
                self.question_posts.append((f"{path}.panel_questions[{n}].post", question["post"]))

    def finish(self) -> None:
        if "format" not in self.top_level:
            self.problems.add("format", f"missing (an archive says \"format\": {FORMAT})")
        for email, (uses, paths) in self.awaited_authors.items():
            for path in paths:
                self.problems.add(path, f"no user with email {quoted(email)} in the file or in the forum")
            self.problems.count += uses - len(paths)
        for path, key in self.question_posts:
            if key not in self.keys:
                self.problems.add(path, f"no post with key {quoted(key)}")
        self.facts.wanted_keys = {key for _, key in self.question_posts}
        self.facts.slugs = set(self.slugs)
        self.facts.emails = list(self.emails)


def check(path: str, progress: Callable[[int], None] | None = None) -> Facts:
    """Read the whole file and return what pass 2 needs, or raise ArchiveInvalid."""
    checker = Checker()
    db.session.rollback()  # end the read at once: a long check must not hold the write lock
    with open(path, "rb") as raw:
        source = DigestReader(raw)
        reported = 0
        try:
            for item in Reader(source, checker.problems).items():
                checker.item(item)
                if progress and item.kind == "thread":
                    progress(source.done - reported)
                    reported = source.done
        except NotJSON as error:
            checker.problems.add(error.where, error.reason)
            raise ArchiveInvalid(checker.problems) from None
    checker.finish()
    if progress:
        progress(source.done - reported)
    if checker.problems:
        themes = checker.facts.themes
        raise ArchiveInvalid(checker.problems, already_imported=themes > 0 and checker.slugs_taken == themes)
    checker.facts.digest, checker.facts.size = source.digest(), source.done
    return checker.facts
