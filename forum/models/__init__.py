"""The domain's tables. Models hold data and small derived facts; they never commit."""
from .discussions import Post, Thread
from .security import LoginFailure
from .themes import ARCHIVED, OPEN, UPCOMING, Panelist, Resource, Theme
from .users import ROLES, User

__all__ = [
    "ARCHIVED", "LoginFailure", "OPEN", "Panelist", "Post", "ROLES", "Resource",
    "Theme", "Thread", "UPCOMING", "User",
]
