"""Reply addresses: reply+<token>@MAIL_INCOMING_DOMAIN, one per member and post.

The token is base32 of the member's id, the post's id and the day it was
made, followed by the first 10 bytes of an HMAC (SHA-256, the secret key,
a salt of its own) over those and the member's current email address: 32
characters, well inside a local part's 64, and case-insensitive, as some
mail servers fold local parts to lower case. An address cannot be made up
or moved to another post or member; it stops working REPLY_BY_EMAIL_DAYS
after it was made, and at once when the member's address changes or the
account is closed (closing replaces the address), since the HMAC no longer
matches. Nothing is stored: the token carries all it needs.
"""
from __future__ import annotations

import base64
import binascii
import hmac
import re
import struct
from dataclasses import dataclass
from datetime import date, timedelta
from hashlib import sha256

from flask import current_app

from ..core.database import utcnow
from ..core.extensions import db
from ..models import Post, User

PREFIX = "reply+"
_SALT = b"forum:reply-by-email:"
_PAYLOAD = struct.Struct(">IIH")  # member id, post id, days since EPOCH
_MAC_BYTES = 10
EPOCH = date(2020, 1, 1)
_TOKEN = re.compile(r"^[a-z2-7]{32}$")


class AddressInvalid(ValueError):
    """The address names no member and post: made up, cut short, or for an address since changed.

    Nothing is answered: whoever sent it may not be the member."""


class AddressExpired(ValueError):
    """A member's real address, too old to use; the member is told, at their own address."""

    def __init__(self, claim: "Claim"):
        super().__init__("expired")
        self.claim = claim


@dataclass
class Claim:
    user: User
    post: Post
    made_on: date


def enabled() -> bool:
    """Reply by email is on when the forum has a domain to receive it at."""
    return bool(current_app.config["MAIL_INCOMING_DOMAIN"])


def _mac(payload: bytes, email: str) -> bytes:
    key = current_app.config["SECRET_KEY"]
    key = key.encode() if isinstance(key, str) else key
    return hmac.new(key, _SALT + payload + email.encode(), sha256).digest()[:_MAC_BYTES]


def token_for(user: User, post: Post, today: date | None = None) -> str:
    days = ((today or utcnow().date()) - EPOCH).days
    payload = _PAYLOAD.pack(user.id, post.id, days)
    return base64.b32encode(payload + _mac(payload, user.email)).decode().lower()


def address_for(user: User, post: Post) -> str:
    """The address that posts `user`'s reply under `post`; "" when reply by email is off."""
    if not enabled():
        return ""
    return f"{PREFIX}{token_for(user, post)}@{current_app.config['MAIL_INCOMING_DOMAIN'].lower()}"


def is_reply_address(address: str) -> bool:
    """Whether mail to `address` is for the forum (its shape only: the token is checked by the worker)."""
    local, at, domain = (address or "").strip().strip("<>").rpartition("@")
    return (bool(at) and enabled() and local.lower().startswith(PREFIX)
            and domain.lower() == current_app.config["MAIL_INCOMING_DOMAIN"].lower())


def token_in(address: str) -> str | None:
    if not is_reply_address(address):
        return None
    return address.strip().strip("<>").rpartition("@")[0][len(PREFIX):].lower()


def read(token: str) -> Claim:
    """The member and post a token names; AddressInvalid or AddressExpired."""
    if not _TOKEN.match(token or ""):
        raise AddressInvalid(token)
    try:
        raw = base64.b32decode(token.upper())
    except (binascii.Error, ValueError):
        raise AddressInvalid(token) from None
    payload, mac = raw[:_PAYLOAD.size], raw[_PAYLOAD.size:]
    user_id, post_id, days = _PAYLOAD.unpack(payload)
    user, post = db.session.get(User, user_id), db.session.get(Post, post_id)
    if user is None or post is None or not hmac.compare_digest(mac, _mac(payload, user.email)):
        raise AddressInvalid(token)
    claim = Claim(user, post, EPOCH + timedelta(days=days))
    if utcnow().date() - claim.made_on > timedelta(days=current_app.config["REPLY_BY_EMAIL_DAYS"]):
        raise AddressExpired(claim)
    return claim
