"""The objects a request names, as the viewer may see them (else 404), for every blueprint.

Not a blueprint: views import this module, never one another.
"""
from __future__ import annotations

from flask import abort, current_app, request
from flask_login import current_user

from ..accounts import directory
from ..themes import months
from ..discussions import reading
from ..core.database import id_from
from ..core.extensions import db
from ..models import Notification, Post, Theme, Thread
from ..core.pagination import page_arg
from ..permissions import may
from ..core.text import clean_line


def id_arg(name: str) -> int | None:
    """An id from the query string, by the rule path ids follow (`id_from`); None when missing or out of range.

    `request.args.get(name, type=int)` took any int: past the database's
    integer the query raised an error (a 500) instead of finding nothing.
    """
    return id_from(request.args.get(name))


def get_theme_or_404(slug: str) -> Theme:
    theme = months.get_by_slug(slug)
    if theme is None:
        abort(404)
    return theme


def get_thread_or_404(thread_id: int) -> Thread:
    """A thread the current user may see (a theme's prepared discussion waits for the theme to open)."""
    thread = reading.load_thread(thread_id)
    if thread is None or not may(current_user, "view_thread", thread):
        abort(404)
    return thread


def get_post_or_404(post_id: int) -> Post:
    """A post the current user may see (hidden ones don't exist for members)."""
    post = db.session.get(Post, post_id)
    if post is None or not may(current_user, "view_post", post) or not may(current_user, "view_thread", post.thread):
        abort(404)
    return post


def get_notification_or_404(notification_id: int) -> Notification:
    """A notification of the member signed in: anyone else's does not exist for them."""
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.user_id != current_user.id:
        abort(404)
    return notification


def searched_members():
    """The name typed in `q`, and the page of members it finds (the directory, the admins' list)."""
    query = clean_line(request.args.get("q", ""))[:80]
    page = db.paginate(directory.members_named(query), page=page_arg(),
                       per_page=current_app.config["MEMBERS_PER_PAGE"], error_out=False)
    return query, page
