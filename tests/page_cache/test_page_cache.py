"""Pages for visitors: cached per version, answered with 304, never stale after a change commits.

A "visitor" here is a client that has never logged in; a member's pages
are never cached nor shared. Each change below is made while the
visitor's page is in the cache, then the visitor looks again.
"""
from __future__ import annotations

from datetime import timedelta

import pytest

from forum.page_cache import freshness, cache as page_cache
from forum.worker import heartbeat
from forum.core import timefmt
from forum.core.database import recorded_statements, utcnow
from forum.core.extensions import db
from forum.models import PanelQuestion, Post, Theme, Thread, User
from forum.models.post_events import EDITED, post_changed
from tests.conftest import reply_as, seed_thread, signed_in_as
from tests.page_cache.conftest import MARIA, ROSA, hit_statements



@pytest.fixture
def visitor(app):
    return app.test_client()


@pytest.fixture
def worker_running(app, monkeypatch):
    """As deployed: a worker publishes due panel questions, so page views don't look for them.

    The clock of the keys stands still too: the posts are minutes old, so a
    page's key changes with the minute, and a test must not straddle one.
    """
    with app.app_context():
        heartbeat.beat()
    now = utcnow()
    for module in (page_cache, freshness):
        monkeypatch.setattr(module, "utcnow", lambda: now)


