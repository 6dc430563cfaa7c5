"""Reading through the API, for each kind of caller: the same visibility as the pages."""
from __future__ import annotations

import pytest

import search
from forum.core.extensions import db
from forum.models import Theme, Thread, User
from tests.api.conftest import bearer
from tests.conftest import seed_reply, seed_thread


def _tree_ids(nodes):
    for node in nodes:
        yield node["id"]
        yield from _tree_ids(node["replies"])


def _node(nodes, post_id):
    for node in nodes:
        if node["id"] == post_id:
            return node
        found = _node(node["replies"], post_id)
        if found:
            return found
    return None


def test_themes_by_state(client, community):
    every = client.get("/api/v1/themes").get_json()["themes"]
    assert sorted(theme["slug"] for theme in every) == ["finding-time", "next-month", "old-month"]
    for state, slug in (("open", "finding-time"), ("current", "finding-time"), ("upcoming", "next-month"),
                        ("archived", "old-month")):
        found = client.get(f"/api/v1/themes?state={state}").get_json()["themes"]
        assert [theme["slug"] for theme in found] == [slug], state
    wrong = client.get("/api/v1/themes?state=soon")
    assert wrong.status_code == 400 and wrong.get_json()["error"]["code"] == "invalid_state"
    theme = client.get("/api/v1/themes/old-month").get_json()
    assert theme["state"] == "archived" and theme["title"] == "An archived month"
    assert client.get("/api/v1/themes/nothing-here").get_json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("caller", ["visitor", "read", "moderator"])
def test_a_threads_tree_hides_hidden_posts_from_all_but_moderators(client, community, caller):
    headers = {} if caller == "visitor" else bearer(community.tokens[caller])
    response = client.get(f"/api/v1/threads/{community.open_thread}/posts", headers=headers)
    assert response.status_code == 200
    body = response.get_json()
    assert body["thread"]["title"] == "Common planning time"
    opening = body["opening_post"]
    assert opening["in_reply_to"] is None
    assert opening["body_html"] == "<p>How do you <strong>protect</strong> planning time?</p>"
    reply = body["posts"][0]
    assert reply["in_reply_to"] == community.opening and reply["author"]["name"] == "Omar Diaz"
    assert reply["author"]["profile_url"].endswith(f"/members/{community.other}")
    hidden = _node(body["posts"], community.hidden)
    # Kept for the reply under it, as the page keeps it, its text and author only for moderators.
    assert hidden["hidden"] is True and hidden["in_reply_to"] == community.reply
    assert hidden["replies"][0]["body_html"] == "<p>A reply under the hidden one.</p>"
    if caller == "moderator":
        assert "secret" in hidden["body_html"] and hidden["author"]["name"] == "Omar Diaz"
    else:
        assert hidden["body_html"] is None and hidden["author"] is None
        assert "secret" not in response.get_data(as_text=True)
    post = client.get(f"/api/v1/posts/{community.hidden}", headers=headers)
    assert post.status_code == (200 if caller == "moderator" else 404)
    assert post.is_json


def test_markdown_source_only_for_its_author_and_moderators(client, community):
    url = f"/api/v1/posts/{community.opening}"
    assert "body_markdown" not in client.get(url).get_json()
    assert "body_markdown" not in client.get(url, headers=bearer(community.tokens["other"])).get_json()
    mine = client.get(url, headers=bearer(community.tokens["read"])).get_json()
    assert mine["body_markdown"] == "How do you **protect** planning time?"
    assert "body_markdown" in client.get(url, headers=bearer(community.tokens["moderator"])).get_json()


def test_a_deleted_post_keeps_its_place_without_its_text(app, client, community, auth, forms):
    auth.login(email="other@example.org")
    assert forms.post(f"/posts/{community.reply}/delete", {},
                      page=f"/threads/{community.open_thread}").status_code == 302
    body = client.get(f"/api/v1/threads/{community.open_thread}/posts").get_json()
    deleted = body["posts"][0]
    assert deleted["deleted"] is True and deleted["body_html"] is None and deleted["author"] is None
    assert "We use Tuesdays" not in str(body)


