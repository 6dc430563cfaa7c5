"""Writing to discussions: each operation is one transaction, counters included.

A member's reply, new thread, edit and deletion are one function each
(reply, start_thread, edit, delete) that owns the whole unit of work: the
permission, the locks its rules need (on PostgreSQL the thread's row and
the member's limit; see forum.core.database.takes_row_locks), the rows,
the posting limit, the post's event (forum.models.post_events: search,
page versions and notifications learn of the change from it), the commit,
and a refusal (Refused) that leaves nothing written and says what to tell
the member, whose text the page keeps. The add_* functions write rows without committing, for
those (publishing a panel question, the tests' fixtures) that own a
transaction of their own; they check the rules that protect the data
itself (same thread, length limits) and raise PostingError.
"""
from __future__ import annotations

from typing import Callable, TypeVar

from flask import current_app
from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value

from .. import throttle
from ..permissions import why_not
from ..notifications import watching
from ..moderation import audit
from . import mentions, revisions
from ..core.database import utcnow
from ..core.extensions import db
from ..core.markup import MARKUP_VERSION, render_markdown
from ..models import Post, Theme, Thread, User
from ..models.post_events import DELETED, EDITED, WRITTEN, post_changed
from .post_rows import post_row, text_columns
from ..core.text import clean_line, clean_text

TITLE_MAX = 200
T = TypeVar("T")


class PostingError(ValueError):
    """What was written can't be saved; the message says why."""

    def __init__(self, message: str, field: str = "body"):
        super().__init__(message)
        self.message = message
        self.field = field


class Refused(Exception):
    """A post was not written. `field`: the form field the message belongs to, else the whole form."""

    def __init__(self, message: str, status: int, field: str | None = None):
        super().__init__(message)
        self.message, self.status, self.field = message, status, field

    def show_on(self, form) -> None:
        """Put the message on the form shown again: under its field, else above the whole form."""
        (getattr(form, self.field).errors if self.field else form.form_errors).append(self.message)


POSTING_TOO_FAST = ("You have posted a lot in the last few minutes. Your text is kept below: "
                    "please wait a few minutes, then post it.")


def reply(thread: Thread, author: User, body: str, parent: Post | None = None,
          along: Callable[[Post], None] | None = None) -> Post:
    """A member's reply, committed; Refused, with nothing written, when it may not be.

    `along(post)` writes what must be committed with the post or not at all
    (reply by email marks the message it came from as posted), in the same
    transaction: a refusal rolls it back with the post.
    """
    _refuse(why_not(author, "reply_to", parent) if parent else why_not(author, "reply", thread))
    post = _written(lambda: add_reply(thread, author, body, parent))
    if along is not None:
        along(post)
    # Asked again now that the thread's row is locked: a moderator may have
    # locked the thread since it was read.
    _commit_within_limit(author, why_not(author, "reply", thread))
    return post


def start_thread(theme: Theme, author: User, title: str, body: str) -> Thread:
    """A member's new thread with its opening post, committed; Refused, with nothing written, when it may not be."""
    _refuse(why_not(author, "start_thread", theme))
    thread = _written(lambda: add_thread(theme, author, title, body))
    _commit_within_limit(author, None)
    return thread


def _refuse(refusal: str | None) -> None:
    if refusal:
        raise Refused(refusal, 403)


def _written(write: Callable[[], T]) -> T:
    """What `write` wrote, or Refused for the form field a PostingError names, with nothing kept."""
    try:
        return write()
    except PostingError as error:
        db.session.rollback()
        raise Refused(error.message, 200, error.field) from None


def _commit_within_limit(author: User, refusal: str | None) -> None:
    """Commit what the member wrote unless a rule said no, or the posting limit is reached.

    The limit is counted under the member's lock (throttle.take), so that
    two posts sent at once can't both be the last one allowed; it is
    counted with the post.
    """
    if refusal or not throttle.take("post", author.id):
        db.session.rollback()
        raise Refused(refusal or POSTING_TOO_FAST, 403 if refusal else 429)
    db.session.commit()


def clean_body(body: str | None) -> str:
    """The body as it will be stored, or PostingError when empty or too long."""
    body = clean_text(body)
    if not body:
        raise PostingError("Write something before posting.")
    limit = current_app.config["POST_MAX_LENGTH"]
    if len(body) > limit:
        raise PostingError(
            f"Posts can be at most {limit:,} characters; this one has {len(body):,}. "
            "Shorten it, or split it into two posts."
        )
    return body


def clean_title(title: str | None) -> str:
    title = clean_line(title)
    if len(title) < 3:
        raise PostingError("Give the thread a title of at least 3 characters.", "title")
    if len(title) > TITLE_MAX:
        raise PostingError(f"Keep the title under {TITLE_MAX} characters.", "title")
    return title


def render(body: str) -> str:
    """A post's stored HTML: its Markdown, with the @mentions that name members linked."""
    return render_markdown(body, mentions.find(body))


