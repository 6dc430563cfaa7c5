"""Composing emails: templates in templates/email/, one row in the mail outbox per message.

Messages are composed where the change happens (a reset request) or by
the worker (notifications), and sent by the worker (forum.mail.mailer), never
inside a request. Links are absolute and start with SITE_URL: a request's
Host header, which anyone can set, never makes a link in an email.
"""
from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from flask import current_app, render_template
from sqlalchemy import select

from ..accounts import tokens
from ..core.extensions import db
from ..models import OutgoingMail, Post, Theme, User
from ..replies_by_email import addresses
from ..core.text import shortened

SUBJECT_MAX = 200


def absolute_url(endpoint: str, **values) -> str:
    """A full link to a page of the forum, for use outside any request."""
    site = urlsplit(current_app.config["SITE_URL"])
    adapter = current_app.url_map.bind(site.netloc, script_name=site.path or "/",
                                       url_scheme=site.scheme or "https")
    anchor = values.pop("_anchor", None)
    url = adapter.build(endpoint, values, force_external=True)
    return f"{url}#{anchor}" if anchor else url


def header_text(value: str, limit: int = SUBJECT_MAX) -> str:
    """Text safe in a header: one line, no controls or bidi overrides, not too long."""
    return shortened(value, limit)


def queue(key: str, user: User, subject: str, template: str, *,
          unsubscribe: str | None = None, to: str | None = None, reply_post: Post | None = None,
          **context) -> OutgoingMail:
    """Compose one message to a member (at `to`, if not their address) into the outbox; no commit.

    The same key gives the same row. An email about one post (`reply_post`)
    can be answered: with reply by email on, it carries the member's reply
    address for that post, and the layout says so (`reply_to`).
    """
    existing = db.session.scalar(select(OutgoingMail).where(OutgoingMail.key == key))
    if existing is not None:
        return existing
    unsubscribe_url = (absolute_url("notifications.unsubscribe",
                                    token=tokens.unsubscribe_token(user, unsubscribe))
                       if unsubscribe else "")
    reply_to = addresses.address_for(user, reply_post) if reply_post is not None else ""
    context.update(user=user, link=absolute_url, unsubscribe_url=unsubscribe_url, reply_to=reply_to,
                   settings_url=absolute_url("members.settings"), subject=header_text(subject))
    mail = OutgoingMail(
        key=key, user_id=user.id, to_address=to or user.email, subject=header_text(subject),
        text=render_template(f"email/{template}.txt", **context),
        html=render_template(f"email/{template}.html", **context),
        unsubscribe_url=unsubscribe_url, reply_to=reply_to,
    )
    db.session.add(mail)
    return mail


def queue_password_link(user: User, purpose: str = tokens.RESET) -> OutgoingMail:
    """A reset link (or, for a member with no password yet, an invitation); no commit."""
    token = tokens.new_reset_token(user, purpose)
    community = current_app.config["COMMUNITY_NAME"]
    subject = (f"You're invited to {community}" if purpose == tokens.INVITATION
               else f"Reset your password for {community}")
    return queue(f"{purpose}:{user.id}:{user.reset_nonce}", user, subject, purpose,
                 url=absolute_url("auth.reset_link", token=token),
                 valid_for=tokens.valid_for(purpose))


def queue_guest_invitation(user: User, theme: Theme, panelist: str) -> OutgoingMail:
    """Invite a panelist to answer in a theme's discussion as a guest expert; no commit.

    A member with no password yet gets the invitation's link to choose one
    (tokens.INVITATION: it expires as every invitation does, and a newer
    one replaces it); one who can log in already gets the way to log in.
    """
    community = current_app.config["COMMUNITY_NAME"]
    if user.can_log_in:
        url, valid_for = absolute_url("auth.login"), ""
    else:
        url = absolute_url("auth.reset_link", token=tokens.new_reset_token(user, tokens.INVITATION))
        valid_for = tokens.valid_for(tokens.INVITATION)
    # Sent again on request: each sending is a message of its own.
    return queue(f"guest-invitation:{theme.id}:{user.id}:{secrets.token_hex(6)}", user,
                 f"You're invited to answer as a panelist of “{theme.title}” on {community}", "guest-invitation",
                 url=url, valid_for=valid_for, theme=theme, panelist=panelist,
                 theme_url=absolute_url("themes.show", slug=theme.slug))
