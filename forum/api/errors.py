"""Every error under /api/v1/ as JSON: {"error": {"code": ..., "message": ...}}, never a page."""
from __future__ import annotations

from flask import jsonify
from werkzeug.exceptions import HTTPException

# The code each status gets when nothing more precise was said.
CODES = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
    409: "conflict", 412: "precondition_failed", 413: "too_large", 415: "unsupported_media_type",
    422: "validation_failed", 429: "rate_limited", 500: "internal_error", 503: "unavailable",
}
MESSAGES = {
    404: "There is nothing at this address of the API.",
    405: "This address of the API does not take that method.",
    413: "The request's body is larger than the forum accepts.",
    500: "Something went wrong on the forum's side; it has been logged.",
    503: "The forum's database did not answer; try again in a moment.",
}


class ApiError(Exception):
    """An answer other than success: status, code, message, and optional field errors and headers."""

    def __init__(self, status: int, code: str, message: str, fields: dict[str, str] | None = None,
                 headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.fields, self.headers = fields or {}, headers or {}


def error_response(status: int, code: str, message: str, fields: dict | None = None,
                   headers: dict | None = None):
    body: dict = {"code": code, "message": message}
    if fields:
        body["fields"] = fields
    response = jsonify(error=body)
    response.status_code = status
    response.headers.update(headers or {})
    return response


def api_error(error: ApiError):
    return error_response(error.status, error.code, error.message, error.fields, error.headers)


def render(error: Exception, page):
    """Any error met under the API's prefix (forum.core.errors.errors_under): routing's 404 and 405,
    aborts, a database that went away, a bug. The page's own handler still runs for what it does
    besides the page (a rollback, a Retry-After); its HTML is dropped."""
    if isinstance(error, HTTPException) and error.code and error.code < 500:
        status = error.code
        message = getattr(error, "forum_message", None) or MESSAGES.get(status) or error.description
        headers = {"Allow": ", ".join(error.valid_methods)} if getattr(error, "valid_methods", None) else {}
        return error_response(status, CODES.get(status, "error"), message, headers=headers)
    answer = page(error)
    status = answer[1] if isinstance(answer, tuple) else 500
    headers = dict(answer[2]) if isinstance(answer, tuple) and len(answer) > 2 else {}
    return error_response(status, CODES.get(status, "error"), MESSAGES.get(status, MESSAGES[500]), headers=headers)
