"""Addresses of threads and posts, for views, templates (as globals) and redirects.

A thread's address carries its title as a slug and, past the first
page, the page; a post's is its thread's page with the post's anchor.
"""
from __future__ import annotations

from flask import redirect, url_for
from sqlalchemy import inspect
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from . import reading
from ..core.database import read_transaction
from ..core.errors import saved_but_not_shown
from ..models import Post, Thread, Upload
from ..core.slugs import slugify


def thread_url(thread: Thread, page: int = 1, anchor: str | None = None, marked: str | None = None) -> str:
    """`marked`: the words of a search that led here, marked on the page."""
    return url_for("threads.show", thread_id=thread.id, slug=slugify(thread.title),
                   page=page if page > 1 else None, hl=marked or None, _anchor=anchor)


# Stands for an id while a page builds an address once for all its posts.
ID_SLOT = 987654321


def address_parts(endpoint: str, **values) -> list[str]:
    """url_for's address with ID_SLOT wherever an id goes, cut there: a page joins the parts
    with each post's id (`parts|join(post.id)`). url_for for each post and link cost about
    4 µs, a seventh of what the thread page spends on a post."""
    return url_for(endpoint, **values).split(str(ID_SLOT))


def post_url(post: Post, marked: str | None = None) -> str:
    """Where a post is seen: its thread, on the right page, at the post."""
    return thread_url(post.thread, reading.page_of_post(post), f"post-{post.id}", marked)


def upload_url(upload: Upload) -> str:
    """Where an attached file is served (the path posts' Markdown points at)."""
    return url_for("uploads.serve", key=upload.key, extension=upload.extension)


def redirect_once_committed(saved: Post | Thread):
    """A redirect to where a post or thread a form just committed is seen, found in a read transaction.

    Finding it reloads what the commit expired. In a form's request that
    would begin a writing transaction: the write lock taken a second time,
    queued for behind other members' posts and held to the end of the
    request. On PostgreSQL that cost replies a fifth of their rate.
    Should the database go away between the commit and this read, the
    member is told that it is saved, with an address made without it.
    """
    try:
        with read_transaction():
            return redirect(post_url(saved) if isinstance(saved, Post) else thread_url(saved))
    except (OperationalError, PoolTimeout) as error:
        return saved_but_not_shown(_address_without_database(saved), error)


def _address_without_database(saved: Post | Thread) -> str:
    """The permalink of a post, or a thread's first page, from the key the session still holds."""
    key = inspect(saved).identity[0]
    if isinstance(saved, Post):
        return url_for("threads.permalink", post_id=key)
    return url_for("threads.show", thread_id=key)
