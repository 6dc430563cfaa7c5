"""What every API response carries: rate-limit headers, a weak ETag (and 304), caching and CORS."""
from __future__ import annotations

import hashlib

from flask import g, jsonify, request

from .auth import cors_origin, rate_headers
from .errors import ApiError

EXPOSED = "ETag, Link, Location, Retry-After, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset"


def answer(body: dict, status: int = 200, headers: dict | None = None):
    response = jsonify(body)
    response.status_code = status
    response.headers.update(headers or {})
    return response


def json_body() -> dict:
    """The request's JSON object; 415 for another kind of body, 400 for JSON that is not an object."""
    if not request.is_json:
        raise ApiError(415, "unsupported_media_type", "Send a JSON object, with Content-Type: application/json.")
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ApiError(400, "invalid_json", "The body is not a JSON object.")
    return data


def text_field(data: dict, name: str, problems: dict[str, str]) -> str:
    value = data.get(name)
    if not isinstance(value, str):
        problems[name] = f"{name} is required, as a string."
        return ""
    return value


def finish(response):
    """The blueprint's after_request."""
    response.headers.update(rate_headers())
    origin = cors_origin()
    if origin:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Expose-Headers"] = EXPOSED
        if request.method == "OPTIONS":
            response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
            response.headers["Access-Control-Allow-Headers"] = "Authorization, Content-Type"
            response.headers["Access-Control-Max-Age"] = "600"
    response.vary.add("Origin")
    response.vary.add("Authorization")
    # What a token reads may be its member's alone: never kept by a shared cache. Either way a
    # client asks again each time, and its ETag makes that cheap.
    response.headers["Cache-Control"] = "private, no-cache" if g.get("api_token") else "no-cache"
    if request.method == "GET" and response.status_code == 200 and response.is_json:
        response.set_etag(hashlib.sha256(response.get_data()).hexdigest()[:32], weak=True)
        response.make_conditional(request)
    return response
