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

A page is kept per address with the change token it was checked with
(forum.page_cache.change_token) and the moment the clock next changes it:
until either moves, a repeat view is sent from the cache with no query at
all (docs/page-cache.md says why that is safe, and where it is not).

Signed-in members get their own page each time, marked private: it shows
their name, what they have read and forms with their CSRF token.
"""
from __future__ import annotations

import hashlib
import time
from datetime import datetime, timedelta, timezone
from functools import lru_cache, wraps
from pathlib import Path
from typing import Callable, NamedTuple

from flask import Flask, current_app, g, make_response, request, session
from flask_caching import Cache
from flask_login.config import COOKIE_NAME as REMEMBER_COOKIE
from werkzeug.datastructures import Headers
from werkzeug.http import http_date, quote_etag

from ..core.database import utcnow
from ..core.security import response_headers
from ..core.timefmt import local
from ..worker import heartbeat
from . import change_token, front

cache = Cache()

# Which build made a page: templates and code. Computed once per process.
_BUILD_PARTS = ("templates", "forum")
# Settings a page shows or is laid out by.
_SHOWN_SETTINGS = ("COMMUNITY_NAME", "COMMUNITY_TAGLINE", "DISPLAY_TIMEZONE", "DATE_ORDER", "THREAD_BRANCHES_PER_PAGE",
                   "MEMBERS_PER_PAGE", "SITE_URL")
# Pages each process holds in memory as well (about 200 KB each at most for a long thread).
_HELD_IN_MEMORY = 64
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


def span_of_dates(now: datetime) -> Callable[[datetime], str]:
    """dates_span(moment, now) for many moments at one `now`: each post of a page, how long its own date
    reads the same."""
    settled, recent, since = dates_span(None, now), dates_span(now, now), now - _DATES_SETTLE_AFTER
    return lambda moment: recent if moment > since else settled


def dates_until(latest: datetime | None, now: datetime) -> datetime:
    """When dates_span(latest, now) next reads differently: the next minute, the week's end, the new year."""
    if latest is None or now - latest >= _DATES_SETTLE_AFTER:
        here = local(now)
        return datetime(here.year + 1, 1, 1, tzinfo=here.tzinfo).astimezone(timezone.utc)
    return min(now.replace(second=0, microsecond=0) + timedelta(minutes=1), latest + _DATES_SETTLE_AFTER)


def anonymous_reader() -> bool:
    """Nobody is signed in and nothing is waiting to be shown to this visitor alone.

    Read from the session cookie and the remember cookie alone, without
    loading a member.
    """
    return ("_user_id" not in session and "_flashes" not in session
            and current_app.config.get("REMEMBER_COOKIE_NAME", REMEMBER_COOKIE) not in request.cookies)


class PageVersions(NamedTuple):
    """What a page shows, as its key, and until when the clock alone leaves it as it is."""
    key: tuple
    # The first moment a date on the page reads differently, a theme opens or closes, a panel
    # question falls due: a page kept past it is checked again whatever the change token says.
    until: datetime
    # Its due panel questions are left to a running worker: kept only while one runs.
    worker: bool = False


class _Kept(NamedTuple):
    """A page kept for one address: the token it was checked with, and all its answer needs."""
    token: str | None
    until: float  # a Unix time: compared on each visit without making a datetime
    etag: str
    modified: int  # when this version was first made (Last-Modified), in whole seconds
    headers: Headers  # what Flask sends (the front door sends wsgi_headers)
    body: bytes
    worker: bool
    wsgi_headers: tuple  # all of the answer's headers, for the front door (forum.page_cache.front)


def cached_page(versions: Callable[..., PageVersions | None], args: tuple[str, ...] = ()):
    """Serve a GET view's page to visitors from the cache or as 304 Not Modified.

    `versions(**view_args)` answers with one indexed query what the page
    shows (None when there is no such page, or not for every visitor: the
    view then answers as usual). `args`: the query string arguments the
    page reads. An address with any other is made as usual and not kept,
    so made-up query strings cannot fill the cache.

    A page kept for the address is sent without that query while the
    forum's change token (forum.page_cache.change_token) is the one it was
    checked with and its `until` has not passed: no SQL, no hashing, the
    headers made when it was kept.
    """
    def decorate(view):
        @wraps(view)
        def answer(**view_args):
            if not anonymous_reader() or not set(request.args) <= set(args):
                response = make_response(view(**view_args))
                response.headers.setdefault("Cache-Control", "private, no-cache")
                response.vary.add("Cookie")
                return response
            address = f"page:{current_app.extensions['page_build']}:{request.full_path}"
            token, kept = _read(current_app, address)
            if _usable(current_app, kept, token):
                return _answer(kept)
            found = versions(**view_args)
            if found is None:
                return view(**view_args)
            etag = _etag(found.key)
            if kept is not None and kept.etag == etag:  # checked again: still the page kept
                if token is not None:
                    kept = kept._replace(token=token, until=found.until.timestamp(), worker=found.worker)
                    _safely(_store().set, address, kept)
                    _hold(current_app.extensions["page_recent"], address, kept)
                return _answer(kept)
            if etag in request.if_none_match:
                response = current_app.response_class(status=304)
            else:
                response = make_response(view(**view_args))
                if _may_keep(response):
                    kept = _keep(response, etag, token, found)
                    _safely(_store().set, address, kept)
                    if token is not None:
                        _hold(current_app.extensions["page_recent"], address, kept)
                    return _answer(kept)
            if response.status_code in (200, 304):
                response.set_etag(etag)
                response.headers["Cache-Control"] = f"public, max-age={current_app.config['PAGE_CACHE_PUBLIC_SECONDS']}"
                response.vary.add("Cookie")
            return response
        return answer
    return decorate


