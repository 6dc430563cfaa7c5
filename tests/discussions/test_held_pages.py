"""A member's thread page reuses its rows while the thread's page version stands, and each post's
markup while the post is unchanged (forum/discussions/held_pages.py, issue 36), and shows every change
at once, to each viewer as theirs."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from forum.core import timefmt
from forum.core.database import recorded_statements
from forum.core.extensions import db
from forum.discussions import page_posts
from forum.models import Post
from tests.conftest import Auth, Forms, csrf_from


def _signed_in(app, email: str):
    client = app.test_client()
    Auth(Forms(client)).login(email)
    return client


def _send(client, url: str, page: str, **data):
    """A POST the way a browser sends it: with the token of the page it came from."""
    token = csrf_from(client.get(page).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data})


def _article(html: str, post_id: int) -> str:
    """One post's markup, from its <article> to the next post's."""
    found = re.search(rf'<article [^>]*id="post-{post_id}".*?(?=<article |</section>)', html, re.S)
    return found.group(0) if found else ""


def _page_reads(app, client, url: str) -> list[str]:
    with app.app_context():
        engine = db.engine
    with recorded_statements(engine) as statements:
        assert client.get(url).status_code == 200
    # The page's two reads of posts: its branches (counted over the thread), then its posts with their authors.
    return [statement for statement, _ in statements if "OVER ()" in statement or "guest_experts" in statement]


def test_a_repeat_view_reads_no_post_rows_until_the_thread_changes(
        app, make_user, make_theme, make_thread, add_reply):
    maria = make_user()
    make_user(email="brett@example.org", display_name="Brett Criswell")
    make_theme()
    thread, _ = make_thread("finding-time", maria)
    add_reply(thread, maria, "A first reply.")
    url = f"/threads/{thread}"
    brett = _signed_in(app, "brett@example.org")
    assert len(_page_reads(app, brett, url)) == 2  # the page's branches, then its posts
    assert _page_reads(app, brett, url) == []
    # Another member's view of the same version reads none either.
    assert _page_reads(app, _signed_in(app, "member@example.org"), url) == []
    _send(brett, f"/threads/{thread}/posts", url, body="Brett adds a reply.")
    assert len(_page_reads(app, brett, url)) == 2
    assert "Brett adds a reply." in brett.get(url).get_data(as_text=True)


def test_held_rows_can_be_turned_off(app, make_user, make_theme, make_thread):
    app.config["THREAD_PAGES_HELD"] = 0
    maria = make_user()
    make_theme()
    thread, _ = make_thread("finding-time", maria)
    client = _signed_in(app, "member@example.org")
    _page_reads(app, client, f"/threads/{thread}")
    assert len(_page_reads(app, client, f"/threads/{thread}")) == 2


def _discussion(app, make_user, make_theme, make_thread, add_reply):
    """Maria's thread with a reply and a reply under it: (their ids, and Brett, Maria and a moderator
    signed in)."""
    maria = make_user()
    make_user(email="brett@example.org", display_name="Brett Criswell")
    make_user(email="mod@example.org", display_name="Mo Derator", role="moderator")
    make_theme()
    thread, opening = make_thread("finding-time", maria)
    first = add_reply(thread, maria, "First words.")
    under = add_reply(thread, maria, "A reply under it.", parent_id=first)
    clients = [_signed_in(app, email) for email in ("brett@example.org", "member@example.org", "mod@example.org")]
    return (maria, thread, opening, first, under), clients


def test_an_edit_a_reply_a_hiding_and_a_deletion_show_at_once_to_a_member_who_read_before(
        app, make_user, make_theme, make_thread, add_reply):
    (_, thread, opening, first, under), (brett, author, moderator) = _discussion(
        app, make_user, make_theme, make_thread, add_reply)
    url = f"/threads/{thread}"
    page = lambda client: client.get(url).get_data(as_text=True)  # noqa: E731
    assert "First words." in page(brett) and "First words." in page(moderator)

    _send(author, f"/posts/{first}/edit", f"/posts/{first}/edit", body="Second words.")
    seen = _article(page(brett), first)
    assert "Second words." in seen and "(edited)" in seen and "First words." not in seen

    _send(moderator, f"/moderate/posts/{first}/hide", url, reason="Off topic")
    # The member sees a placeholder (a reply hangs under it); the moderator the post and why, from
    # the same page version: each as theirs, whoever viewed it first.
    assert "[hidden by a moderator]" in _article(page(brett), first)
    assert "Second words." not in page(brett)
    hidden = _article(page(moderator), first)
    assert "Second words." in hidden and "Hidden by a moderator: Off topic" in hidden
    assert "[hidden by a moderator]" in _article(page(brett), first)
    assert "In reply to a removed post" in _article(page(brett), under)
    assert "In reply to <a" in _article(page(moderator), under)

    _send(author, f"/posts/{under}/delete", url)
    assert f'id="post-{under}"' not in page(brett)  # deleted, with nothing under it: gone
    assert f'id="post-{opening}"' in page(brett)

    # A member's new name and position are on their posts at once.
    _send(author, "/settings", "/settings", display_name="Maria L. Lopez", position="Physics coach")
    renamed = _article(page(brett), opening)
    assert ">Maria L. Lopez</a> <small>Physics coach</small>" in renamed


def _clock(moment: datetime, zone: str) -> str:
    here = moment.astimezone(ZoneInfo(zone))
    return f"{here.hour % 12 or 12}:{here.minute:02d} {'pm' if here.hour >= 12 else 'am'}"


def test_what_is_one_viewer_s_own_stays_theirs(app, make_user, make_theme, make_thread, add_reply):
    maria = make_user()  # her zone is the community's (America/New_York)
    make_user(email="brett@example.org", display_name="Brett Criswell", time_zone="Europe/Paris",
              date_order="day-first")
    make_theme()
    thread, _ = make_thread("finding-time", maria)
    mine = add_reply(thread, maria, "Maria's reply.")
    posted = datetime.now(timezone.utc) - timedelta(days=3)  # a weekday and a time, in each one's zone
    with app.app_context():
        db.session.get(Post, mine).created_at = posted
        db.session.commit()
    url = f"/threads/{thread}"
    author, brett = _signed_in(app, "member@example.org"), _signed_in(app, "brett@example.org")
    page = author.get(url).get_data(as_text=True)
    hers = _article(page, mine)
    assert "post--own" in hers and f'href="/posts/{mine}/edit">Edit</a>' in hers
    assert f"{_clock(posted, 'America/New_York')}</time>" in hers and 'data-zone="America/New_York"' in page
    page = brett.get(url).get_data(as_text=True)
    his = _article(page, mine)
    assert "post--own" not in his and f"/posts/{mine}/edit" not in his
    assert f'<noscript><a href="/posts/{mine}/report">Report</a></noscript>' in his
    # His own zone and date order, though Maria's view made the post's markup first.
    assert f"{_clock(posted, 'Europe/Paris')}</time>" in his
    assert 'data-zone="Europe/Paris" data-month-first=""' in page


@pytest.fixture
def made(monkeypatch) -> list[int]:
    """The ids of the posts whose shared markup (page_posts.Parts) views make, as they make them."""
    made = []
    make_parts = page_posts.PostMarkup.parts
    monkeypatch.setattr(page_posts.PostMarkup, "parts",
                        lambda markup, node: made.append(node.post.id) or make_parts(markup, node))
    return made


def test_the_first_view_after_a_change_remakes_only_the_posts_that_changed(
        app, made, make_user, make_theme, make_thread, add_reply):
    (maria, thread, opening, first, under), (brett, author, moderator) = _discussion(
        app, make_user, make_theme, make_thread, add_reply)
    other = add_reply(thread, maria, "Another branch.")
    url = f"/threads/{thread}"

    def remade(client) -> set[int]:
        made.clear()
        page = client.get(url).get_data(as_text=True)
        return set(made), page

    assert remade(brett)[0] == {opening, first, under, other}
    assert remade(brett)[0] == set()  # the same version: nothing to make

    _send(author, f"/threads/{thread}/posts", url, body="A fourth reply.", parent_id=other)
    with app.app_context():
        newest = db.session.scalar(db.select(Post.id).order_by(Post.id.desc()).limit(1))
    assert remade(brett)[0] == {newest}

    _send(author, f"/posts/{first}/edit", f"/posts/{first}/edit", body="Second words.")
    changed, page = remade(brett)
    assert changed == {first} and "Second words." in _article(page, first)

    # Hidden: the member's placeholder, and the reply under it no longer names whom it answers.
    _send(moderator, f"/moderate/posts/{first}/hide", url, reason="Off topic")
    changed, page = remade(brett)
    assert changed == {first, under}
    assert "In reply to a removed post" in _article(page, under)

    # A new name is on the author's posts, and on each line that says a reply answers her.
    _send(author, "/settings", "/settings", display_name="Maria L. Lopez", position="Physics coach")
    changed, page = remade(brett)
    assert changed == {opening, first, under, other, newest}
    assert 'In reply to <a href="#post-' in _article(page, newest) and "Maria L. Lopez</a></p>" in _article(page, newest)


def test_a_relative_date_is_made_again_when_it_reads_differently(
        app, monkeypatch, made, make_user, make_theme, make_thread, add_reply):
    maria = make_user()
    make_user(email="brett@example.org", display_name="Brett Criswell")
    make_theme()
    thread, opening = make_thread("finding-time", maria)
    old = add_reply(thread, maria, "Written weeks ago.")
    recent = add_reply(thread, maria, "Written just now.")
    moment = [datetime.now(timezone.utc)]  # held still from here on, after the posts were written
    monkeypatch.setattr(timefmt, "utcnow", lambda: moment[0])
    with app.app_context():
        db.session.get(Post, old).created_at = moment[0] - timedelta(days=20)
        db.session.commit()
    reader = _signed_in(app, "brett@example.org")
    url = f"/threads/{thread}"
    assert "just now</time>" in _article(reader.get(url).get_data(as_text=True), recent)
    made.clear()
    moment[0] += timedelta(minutes=5)
    page = reader.get(url).get_data(as_text=True)
    assert "5 minutes ago</time>" in _article(page, recent)
    assert set(made) == {opening, recent}  # a date weeks old reads the same all year
