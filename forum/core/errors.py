"""Error pages in the site layout, for every status a visitor can meet."""
from __future__ import annotations

from typing import NoReturn

from flask import Flask, current_app, g, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException, InternalServerError, default_exceptions

from . import storage_problems
from .database import READ_ONLY_METHODS
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
    503: ("The forum is busy for a moment", "Its database did not answer. Try again in a minute."),
}
RETRY_AFTER_SECONDS = 30
# A full or read-only disk waits for a person: asking again sooner only adds to the log.
STORAGE_RETRY_AFTER_SECONDS = 300
# What a member is told after a write was refused; a page view only failed to show.
NOT_SAVED = "Nothing you sent was saved: go back (what you typed is still in the form) and "


def _render(status: int, detail: str | None = None, title: str | None = None, **page):
    default_title, message = MESSAGES.get(status, MESSAGES[400])
    html = render_template("errors/error.html", status=status, title=title or default_title,
                           message=detail or message, **page)
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
    connects afresh once the database is back. A full disk or a read-only
    database file lasts until someone acts, so it is told as such, not as a wait.
    """
    problem = storage_problems.problem_of(error)
    if problem is None:
        current_app.logger.warning("database unavailable: %s", error)
        title, message = MESSAGES[503]
        if _was_writing():
            message = f"Its database did not answer. {NOT_SAVED}try again in a minute."
        retry_after = RETRY_AFTER_SECONDS
    else:
        current_app.logger.error("the database cannot write: %s (%s)", problem.for_operator, error)
        title, message, retry_after = _cannot_save(problem)
    _forget_the_database()
    html, status = _render(503, message, title)
    return html, status, {"Retry-After": str(retry_after)}


def _storage_failed(error: OSError):
    """A file the forum writes (an attachment, the page cache) on a full or read-only disk."""
    problem = storage_problems.problem_of(error)
    if problem is None:
        raise error  # a bug, not the disk: Flask logs it and answers 500 as for any other
    current_app.logger.error("a file cannot be written: %s (%s)", problem.for_operator, error)
    title, message, retry_after = _cannot_save(problem)
    html, status = _render(503, message, title)
    return html, status, {"Retry-After": str(retry_after)}


def _cannot_save(problem: storage_problems.StorageProblem) -> tuple[str, str, int]:
    message = f"{problem.for_member} The people who run it have been told. "
    message += NOT_SAVED + "try again later." if _was_writing() else "Try again later."
    return "The forum can't save anything right now", message, STORAGE_RETRY_AFTER_SECONDS


def _was_writing() -> bool:
    return request.method not in READ_ONLY_METHODS


def _forget_the_database() -> None:
    """Let the error page render without asking the database anything."""
    try:
        db.session.rollback()
    except Exception:  # the connection is gone: nothing to roll back
        pass
    # The page header must not ask the database who is logged in.
    g._login_user = login_manager.anonymous_user()


def saved_but_not_shown(address: str, error: Exception):
    """A write committed, then the database went away before its page could be found.

    Telling the member that nothing was saved would make them send it
    again, a duplicate; they are told it is saved and where it will be.
    """
    current_app.logger.warning("committed, then the database became unavailable: %s", error)
    _forget_the_database()
    return render_template("errors/saved.html", address=address)


def abort_with(status: int, message: str) -> NoReturn:
    """Abort with a status and a message written for the person reading it."""
    error = default_exceptions[status]()
    error.forum_message = message  # type: ignore[attr-defined]
    raise error


# Path prefixes whose errors a package answers in its own format (the JSON API's): prefix -> render(error,
# page), where page is the error page's answer (html, status[, headers]) for the status and headers.
_RENDERERS = "forum_error_renderers"


def errors_under(app: Flask, prefix: str, render) -> None:
    """Answer every error under `prefix` with `render` instead of a page: routing's 404 and 405 too,
    which a blueprint's own error handlers never see."""
    app.extensions.setdefault(_RENDERERS, {})[prefix] = render


def _rendered_by_prefix(handler):
    def handle(error):
        for prefix, render in current_app.extensions.get(_RENDERERS, {}).items():
            if request.path.startswith(prefix):
                return render(error, handler)
        return handler(error)
    return handle


def init_app(app: Flask) -> None:
    for kind, handler in ((CSRFError, _csrf_error), (HTTPException, _http_error),
                          (InternalServerError, _server_error), (OperationalError, _database_unavailable),
                          (PoolTimeout, _database_unavailable), (OSError, _storage_failed)):
        app.register_error_handler(kind, _rendered_by_prefix(handler))
