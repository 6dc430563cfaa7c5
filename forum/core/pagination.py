"""Page numbers from the query string, forgiving of junk."""
from __future__ import annotations

from flask import request

MAX_PAGE = 100_000


def page_arg(name: str = "page") -> int:
    """The requested page, 1 when missing or not a sensible number."""
    raw = request.args.get(name, "1")
    try:
        page = int(raw)
    except ValueError:
        return 1
    return min(max(page, 1), MAX_PAGE)
