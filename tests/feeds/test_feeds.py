"""Atom feeds: valid Atom, only visible posts, conditional GET, and discoverable from pages."""
from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from forum.core.extensions import db
from forum.models import Post, User

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def forum(app, make_user, make_theme, make_thread, add_reply):
    author = make_user(display_name="Maria <Lopez> & Co")
    make_theme()
    make_theme(slug="makerspaces", title="Makerspaces & tinkering")
    thread, opening = make_thread("finding-time", author, title="Time & money")
    other, _ = make_thread("makerspaces", author, title="Laser cutters")
    reply = add_reply(thread, author, "A reply with <b>markup</b> & an ampersand.")
    return {"thread": thread, "opening": opening, "other": other, "reply": reply, "author": author}


def parse(response) -> ET.Element:
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    return ET.fromstring(response.data)


def assert_valid_atom(feed: ET.Element) -> None:
    """RFC 4287: the elements a feed and each entry must have."""
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert feed.find(f"{ATOM}{required}").text
    assert feed.find(f"{ATOM}link[@rel='self']") is not None
    feed_has_author = feed.find(f"{ATOM}author/{ATOM}name") is not None
    for entry in feed.findall(f"{ATOM}entry"):
        for required in ("id", "title", "updated"):
            assert entry.find(f"{ATOM}{required}").text
        assert feed_has_author or entry.find(f"{ATOM}author/{ATOM}name") is not None
        assert entry.find(f"{ATOM}link[@rel='alternate']") is not None or entry.find(f"{ATOM}content") is not None


def entry_ids(feed: ET.Element) -> list[str]:
    return [entry.find(f"{ATOM}id").text for entry in feed.findall(f"{ATOM}entry")]


def permalink(post_id: int) -> str:
    return f"http://127.0.0.1:5000/posts/{post_id}"


@pytest.mark.parametrize("url", ["/feeds/posts.atom", "/feeds/questions.atom",
                                 "/themes/finding-time/feed.atom", "/threads/1/feed.atom"])
def test_every_feed_is_valid_atom(client, forum, url):
    assert_valid_atom(parse(client.get(url)))


def test_feeds_hold_the_right_posts_newest_first(client, forum):
    everything = entry_ids(parse(client.get("/feeds/posts.atom")))
    assert everything[0] == permalink(forum["reply"]) and len(everything) == 3
    theme = entry_ids(parse(client.get("/themes/finding-time/feed.atom")))
    assert theme == [permalink(forum["reply"]), permalink(forum["opening"])]
    thread = parse(client.get(f"/threads/{forum['thread']}/feed.atom"))
    assert thread.find(f"{ATOM}title").text == "Time & money · STEM Teacher Leaders"
    entry = thread.find(f"{ATOM}entry")
    assert entry.find(f"{ATOM}author/{ATOM}name").text == "Maria <Lopez> & Co"  # escaped, parsed back
    assert "&lt;b&gt;markup&lt;/b&gt;" in entry.find(f"{ATOM}content").text  # the sanitised HTML, as text
    assert client.get("/threads/999/feed.atom").status_code == 404
    assert client.get("/themes/nothing/feed.atom").status_code == 404


def test_hidden_and_deleted_posts_never_appear(app, client, forum, make_user):
    from forum.discussions import posting
    from forum.moderation import actions as moderating

    moderator = make_user(email="mod@example.org", display_name="Rosa Delgado", role="moderator")
    with app.test_request_context(method="POST"):
        moderating.hide(db.session.get(Post, forum["reply"]), db.session.get(User, moderator), "Spam")
        posting.delete(db.session.get(Post, forum["opening"]), db.session.get(User, forum["author"]))
    ids = entry_ids(parse(client.get("/feeds/posts.atom")))
    assert permalink(forum["reply"]) not in ids and permalink(forum["opening"]) not in ids


def test_a_conditional_get_answers_304_until_something_changes(client, forum, add_reply):
    first = client.get("/feeds/posts.atom")
    assert first.headers["ETag"] and first.headers["Last-Modified"]
    assert first.headers["Cache-Control"] == "public, max-age=300"
    again = client.get("/feeds/posts.atom", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    add_reply(forum["thread"], forum["author"], "Something new.")
    changed = client.get("/feeds/posts.atom", headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and changed.headers["ETag"] != first.headers["ETag"]


def test_panel_questions_feed_holds_only_published_questions(app, client, forum, make_user, make_due_question):
    make_user(email="mod@example.org", display_name="Rosa Delgado", role="moderator")
    make_due_question("How do you protect planning time?")
    from forum.worker import loop as worker

    with app.app_context():
        worker.run_once()
    feed = parse(client.get("/feeds/questions.atom"))
    [entry] = feed.findall(f"{ATOM}entry")
    assert "protect planning time" in entry.find(f"{ATOM}content").text


def test_pages_point_feed_readers_at_their_feeds(client, forum):
    home = client.get("/").get_data(as_text=True)
    assert '<link rel="alternate" type="application/atom+xml" title="Latest posts" href="/feeds/posts.atom">' in home
    theme = client.get("/themes/finding-time").get_data(as_text=True)
    assert 'href="/themes/finding-time/feed.atom"' in theme
    thread = client.get(f"/threads/{forum['thread']}").get_data(as_text=True)
    assert f'href="/threads/{forum["thread"]}/feed.atom"' in thread
