"""The API's members: a member's public profile, the caller's own account and notifications."""
from __future__ import annotations

from flask import g, url_for

from ..core.extensions import db
from ..discussions import reading
from ..notifications import notify
from ..permissions import may
from ..models import User
from . import reads, shapes
from .auth import caller, member_required
from .blueprint import bp
from .errors import ApiError
from .http import answer
from .pagination import cursor_arg, limit_arg, page


@bp.route("/members/<int:user_id>")
def member(user_id: int):
    """A member's profile, as its page shows it (to members only, unless MEMBER_PAGES_PUBLIC)."""
    viewer = caller()
    if not may(viewer, "view_members"):
        raise ApiError(401, "token_required", "Members' profiles are for members: send a token.",
                       headers={"WWW-Authenticate": 'Bearer realm="forum API"'})
    found = db.get_or_404(User, user_id)
    return answer(shapes.member(found, viewer, reading.post_count_of(found)))


@bp.route("/me")
def me():
    """The token's member (their public profile) and what the token may do."""
    member = member_required()
    return answer({"member": shapes.member(member, member, reading.post_count_of(member)),
                   "token": {"name": g.api_token.name, "scope": g.api_token.scope}})


@bp.route("/me/notifications")
def notifications():
    """The token's member's notifications, newest first."""
    member = member_required()
    limit = limit_arg()
    found = reads.notifications(member, cursor_arg(id=int), limit)
    more = found[limit - 1].id if len(found) > limit else None
    items = [{
        "id": item.id, "kind": item.kind, "text": notify.sentence(item),
        "created_at": shapes.when(item.created_at), "read": item.read_at is not None,
        "post_id": item.post_id,
        "url": _link(item),
    } for item in found[:limit]]
    body, headers = page(items, {"id": more} if more else None, "notifications")
    return answer(body, headers=headers)


def _link(item) -> str:
    endpoint, values = notify.link_endpoint(item)
    return url_for(endpoint, **values, _external=True)
