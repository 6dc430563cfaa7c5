"""Password hashing policy: one method, upgraded on login, constant-time misses."""
from __future__ import annotations

from functools import lru_cache

from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash


def _method() -> str:
    return current_app.config["PASSWORD_HASH_METHOD"]


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=_method())


def needs_rehash(stored_hash: str) -> bool:
    """True when the hash was made with another method or cost than today's."""
    stored_method = stored_hash.split("$", 1)[0]
    return stored_method != _method()


@lru_cache(maxsize=4)
def _dummy_hash(method: str) -> str:
    return generate_password_hash("not a real password, never matches", method=method)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Check a password; with no stored hash, spend the same time and say no.

    Checking a dummy hash for unknown emails keeps a wrong email from
    answering faster than a wrong password.
    """
    if not stored_hash:
        check_password_hash(_dummy_hash(_method()), password)
        return False
    return check_password_hash(stored_hash, password)
