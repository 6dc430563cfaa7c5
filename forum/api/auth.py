"""Who calls the API: `Authorization: Bearer <token>`, or nobody (a visitor). Never a cookie.

Set up before each API view: the caller becomes Flask-Login's current user for the request
(g._login_user), so the permission rules and the lookups every page uses answer for them;
the session cookie a browser may send along is never read. Then the request is counted
against the rate limit.
"""
from __future__ import annotations

from flask import current_app, g, request
from flask_login import current_user

from ..core.extensions import login_manager
from . import tokens
from .errors import ApiError

REALM = 'Bearer realm="forum API"'


def _bearer() -> str | None:
    """The token in the Authorization header; None without one; 401 when the header is not a Bearer token."""
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _, secret = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise ApiError(401, "invalid_token", "Send the token as `Authorization: Bearer <token>`.",
                       headers={"WWW-Authenticate": f'{REALM}, error="invalid_request"'})
    return secret.strip()


def authenticate() -> None:
    """The blueprint's before_request: the caller, then the rate limit (429 past it)."""
    if request.method == "OPTIONS":
        g._login_user = login_manager.anonymous_user()
        return
    secret = _bearer()
    token = tokens.find(secret) if secret is not None else None
    g._login_user = token.user if token is not None else login_manager.anonymous_user()
    g.api_token = token
    # A wrong token counts as a visitor's request from its address: guessing is limited like reading.
    admission = tokens.admit(token, request.remote_addr)
    g.api_rate = admission
    if secret is not None and token is None and admission.allowed:
        raise ApiError(401, "invalid_token", "This token is not valid: it may have been revoked.",
                       headers={"WWW-Authenticate": f'{REALM}, error="invalid_token"'})
    if not admission.allowed:
        raise ApiError(429, "rate_limited",
                       f"Too many requests: at most {admission.limit} every {admission.window} seconds "
                       f"{'for a token' if token else 'without a token, from one address'}.",
                       headers={"Retry-After": str(admission.window)})


def rate_headers() -> dict[str, str]:
    """X-RateLimit-* and the IETF draft's RateLimit headers, for the request's own limit."""
    admission = g.get("api_rate")
    if admission is None:
        return {}
    return {"X-RateLimit-Limit": str(admission.limit), "X-RateLimit-Remaining": str(admission.remaining),
            "X-RateLimit-Reset": str(admission.window),
            "RateLimit-Policy": f"{admission.limit};w={admission.window}",
            "RateLimit": f"limit={admission.limit}, remaining={admission.remaining}, reset={admission.window}"}


def caller():
    """The member the token belongs to, or Flask-Login's anonymous user."""
    return current_user._get_current_object()


def member_required():
    """The token's member; 401 for a visitor."""
    if not current_user.is_authenticated:
        raise ApiError(401, "token_required", "This needs a personal API token (Settings, then API tokens).",
                       headers={"WWW-Authenticate": REALM})
    return caller()


def writer_required():
    """The token's member, when the token may write; 401 for a visitor, 403 for a read-only token."""
    member = member_required()
    if not g.api_token.can_write:
        raise ApiError(403, "insufficient_scope", "This token may only read: make a read+write token to post.",
                       headers={"WWW-Authenticate": f'{REALM}, error="insufficient_scope", scope="read+write"'})
    return member


def cors_origin() -> str | None:
    """The request's Origin when API_CORS_ORIGINS lets it call the API from a browser."""
    origin = request.headers.get("Origin")
    return origin if origin and origin in current_app.config["API_CORS_ORIGINS"] else None
