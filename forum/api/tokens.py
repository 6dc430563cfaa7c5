"""Personal API tokens: made and revoked by their member in settings, checked on each API request.

A token is `fk_` and 32 random bytes in URL-safe base64. Only its SHA-256 is stored: the
member sees the token once, when it is made. A plain hash is enough (no salt, no slow
hash) because the secret is random and long, not a password someone chose; and it lets a
request find its token by one indexed lookup.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager

from .. import throttle
from ..core.database import utcnow, write_transaction
from ..core.extensions import db
from ..core.text import clean_line
from ..models import ApiToken, User
from ..models.api_tokens import SCOPES
from ..moderation import audit

PREFIX = "fk_"
NAME_MAX = 80
TOKENS_PER_MEMBER = 20
# last_used_at is written at most this often, so the settings page says when to the hour: a tool
# polling every minute does not rewrite the row (a statement more) on each request.
LAST_USED_EVERY = timedelta(hours=1)


class TokenRefused(ValueError):
    """A token was not made; the message says why, for the settings form."""


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def tokens_of(user: User) -> list[ApiToken]:
    """A member's tokens, newest first."""
    return db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)
                              .order_by(ApiToken.id.desc())).all()


def create(user: User, name: str, scope: str) -> tuple[ApiToken, str]:
    """A new token for `user`, audited and committed, and the secret to show them once."""
    name = clean_line(name)[:NAME_MAX]
    if not name:
        raise TokenRefused("Give the token a name, such as the tool that will use it.")
    if scope not in SCOPES:
        raise TokenRefused("Choose what the token may do: read, or read and write.")
    count = db.session.scalar(select(func.count(ApiToken.id)).where(ApiToken.user_id == user.id))
    if count >= TOKENS_PER_MEMBER:
        raise TokenRefused(f"You have {TOKENS_PER_MEMBER} tokens already: revoke one you no longer use first.")
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, scope=scope, token_hash=_digest(secret),
                     hint=secret[:len(PREFIX) + 4], created_at=utcnow())
    db.session.add(token)
    audit.record_account(user, "account.api_token_create", f"“{name}” ({scope})")
    db.session.commit()
    return token, secret


def revoke(user: User, token_id: int) -> ApiToken | None:
    """Delete one of the member's tokens, audited and committed: the next request with it is refused.
    None when they have no such token (revoked already, in another tab)."""
    token = db.session.scalar(select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user.id))
    if token is None:
        return None
    audit.record_account(user, "account.api_token_revoke", f"“{token.name}” ({token.scope})")
    db.session.delete(token)
    db.session.commit()
    return token


@dataclass
class Admission:
    """Who an API request is, and where it stands with its rate limit."""

    token: ApiToken | None  # None: a visitor (no Authorization header)
    allowed: bool  # within the rate limit
    limit: int
    remaining: int
    window: int  # seconds

    @property
    def user(self) -> User | None:
        return self.token.user if self.token is not None else None


def find(secret: str) -> ApiToken | None:
    """The token with its member, when the secret is a live token of an account that can still sign in.

    A closed account's tokens are deleted with it; the check on the member is kept as well,
    so that an account that lost its password (closed, or imported) never acts through the API.
    """
    if not secret.startswith(PREFIX) or len(secret) > 100:
        return None
    token = db.session.scalar(select(ApiToken).join(ApiToken.user).options(contains_eager(ApiToken.user))
                              .where(ApiToken.token_hash == _digest(secret)))
    if token is None or not token.user.can_log_in:
        return None
    return token


def admit(token: ApiToken | None, address: str | None) -> Admission:
    """Count this request against the token's rate limit (a visitor's: their address's), and note
    when the token was last used; committed in a short write transaction of its own, so that a
    read leaves the database as read as a page does.

    The token and its member stay loaded after that commit: reading them again would cost every
    request a statement more.
    """
    action, who = ("api", str(token.id)) if token is not None else ("api-visitor", address or "unknown")
    session = db.session()
    keep = session.expire_on_commit
    session.expire_on_commit = False
    try:
        with write_transaction():
            allowed, used = throttle.take_counted(action, who)
            now = utcnow()
            if token is not None and allowed and (token.last_used_at is None
                                                   or now - token.last_used_at >= LAST_USED_EVERY):
                token.last_used_at = now
    finally:
        session.expire_on_commit = keep
    limit, window = throttle.limit_of(action)
    return Admission(token, allowed, limit, max(0, limit - used), window)
