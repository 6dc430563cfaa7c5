"""Password hashing policy: one method, upgraded on login, constant-time misses.

Only hashes of the kinds the forum writes, at sane costs, are ever
checked: a hash from an archive import with an unknown method or an
absurd iteration count would otherwise fail with an error, or hold a
worker for minutes, at the next login.
"""
from __future__ import annotations

import re
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


# method -> the bounds of its cost parameters, as werkzeug writes them.
_PBKDF2 = re.compile(r"^pbkdf2:(sha256|sha512):(\d{1,12})\$[^$]{1,64}\$[0-9a-f]{64,128}$")
_SCRYPT = re.compile(r"^scrypt:(\d{1,7}):(\d{1,2}):(\d{1,2})\$[^$]{1,64}\$[0-9a-f]{64,256}$")
PBKDF2_ITERATIONS = (1_000, 2_000_000)
SCRYPT_N_MAX = 2**17


def hash_problem(stored_hash: str) -> str | None:
    """Why a stored hash may not be used, or None when the forum can check it safely."""
    pbkdf2, scrypt = _PBKDF2.match(stored_hash), _SCRYPT.match(stored_hash)
    if pbkdf2:
        low, high = PBKDF2_ITERATIONS
        iterations = int(pbkdf2.group(2))
        return None if low <= iterations <= high else f"pbkdf2 with {iterations:,} iterations (allowed: {low:,} to {high:,})"
    if scrypt:
        n, r, p = (int(part) for part in scrypt.groups())
        ok = 2 <= n <= SCRYPT_N_MAX and n & (n - 1) == 0 and 1 <= r <= 16 and 1 <= p <= 4
        return None if ok else f"scrypt with n={n}, r={r}, p={p} (allowed: n a power of two up to {SCRYPT_N_MAX}, r ≤ 16, p ≤ 4)"
    return "not a password hash the forum writes (pbkdf2:sha256 or scrypt, as werkzeug makes them)"


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Check a password; with no stored hash, spend the same time and say no.

    Checking a dummy hash for unknown emails keeps a wrong email from
    answering faster than a wrong password.
    """
    if not stored_hash or hash_problem(stored_hash):
        check_password_hash(_dummy_hash(_method()), password)
        return False
    return check_password_hash(stored_hash, password)
