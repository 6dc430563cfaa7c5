"""A visitor's repeat view sends no SQL at all, and is still right after every kind of change.

The page kept for an address is sent again without asking the database while
the forum's change token is the one it was checked with (each commit that
changes a page replaces it) and the clock has not reached a moment the page
depends on. Each test below has the visitor's repeat view send nothing to the
database, then makes a change, then looks again.
"""
from __future__ import annotations

from datetime import timedelta
from email.utils import format_datetime

import pytest
from sqlalchemy import event, text

from forum import create_app
from forum.core import timefmt
from forum.core.database import recorded_statements, utcnow
from forum.core.extensions import db
from forum.models import PanelQuestion, Theme
from forum.models import themes as themes_model
from forum.page_cache import cache as page_cache, change_token, freshness
from forum.panel import questions
from tests.conftest import reply_as, signed_in_as
from tests.page_cache.conftest import MARIA, ROSA, hit_statements



@pytest.fixture
def clock(monkeypatch):
    """Every clock a page reads, held still and moved by the test (no sleeping)."""
    moment = [utcnow()]
    for module in (page_cache, freshness, timefmt, questions, themes_model):
        monkeypatch.setattr(module, "utcnow", lambda: moment[0])

    def move(by: timedelta) -> None:
        moment[0] += by
    return move


def sent(app, client, url: str, **kwargs):
    """The response, the SQL statements it ran and the connections it took from the pool."""
    with app.app_context():
        engine = db.engine
    taken = []

    def take(*_args):
        taken.append(1)
    event.listen(engine, "checkout", take)
    try:
        with recorded_statements(engine) as statements:
            response = client.get(url, **kwargs)
    finally:
        event.remove(engine, "checkout", take)
    return response, [statement for statement, _ in statements], len(taken)


def no_sql(app, client, url: str, **kwargs):
    """A repeat view: no statement and no connection (on PostgreSQL without Redis: the one versions query)."""
    response, statements, taken = sent(app, client, url, **kwargs)
    assert (len(statements), taken) == (hit_statements(app),) * 2, statements
    return response


def shows(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/", "/themes", "/themes/finding-time", "/themes/finding-time/panel",
                                 "/threads/{thread}", "/threads/{thread}/protected-planning-time?page=1"])
def test_a_repeat_view_takes_no_connection_and_carries_its_dates(app, discussion, clock, url):
    url = url.format(**discussion)
    visitor = app.test_client()
    first = visitor.get(url)
    again = no_sql(app, visitor, url)
    assert again.get_data() == first.get_data() and again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Last-Modified"] == first.headers["Last-Modified"]
    assert again.headers["Cache-Control"] == "public, max-age=60" and again.headers["Vary"] == "Cookie"
    assert again.headers["Content-Type"] == "text/html; charset=utf-8"
    assert again.headers["X-Content-Type-Options"] == "nosniff"  # the forum's own headers still added


def test_if_modified_since_answers_304_and_an_older_date_the_page(app, discussion, clock):
    url, visitor = f"/threads/{discussion['thread']}", app.test_client()
    modified = visitor.get(url).headers["Last-Modified"]
    assert no_sql(app, visitor, url, headers={"If-Modified-Since": modified}).status_code == 304
    older = format_datetime(utcnow() - timedelta(days=1), usegmt=True)
    assert no_sql(app, visitor, url, headers={"If-Modified-Since": older}).status_code == 200
    # With both, the ETag decides (RFC 9110): a stale ETag gets the page whatever the date.
    stale = visitor.get(url, headers={"If-None-Match": '"stale"', "If-Modified-Since": modified})
    assert stale.status_code == 200 and b"We trade duties" in stale.get_data()


def _reply(app, ids):
    reply_as(app, MARIA, ids["thread"], "Our principal covers one lunch duty a week.")
    return "covers one lunch duty"


def _edit(app, ids):
    _, forms = signed_in_as(app, MARIA)
    forms.post(f"/posts/{ids['reply']}/edit", {"body": "We trade duties for two shared blocks."},
               page=f"/posts/{ids['reply']}/edit")
    return "two shared blocks"


def _hide(app, ids):
    _, forms = signed_in_as(app, ROSA)
    forms.post(f"/moderate/posts/{ids['reply']}/hide", {"reason": "Off topic"}, page=f"/threads/{ids['thread']}")
    return "!We trade duties"


def _rename(app, ids):
    _, forms = signed_in_as(app, MARIA)
    forms.post("/settings", {"display_name": "Maria L. Lopez", "position": "Physics coach"}, page="/settings")
    return "Maria L. Lopez"


def _theme(app, ids):
    _, forms = signed_in_as(app, ROSA)
    forms.post("/moderate/themes/finding-time/edit", {
        "title": "Finding time, revisited", "slug": "finding-time", "month": utcnow().strftime("%Y-%m"),
        "opens_at": (utcnow() - timedelta(days=5)).strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (utcnow() + timedelta(days=20)).strftime("%Y-%m-%dT%H:%M")})
    return "Finding time, revisited"