def new_post(thread: Thread, author: User, body: str, parent: Post | None) -> Post:
    post = Post(thread=thread, author=author, parent=parent,
                **post_row(body=body, created_at=utcnow(), mentions=mentions.find(body)))
    db.session.add(post)
    db.session.flush()  # the id is part of the path
    post.place_under(parent)
    post_changed(post, WRITTEN)  # search, the pages that show it, and who is told, learn of it from this
    return post


def add_thread(theme: Theme, author: User, title: str, body: str) -> Thread:
    """Create a thread with its opening post; no commit."""
    title, body = clean_title(title), clean_body(body)
    now = utcnow()
    thread = Thread(theme=theme, author=author, title=title, created_at=now, last_post_at=now)
    db.session.add(thread)
    new_post(thread, author, body, None)
    watching.watch_after_posting(author, thread)  # a thread nobody else knows of yet: nothing to lock
    return thread


def add_reply(thread: Thread, author: User, body: str, parent: Post | None = None) -> Post:
    """Add a reply under `parent` (the opening post when None), counters included; no commit.

    Returns holding the thread's row lock, with `thread.locked` read again
    under it: a reply read the thread before it locked anything, and checks
    its rules once more. Replies to other threads lock nothing of this one.
    """
    body = clean_body(body)
    if parent is None:
        parent = opening_post(thread)
    elif parent.thread_id != thread.id:
        raise PostingError("That post belongs to another thread.", "parent_id")
    post = new_post(thread, author, body, parent)
    locked = db.session.execute(
        update(Thread)
        .where(Thread.id == thread.id)
        .values(reply_count=Thread.reply_count + 1, last_post_at=post.created_at)  # see post_rows.ThreadCounters
        .returning(Thread.locked)
    ).scalar_one()
    # As it is now that no one else writes it: a moderator may have locked it
    # since it was read (on PostgreSQL a reply reads before it locks).
    set_committed_value(thread, "locked", locked)
    # Under the thread's row lock: the member's reply from another tab waits.
    watching.watch_after_posting(author, thread)
    return post


def edit(post: Post, editor: User, body: str) -> Post:
    """New text for a post by its author, or by a moderator, committed with an edited mark and the
    text it replaced kept (forum.discussions.revisions); Refused, with nothing written, when it may
    not be (the view shows the form again with what they typed).

    The rule is asked here, not only by the view: a thread locked, a theme
    archived or the post hidden or deleted since the form was opened. A
    moderator's edit of someone else's post is audited in the same
    transaction; an edit that changes nothing writes nothing.
    """
    _lock_thread_of(post)
    _refuse(why_not(editor, "edit_post", post))
    body = _written(lambda: clean_body(body))
    if body != post.body:
        now = utcnow()
        revisions.keep(post, editor, now)
        _set_text(post, body)
        post.edited_at, post.edited_by_id = now, editor.id
        if editor.id != post.author_id:
            audit.record(editor, "post.edit", post, f"by {post.author.display_name} in “{post.thread.title}”")
        post_changed(post, EDITED)  # members it mentions for the first time are told
    db.session.commit()
    return post


def delete(post: Post, member: User) -> None:
    """A member's deletion of their post, committed; it stays as a placeholder while it has replies.
    Refused, with nothing written, when it may not be (deleted already, in another tab, say)."""
    _lock_thread_of(post)
    _refuse(why_not(member, "delete_post", post))
    mark_deleted(post)
    db.session.commit()


def _lock_thread_of(post: Post) -> None:
    """Lock the post's thread's row to the commit, and read the two again as they are now.

    Every change to a thread's posts and state locks that row (a reply's
    counters, a moderator's lock), so the rules asked after this see what
    no one else can change before the commit: two deletions of one post
    from two tabs count it once. On SQLite the writer holds the database.
    """
    db.session.get(Thread, post.thread_id, with_for_update=True, populate_existing=True)
    db.session.refresh(post)


def mark_deleted(post: Post) -> None:
    """Delete a post as its author does, counters and search included; no commit."""
    if post.deleted_at is None:
        post.deleted_at = utcnow()
        post_changed(post, DELETED)
        if not post.is_opening:
            db.session.execute(
                update(Thread)
                .where(Thread.id == post.thread_id)
                .values(reply_count=Thread.reply_count - 1)
            )


def _set_text(post: Post, body: str) -> None:
    for name, value in text_columns(body, mentions.find(body)).items():
        setattr(post, name, value)


def opening_post(thread: Thread) -> Post:
    return db.session.scalar(
        db.select(Post).where(Post.thread_id == thread.id, Post.parent_id.is_(None))
    )


def rerender_stale(batch_size: int = 500, everything: bool = False) -> int:
    """Re-render posts made under an older sanitising policy; returns how many."""
    done = 0
    last_id = 0
    while True:
        stmt = db.select(Post).where(Post.id > last_id).order_by(Post.id).limit(batch_size)
        if not everything:
            stmt = stmt.where(Post.markup_version < MARKUP_VERSION)
        posts = db.session.scalars(stmt).all()
        if not posts:
            return done
        for post in posts:
            _set_text(post, post.body)
        last_id = posts[-1].id
        done += len(posts)
        db.session.commit()
