"""The domain's tables. Models hold data and small derived facts; they never commit."""
from .security import LoginFailure
from .users import ROLES, User

__all__ = ["LoginFailure", "ROLES", "User"]
