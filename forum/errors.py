"""Error pages in the site layout, for every status a visitor can meet."""
from __future__ import annotations

from typing import NoReturn

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError, default_exceptions

MESSAGES = {
    400: ("Something was wrong with that request", "The page could not understand what was sent. Go back and try again."),
    403: ("You can't do that here", "Your account does not have permission for this page or action."),
    404: ("Page not found", "There is nothing at this address. It may have moved, or the link may be mistyped."),
    405: ("That action isn't available here", "This address doesn't accept that kind of request."),
    413: ("That was too large", "What you sent is bigger than this site accepts. Shorten it and try again."),
    429: ("Too many attempts", "Please wait a few minutes before trying again."),
    500: ("Something went wrong on our side", "The error has been logged. Please try again in a moment."),
}


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


def abort_with(status: int, message: str) -> NoReturn:
    """Abort with a status and a message written for the person reading it."""
    error = default_exceptions[status]()
    error.forum_message = message  # type: ignore[attr-defined]
    raise error


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(InternalServerError, _server_error)
