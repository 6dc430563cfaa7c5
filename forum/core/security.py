"""Cross-cutting protections: CSRF on every POST, response headers, safe redirects."""
from __future__ import annotations

import time
from typing import Callable, TypeVar
from urllib.parse import urlsplit

from flask import Flask, current_app, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_login import user_loaded_from_cookie
from werkzeug.middleware.proxy_fix import ProxyFix

from .database import READ_ONLY_METHODS
from .errors import abort_with
from .extensions import csrf

F = TypeVar("F", bound=Callable)

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
}


def form_checks_csrf(view: F) -> F:
    """Mark a view whose FlaskForm validates the CSRF token itself.

    Such a view re-shows its form with what was typed and a message when
    the token has expired, instead of the bare 400 the global check gives.
    Every other POST is checked before the view runs.
    """
    view.form_checks_csrf = True  # type: ignore[attr-defined]
    return view


def signed_link(view: F) -> F:
    """Mark a view whose URL carries a signed token, which is the proof CSRF tokens give.

    For links in emails that mail programs may POST to by themselves
    (one-click unsubscribe, RFC 8058), where no page with a token exists.
    """
    view.signed_link = True  # type: ignore[attr-defined]
    return view


def takes_files(view: F) -> F:
    """Mark a view whose form may carry an attached file (forum/uploads/files.py checks it).

    Such a request may be larger by a file's size; any other POST with a file is refused.
    Its form derives from forms.fields.FormWithFile, which refuses a file sent as a text field.
    """
    view.takes_files = True  # type: ignore[attr-defined]
    return view


def bearer_only(view: F) -> F:
    """Mark a view of a JSON API that knows its caller by an Authorization header, never by cookies.

    A browser sends cookies by itself but never that header, so a page on another site cannot
    act for a member through such a view: it needs no CSRF token, and takes a JSON body.
    """
    view.bearer_only = True  # type: ignore[attr-defined]
    return view


def _bearer_only() -> bool:
    return getattr(current_app.view_functions.get(request.endpoint or ""), "bearer_only", False)


def _only_forms() -> None:
    """Every POST here is a form: a JSON body or an uploaded file is refused with 415, before any view."""
    if request.method in READ_ONLY_METHODS or request.routing_exception is not None or _bearer_only():
        return
    view = current_app.view_functions.get(request.endpoint or "")
    if getattr(view, "takes_files", False):
        # Set before anything reads the body: past it, Werkzeug answers 413.
        request.max_content_length = current_app.config["MAX_CONTENT_LENGTH"] + current_app.config["UPLOAD_MAX_BYTES"]
        if not request.is_json:
            return
    if request.is_json or request.files:
        abort_with(415, "This address takes a form, as a browser sends it: no JSON and no files.")


def _check_csrf() -> None:
    if request.method in READ_ONLY_METHODS or request.routing_exception is not None:
        return  # unknown URLs and methods answer 404 and 405, not a CSRF error
    view = current_app.view_functions.get(request.endpoint or "")
    if view is not None and (getattr(view, "form_checks_csrf", False) or getattr(view, "signed_link", False)
                             or getattr(view, "bearer_only", False)):
        return
    csrf.protect()


# Lower-cased once: a visitor's cached page is sent hundreds of times a second, and each
# Headers.setdefault would lower-case every header already there.
_SECURITY_HEADERS_LOWER = tuple((name.lower(), name, value) for name, value in SECURITY_HEADERS.items())


class _SessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie session, but a request without the cookie (most visitors) gets an empty
    session without building the signing serializer first (a third of a cached page's cost)."""

    def open_session(self, app: Flask, request):
        if self.get_cookie_name(app) not in request.cookies:
            return self.session_class()
        return super().open_session(app, request)


def response_headers(app: Flask) -> dict[str, str]:
    """The headers every response carries (unless it set its own): for kept pages sent without Flask too."""
    if app.config["PRODUCTION"]:
        return {**SECURITY_HEADERS, "Strict-Transport-Security": "max-age=31536000; includeSubDomains"}
    return SECURITY_HEADERS


def _add_headers(response):
    present = {name.lower() for name in response.headers.keys()}
    for lower, name, value in _SECURITY_HEADERS_LOWER:
        if lower not in present:
            response.headers.add(name, value)
    if current_app.config["PRODUCTION"]:
        response.headers.setdefault(
            "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
        )
    if request.endpoint != "static":
        # Pages carry personal navigation and CSRF tokens: never share them.
        response.headers.setdefault("Cache-Control", "no-store")
    return response


SEEN_KEY = "seen"
REMEMBERED_KEY = "remembered"
SEEN_EVERY_SECONDS = 60  # how often the session cookie is rewritten to say the member is still here


def note_activity(remembered: bool | None = None) -> None:
    """Remember in the session when the member was last here (at most once a minute).

    For a "keep me logged in" session, the remember cookie is sent again
    at the same time, so its 14 days count from the last visit.
    """
    if remembered is not None:
        session[REMEMBERED_KEY] = remembered
    now = int(time.time())
    if now - session.get(SEEN_KEY, 0) >= SEEN_EVERY_SECONDS:
        session[SEEN_KEY] = now
        if session.get(REMEMBERED_KEY):
            session["_remember"] = "set"  # Flask-Login's own note: set the cookie afresh


def _restored_from_cookie(_app, user=None) -> None:
    """Flask-Login signed a member in from their remember cookie: the session is a remembered one."""
    session[SEEN_KEY] = 0
    note_activity(remembered=True)


def _expire_idle_session() -> None:
    """A signed-in session unused for SESSION_IDLE_MINUTES ends.

    Checked before anything loads the user: a "keep me logged in" cookie,
    if the member ticked it and it is still valid, signs them in again
    (it lasts REMEMBER_COOKIE_DURATION since its last use).
    """
    if request.endpoint == "static" or "_user_id" not in session or _bearer_only():
        return
    idle = time.time() - session.get(SEEN_KEY, 0)
    if idle > current_app.config["SESSION_IDLE_MINUTES"] * 60:
        session.clear()
    else:
        note_activity()


def safe_next(target: str | None, fallback: str) -> str:
    """Return `target` when it is a path on this site, else `fallback`."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return fallback
    if "\\" in target or any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return fallback
    return target


def init_app(app: Flask) -> None:
    app.session_interface = _SessionInterface()
    csrf.init_app(app)
    user_loaded_from_cookie.connect(_restored_from_cookie, app)
    app.before_request(_expire_idle_session)
    app.before_request(_only_forms)
    app.before_request(_check_csrf)
    app.after_request(_add_headers)
    hops = int(app.config["PROXY_FIX_X_FOR"])
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
