"""The API's threads and posts: a thread, its posts as a tree, one post, and a reply."""
from __future__ import annotations

from flask import current_app, url_for

from ..core.database import id_from, takes_row_locks
from ..discussions import reading
from ..permissions import may
from ..views.lookups import get_post_or_404, get_thread_or_404
from . import reads, shapes, writing
from .auth import caller, writer_required
from .blueprint import bp
from .errors import ApiError
from .http import answer, json_body, text_field
from .pagination import cursor_arg, limit_arg, page


@bp.route("/threads/<int:thread_id>")
def thread(thread_id: int):
    """One thread, with its counts."""
    return answer(shapes.thread(get_thread_or_404(thread_id)))


@bp.route("/threads/<int:thread_id>/posts")
def thread_posts(thread_id: int):
    """The opening post and a page of its top-level branches as a tree (`replies`, and `in_reply_to`)."""
    thread = get_thread_or_404(thread_id)
    per_page = current_app.config["THREAD_BRANCHES_PER_PAGE"]
    limit = limit_arg(default=per_page, most=per_page)
    after = cursor_arg(path=str)
    viewer = caller()
    opening, more = reads.tree(thread, after["path"] if after else None, limit, may(viewer, "moderate"))
    root = shapes.tree_post(opening, thread.id, viewer) if opening else None
    body, headers = page(root["replies"] if root else [], {"path": more} if more else None, "posts",
                         thread=shapes.thread(thread), opening_post=_without_replies(root))
    return answer(body, headers=headers)


def _without_replies(root: dict | None) -> dict | None:
    return {key: value for key, value in root.items() if key != "replies"} if root else None


@bp.route("/posts/<int:post_id>")
def post(post_id: int):
    """One post (a hidden one does not exist for members, as on the pages)."""
    found = get_post_or_404(post_id)
    return answer(shapes.post_fields(
        post_id=found.id, thread_id=found.thread_id, parent_id=found.parent_id, author_id=found.author_id,
        author_name=found.author.display_name, body=found.body, html=found.html, created_at=found.created_at,
        edited_at=found.edited_at, gone="deleted" if found.is_deleted else None,
        hidden=found.is_hidden, viewer=caller()))


@bp.route("/threads/<int:thread_id>/posts", methods=["POST"])
@takes_row_locks
def reply(thread_id: int):
    """A reply (read+write token): `body`, and `in_reply_to` (a post of the thread) or the opening post."""
    member = writer_required()
    thread = get_thread_or_404(thread_id)
    data, problems = json_body(), {}
    body = text_field(data, "body", problems)
    parent = None
    wanted = data.get("in_reply_to")
    if wanted is not None:
        parent_id = id_from(str(wanted)) if type(wanted) is int else None
        parent = reading.post_in(thread, parent_id) if parent_id else None
        if parent is None or not may(member, "view_post", parent):
            problems["in_reply_to"] = "in_reply_to must be the id of a post in this thread."
    if problems:
        raise ApiError(422, "validation_failed", "Some fields are missing or wrong.", fields=problems)
    post_id, shown = writing.reply(thread, member, body, parent)
    return answer(shown, 201, {"Location": url_for("api.post", post_id=post_id, _external=True)})
