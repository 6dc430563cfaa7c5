"""The front door for kept pages: a visitor's plain GET answered before Flask sees it.

A request with no cookie at all cannot be a signed-in member's nor carry a
message for its visitor alone, so when the page kept for its address may be
sent again (forum.page_cache.cache: the same change token, its moment not
reached), there is nothing for Flask to decide: no session to open, no
route to match, no hook that would change the answer. This WSGI layer sends
the kept bytes with the headers made when the page was kept (the forum's
security headers among them) and hands every other request to the app
unchanged: cookies, conditional requests, other methods, addresses with
characters beyond ASCII, anything not kept or not fresh.

The address is the one Flask's request.full_path gives the same request
(path, "?", query string), which is how cache.cached_page keeps it. Only
pages this process holds in memory are answered here; the first view of a
page in a process goes through the app, which reads it from the shared
cache and holds it, so addresses never kept cost a dict lookup.
"""
from __future__ import annotations

from typing import Callable

# Which requests Flask must see: any cookie, and the conditional ones (answered with 304 there).
_FOR_FLASK = ("HTTP_COOKIE", "HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE")


class KeptPages:
    """WSGI middleware; `fresh(address)` is the kept page when it may be sent as it is, else None."""

    def __init__(self, wsgi_app, prefix: str, fresh: Callable[[str], object]) -> None:
        self.wsgi_app, self.prefix, self.fresh = wsgi_app, prefix, fresh

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") != "GET" or any(name in environ for name in _FOR_FLASK):
            return self.wsgi_app(environ, start_response)
        path, query = environ.get("PATH_INFO") or "/", environ.get("QUERY_STRING", "")
        if not (path.isascii() and query.isascii() and path.startswith("/")):
            return self.wsgi_app(environ, start_response)
        kept = self.fresh(f"{self.prefix}{path}?{query}")
        if kept is None:
            return self.wsgi_app(environ, start_response)
        start_response("200 OK", list(kept.wsgi_headers))
        return [kept.body]
