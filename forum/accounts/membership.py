"""Account operations: joining, logging in, and changing credentials."""
from __future__ import annotations

from dataclasses import dataclass

from flask import session
from flask_login import current_user, login_user, logout_user
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from ..moderation import audit
from .. import throttle
from . import tokens
from ..discussions import posting, revisions
from ..uploads import files
from ..mail import emails
from ..core import security
from ..core.database import utcnow
from ..core.extensions import db
from ..models import ApiToken, GuestExpert, IncomingMessage, Notification, Post, User, Watch
from ..models.post_events import CREDIT_CHANGED, post_changed
from .passwords import hash_password, needs_rehash, verify_password


class EmailTaken(Exception):
    """Another account already uses this email address."""


class LastAdmin(Exception):
    """The site needs at least one admin: the only one cannot step down."""


@dataclass
class LoginResult:
    user: User | None
    # Why no password was accepted: "account" (this account, or this address
    # with this account, failed too often) or "address" (too many wrong
    # passwords from this address); None for a plain wrong password.
    throttled: str | None = None


def start_session(user: User, remember: bool = False) -> None:
    """Log a user in on a fresh session, so nothing from before login survives."""
    session.clear()
    login_user(user, remember=remember)
    security.note_activity(remembered=remember)


def end_session() -> None:
    """Log out: this browser's cookies go, and copies of them stop working; commit.

    The member's session token changes, which is what every session and
    remember cookie of theirs is checked against, so a cookie copied from
    this computer (or left on another) no longer signs anyone in.
    """
    if current_user.is_authenticated:
        user = current_user._get_current_object()
        user.sign_out_everywhere()
        audit.record_account(user, "account.logout")
        db.session.commit()
    # Cleared first: logout_user() leaves Flask-Login the note to delete the
    # remember cookie, which clearing the session afterwards would wipe.
    session.clear()
    logout_user()


def join(display_name: str, email: str, password: str) -> User:
    """Create a member account and commit it."""
    email = User.normalise_email(email)
    password_hash = hash_password(password)  # slow: done before taking the write lock
    if User.by_email(email) is not None:
        raise EmailTaken(email)
    user = User(display_name=display_name, email=email, password_hash=password_hash)
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise EmailTaken(email) from None
    return user


def authenticate(email: str, password: str, ip: str | None) -> LoginResult:
    """Check credentials with throttling (forum.throttle); commit what the attempt records.

    The slow hash check runs outside any transaction, so a login never
    holds SQLite's write lock while it hashes.
    """
    if throttle.login_refused(email, ip):
        db.session.rollback()
        return LoginResult(None, throttled="account")
    address_throttled = throttle.address_throttled(ip)
    user = User.by_email(email)
    user_id = user.id if user else None
    stored_hash = user.password_hash if user else None
    db.session.rollback()

    matched = verify_password(stored_hash, password)
    upgraded = hash_password(password) if matched and needs_rehash(stored_hash) else None

    if not matched:
        throttle.record_failure(email, ip)
        audit.record_account(db.session.get(User, user_id) if user_id else None, "account.login_failed",
                             "" if user_id else f"unknown address {email}")
        db.session.commit()
        return LoginResult(None, throttled="address" if address_throttled else None)
    user = db.session.get(User, user_id)
    if user is None:  # deleted while we were hashing
        db.session.rollback()
        return LoginResult(None)
    if upgraded and user.password_hash == stored_hash:
        user.password_hash = upgraded
    user.last_seen_at = utcnow()
    throttle.forget_account_failures(email)
    audit.record_account(user, "account.login")
    db.session.commit()
    return LoginResult(user)


def change_password(user: User, new_password: str, how: str = "account.password_change") -> None:
    """Set a new password and sign out every other session of this user.

    Any reset link still in a mailbox stops working too.
    """
    user.password_hash = hash_password(new_password)
    user.sign_out_everywhere()
    tokens.use_reset_token(user)
    throttle.forget_account_failures(user.email)  # the owner proved who they are: no lockout stays
    audit.record_account(user, how)
    db.session.commit()


def sign_out_everywhere(user: User) -> None:
    """Invalidate every session of this member (the caller starts a fresh one here); commit."""
    user.sign_out_everywhere()
    audit.record_account(user, "account.sign_out_everywhere")
    db.session.commit()


def request_password_reset(email: str, ip: str | None) -> bool:
    """Email a reset link if the address has an account; commit. False when throttled.

    The answer is the same whether or not there is an account; only the
    outbox knows.
    """
    if not throttle.reset_request_allowed(email, ip):
        db.session.rollback()
        return False
    throttle.record_reset_request(email, ip)
    user = User.by_email(email)
    if user is not None:
        emails.queue_password_link(user)
    db.session.commit()
    return True


PROFILE_FIELDS = ("display_name", "position", "organisation", "location", "show_affiliation", "bio")
EMAIL_SETTINGS = ("email_notifications", "digest", "month_emails")


def save_profile(user: User, values: dict) -> None:
    """A member's profile as they wrote it (checked by forms.members.ProfileForm); commit."""
    for name in PROFILE_FIELDS:
        setattr(user, name, values[name])
    db.session.commit()


