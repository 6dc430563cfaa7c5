"""Who may do what: the only home of access rules.

Views ask `may(user, action, obj)` or call `require(...)`, which aborts
with 403. Anonymous users are Flask-Login's AnonymousUserMixin.
"""
from __future__ import annotations

from typing import Any

from flask import abort

from .models import ROLES

ROLE_RANK = {role: rank for rank, role in enumerate(ROLES)}


def role_of(user: Any) -> str | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user.role


def has_role(user: Any, role: str) -> bool:
    """True when the user holds this role or a higher one."""
    current = role_of(user)
    return current is not None and ROLE_RANK[current] >= ROLE_RANK[role]


def _same_user(user: Any, obj: Any) -> bool:
    return role_of(user) is not None and obj is not None and obj.id == user.id


def _may_change_role(user: Any, target: Any) -> bool:
    return has_role(user, "admin")


RULES = {
    "edit_profile": lambda user, obj: _same_user(user, obj),
    "view_admin": lambda user, obj: has_role(user, "admin"),
    "change_role": _may_change_role,
    "moderate": lambda user, obj: has_role(user, "moderator"),
}


def may(user: Any, action: str, obj: Any = None) -> bool:
    """Answer whether `user` may perform `action` on `obj`."""
    rule = RULES.get(action)
    if rule is None:
        raise KeyError(f"no permission rule named {action!r}")
    return bool(rule(user, obj))


def require(user: Any, action: str, obj: Any = None) -> None:
    """Abort with 403 unless the user may perform the action."""
    if not may(user, action, obj):
        abort(403)
