"""Signed links sent by email: password resets, invitations and one-click unsubscribes.

A token is signed with the secret key and a salt per purpose, so a token
made for one purpose never passes for another. Each is also bound to the
account's current state, which the link changes when used:
- a reset or invitation carries the account's reset nonce, which a newer
  request replaces and a use (or an email change) clears, so a used or
  superseded link fails; and the address it was sent to, so that a link
  to a former address says so;
- an unsubscribe carries the address it was sent to, so it stops working
  for an address the account no longer has.
Tokens travel only in emails and in the session; they are never logged.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from ..core.extensions import db
from ..models import User

RESET, INVITATION, UNSUBSCRIBE = "password-reset", "invitation", "unsubscribe"
EMAIL_CHANGE = "email-change"
EMAIL_CHANGE_HOURS = 24


class TokenInvalid(ValueError):
    """The link can't be used; the message says why, for the person who followed it."""


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"forum:{purpose}")


def lifetime(purpose: str) -> timedelta:
    config = current_app.config
    if purpose == INVITATION:
        return timedelta(days=config["INVITATION_DAYS"])
    return timedelta(minutes=config["PASSWORD_RESET_MINUTES"])


def new_reset_token(user: User, purpose: str = RESET) -> str:
    """A reset (or invitation) link's token; older ones stop working. No commit."""
    user.reset_nonce = secrets.token_urlsafe(12)
    return _serializer(purpose).dumps({"u": user.id, "n": user.reset_nonce, "e": user.email})


@dataclass
class ResetClaim:
    user: User
    purpose: str


def check_reset_token(token: str) -> ResetClaim:
    """The account a reset or invitation token is for, or TokenInvalid saying why."""
    for purpose in (RESET, INVITATION):
        serializer = _serializer(purpose)
        try:
            data = serializer.loads(token, max_age=int(lifetime(purpose).total_seconds()))
        except SignatureExpired:
            raise TokenInvalid(
                "This link has expired. Ask for a new one below: it is valid for "
                f"{valid_for(purpose)}.") from None
        except BadSignature:
            continue
        user = db.session.get(User, data.get("u")) if isinstance(data, dict) else None
        if user is None:
            break
        if data.get("e", user.email) != user.email:  # links mailed before "e" was added have none
            raise TokenInvalid("This link was sent to an address the account no longer uses: its email "
                               "address was changed since. Ask for a new link below.")
        if user.reset_nonce is None or not secrets.compare_digest(user.reset_nonce, str(data.get("n"))):
            raise TokenInvalid("This link was already used, or a newer one was sent since. "
                               "Use the newest email, or ask for a new link below.")
        return ResetClaim(user, purpose)
    raise TokenInvalid("This link is not valid: it may have been cut short when it was copied. "
                       "Ask for a new one below.")


def use_reset_token(user: User) -> None:
    """The link did its work: it (and any older one) stops working. No commit."""
    user.reset_nonce = None


def unsubscribe_token(user: User, mailing: str) -> str:
    return _serializer(UNSUBSCRIBE).dumps({"u": user.id, "m": mailing, "e": user.email})


def check_unsubscribe_token(token: str) -> tuple[User, str]:
    """The member and the mailing an unsubscribe link is for; never expires."""
    try:
        data = _serializer(UNSUBSCRIBE).loads(token)
    except BadSignature:
        raise TokenInvalid("This unsubscribe link is not valid: it may have been cut short. "
                           "Log in and change your email settings instead.") from None
    user = db.session.get(User, data.get("u")) if isinstance(data, dict) else None
    if user is None or user.email != data.get("e"):
        raise TokenInvalid("This link was sent to an address the account no longer uses. "
                           "Log in and change your email settings instead.")
    return user, str(data.get("m"))


def email_change_token(user: User, new_email: str) -> str:
    """Confirms a new address; bound to the current one, so it works once."""
    return _serializer(EMAIL_CHANGE).dumps({"u": user.id, "old": user.email, "new": new_email})


def check_email_change_token(token: str) -> tuple[User, str]:
    """The member and the address they asked to use, or TokenInvalid saying why."""
    try:
        data = _serializer(EMAIL_CHANGE).loads(token, max_age=EMAIL_CHANGE_HOURS * 3600)
    except SignatureExpired:
        raise TokenInvalid(f"This link has expired (it worked for {EMAIL_CHANGE_HOURS} hours). "
                           "Ask for the change again in your settings.") from None
    except BadSignature:
        raise TokenInvalid("This link is not valid: it may have been cut short when it was copied.") from None
    user = db.session.get(User, data.get("u")) if isinstance(data, dict) else None
    if user is None or user.email != data.get("old"):
        raise TokenInvalid("This link was already used, or the account's address changed since it was sent.")
    return user, str(data.get("new"))


def valid_for(purpose: str) -> str:
    """How long a link lasts, in words: "30 minutes", "7 days"."""
    minutes = int(lifetime(purpose).total_seconds() // 60)
    if minutes % (60 * 24) == 0:
        days = minutes // (60 * 24)
        return f"{days} day{'' if days == 1 else 's'}"
    return f"{minutes} minutes"