def save_email_settings(user: User, values: dict) -> None:
    """Which emails a member gets (forms.notifications.EmailSettingsForm); commit."""
    for name in EMAIL_SETTINGS:
        setattr(user, name, values[name])
    db.session.commit()


def save_date_settings(user: User, time_zone: str, date_order: str) -> None:
    """A member's time zone and date order (forms.members.DatesForm); "" for the community's; commit."""
    user.time_zone, user.date_order = time_zone or None, date_order or None
    db.session.commit()


def current_password_matches(user: User, password: str) -> bool:
    """Whether `password` is the member's own, asked before a change; a wrong one is counted
    (the "current-password" limit) and committed, so guessing stays slow."""
    if verify_password(user.password_hash, password):
        return True
    throttle.count("current-password", user.id)
    db.session.commit()
    return False


def send_password_link(member: User, admin: User) -> str:
    """An admin sends a member a link to choose a password: a reset, or an invitation when they
    have none yet (tokens.RESET or tokens.INVITATION, returned). Audited; commit."""
    purpose = tokens.RESET if member.can_log_in else tokens.INVITATION
    emails.queue_password_link(member, purpose)
    audit.record(admin, f"user.{purpose}", member, member.display_name)
    db.session.commit()
    return purpose


def request_email_change(user: User, new_email: str) -> None:
    """Send a confirmation link to the new address; nothing changes until it is followed. Commit."""
    new_email = User.normalise_email(new_email)
    token = tokens.email_change_token(user, new_email)
    emails.queue(f"email-change:{user.id}:{token[-16:]}", user, "Confirm your new email address", "email-change",
                 to=new_email, new_email=new_email, valid_hours=tokens.EMAIL_CHANGE_HOURS,
                 url=emails.absolute_url("members.confirm_email", token=token))
    db.session.commit()


def change_email(user: User, new_email: str) -> None:
    """Use the confirmed address; the old one is told. Commit, or EmailTaken.

    As a password change does, it signs out every session of the member
    (the caller starts a fresh one for the browser that confirmed, if it
    is theirs), and a reset or invitation link sent to the old address
    stops working: whoever reads that mailbox may no longer be them.
    """
    old_email = user.email
    if User.by_email(new_email) is not None:
        db.session.rollback()
        raise EmailTaken(new_email)
    user.email = new_email
    user.sign_out_everywhere()
    tokens.use_reset_token(user)
    emails.queue(f"email-changed:{user.id}:{new_email}", user, "Your email address was changed", "email-changed",
                 to=old_email, new_email=new_email)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise EmailTaken(new_email) from None


DELETED_NAME = "Deleted member"


def delete_account(user: User, remove_posts: bool) -> None:
    """Close a member's account for good; commit. LastAdmin when they are the only admin.

    Their posts stay, credited to "Deleted member", or are deleted as their
    author would (placeholders where others replied). Either way their name,
    email, profile, password, watches, notifications and their posts' earlier
    versions are gone, and every session of theirs ends.
    """
    if user.role == "admin" and _admin_count() <= 1:
        raise LastAdmin()
    for post in db.session.scalars(select(Post).where(Post.author_id == user.id, Post.is_visible)):
        if remove_posts:
            posting.mark_deleted(post)
        else:
            post_changed(post, CREDIT_CHANGED)  # search finds it by author no more
    revisions.forget_posts_of(user)  # the text they replaced goes, whether their posts stay or go
    # Files go with the posts that showed them; kept posts keep theirs.
    their_files = files.forget_all_of(user) if remove_posts else []
    audit.record_account(user, "account.delete", "posts removed" if remove_posts else "posts kept")
    db.session.execute(delete(Watch).where(Watch.user_id == user.id))
    db.session.execute(delete(Notification).where(Notification.user_id == user.id))
    # A guest expert's badge names the panelist they were: it goes with the name.
    db.session.execute(delete(GuestExpert).where(GuestExpert.user_id == user.id))
    # What they sent by email, kept as received (their words, their address): gone with the account.
    db.session.execute(delete(IncomingMessage).where(IncomingMessage.user_id == user.id))
    # Their API tokens stop working with their sessions (forum/api).
    db.session.execute(delete(ApiToken).where(ApiToken.user_id == user.id))
    user.display_name, user.email, user.role = DELETED_NAME, f"deleted-{user.id}@deleted.invalid", "member"
    user.password_hash = user.reset_nonce = user.time_zone = user.date_order = None
    user.position = user.organisation = user.location = user.bio = ""
    user.show_affiliation = user.email_notifications = user.month_emails = False
    user.digest = "none"
    user.sign_out_everywhere()
    db.session.commit()
    files.delete_files(their_files)


def change_role(member: User, role: str, admin: User) -> None:
    """Give a member another role, audited; commit. LastAdmin when it would leave no admin."""
    if member.role == "admin" and role != "admin" and _admin_count() <= 1:
        raise LastAdmin()
    audit.record(admin, "user.role", member, f"{member.display_name}: {member.role} → {role}")
    member.role = role
    db.session.commit()


def _admin_count() -> int:
    return db.session.scalar(select(func.count(User.id)).where(User.role == "admin"))
