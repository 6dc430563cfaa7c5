"""Cursor pagination: `?cursor=…&limit=…`, `next_cursor` in the body, `Link: <…>; rel="next"`.

A cursor is opaque to clients: base64url of a little JSON naming where the last page
ended (a post's path, a thread's id), never an offset, so that posts written between two
requests neither repeat nor skip an item.
"""
from __future__ import annotations

import base64
import binascii
import json

from flask import request, url_for

from .errors import ApiError

DEFAULT_LIMIT, MAX_LIMIT = 20, 100


def encode(position: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(position, separators=(",", ":")).encode()).decode().rstrip("=")


def cursor_arg(**keys: type) -> dict | None:
    """The position a `cursor` names, with exactly these keys of these types; None on a first page;
    400 when mangled (a value of the wrong type would reach the database's comparison)."""
    raw = request.args.get("cursor", "")
    if not raw:
        return None
    try:
        position = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        position = None
    if not isinstance(position, dict) or set(position) != set(keys) \
            or not all(type(position[key]) is kind for key, kind in keys.items()):
        raise ApiError(400, "invalid_cursor", "That cursor is not one this API gave: start again without it.")
    return position


def limit_arg(default: int = DEFAULT_LIMIT, most: int = MAX_LIMIT) -> int:
    raw = request.args.get("limit", "")
    if not raw:
        return default
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= most:
        raise ApiError(400, "invalid_limit", f"limit must be a whole number from 1 to {most}.")
    return int(raw)


def page(items: list, next_position: dict | None, key: str = "items", **more):
    """The body of a page of `items`, and its Link header (a dict to pass to the response)."""
    cursor = encode(next_position) if next_position is not None else None
    body = {key: items, "next_cursor": cursor, **more}
    headers = {}
    if cursor:
        args = {**request.args.to_dict(), "cursor": cursor}
        headers["Link"] = f'<{url_for(request.endpoint, **(request.view_args or {}), **args, _external=True)}>; rel="next"'
    return body, headers
