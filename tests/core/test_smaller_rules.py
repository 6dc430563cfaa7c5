"""The audit's smaller rules: a closed archive stays as it was, text can't reorder itself, credits are text."""
from __future__ import annotations

from datetime import timedelta

import pytest

from forum.core.database import utcnow
from forum.core.extensions import db
from forum.core.markup import render_markdown
from forum.models import PanelQuestion, Theme, Thread, User
from tests.conftest import PASSWORD


@pytest.fixture
def my_post(app, make_user, make_theme, make_thread, add_reply):
    member = make_user()
    make_theme()
    thread, opening = make_thread("finding-time", member)
    return {"thread": thread, "post": add_reply(thread, member, "What I wrote then.", opening)}


def close(app, *, archive=False, lock=False):
    with app.app_context():
        theme = db.session.scalar(db.select(Theme))
        if archive:
            theme.closes_at = utcnow() - timedelta(days=1)
        if lock:
            db.session.scalar(db.select(Thread)).locked = True
        db.session.commit()


@pytest.mark.parametrize("how", [{"archive": True}, {"lock": True}])
def test_an_archived_or_locked_discussion_stays_as_it_was(app, client, auth, my_post, how):
    close(app, **how)
    auth.login()
    page = f"/threads/{my_post['thread']}"
    edited = auth.forms.post(f"/posts/{my_post['post']}/edit", {"body": "Rewritten later."}, page=page)
    deleted = auth.forms.post(f"/posts/{my_post['post']}/delete", {}, page=page)
    assert edited.status_code == 403 and deleted.status_code == 403
    assert "What I wrote then." in client.get(page).get_data(as_text=True)


@pytest.mark.parametrize("control", ["\u202e", "\u202d", "\u2066", "\u2067", "\u2068", "\u2069", "\u202a"])
def test_bidi_overrides_never_reach_rendered_posts(control):
    html = render_markdown(f"[{control}moc.elgoog](https://evil.example) and {control}text")
    assert control not in html


def test_bidi_overrides_are_dropped_from_bios(app, client, auth, forms, make_user):
    make_user()
    auth.login()
    forms.post("/settings", {"display_name": "Maria Lopez", "bio": "I teach \u202ephysics"}, page="/settings")
    with app.app_context():
        assert "\u202e" not in db.session.scalar(db.select(User.bio))


def test_a_credit_line_is_plain_text(app, client, auth, make_user, make_theme):
    make_user(email="mod@example.org", display_name="Rosa Delgado", role="moderator")
    make_theme()
    with app.app_context():
        theme = db.session.scalar(db.select(Theme))
        db.session.add(PanelQuestion(theme=theme, question="What about certificates?",
                                     asked_by="[Free certificate](https://evil.example/login) **now**"))
        db.session.commit()
    auth.login(email="mod@example.org", password=PASSWORD)
    auth.forms.post("/moderate/questions/1/publish", {}, page="/moderate/themes/finding-time/questions")
    with app.app_context():
        html = db.session.scalar(db.select(PanelQuestion)).post.html
    credit = html.split("What about certificates?")[1]
    assert "[Free certificate]" in credit  # the name as typed, brackets and all
    assert ">Free certificate</a>" not in credit and "<strong>" not in credit


def test_an_upcoming_themes_prepared_discussion_is_for_moderators_until_it_opens(
        app, client, auth, make_user, make_theme):
    from forum.themes import months as themes

    moderator = make_user(email="mod@example.org", display_name="Rosa Delgado", role="moderator")
    make_user()
    make_theme(slug="next-month", state="upcoming")
    with app.test_request_context():
        theme = db.session.scalar(db.select(Theme))
        thread = themes.start_facilitated_thread(theme, db.session.get(User, moderator), "Coming soon.")
        db.session.commit()
        thread_id = thread.id
    assert client.get(f"/threads/{thread_id}").status_code == 404
    assert "Coming soon." not in client.get("/themes/next-month").get_data(as_text=True)
    auth.login()
    assert client.get(f"/threads/{thread_id}").status_code == 404
    auth.logout()
    auth.login(email="mod@example.org")
    assert client.get(f"/threads/{thread_id}").status_code == 200


@pytest.mark.parametrize("password", ["Password1!", "Summer2024!", "monkey12345", "iloveyou12", "Qwertyuiop1"])
def test_common_passwords_are_refused(app, client, forms, password):
    response = forms.post("/join", {"display_name": "New Teacher", "email": "new@example.org",
                                    "password": password}, page="/join")
    assert "too easy to guess" in response.get_data(as_text=True)


def test_a_prepared_discussion_is_found_by_search_only_once_its_theme_opens(app, client, make_user, make_theme):
    from forum.mail import mailings
    from forum.themes import months as themes
    from forum.worker import loop as worker

    moderator = make_user(email="mod@example.org", display_name="Rosa Delgado", role="moderator")
    make_theme(slug="next-month", state="upcoming")
    with app.test_request_context():
        theme = db.session.scalar(db.select(Theme))
        themes.start_facilitated_thread(theme, db.session.get(User, moderator), "Quokkas await.")
        db.session.commit()
    assert "No posts found" in client.get("/search?q=quokkas").get_data(as_text=True)
    with app.app_context():
        theme = db.session.scalar(db.select(Theme))
        theme.opens_at = utcnow() - timedelta(hours=1)  # the month turns
        db.session.commit()
        mailings.schedule()
        worker.run_once()
    assert "1 post found" in client.get("/search?q=quokkas").get_data(as_text=True)


@pytest.mark.sqlite_only  # SQLite's query plan; PostgreSQL's planner picks by its own statistics
def test_each_count_finds_old_rate_limit_rows_by_their_time_not_by_reading_them_all(app):
    """Every counted post deletes a batch of rows past every window: by the `at` index, not a scan of the table."""
    from forum import throttle

    with app.app_context():
        statement = db.select(throttle.ThrottleEvent).where(throttle.ThrottleEvent.id.in_(throttle._old_rows(utcnow())))
        compiled = statement.compile(db.engine, compile_kwargs={"literal_binds": True})
        plan = [row[3] for row in db.session.execute(db.text(f"EXPLAIN QUERY PLAN {compiled}"))]
    assert not any(step.startswith("SCAN throttle_events") for step in plan), plan
