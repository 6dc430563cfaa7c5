"""Error pages in the site layout, for every status a visitor can meet."""
from __future__ import annotations

from typing import NoReturn

from flask import Flask, current_app, g, render_template
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException, InternalServerError, default_exceptions

from .extensions import db, login_manager

MESSAGES = {
    400: ("Something was wrong with that request", "The page could not understand what was sent. Go back and try again."),
    403: ("You can't do that here", "Your account does not have permission for this page or action."),
    404: ("Page not found", "There is nothing at this address. It may have moved, or the link may be mistyped."),
    405: ("That action isn't available here", "This address doesn't accept that kind of request."),
    413: ("That was too large", "What you sent is bigger than this site accepts: a very long text, or an attached "
                                "file over the limit. Go back (what you typed is still there) and shorten it, or "
                                "attach a smaller copy of the file."),
    415: ("That kind of content isn't accepted", "This address takes a form, as a browser sends it."),
    429: ("Too many attempts", "Please wait a few minutes before trying again."),
    500: ("Something went wrong on our side", "The error has been logged. Please try again in a moment."),
    503: ("The forum is busy for a moment",
          "Its database did not answer in time, so nothing you sent was saved. "
          "Go back (what you typed is still in the form) and try again in a minute."),
}
RETRY_AFTER_SECONDS = 30


def _render(status: int, detail: str | None = None):
    title, message = MESSAGES.get(status, MESSAGES[400])
    html = render_template(
        "errors/error.html", status=status, title=title, message=detail or message
    )
    return html, status


def _http_error(error: HTTPException):
    if error.code is None or error.code < 400:
        return error
    # Only our own aborts carry a description meant for people.
    detail = getattr(error, "forum_message", None)
    return _render(error.code, detail)


def _csrf_error(error: CSRFError):
    return _render(
        400,
        "This form expired or did not come from this site, so nothing was changed. "
        "Go back, reload the page and try again.",
    )


def _server_error(error: Exception):
    # Flask has already logged the original exception with its traceback.
    return _render(500)


def _database_unavailable(error: Exception):
    """Lost connection, a server restarting, a lock not granted in time: retry, not a bug.

    The pool drops connections that failed this way, so the next request
    connects afresh once the database is back.
    """
    current_app.logger.warning("database unavailable: %s", error)
    try:
        db.session.rollback()
    except Exception:  # the connection is gone: nothing to roll back
        pass
    # The page header must not ask the database who is logged in.
    g._login_user = login_manager.anonymous_user()
    html, status = _render(503)
    return html, status, {"Retry-After": str(RETRY_AFTER_SECONDS)}


def abort_with(status: int, message: str) -> NoReturn:
    """Abort with a status and a message written for the person reading it."""
    error = default_exceptions[status]()
    error.forum_message = message  # type: ignore[attr-defined]
    raise error


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(InternalServerError, _server_error)
    app.register_error_handler(OperationalError, _database_unavailable)
    app.register_error_handler(PoolTimeout, _database_unavailable)
