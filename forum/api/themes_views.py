"""The API's themes: the list (by state), one theme, its threads, and a new thread in it."""
from __future__ import annotations

from flask import request, url_for

from ..core.database import takes_row_locks
from ..views.lookups import get_theme_or_404
from . import reads, shapes, writing
from .auth import caller, writer_required
from .blueprint import bp
from .errors import ApiError
from .http import answer, json_body, text_field
from .pagination import cursor_arg, limit_arg, page


@bp.route("/themes")
def themes():
    """Themes, newest month first; ?state=open (current), upcoming or archived."""
    state = request.args.get("state") or None
    state = "open" if state == "current" else state
    if state is not None and state not in reads.STATES:
        raise ApiError(400, "invalid_state", "state must be open (or current), upcoming or archived.")
    limit = limit_arg()
    found = reads.themes(state, cursor_arg(month=str, id=int), limit)
    more = found[limit - 1] if len(found) > limit else None
    body, headers = page([shapes.theme(theme) for theme in found[:limit]],
                         {"month": more.month, "id": more.id} if more else None, "themes")
    return answer(body, headers=headers)


@bp.route("/themes/<slug>")
def theme(slug: str):
    """One theme."""
    return answer(shapes.theme(get_theme_or_404(slug)))


@bp.route("/themes/<slug>/threads")
def theme_threads(slug: str):
    """A theme's threads the caller may see, newest first."""
    theme = get_theme_or_404(slug)
    limit = limit_arg()
    after = cursor_arg(id=int)
    found, more = reads.threads_of(theme, caller(), after, limit)
    body, headers = page([shapes.thread(thread) for thread in found], {"id": more} if more else None, "threads")
    return answer(body, headers=headers)


@bp.route("/themes/<slug>/threads", methods=["POST"])
@takes_row_locks
def start_thread(slug: str):
    """A new thread with its opening post (read+write token): `title` and `body`."""
    member = writer_required()
    theme = get_theme_or_404(slug)
    data, problems = json_body(), {}
    title, body = text_field(data, "title", problems), text_field(data, "body", problems)
    if problems:
        raise ApiError(422, "validation_failed", "Some fields are missing or wrong.", fields=problems)
    thread_id, shown = writing.start_thread(theme, member, title, body)
    return answer(shown, 201, {"Location": url_for("api.thread", thread_id=thread_id, _external=True)})
