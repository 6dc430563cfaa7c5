"""Login throttling per account and per client address, shared by all workers."""
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


def _recent_failures(key: str) -> int:
    since = utcnow() - _window()
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
    db.session.execute(delete(LoginFailure).where(LoginFailure.at < now - _window()))
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