@pytest.mark.parametrize("change, url, shown", [
    (_reply, "/threads/{thread}", None), (_edit, "/threads/{thread}", None), (_hide, "/threads/{thread}", None),
    (_rename, "/threads/{thread}", None), (_theme, "/threads/{thread}", None),
    (_reply, "/", "2 replies"), (_rename, "/themes/finding-time", None), (_theme, "/themes/finding-time", None),
    (_theme, "/", None),
])
def test_every_kind_of_change_shows_at_the_next_view(app, discussion, clock, change, url, shown):
    url, visitor = url.format(**discussion), app.test_client()
    before = shows(visitor, url)
    no_sql(app, visitor, url)
    expected = shown or change(app, discussion)
    if shown:
        change(app, discussion)
    page = shows(visitor, url)
    if expected.startswith("!"):
        assert expected[1:] in before and expected[1:] not in page
    else:
        assert expected not in before and expected in page


@pytest.mark.parametrize("url", ["/threads/{thread}", "/themes/finding-time", "/"])
def test_a_change_anywhere_has_every_kept_page_checked_once_then_sent_without_sql(app, discussion, clock, url):
    url, visitor = url.format(**discussion), app.test_client()
    etag = visitor.get(url).headers["ETag"]
    _hide(app, discussion)
    response, statements, _ = sent(app, visitor, url, headers={"If-None-Match": etag})
    assert statements and response.status_code == 200  # checked, and a new version of the page
    no_sql(app, visitor, url)


def test_relative_dates_move_with_the_clock(app, discussion, clock):
    url, visitor = f"/threads/{discussion['thread']}", app.test_client()
    assert "just now" in shows(visitor, url)
    no_sql(app, visitor, url)
    clock(timedelta(minutes=5))
    page = shows(visitor, url)
    assert "5 minutes ago" in page and "just now" not in page
    no_sql(app, visitor, url)


def test_a_theme_opening_shows_at_its_moment(app, discussion, make_theme, clock):
    make_theme(slug="next-month", title="Makerspaces on a budget", state="upcoming")
    with app.app_context():
        opens_at = db.session.scalar(db.select(Theme.opens_at).where(Theme.slug == "next-month"))
    visitor = app.test_client()
    assert "Coming up" in shows(visitor, "/themes/next-month")
    no_sql(app, visitor, "/themes/next-month")
    clock(opens_at - utcnow() + timedelta(seconds=1))
    assert "Coming up" not in shows(visitor, "/themes/next-month")


@pytest.mark.parametrize("url", ["/themes/finding-time", "/"])
def test_a_panel_question_falling_due_is_published_and_shown_without_a_worker(app, discussion, clock, url):
    with app.app_context():
        theme = db.session.scalar(db.select(Theme).where(Theme.slug == "finding-time"))
        db.session.add(PanelQuestion(theme=theme, question="How do you protect planning time?",
                                     asked_by="A. Guest", status="scheduled",
                                     publish_at=utcnow() + timedelta(minutes=10), created_by_id=2))
        db.session.commit()
    visitor = app.test_client()
    assert "Discussion: Finding time" not in shows(visitor, url)
    no_sql(app, visitor, url)
    clock(timedelta(minutes=10, seconds=1))
    assert "Discussion: Finding time" in shows(visitor, url)  # published by this very view
    with app.app_context():
        assert db.session.scalar(db.select(PanelQuestion.status)) == "published"


def test_a_change_no_writer_announced_shows_within_the_trusted_seconds(app, discussion, clock):
    """A writer killed between its commit and the token's replacement, here an UPDATE behind the forum's back."""
    url, visitor = f"/threads/{discussion['thread']}", app.test_client()
    clock(timedelta(days=9))  # the posts' dates have settled: only the trusted seconds bound the page
    shows(visitor, url)
    with app.app_context(), db.engine.begin() as connection:
        connection.execute(text("UPDATE threads SET title = 'Protected time', page_version = page_version + 1"))
    clock(timedelta(seconds=app.config["PAGE_CACHE_TRUSTED_SECONDS"] - 1))
    assert "Protected planning time" in shows(visitor, url)  # still trusted
    clock(timedelta(seconds=1))
    assert "Protected time</h1>" in shows(visitor, url)


def _second_app(app, tmp_path, **config):
    return create_app({**{key: app.config[key] for key in (
        "TESTING", "SEARCH_BACKEND", "SECRET_KEY", "SQLALCHEMY_DATABASE_URI", "PASSWORD_HASH_METHOD",
        "SEARCH_INDEX_IN_REQUEST", "SEARCH_INDEX_DIR", "WORKER_HEARTBEAT_FILE")},
        "MAIL_FOLDER": str(tmp_path / "mail-b"), "UPLOAD_FOLDER": str(tmp_path / "uploads-b"), **config})