def look(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def queries(app, client, url: str, **kwargs):
    with app.app_context():
        engine = db.engine
    with recorded_statements(engine) as statements:
        response = client.get(url, **kwargs)
    return response, [statement for statement, _ in statements]


# What visitors get -------------------------------------------------------------------

@pytest.mark.parametrize("url", ["/", "/themes", "/themes/finding-time", "/threads/{thread}"])
def test_a_visitor_s_repeat_view_sends_no_sql_and_no_cookie(app, discussion, visitor, worker_running, url):
    url = url.format(**discussion)
    first = visitor.get(url)
    again, statements = queries(app, visitor, url)
    assert again.status_code == 200 and again.get_data() == first.get_data()
    assert len(statements) == hit_statements(app), statements
    for response in (first, again):
        assert "Set-Cookie" not in response.headers
        assert response.headers["Cache-Control"] == "public, max-age=60"
        assert response.headers["Vary"] == "Cookie"
        assert response.headers["ETag"] == first.headers["ETag"]


@pytest.mark.parametrize("url", ["/", "/themes", "/themes/finding-time", "/threads/{thread}"])
def test_a_conditional_request_is_answered_304_with_no_sql(app, discussion, visitor, worker_running, url):
    url = url.format(**discussion)
    etag = visitor.get(url).headers["ETag"]
    response, statements = queries(app, visitor, url, headers={"If-None-Match": etag})
    assert response.status_code == 304 and response.get_data() == b""
    assert response.headers["ETag"] == etag and len(statements) == hit_statements(app)


def test_a_thread_page_is_checked_with_one_query_after_any_change(app, discussion, visitor, worker_running):
    url = f"/threads/{discussion['thread']}?page=1"
    look(visitor, url)
    with app.app_context():  # a change elsewhere: every kept page is checked again, this one still holds
        db.session.get(Theme, 2).title = "Assessment that helps students reason"
        db.session.commit()
    _, statements = queries(app, visitor, url)
    assert len(statements) == 1 and "threads.page_version" in statements[0]
    assert len(queries(app, visitor, url)[1]) == hit_statements(app)


# Never stale after a change commits ------------------------------------------------------

def test_a_post_hidden_by_a_moderator_leaves_the_cached_page_at_once(app, discussion, visitor):
    url = f"/threads/{discussion['thread']}"
    etag = visitor.get(url).headers["ETag"]
    assert "We trade duties" in look(visitor, url)
    _, forms = signed_in_as(app, ROSA)
    forms.post(f"/moderate/posts/{discussion['reply']}/hide", {"reason": "Off topic"}, page=url)
    assert visitor.get(url, headers={"If-None-Match": etag}).status_code == 200
    assert "We trade duties" not in look(visitor, url)
    assert "Off topic" not in look(visitor, url)


def test_replies_edits_and_deletions_show_to_visitors_at_once(app, discussion, visitor):
    url = f"/threads/{discussion['thread']}"
    look(visitor, url)
    reply_id = reply_as(app, MARIA, discussion["thread"], "Our principal covers one lunch duty a week.")
    assert "covers one lunch duty" in look(visitor, url)
    _, forms = signed_in_as(app, MARIA)
    forms.post(f"/posts/{reply_id}/edit", {"body": "Our principal covers two lunch duties."},
               page=f"/posts/{reply_id}/edit")
    page = look(visitor, url)
    assert "covers two lunch duties" in page and "covers one lunch duty" not in page
    forms.post(f"/posts/{reply_id}/delete", {}, page=url)
    assert "covers two lunch duties" not in look(visitor, url)


def test_the_theme_and_front_pages_show_a_new_thread_at_once(app, discussion, visitor):
    for url in ("/", "/themes/finding-time", "/themes"):
        assert "Block scheduling" not in look(visitor, url)
    _, forms = signed_in_as(app, MARIA)
    forms.post("/themes/finding-time/threads", {"title": "Block scheduling", "body": "Who has tried it?"},
               page="/themes/finding-time")
    for url in ("/", "/themes/finding-time"):
        assert "Block scheduling" in look(visitor, url)


def test_a_new_name_shows_on_every_page_of_the_member(app, discussion, visitor):
    url = f"/threads/{discussion['thread']}"
    assert "Maria Lopez" in look(visitor, url)
    _, forms = signed_in_as(app, MARIA)
    forms.post("/settings", {"display_name": "Maria L. Lopez", "position": "Physics coach"}, page="/settings")
    page = look(visitor, url)
    assert "Maria L. Lopez" in page and "Physics coach" in page


def test_a_new_name_and_an_edited_post_in_one_commit_both_show(app, discussion, visitor):
    """Three sources of changed threads in one transaction (a thread, a post, a member) once made a
    union of a union, which SQLAlchemy cannot build: the commit failed."""
    from forum.models import Post, User

    url = f"/threads/{discussion['thread']}"
    look(visitor, url)
    with app.app_context():
        member = db.session.get(User, discussion["member"])
        reply = db.session.get(Post, discussion["reply"])
        member.display_name = "Maria L. Lopez"
        reply.body = "We trade duties for two shared blocks."
        post_changed(reply, EDITED)
        freshness.thread_changed(reply.thread)
        db.session.commit()
    page = look(visitor, url)
    assert "Maria L. Lopez" in page


def test_pinning_locking_moving_and_renaming_show_at_once(app, discussion, visitor):
    thread_url, theme_url = f"/threads/{discussion['thread']}", "/themes/finding-time"
    for url in (thread_url, theme_url, "/themes/assessment"):
        look(visitor, url)
    _, forms = signed_in_as(app, ROSA)
    forms.post(f"/moderate/threads/{discussion['thread']}/lock", {}, page=thread_url)
    assert "Locked</span>" in look(visitor, thread_url)
    forms.post("/moderate/themes/finding-time/edit", {
        "title": "Finding time, revisited", "slug": "finding-time", "month": utcnow().strftime("%Y-%m"),
        "opens_at": (utcnow() - timedelta(days=5)).strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (utcnow() + timedelta(days=20)).strftime("%Y-%m-%dT%H:%M")})
    assert "Finding time, revisited" in look(visitor, thread_url)
    with app.app_context():
        assessment = db.session.scalar(db.select(Theme.id).where(Theme.slug == "assessment"))
    forms.post(f"/moderate/threads/{discussion['thread']}/move", {"theme_id": str(assessment)}, page=thread_url)
    assert "Protected planning time" not in look(visitor, theme_url)  # the theme it left
    assert "Protected planning time" in look(visitor, "/themes/assessment")
    assert "Assessment that helps students think" in look(visitor, thread_url)


def test_a_panel_question_answered_live_shows_on_the_theme_page(app, discussion, visitor):
    """Rows the session sees change (not only the search outbox) raise the version too."""
    with app.app_context():
        before = db.session.scalar(db.select(Theme.page_version).where(Theme.slug == "finding-time"))
        theme = db.session.scalar(db.select(Theme).where(Theme.slug == "finding-time"))
        db.session.add(PanelQuestion(theme=theme, question="How?", asked_by="Jackie"))
        db.session.commit()
        after = db.session.scalar(db.select(Theme.page_version).where(Theme.slug == "finding-time"))
    assert after > before


def _keys(app, thread_id: int) -> tuple:
    """The keys of the forum's pages, the thread's theme page and the thread page, as a visitor's request reads them."""
    never_due = lambda _theme_id: 0  # noqa: E731
    with app.test_request_context():
        thread = db.session.get(Thread, thread_id)
        return (freshness.forum_pages(never_due).key, freshness.theme_page(thread.theme.slug, never_due).key,
                freshness.thread_page(thread_id, never_due).key)


def test_a_reply_changes_the_keys_of_every_page_that_shows_it(app, discussion):
    before = _keys(app, discussion["thread"])
    reply_as(app, MARIA, discussion["thread"], "One more.")
    after = _keys(app, discussion["thread"])
    # Left out: how long the pages' dates read the same (the minute, here), which a test can't pin.
    assert [old[:-1] == new[:-1] for old, new in zip(before, after)] == [False, False, False]
    with app.app_context():
        thread = db.session.get(Thread, discussion["thread"])
        assert thread.page_version > before[2][1]


def test_a_rolled_back_change_raises_nothing(app, discussion):
    with app.app_context():
        highest = db.session.scalar(db.select(db.func.max(Theme.page_version)))
        db.session.get(Post, discussion["reply"]).body = "changed, then thought better of"
        db.session.flush()
        db.session.rollback()
        db.session.get(Thread, discussion["thread"]).title = "Renamed"
        db.session.rollback()
        db.session.commit()
        assert db.session.scalar(db.select(db.func.max(Theme.page_version))) == highest


# Members' pages are their own ------------------------------------------------------------

def test_a_member_s_page_is_never_cached_nor_served_to_anyone_else(app, discussion, visitor):
    url = f"/threads/{discussion['thread']}"
    member, _ = signed_in_as(app, MARIA)
    own = member.get(url)
    assert own.headers["Cache-Control"] == "private, no-cache" and "ETag" not in own.headers
    assert "Log out" in own.get_data(as_text=True)
    page = look(visitor, url)
    assert "Log out" not in page and "Log in" in page
    # The visitor's page is cached now; the member still gets their own.
    assert "Log out" in look(member, url)
    _, statements = queries(app, member, url)
    assert len(statements) > 1


def test_a_visitor_with_a_message_waiting_gets_it_and_it_is_not_cached(app, discussion, visitor):
    client, forms = signed_in_as(app, MARIA)
    forms.post("/logout", {}, page="/")
    page = look(client, "/")
    assert "logged out" in page
    assert "logged out" not in look(visitor, "/")
    assert "logged out" not in look(client, "/")


def test_the_cache_keeps_nothing_for_a_missing_thread(app, discussion, visitor):
    assert visitor.get("/threads/99999").status_code == 404
    assert visitor.get("/themes/no-such-theme").status_code == 404


def test_a_prepared_discussion_stays_hidden_from_visitors_until_its_theme_opens(app, make_user, make_theme,
                                                                              visitor):
    moderator = make_user(email=ROSA, display_name="Rosa Delgado", role="moderator")
    make_theme(slug="next-month", title="Next month", state="upcoming")
    with app.test_request_context():
        theme = db.session.scalar(db.select(Theme).where(Theme.slug == "next-month"))
        thread = seed_thread(theme, db.session.get(User, moderator), "Discussion: Next month", "Opening")
        thread.facilitated = True
        db.session.commit()
        thread_id = thread.id
    assert visitor.get(f"/threads/{thread_id}").status_code == 404
    assert visitor.get(f"/threads/{thread_id}").status_code == 404


# Relative dates ---------------------------------------------------------------------------

def test_relative_dates_on_a_cached_page_move_with_the_clock(app, discussion, visitor, monkeypatch):
    url = f"/threads/{discussion['thread']}"
    assert "just now" in look(visitor, url)
    later = utcnow() + timedelta(minutes=5)
    for module in (timefmt, page_cache, freshness):
        monkeypatch.setattr(module, "utcnow", lambda: later)
    page = look(visitor, url)
    assert "5 minutes ago" in page and "just now" not in page


def test_dates_settle_to_the_year_once_a_week_has_passed(app):
    now = utcnow()
    with app.app_context():
        assert page_cache.dates_span(now - timedelta(days=30), now) == page_cache.dates_span(None, now)
        assert page_cache.dates_span(now - timedelta(days=30), now).startswith("year ")
        assert page_cache.dates_span(now - timedelta(days=3), now) != page_cache.dates_span(
            now - timedelta(days=3), now + timedelta(minutes=1))


# Due panel questions --------------------------------------------------------------------

def test_page_views_leave_due_questions_to_a_running_worker(app, discussion, visitor):
    with app.app_context():
        theme = db.session.scalar(db.select(Theme).where(Theme.slug == "finding-time"))
        db.session.add(PanelQuestion(theme=theme, question="How do you protect planning time?", asked_by="A. Guest",
                                     status="scheduled", publish_at=utcnow() - timedelta(minutes=1)))
        db.session.commit()
    url = f"/threads/{discussion['thread']}"
    with app.app_context():
        heartbeat.beat()
    _, statements = queries(app, visitor, url)
    # No look for due questions (by their publish time); the page's posts name panel_questions
    # to find which are questions (the panel's answers), which is no such look.
    assert not any("panel_questions.publish_at" in statement for statement in statements)
    with app.app_context():
        assert db.session.scalar(db.select(PanelQuestion.status)) == "scheduled"
        heartbeat.stop()
    look(visitor, url)  # no worker: the view publishes it
    with app.app_context():
        assert db.session.scalar(db.select(PanelQuestion.status)) == "published"


def test_versions_are_read_by_primary_key(app, discussion):
    with app.test_request_context():
        versions = freshness.thread_page(discussion["thread"], lambda _theme_id: 0).key
        assert versions[0] == "thread" and versions[2] == "Finding time to collaborate"
        assert freshness.thread_page(99999, lambda _theme_id: 0) is None
        assert freshness.theme_page("no-such-theme", lambda _theme_id: 0) is None



def test_a_cache_that_fails_costs_speed_never_a_page(app, discussion, visitor, monkeypatch):
    def broken(*_args):
        raise OSError("No space left on device")

    with app.app_context():
        store = app.extensions["cache"][page_cache.cache]
    for operation in ("get", "get_many", "set", "add"):
        monkeypatch.setattr(store, operation, broken)
    assert "We trade duties" in look(visitor, f"/threads/{discussion['thread']}")


def test_made_up_query_strings_are_answered_but_never_kept(app, discussion, visitor, worker_running):
    # The page's rows are not kept in the process either: its statements show the page was made.
    app.config["THREAD_PAGES_HELD"] = 0
    url = f"/threads/{discussion['thread']}?utm_source=newsletter"
    look(visitor, url)
    response, statements = queries(app, visitor, url)
    assert response.status_code == 200 and len(statements) > 1
    assert "ETag" not in response.headers and "public" not in response.headers["Cache-Control"]


def test_without_a_worker_a_first_view_looks_for_due_questions_once(app, discussion, visitor):
    """The version check and the view both ask; the question is asked of the database once.
    (The versions' own query reads when the next one falls due, which is no such look.)"""
    _, statements = queries(app, visitor, f"/threads/{discussion['thread']}")
    assert len([statement for statement in statements if "panel_questions.publish_at <=" in statement]) == 1


class _Unreachable:
    """A session whose database went away just after its commit."""

    def __init__(self, info: dict):
        self.info = info

    def get_bind(self):
        return self

    def raw_connection(self):
        from sqlalchemy.exc import OperationalError

        raise OperationalError("SELECT nextval('page_versions')", {}, Exception("server closed the connection"))


@pytest.mark.sqlite_only  # no database: once is enough
def test_what_follows_a_commit_never_turns_it_into_an_error(caplog):
    """The change is committed whatever fails after it: the member is told it is saved, the log says what was missed."""
    from search.postgres_engine import writing

    freshness._take_version_after_commit(_Unreachable({"page_versions_raised": True}))
    writing._add_words_after_commit(_Unreachable({"search_words_after_commit": {"makerspace"}}))
    assert [record.levelname for record in caplog.records] == ["ERROR", "ERROR"]
