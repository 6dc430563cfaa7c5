"""Finding members by name: the member directory and @-mention suggestions."""
from __future__ import annotations

from sqlalchemy import or_, select

from ..core.extensions import db
from ..discussions.mentions import name_key
from ..models import User
from ..models.users import display_name_sort_key


def _like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def members_named(query: str):
    """The statement for members whose name contains the query, alphabetically (for a paginated page)."""
    stmt = select(User).order_by(display_name_sort_key(), User.id)
    if query:
        stmt = stmt.where(User.display_name.ilike(_like_pattern(query), escape="\\"))
    return stmt


def suggestions(typed: str, limit: int) -> list[User]:
    """Members whose name starts (or has a word starting) with what was typed after @."""
    key = name_key(typed)
    if not key:
        return []
    pattern = _like_pattern(typed)[1:]  # "typed%": no leading wildcard
    return db.session.scalars(
        select(User).where(or_(User.name_key.startswith(key, autoescape=True),
                               User.display_name.ilike(f"% {pattern}", escape="\\")))
        .order_by(display_name_sort_key(), User.id).limit(limit)).all()
