"""Throttling of logins and of reset emails, per account and per client address, shared by all workers."""
from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, func, select

from .database import utcnow
from .extensions import db
from .models import LoginFailure


def _account_key(email: str) -> str:
    return "account:" + email.strip().lower()[:254]


def _ip_key(ip: str | None) -> str:
    return "ip:" + (ip or "unknown")


def _window() -> timedelta:
    return timedelta(seconds=current_app.config["LOGIN_FAILURE_WINDOW_SECONDS"])


def _recent_failures(key: str, window: timedelta | None = None) -> int:
    since = utcnow() - (window or _window())
    return db.session.scalar(
        select(func.count(LoginFailure.id)).where(
            LoginFailure.key == key, LoginFailure.at >= since
        )
    )


def is_throttled(email: str, ip: str | None) -> bool:
    """True when this account or this address has failed too often lately."""
    config = current_app.config
    return (
        _recent_failures(_account_key(email)) >= config["LOGIN_FAILURES_PER_ACCOUNT"]
        or _recent_failures(_ip_key(ip)) >= config["LOGIN_FAILURES_PER_IP"]
    )


def record_failure(email: str, ip: str | None) -> None:
    """Count a failure against both keys and forget failures past the window."""
    now = utcnow()
    db.session.execute(delete(LoginFailure).where(LoginFailure.at < now - _longest_window()))
    db.session.add_all(
        [
            LoginFailure(key=_account_key(email), at=now),
            LoginFailure(key=_ip_key(ip), at=now),
        ]
    )


def forget_account_failures(email: str) -> None:
    """A successful login clears the account's count (not the address's)."""
    db.session.execute(
        delete(LoginFailure).where(LoginFailure.key == _account_key(email))
    )


def _reset_window() -> timedelta:
    return timedelta(seconds=current_app.config["RESET_WINDOW_SECONDS"])


def _longest_window() -> timedelta:
    return max(_window(), _reset_window())


def reset_request_allowed(email: str, ip: str | None) -> bool:
    """Whether another reset email may be asked for this address from this client.

    Counted whether or not the address has an account, so the answer says
    nothing about who is a member.
    """
    config, window = current_app.config, _reset_window()
    return (
        _recent_failures("reset-" + _account_key(email), window) < config["RESET_REQUESTS_PER_ACCOUNT"]
        and _recent_failures("reset-" + _ip_key(ip), window) < config["RESET_REQUESTS_PER_IP"]
    )


def record_reset_request(email: str, ip: str | None) -> None:
    now = utcnow()
    db.session.execute(delete(LoginFailure).where(LoginFailure.at < now - _longest_window()))
    db.session.add_all([LoginFailure(key="reset-" + _account_key(email), at=now),
                        LoginFailure(key="reset-" + _ip_key(ip), at=now)])
