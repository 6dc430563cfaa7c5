"""A reply and a new thread through the API: the web's own use cases (forum.discussions.posting),
with their refusals told as API errors with a code a tool can act on."""
from __future__ import annotations

from .. import throttle
from ..core.database import read_transaction
from ..discussions import posting
from ..models import ARCHIVED, UPCOMING, Post, Theme, Thread, User
from . import shapes
from .errors import ApiError

# Form fields as the web names them -> the API's names.
FIELDS = {"parent_id": "in_reply_to"}


def reply(thread: Thread, member: User, body: str, parent: Post | None) -> tuple[int, dict]:
    """The new post's id and JSON; ApiError, with nothing written, when it is refused."""
    try:
        post = posting.reply(thread, member, body, parent)
    except posting.Refused as refused:
        raise _error(refused, thread.theme, thread, parent) from None
    # Read back in a read transaction: in a POST's own, reading what the commit expired
    # would take the write lock again (see discussions.urls.redirect_once_committed).
    with read_transaction():
        return post.id, shapes.post_fields(
            post_id=post.id, thread_id=post.thread_id, parent_id=post.parent_id, author_id=member.id,
            author_name=member.display_name, body=post.body, html=post.html, created_at=post.created_at,
            edited_at=None, gone=None, hidden=False, viewer=member)


def start_thread(theme: Theme, member: User, title: str, body: str) -> tuple[int, dict]:
    """The new thread's id and JSON; ApiError, with nothing written, when it is refused."""
    try:
        thread = posting.start_thread(theme, member, title, body)
    except posting.Refused as refused:
        raise _error(refused, theme, None, None) from None
    with read_transaction():
        return thread.id, shapes.thread(thread)


def _error(refused: posting.Refused, theme: Theme, thread: Thread | None, parent: Post | None) -> ApiError:
    """The code for what the rule said; the message is the one the page shows."""
    if refused.field:
        return ApiError(422, "validation_failed", refused.message,
                        fields={FIELDS.get(refused.field, refused.field): refused.message})
    if refused.status == 429:
        return ApiError(429, "posting_limit", refused.message,
                        headers={"Retry-After": str(throttle.retry_after("post"))})
    state = theme.state()
    if state == ARCHIVED:
        return ApiError(409, "discussion_archived", refused.message)
    if state == UPCOMING:
        return ApiError(409, "discussion_not_open", refused.message)
    if parent is not None and not parent.is_visible:
        return ApiError(409, "post_unavailable", refused.message)
    if thread is not None and thread.locked:
        return ApiError(409, "thread_locked", refused.message)
    return ApiError(403, "forbidden", refused.message)
