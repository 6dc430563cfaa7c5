"""Pages for visitors who are not signed in, answered from a cache or with 304.

Most visits are reads by people who are not signed in: a member arriving
from an email before logging in, a visitor from a search engine. Their
page of a thread is the same for all of them, so it is rendered once per
version and kept (Flask-Caching: files in instance/page-cache by default,
Redis or memcached to share between servers).

The key is the ETag, made before anything is rendered from one indexed
query (the view's `versions` function) and what else the page depends on:
the address with its query string, the page versions forum.page_cache.freshness
raises in every writer's transaction, the time span the page's relative
dates stay true for, and the build (templates, code, settings). A change
commits a new version, so the next request computes a new key: a stale
page is never found again, on any worker, and there is nothing to delete.

Signed-in members get their own page each time, marked private: it shows
their name, what they have read and forms with their CSRF token.
"""
from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from functools import lru_cache, wraps
from pathlib import Path
from typing import Callable

from flask import Flask, current_app, g, make_response, request, session
from flask_caching import Cache
from flask_login.config import COOKIE_NAME as REMEMBER_COOKIE

from ..core.database import utcnow
from ..core.timefmt import local

cache = Cache()

# Which build made a page: templates and code. Computed once per process.
_BUILD_PARTS = ("templates", "forum")
# Settings a page shows or is laid out by.
_SHOWN_SETTINGS = ("COMMUNITY_NAME", "COMMUNITY_TAGLINE", "DISPLAY_TIMEZONE", "DATE_ORDER", "THREAD_BRANCHES_PER_PAGE",
                   "MEMBERS_PER_PAGE", "SITE_URL")
# Past this age, every relative date on a page ("Tuesday, 3:05 pm") has become a plain date.
_DATES_SETTLE_AFTER = timedelta(days=8)


@lru_cache(maxsize=None)
def _code_fingerprint(root: Path) -> str:
    """The templates and code of this build: read once per process, not once per app made."""
    digest = hashlib.sha1()
    for part in _BUILD_PARTS:
        for path in sorted((root / part).rglob("*")):
            if path.suffix in (".html", ".xml", ".txt", ".py") and "migrations" not in path.parts:
                digest.update(path.relative_to(root).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def _build_fingerprint(app: Flask) -> str:
    digest = hashlib.sha1(_code_fingerprint(Path(app.root_path).parent).encode())
    for name in _SHOWN_SETTINGS:
        digest.update(f"{name}={app.config.get(name)!r}".encode())
    # Two forums sharing one Redis never share a page.
    digest.update(str(app.config["SQLALCHEMY_DATABASE_URI"]).encode())
    return digest.hexdigest()[:16]


def dates_span(latest: datetime | None, now: datetime | None = None) -> str:
    """How long a page's dates read the same: a key part, so a cached page
    never says "5 minutes ago" of a post an hour old.

    Dates of posts more than a week old depend only on the year ("12
    March" or "12 March 2024"); newer ones change by the minute.
    """
    now = now or utcnow()
    if latest is None or now - latest >= _DATES_SETTLE_AFTER:
        return f"year {local(now).year}"
    return now.strftime("minute %Y-%m-%d %H:%M")


def anonymous_reader() -> bool:
    """Nobody is signed in and nothing is waiting to be shown to this visitor alone.

    Read from the session cookie and the remember cookie alone, without
    loading a member.
    """
    return ("_user_id" not in session and "_flashes" not in session
            and current_app.config.get("REMEMBER_COOKIE_NAME", REMEMBER_COOKIE) not in request.cookies)


def cached_page(versions: Callable[..., tuple | None], args: tuple[str, ...] = ()):
    """Serve a GET view's page to visitors from the cache or as 304 Not Modified.

    `versions(**view_args)` answers with one indexed query what the page
    shows, as a tuple (None when there is no such page, or not for every
    visitor: the view then answers as usual). `args`: the query string
    arguments the page reads. An address with any other is made as usual
    and not kept, so made-up query strings cannot fill the cache.
    """
    def decorate(view):
        @wraps(view)
        def answer(**view_args):
            if not anonymous_reader() or not set(request.args) <= set(args):
                response = make_response(view(**view_args))
                response.headers.setdefault("Cache-Control", "private, no-cache")
                response.vary.add("Cookie")
                return response
            found = versions(**view_args)
            if found is None:
                return view(**view_args)
            etag = _etag(found)
            if etag in request.if_none_match:
                response = current_app.response_class(status=304)
            else:
                response = _cached_or_rendered(etag, view, view_args)
            if response.status_code in (200, 304):
                response.set_etag(etag)
                response.headers["Cache-Control"] = f"public, max-age={current_app.config['PAGE_CACHE_PUBLIC_SECONDS']}"
                response.vary.add("Cookie")
            return response
        return answer
    return decorate


def _etag(versions: tuple) -> str:
    key = repr((current_app.extensions["page_build"], request.full_path, versions))
    return hashlib.sha1(key.encode()).hexdigest()[:24]


def _cached_or_rendered(etag: str, view, view_args: dict):
    kept = _safely(cache.get, etag)
    if kept is not None:
        body, mimetype = kept
        return current_app.response_class(body, mimetype=mimetype)
    response = make_response(view(**view_args))
    # A page that wrote to the session or made a CSRF token belongs to this visitor alone.
    if response.status_code == 200 and not session.modified and "csrf_token" not in g \
            and not response.headers.getlist("Set-Cookie"):
        _safely(cache.set, etag, (response.get_data(), response.mimetype))
    return response


def _safely(operation, *args):
    """A cache that is down (Redis restarting, a full disk) costs speed, never a page."""
    try:
        return operation(*args)
    except Exception as error:
        current_app.logger.warning("page cache unavailable: %s", error)
        return None


def init_app(app: Flask) -> None:
    cache.init_app(app)
    app.extensions["page_build"] = _build_fingerprint(app)