def test_a_themes_prepared_discussion_waits_for_its_theme_except_for_moderators(app, client, community):
    with app.test_request_context():
        theme = db.session.scalar(db.select(Theme).where(Theme.slug == "next-month"))
        thread = seed_thread(theme, db.session.get(User, community.moderator), "The prepared one", "Soon.")
        thread.facilitated = True
        db.session.commit()
        thread_id = thread.id
    assert client.get("/api/v1/themes/next-month/threads").get_json()["threads"] == []
    assert client.get(f"/api/v1/threads/{thread_id}").status_code == 404
    seen = client.get("/api/v1/themes/next-month/threads", headers=bearer(community.tokens["moderator"]))
    assert [t["id"] for t in seen.get_json()["threads"]] == [thread_id]


def test_profiles_show_what_the_page_shows_and_never_private_fields(app, client, community):
    # Visitors see no members unless the community says so (MEMBER_PAGES_PUBLIC), as on the pages.
    refused = client.get(f"/api/v1/members/{community.member}")
    assert refused.status_code == 401 and refused.get_json()["error"]["code"] == "token_required"
    profile = client.get(f"/api/v1/members/{community.member}", headers=bearer(community.tokens["other"]))
    data = profile.get_json()
    assert data["name"] == "Maria Lopez" and data["position"] == "Physics teacher"
    assert data["organisation"] == "Lincoln High" and data["post_count"] == 3
    text = profile.get_data(as_text=True)
    for private in ("member@example.org", "password", "digest", "email", "time_zone", "session"):
        assert private not in text
    # A member who keeps their school to themselves: hidden from others, not from admins or themselves.
    hidden = client.get(f"/api/v1/members/{community.other}", headers=bearer(community.tokens["read"])).get_json()
    assert hidden["organisation"] is None and hidden["location"] is None
    own = client.get(f"/api/v1/members/{community.other}", headers=bearer(community.tokens["other"])).get_json()
    assert own["organisation"] == "Hidden School"
    app.config["MEMBER_PAGES_PUBLIC"] = True
    assert client.get(f"/api/v1/members/{community.member}").status_code == 200
    assert client.get("/api/v1/members/999").get_json()["error"]["code"] == "not_found"


def test_notifications_are_the_token_owners_alone(app, client, community):
    from forum.notifications import notify

    with app.test_request_context():
        thread = db.session.get(Thread, community.open_thread)
        seed_reply(thread, db.session.get(User, community.other), "An answer for Maria.")
        notify.handle_events()
    mine = client.get("/api/v1/me/notifications", headers=bearer(community.tokens["read"]))
    items = mine.get_json()["notifications"]
    assert items and all(item["read"] is False for item in items)
    assert any("Omar Diaz" in item["text"] for item in items)
    assert mine.headers["Cache-Control"] == "private, no-cache"
    theirs = client.get("/api/v1/me/notifications", headers=bearer(community.tokens["moderator"]))
    assert theirs.get_json()["notifications"] == []
    visitor = client.get("/api/v1/me/notifications")
    assert visitor.status_code == 401 and visitor.headers["WWW-Authenticate"].startswith("Bearer")


def test_the_session_cookie_is_ignored(client, community, auth):
    """A browser signed in as a moderator, with no token: the API answers as to a visitor."""
    auth.login(email="mod@example.org")
    assert client.get(f"/api/v1/posts/{community.hidden}").status_code == 404
    assert client.get("/api/v1/me").status_code == 401
    response = client.post(f"/api/v1/threads/{community.open_thread}/posts", json={"body": "By cookie"})
    assert response.status_code == 401
    assert "Set-Cookie" not in response.headers


