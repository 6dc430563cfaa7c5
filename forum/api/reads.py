"""What the API reads: themes, a theme's threads, a thread's posts as a tree, notifications.

Each list is one query (two for a thread's posts, as on its page), ordered by what its cursor
names, so that a page starts right after the last item of the one before it.
"""
from __future__ import annotations

from functools import cache

from sqlalchemy import bindparam, func, select, tuple_
from sqlalchemy.orm import joinedload

from ..core.database import utcnow
from ..core.extensions import db
from ..models import ARCHIVED, OPEN, GuestExpert, Notification, Post, Theme, Thread, User
from ..models.themes import UPCOMING
from ..discussions import reading
from ..notifications import notify
from ..permissions import may

STATES = (OPEN, UPCOMING, ARCHIVED)
# Sorts after "." and every base-36 digit of a path: the end of a branch's range (as reading.py).
_PATH_END = "~"


def themes(state: str | None, after: dict | None, limit: int) -> list[Theme]:
    """Themes, newest month first; of one state (open, upcoming, archived) when asked."""
    now = utcnow()
    stmt = select(Theme).order_by(Theme.month.desc(), Theme.id.desc()).limit(limit + 1)
    if state == OPEN:
        stmt = stmt.where(Theme.opens_at <= now, Theme.closes_at > now)
    elif state == UPCOMING:
        stmt = stmt.where(Theme.opens_at > now)
    elif state == ARCHIVED:
        stmt = stmt.where(Theme.closes_at <= now)
    if after:
        stmt = stmt.where(tuple_(Theme.month, Theme.id) < tuple_(after["month"], after["id"]))
    return db.session.scalars(stmt).all()


def threads_of(theme: Theme, viewer, after: dict | None, limit: int) -> tuple[list[Thread], int | None]:
    """A page of a theme's threads, newest first (by id: a new reply moves nothing), those the
    viewer may see; and the id to continue after, when there are more. A page may hold fewer than
    `limit` when one is not for this viewer (a theme's prepared discussion before it opens)."""
    stmt = (select(Thread).options(joinedload(Thread.author), joinedload(Thread.theme))
            .where(Thread.theme_id == theme.id).order_by(Thread.id.desc()).limit(limit + 1))
    if after:
        stmt = stmt.where(Thread.id < after["id"])
    found = db.session.scalars(stmt).all()
    more = found[limit - 1].id if len(found) > limit else None
    return [thread for thread in found[:limit] if may(viewer, "view_thread", thread)], more


@cache
def _tree_posts():
    """The opening post and every post of the `limit` top-level branches after `after`, in one statement.

    `boundary` is the path of the first branch past them (None when none is left): it ends the
    range, and says whether there is a next page. It does not depend on the row, so the database
    works it out once (an uncorrelated subquery).
    """
    boundary = (select(Post.path).where(Post.thread_id == bindparam("thread_id"), Post.depth == 1,
                                        Post.path > bindparam("after"))
                .order_by(Post.path).limit(1).offset(bindparam("limit")).scalar_subquery())
    return (select(Post.id, Post.parent_id, Post.author_id, Post.depth, Post.path, Post.body, Post.html,
                   Post.created_at, Post.edited_at, Post.deleted_at, Post.hidden_at, User.display_name,
                   GuestExpert.panelist.label("panelist"), boundary.label("boundary"))
            .join(User, User.id == Post.author_id)
            # A guest expert's badge, by one unique lookup per row, as the thread page reads it.
            .outerjoin(GuestExpert, (GuestExpert.user_id == Post.author_id)
                       & (GuestExpert.theme_id == bindparam("theme_id")))
            .where(Post.thread_id == bindparam("thread_id"),
                   (Post.depth == 0) | ((Post.path > bindparam("after"))
                                        & (Post.path < func.coalesce(boundary, _PATH_END))))
            .order_by(Post.path))


def tree(thread: Thread, after_path: str | None, limit: int,
         show_hidden: bool) -> tuple[reading.Node | None, str | None]:
    """The opening post with `limit` top-level branches after `after_path` under it (each branch
    whole, as the thread page shows it), and the path to continue from, if there are more.

    One statement whatever the thread's size, by the (thread_id, path) index. A deleted or
    hidden post with replies stays as a placeholder, as on the page.
    """
    # A branch's path starts with the opening post's and a dot: "" and a first page's "after" sort before all.
    rows = db.session.execute(_tree_posts(), {"thread_id": thread.id, "theme_id": thread.theme_id,
                                              "after": after_path or "", "limit": limit}).all()
    opening, _ = reading.build_tree(rows, show_hidden)
    last_branch = next((row.path for row in reversed(rows) if row.depth == 1), None)
    more = rows and rows[0].boundary is not None
    return opening, (last_branch if more else None)


def notifications(member: User, after: dict | None, limit: int):
    """A member's notifications, newest first, with what each sentence needs."""
    stmt = notify.listing(member).limit(limit + 1)
    if after:
        stmt = stmt.where(Notification.id < after["id"])
    return db.session.scalars(stmt).unique().all()