def _on_postgres(app) -> bool:
    return str(app.config["SQLALCHEMY_DATABASE_URI"]).startswith("postgresql")


def test_a_second_app_with_a_cache_of_its_own_still_sees_every_commit(app, discussion, clock, tmp_path,
                                                                      monkeypatch):
    """SQLite: the token beside the database reaches it. PostgreSQL: another server's commit
    cannot reach this machine's files, so each of its views checks the versions (one query)."""
    monkeypatch.delenv("FLASK_CACHE_TYPE", raising=False)  # the page cache of its own, on any database
    other = _second_app(app, tmp_path, CACHE_DIR=str(tmp_path / "page-cache-b"), CACHE_TYPE="FileSystemCache")
    url, visitor = f"/threads/{discussion['thread']}", other.test_client()
    try:
        shows(visitor, url)
        _, statements, _ = sent(other, visitor, url)
        assert len(statements) == (1 if _on_postgres(app) else 0), statements
        _hide(app, discussion)  # through the first app
        assert "We trade duties" not in shows(visitor, url)
    finally:
        with other.app_context():
            db.engine.dispose()


def test_two_apps_sharing_redis_share_pages_and_the_token(app, discussion, clock, tmp_path, redis_server):
    shared = {"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": redis_server.url}
    first, second = _second_app(app, tmp_path, **shared), _second_app(app, tmp_path, **shared)
    url = f"/threads/{discussion['thread']}"
    try:
        with first.app_context():
            page_cache.cache.clear()
        shows(first.test_client(), url)
        no_sql(second, second.test_client(), url)  # kept by the first, sent by the second
        reply_as(first, MARIA, discussion["thread"], "Our principal covers one lunch duty a week.")
        assert "covers one lunch duty" in shows(second.test_client(), url)
        no_sql(first, first.test_client(), url)
    finally:
        for made in (first, second):
            with made.app_context():
                db.engine.dispose()


def test_where_the_token_lives(app, tmp_path, redis_server, monkeypatch):
    """Beside a SQLite database; in a shared cache on PostgreSQL; nowhere with PostgreSQL and local files."""
    token = app.extensions["page_token"]
    if _on_postgres(app):
        shared = _second_app(app, tmp_path, CACHE_TYPE="RedisCache", CACHE_REDIS_URL=redis_server.url)
        assert isinstance(shared.extensions["page_token"], change_token.CacheToken)
        monkeypatch.delenv("FLASK_CACHE_TYPE", raising=False)
        assert _second_app(app, tmp_path, CACHE_TYPE="FileSystemCache").extensions["page_token"] is None
    else:
        assert isinstance(token, change_token.FileToken) and token.path.name.endswith(".sqlite3-pages")
        first = token.read()
        assert token.read() == first
        token.replace()
        assert token.read() != first


def test_the_front_door_and_flask_send_a_kept_page_alike(app, discussion, clock):
    """No cookie: the WSGI front door answers (forum.page_cache.front). Any cookie: Flask, from the same entry."""
    url = f"/threads/{discussion['thread']}"
    shows(app.test_client(), url)
    bare = no_sql(app, app.test_client(), url)
    with_cookie = app.test_client()
    with_cookie.set_cookie("consent", "yes")
    through_flask = no_sql(app, with_cookie, url)
    assert through_flask.get_data() == bare.get_data()
    assert sorted(through_flask.headers.items()) == sorted(bare.headers.items())
    assert bare.headers["Content-Length"] == str(len(bare.get_data()))


def test_a_head_request_and_other_addresses_go_to_the_app(app, discussion, clock):
    url = f"/threads/{discussion['thread']}"
    visitor = app.test_client()
    shows(visitor, url)
    head = visitor.head(url)
    assert head.status_code == 200 and head.get_data() == b""
    assert visitor.get(f"{url}?utm_source=mail").headers["Cache-Control"] == "private, no-cache"


def test_a_page_held_in_memory_is_sent_after_reading_only_the_token(app, discussion, clock, monkeypatch):
    """The page's bytes are read from the cache once per process and change, not on each view."""
    url, visitor = f"/threads/{discussion['thread']}", app.test_client()
    shows(visitor, url)
    if app.extensions["page_token"] is None:
        pytest.skip("PostgreSQL without a shared cache: nothing to check a copy in memory against")
    store, reads = app.extensions["cache"][page_cache.cache], []
    monkeypatch.setattr(store, "get", lambda key, get=store.get: reads.append(key) or get(key))
    no_sql(app, visitor, url)
    assert [key for key in reads if key.startswith("page:")] == []
    _edit(app, discussion)
    assert "two shared blocks" in shows(visitor, url)  # the copy in memory is not current: made again