@pytest.mark.every_search_backend
def test_search_is_the_search_pages(app, client, community, search_backend):
    with app.app_context():
        search.apply_pending()
    found = client.get("/api/v1/search?q=tuesdays").get_json()
    assert [hit["post_id"] for hit in found["results"]] == [community.reply]
    hit = found["results"][0]
    assert "<mark>" in hit["snippet_html"] and hit["theme"]["slug"] == "finding-time"
    assert hit["url"].endswith(f"/posts/{community.reply}")
    # The page's filters: author, and a theme that has no such post.
    assert client.get("/api/v1/search?q=tuesdays&author=Maria").get_json()["results"] == []
    assert client.get("/api/v1/search?q=planning&theme=old-month").get_json()["results"] == []
    # A hidden post is never a result, even for a moderator (as on the page).
    secret = client.get("/api/v1/search?q=secret", headers=bearer(community.tokens["moderator"])).get_json()
    assert secret["results"] == []
    dated = client.get("/api/v1/search?q=tuesdays&from=2020-13-01").get_json()
    assert any("isn't a date" in notice for notice in dated["notices"])
    empty = client.get("/api/v1/search")
    assert empty.status_code == 422 and empty.get_json()["error"]["code"] == "validation_failed"


def test_pages_follow_their_cursor_through_a_long_thread(app, client, community):
    with app.test_request_context():
        thread = db.session.get(Thread, community.open_thread)
        other = db.session.get(User, community.other)
        for n in range(6):
            seed_reply(thread, other, f"Branch {n}")
    url = f"/api/v1/threads/{community.open_thread}/posts?limit=3"
    seen, pages = [], 0
    while url:
        response = client.get(url)
        body = response.get_json()
        seen += list(_tree_ids(body["posts"]))
        pages += 1
        if body["next_cursor"]:
            assert response.headers["Link"].endswith('>; rel="next"')
            url = response.headers["Link"][1:response.headers["Link"].index(">")]
            # A reply written between two pages is neither repeated nor skipped.
            if pages == 1:
                with app.test_request_context():
                    seed_reply(db.session.get(Thread, community.open_thread), other, "Late branch")
        else:
            assert "Link" not in response.headers
            url = None
    assert pages == 3  # 3 + 3 + the last two (with the late one)
    assert len(seen) == len(set(seen)) == 3 + 6 + 1  # the first branch is three posts deep
    mangled = client.get(f"/api/v1/threads/{community.open_thread}/posts?cursor=abc")
    assert mangled.status_code == 400 and mangled.get_json()["error"]["code"] == "invalid_cursor"
    assert client.get(f"/api/v1/threads/{community.open_thread}/posts?limit=0").status_code == 400


def test_theme_threads_page_by_cursor(app, client, community):
    with app.test_request_context():
        theme = db.session.scalar(db.select(Theme).where(Theme.slug == "finding-time"))
        author = db.session.get(User, community.member)
        made = [seed_thread(theme, author, f"Thread {n}", "Body.").id for n in range(4)]
    first = client.get("/api/v1/themes/finding-time/threads?limit=3").get_json()
    second = client.get(f"/api/v1/themes/finding-time/threads?limit=3&cursor={first['next_cursor']}").get_json()
    ids = [t["id"] for t in first["threads"] + second["threads"]]
    assert ids == sorted(made + [community.open_thread], reverse=True)
    assert second["next_cursor"] is None


def test_a_guest_experts_posts_carry_their_panelist_badge(app, client, community):
    from forum.models import GuestExpert

    with app.app_context():
        theme_id = db.session.scalar(db.select(Theme.id).where(Theme.slug == "finding-time"))
        db.session.add(GuestExpert(theme_id=theme_id, user_id=community.other, panelist="Dr. Omar Diaz"))
        db.session.commit()
    reply = client.get(f"/api/v1/threads/{community.open_thread}/posts").get_json()["posts"][0]
    assert reply["author"]["panelist"] == "Dr. Omar Diaz"
    opening = client.get(f"/api/v1/threads/{community.open_thread}/posts").get_json()["opening_post"]
    assert "panelist" not in opening["author"]
