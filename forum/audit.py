"""Recording moderators' actions in the caller's transaction, and reading them back."""
from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from .extensions import db
from .models import AuditEntry, User
from .text import clean_line

DETAIL_MAX = 300

# How each action reads on the audit page.
ACTIONS = {
    "theme.create": "created theme",
    "theme.edit": "edited theme",
    "panelist.add": "added panelist",
    "panelist.edit": "edited panelist",
    "panelist.remove": "removed panelist",
    "resource.add": "added resource",
    "resource.edit": "edited resource",
    "resource.remove": "removed resource",
    "question.add": "added panel question",
    "question.add_many": "pasted panel questions",
    "question.edit": "edited panel question",
    "question.reorder": "reordered panel question",
    "question.schedule_queue": "scheduled the queue",
    "question.unschedule": "unscheduled panel question",
    "question.dismiss": "dismissed panel question",
    "question.answered_live": "marked answered live",
    "question.requeue": "returned to the queue",
    "question.publish": "published panel question",
    "thread.pin": "pinned thread",
    "thread.unpin": "unpinned thread",
    "thread.lock": "locked thread",
    "thread.unlock": "unlocked thread",
    "thread.move": "moved thread",
    "post.hide": "hid post",
    "post.unhide": "unhid post",
    "user.role": "changed role",
    "user.password-reset": "sent a password reset link to",
    "user.invitation": "sent an invitation to",
}


def _object_type(obj) -> str:
    # PanelQuestion -> panel_question
    return re.sub(r"(?<!^)(?=[A-Z])", "_", type(obj).__name__).lower()


def record(actor: User | None, action: str, obj, detail: str = "") -> AuditEntry:
    """Note an action on `obj`; committed (or rolled back) with the action itself."""
    if action not in ACTIONS:
        raise KeyError(f"no audit action named {action!r}")
    if obj.id is None:
        db.session.flush()
    entry = AuditEntry(
        actor_id=actor.id if actor is not None else None, action=action,
        object_type=_object_type(obj), object_id=obj.id, detail=clean_line(detail)[:DETAIL_MAX],
    )
    db.session.add(entry)
    return entry


def entries():
    """Every entry, newest first, with its actor: a statement for db.paginate."""
    return select(AuditEntry).options(joinedload(AuditEntry.actor)).order_by(AuditEntry.id.desc())