def _store():
    """Flask-Caching's backend itself: the front door reads it outside any app context."""
    return current_app.extensions["cache"][cache]


def _read(app: Flask, address: str) -> tuple[str | None, _Kept | None]:
    """The change token (read first: see forum.page_cache.change_token) and the page kept here.

    The pages this process sent last are held in its memory too: one checked with the token just
    read is the very entry the cache holds for it (an entry is right for as long as its token is
    current, whoever kept it), so only the token is read, not the page's bytes again.
    """
    token, store, recent = app.extensions["page_token"], app.extensions["cache"][cache], app.extensions["page_recent"]
    try:
        if token is None:  # nothing to check a copy in memory against
            return None, store.get(address)
        found = token.read()
        held = recent.get(address)
        if held is not None and held.token == found:
            return found, held
        kept = store.get(address)
    except Exception as error:  # as _safely: a cache that is down costs speed, never a page
        app.logger.warning("page cache unavailable: %s", error)
        return None, None
    if kept is not None:
        _hold(recent, address, kept)
    return found, kept


def _hold(recent: dict, address: str, kept: _Kept) -> None:
    recent[address] = kept
    if len(recent) > _HELD_IN_MEMORY:
        try:
            del recent[next(iter(recent))]  # the oldest held (dicts keep their order)
        except (KeyError, RuntimeError, StopIteration):  # another thread got there first
            pass


def _usable(app: Flask, kept: _Kept | None, token: str | None) -> bool:
    """Checked with the current token, before its moment, and with a worker alive if it counted on one."""
    return (kept is not None and token is not None and kept.token == token and utcnow().timestamp() < kept.until
            and (not kept.worker or heartbeat.alive(app.config["WORKER_HEARTBEAT_FILE"])))


def _fresh(app: Flask) -> Callable[[str], _Kept | None]:
    """For the front door (forum.page_cache.front): the page held in this process's memory for an address,
    when it may be sent as it is. Pages only in the shared cache are left to the app, which reads and
    holds them: so an address never kept (a static file, a feed) costs the front door one dict lookup."""
    recent, token = app.extensions["page_recent"], app.extensions["page_token"]

    def fresh(address: str) -> _Kept | None:
        held = recent.get(address)
        if held is None:
            return None
        try:
            current = token.read()
        except Exception as error:  # as _read: the app then answers, at worst without the cache
            app.logger.warning("page cache unavailable: %s", error)
            return None
        return held if _usable(app, held, current) else None
    return fresh


def _answer(kept: _Kept):
    """The kept page, or 304 when the browser holds it (its ETag, else its Last-Modified)."""
    environ = request.environ
    if "HTTP_IF_NONE_MATCH" in environ:
        unchanged = kept.etag in request.if_none_match
    else:
        since = request.if_modified_since
        unchanged = since is not None and kept.modified <= since.timestamp()
    # A copy: the response and the app's hooks add to its headers, and the kept page may be held in
    # memory for the next request.
    if unchanged:
        return current_app.response_class(status=304, headers=kept.headers.copy())
    return current_app.response_class(kept.body, headers=kept.headers.copy())


def _public_headers(etag: str, modified: int | None) -> list[tuple[str, str]]:
    headers = [("ETag", quote_etag(etag)),
               ("Cache-Control", f"public, max-age={current_app.config['PAGE_CACHE_PUBLIC_SECONDS']}"),
               ("Vary", "Cookie")]
    if modified is not None:
        headers.append(("Last-Modified", http_date(modified)))
    return headers


def _may_keep(response) -> bool:
    """A page that wrote to the session or made a CSRF token belongs to this visitor alone."""
    return (response.status_code == 200 and not session.modified and "csrf_token" not in g
            and not response.headers.getlist("Set-Cookie"))


def _keep(response, etag: str, token: str | None, found: PageVersions) -> _Kept:
    modified = int(time.time())
    # The view's own headers, but those the kept answer sets itself.
    own = [(name, value) for name, value in response.headers.items()
           if name not in ("Content-Length", "Cache-Control", "Vary", "ETag")]
    headers = own + _public_headers(etag, modified)
    body = response.get_data()
    present = {name.lower() for name, _ in headers}
    sent = [*headers, *((name, value) for name, value in response_headers(current_app).items()
                        if name.lower() not in present), ("Content-Length", str(len(body)))]
    return _Kept(token, found.until.timestamp(), etag, modified, Headers(headers), body, found.worker, tuple(sent))


def _etag(versions: tuple) -> str:
    key = repr((current_app.extensions["page_build"], request.full_path, versions))
    return hashlib.sha1(key.encode()).hexdigest()[:24]


def _safely(operation, *args):
    """A cache that is down (Redis restarting, a full disk) costs speed, never a page."""
    try:
        return operation(*args)
    except Exception as error:
        current_app.logger.warning("page cache unavailable: %s", error)
        return None


def init_app(app: Flask) -> None:
    cache.init_app(app)
    build = app.extensions["page_build"] = _build_fingerprint(app)
    app.extensions["page_token"] = change_token.token_for(app, app.extensions["cache"][cache], build)
    app.extensions["page_recent"] = {}
    app.wsgi_app = front.KeptPages(app.wsgi_app, f"page:{build}:", _fresh(app))
