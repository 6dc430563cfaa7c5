"""Who may use the moderators' pages (/moderate/...), shared by the blueprints that serve them."""
from __future__ import annotations

from flask import abort, request
from flask_login import current_user

from ..core.database import READ_ONLY_METHODS
from ..core.extensions import login_manager
from ..models import Theme, User
from ..permissions import require
from ..themes import months


def moderators_only():
    """Before each request: visitors asking for a page are sent to log in; any other request, and members, get 403."""
    if not current_user.is_authenticated and request.method in READ_ONLY_METHODS:
        return login_manager.unauthorized()
    require(current_user, "moderate")
    return None


def current_moderator() -> User:
    return current_user._get_current_object()


def theme_or_404(slug: str, action: str) -> Theme:
    """The theme, once the moderator may do `action` to it (a rule of forum.permissions)."""
    theme = months.get_by_slug(slug)
    if theme is None:
        abort(404)
    require(current_user, action, theme)
    return theme
