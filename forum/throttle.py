"""Throttling, counted in the database so that every worker process sees the same numbers.

Logins, fitted to schools, where a whole building shares one address:
- an address and an account together: LOGIN_FAILURES_PER_PAIR (5) wrong
  passwords in LOGIN_FAILURE_WINDOW_SECONDS (5 minutes), then that
  address may not try that account until the window passes;
- an account: LOGIN_FAILURES_PER_ACCOUNT (10) from anywhere, then no
  password is checked for it until the window passes. Its owner is never
  stuck: a reset link from "Forgot your password?" signs them in and
  clears the count;
- an address: LOGIN_FAILURES_PER_IP (100) wrong passwords, then its wrong
  passwords are refused as throttled, while a right password for an
  account that is not itself throttled still gets in.
Other costly actions have plain limits (the RATE_LIMITS setting, see
forum/core/config.py): attempts per key within a window, then 429 until older
attempts leave the window.
"""
from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, func, select

from .core.database import lock_for, utcnow
from .core.extensions import db
from .models import ThrottleEvent


# Each count deletes at most this many rows past every window: more than
# one action ever adds, so the table never grows.
_OLD_ROWS_PER_WRITE = 100


def _limits() -> dict[str, tuple[int, int]]:
    return current_app.config["RATE_LIMITS"]


def _login_window() -> timedelta:
    return timedelta(seconds=current_app.config["LOGIN_FAILURE_WINDOW_SECONDS"])


def _count(key: str, window: timedelta) -> int:
    return db.session.scalar(select(func.count(ThrottleEvent.id)).where(
        ThrottleEvent.key == key, ThrottleEvent.at >= utcnow() - window))


def _add(*keys: str) -> None:
    now = utcnow()
    # Old rows go as new ones come: nothing is counted past the longest window.
    longest = max([_login_window(), timedelta(seconds=current_app.config["RESET_WINDOW_SECONDS"])]
                  + [timedelta(seconds=window) for _, window in _limits().values()])
    # A batch another writer is deleting is skipped, not waited for: two
    # members posting at once never queue behind each other's clean-up.
    old = _old_rows(now - longest)
    db.session.execute(delete(ThrottleEvent).where(ThrottleEvent.id.in_(old)))
    db.session.add_all([ThrottleEvent(key=key, at=now) for key in keys])


def _old_rows(before):
    """Ids of rows counted before `before`, a batch of them; in no order, so that the `at` index finds them
    (ordered by id, SQLite read the whole table for each count)."""
    return (select(ThrottleEvent.id).where(ThrottleEvent.at < before)
            .limit(_OLD_ROWS_PER_WRITE).with_for_update(skip_locked=True))


def _email(email: str) -> str:
    return email.strip().lower()[:254]


def _address(ip: str | None) -> str:
    return ip or "unknown"


def _keys(email: str, ip: str | None) -> tuple[str, str, str]:
    address = _address(ip)
    return f"login-account:{_email(email)}", f"login-pair:{address}|{_email(email)}", f"login-ip:{address}"


def login_refused(email: str, ip: str | None) -> bool:
    """True when no password may be checked now for this account from this address."""
    config, window = current_app.config, _login_window()
    account, pair, _ = _keys(email, ip)
    return (_count(pair, window) >= config["LOGIN_FAILURES_PER_PAIR"]
            or _count(account, window) >= config["LOGIN_FAILURES_PER_ACCOUNT"])


def address_throttled(ip: str | None) -> bool:
    """True when wrong passwords from this address are answered as throttled (right ones still pass)."""
    return _count(_keys("", ip)[2], _login_window()) >= current_app.config["LOGIN_FAILURES_PER_IP"]


def record_failure(email: str, ip: str | None) -> None:
    """Count a wrong password against the account, the address, and the two together."""
    _add(*_keys(email, ip))


def forget_account_failures(email: str) -> None:
    """A successful login or reset clears the account's counts (not the address's)."""
    account, _, _ = _keys(email, None)
    db.session.execute(delete(ThrottleEvent).where(
        (ThrottleEvent.key == account) | ThrottleEvent.key.like(f"login-pair:%|{_email(email)}")))


def allowed(action: str, who: str) -> bool:
    """Whether `who` (an address, a member id) may do `action` once more now; counts nothing."""
    limit, window = _limits()[action]
    return _count(f"{action}:{who}", timedelta(seconds=window)) < limit


def count(action: str, who: str) -> None:
    """Count one `action` by `who`; committed with the caller's transaction."""
    _add(f"{action}:{who}")


def take(action: str, who: str) -> bool:
    """Count one `action` by `who` if the limit allows it (committed with the caller); False when over it."""
    return take_counted(action, who)[0]


def take_counted(action: str, who: str) -> tuple[bool, int]:
    """take(), and how many of the window's attempts are used with this one (for an API's
    X-RateLimit-Remaining): the limit's number when refused."""
    lock_for(f"throttle:{action}:{who}")  # the count read here must still be the count when this one is added
    limit, window = _limits()[action]
    used = _count(f"{action}:{who}", timedelta(seconds=window))
    if used >= limit:
        return False, limit
    count(action, who)
    return True, used + 1


def take_at_once(action: str, who: str) -> bool:
    """take(), committed now: for a limit checked before slow work (a password hash, rendering
    Markdown), so that the count stands whatever follows and no lock is held across that work."""
    taken = take(action, who)
    db.session.commit()
    return taken


def limit_of(action: str) -> tuple[int, int]:
    """An action's limit: (attempts, window in seconds)."""
    limit, window = _limits()[action]
    return int(limit), int(window)


def retry_after(action: str) -> int:
    """Seconds to suggest in a Retry-After header: the action's window."""
    return _limits()[action][1]


def reset_request_allowed(email: str, ip: str | None) -> bool:
    """Whether another reset email may be asked for this address from this client.

    Counted whether or not the address has an account, so the answer says
    nothing about who is a member.
    """
    config, window = current_app.config, timedelta(seconds=current_app.config["RESET_WINDOW_SECONDS"])
    return (_count(f"reset-account:{_email(email)}", window) < config["RESET_REQUESTS_PER_ACCOUNT"]
            and _count(f"reset-ip:{_address(ip)}", window) < config["RESET_REQUESTS_PER_IP"])


def record_reset_request(email: str, ip: str | None) -> None:
    _add(f"reset-account:{_email(email)}", f"reset-ip:{_address(ip)}")
