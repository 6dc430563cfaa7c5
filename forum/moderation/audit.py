"""Recording moderators' actions in the caller's transaction, and reading them back."""
from __future__ import annotations

import re

from flask import has_request_context, request
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..core.extensions import db
from ..models import AuditEntry, User
from ..core.text import clean_line

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
    "guest.invite": "invited a guest expert",
    "guest.reinvite": "sent a guest expert's invitation again",
    "guest.remove": "removed a guest expert",
    "question.add": "added panel question",
    "question.add_many": "pasted panel questions",
    "question.edit": "edited panel question",
    "question.reorder": "reordered panel question",
    "question.schedule_queue": "scheduled the queue",
    "question.unschedule": "unscheduled panel question",
    "question.dismiss": "dismissed panel question",
    "question.answered_live": "marked answered live",
    "question.minute": "set the minute in the recording",
    "question.requeue": "returned to the queue",
    "question.publish": "published panel question",
    "thread.pin": "pinned thread",
    "thread.unpin": "unpinned thread",
    "thread.lock": "locked thread",
    "thread.unlock": "unlocked thread",
    "thread.move": "moved thread",
    "post.edit": "edited another member's post",
    "post.hide": "hid post",
    "post.unhide": "unhid post",
    "post.keep": "kept a reported post up",
    "post.file_delete": "deleted a file attached to post",
    "user.role": "changed role",
    "user.password-reset": "sent a password reset link to",
    "user.invitation": "sent an invitation to",
}
# Account events: what members did with their own sign-in. Admins read them
# (/admin/activity) with the client address; the moderators' log leaves them out.
ACCOUNT_ACTIONS = {
    "account.login": "logged in",
    "account.login_failed": "failed to log in",
    "account.logout": "logged out",
    "account.password_change": "changed their password",
    "account.password_reset": "set a password from an emailed link",
    "account.sign_out_everywhere": "signed out other devices",
    "account.delete": "deleted their account",
    "account.api_token_create": "made an API token",
    "account.api_token_revoke": "revoked an API token",
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


def record_account(user: User | None, action: str, detail: str = "") -> AuditEntry:
    """Note an account event with the client's address; committed with the caller's transaction."""
    if action not in ACCOUNT_ACTIONS:
        raise KeyError(f"no account action named {action!r}")
    entry = AuditEntry(actor_id=user.id if user is not None else None, action=action, object_type="user",
                       object_id=user.id if user is not None else None, detail=clean_line(detail)[:DETAIL_MAX],
                       client_address=(request.remote_addr or "")[:45] if has_request_context() else None)
    db.session.add(entry)
    return entry


def entries():
    """Moderators' and admins' actions, newest first, with their actor: a statement for db.paginate."""
    return (select(AuditEntry).options(joinedload(AuditEntry.actor))
            .where(AuditEntry.action.not_in(ACCOUNT_ACTIONS)).order_by(AuditEntry.id.desc()))


def account_entries():
    """Account events, newest first: for admins."""
    return (select(AuditEntry).options(joinedload(AuditEntry.actor))
            .where(AuditEntry.action.in_(ACCOUNT_ACTIONS)).order_by(AuditEntry.id.desc()))
