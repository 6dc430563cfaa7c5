"""Posting through the API: the web's own use cases, rules and limits, told as JSON."""
from __future__ import annotations

import pytest

from forum.core.extensions import db
from forum.models import Post, Thread, User
from tests.api.conftest import bearer


def _reply(client, community, token="write", **body):
    return client.post(f"/api/v1/threads/{community.open_thread}/posts", json=body,
                       headers=bearer(community.tokens[token]) if token else {})


def _posts(app) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count(Post.id)))


def test_a_reply_is_posted_as_the_page_would(app, client, community):
    response = _reply(client, community, body="Try **Tuesdays**.", in_reply_to=community.reply)
    assert response.status_code == 201
    post = response.get_json()
    assert response.headers["Location"].endswith(f"/api/v1/posts/{post['id']}")
    assert post["in_reply_to"] == community.reply and post["author"]["name"] == "Maria Lopez"
    assert post["body_html"] == "<p>Try <strong>Tuesdays</strong>.</p>"
    assert client.get(response.headers["Location"]).get_json()["body_html"] == post["body_html"]
    page = client.get(f"/threads/{community.open_thread}").get_data(as_text=True)
    assert f'id="post-{post["id"]}"' in page
    # Sanitised as every post is.
    unsafe = _reply(client, community, body='<script>alert(1)</script><img src=x onerror="alert(1)">')
    html = unsafe.get_json()["body_html"]
    assert "<script" not in html and "<img" not in html and "&lt;script&gt;" in html


def test_a_new_thread(app, client, community):
    response = client.post("/api/v1/themes/finding-time/threads", json={"title": "From our LMS", "body": "Hello."},
                           headers=bearer(community.tokens["write"]))
    assert response.status_code == 201
    thread = response.get_json()
    assert thread["title"] == "From our LMS" and thread["author"]["id"] == community.member
    assert client.get(response.headers["Location"]).get_json()["id"] == thread["id"]
    short = client.post("/api/v1/themes/finding-time/threads", json={"title": "Hi", "body": "Hello."},
                        headers=bearer(community.tokens["write"]))
    assert short.status_code == 422
    assert "title" in short.get_json()["error"]["fields"]


@pytest.mark.parametrize("token, status, code", [(None, 401, "token_required"),
                                                 ("read", 403, "insufficient_scope")])
def test_writing_needs_a_read_write_token(app, client, community, token, status, code):
    before = _posts(app)
    response = _reply(client, community, token, body="Let me in")
    assert response.status_code == status and response.get_json()["error"]["code"] == code
    thread = client.post("/api/v1/themes/finding-time/threads", json={"title": "Mine", "body": "x"},
                         headers=bearer(community.tokens[token]) if token else {})
    assert thread.status_code == status
    assert _posts(app) == before


def test_bad_input_is_told_by_field(app, client, community):
    before = _posts(app)
    missing = _reply(client, community)
    assert missing.status_code == 422 and set(missing.get_json()["error"]["fields"]) == {"body"}
    empty = _reply(client, community, body="   ")
    assert empty.status_code == 422 and "Write something" in empty.get_json()["error"]["fields"]["body"]
    long = _reply(client, community, body="x" * 20_001)
    assert long.status_code == 422
    for wrong in (community.hidden, community.archived_thread * 1000, "7", True):
        refused = _reply(client, community, body="Under what?", in_reply_to=wrong)
        assert refused.status_code == 422, wrong
        assert "in_reply_to" in refused.get_json()["error"]["fields"]
    form = client.post(f"/api/v1/threads/{community.open_thread}/posts", data={"body": "a form"},
                       headers=bearer(community.tokens["write"]))
    assert form.status_code == 415 and form.is_json
    not_an_object = client.post(f"/api/v1/threads/{community.open_thread}/posts", data="[1]",
                                content_type="application/json", headers=bearer(community.tokens["write"]))
    assert not_an_object.status_code == 400
    huge = client.post(f"/api/v1/threads/{community.open_thread}/posts", data="x" * (2 * 1024 * 1024),
                       content_type="application/json", headers=bearer(community.tokens["write"]))
    assert huge.status_code == 413 and huge.get_json()["error"]["code"] == "too_large"
    assert _posts(app) == before


def test_archived_and_upcoming_discussions_take_no_posts(app, client, community):
    archived = client.post(f"/api/v1/threads/{community.archived_thread}/posts", json={"body": "Late"},
                           headers=bearer(community.tokens["write"]))
    assert archived.status_code == 409 and archived.get_json()["error"]["code"] == "discussion_archived"
    assert "archived" in archived.get_json()["error"]["message"]
    upcoming = client.post("/api/v1/themes/next-month/threads", json={"title": "Early bird", "body": "Hi"},
                           headers=bearer(community.tokens["write"]))
    assert upcoming.status_code == 409 and upcoming.get_json()["error"]["code"] == "discussion_not_open"


def test_a_locked_thread_takes_replies_from_moderators_only(app, client, community):
    from forum.moderation import actions

    with app.test_request_context():
        actions.set_thread_flag(db.session.get(Thread, community.open_thread), "lock",
                                db.session.get(User, community.moderator))
    locked = _reply(client, community, body="Still here")
    assert locked.status_code == 409 and locked.get_json()["error"]["code"] == "thread_locked"
    assert _reply(client, community, "moderator", body="A moderator's note").status_code == 201


def test_the_posting_limit_is_the_webs(app, client, community):
    app.config["RATE_LIMITS"] = {**app.config["RATE_LIMITS"], "post": [2, 600]}
    assert _reply(client, community, body="One").status_code == 201
    assert _reply(client, community, body="Two").status_code == 201
    before = _posts(app)
    third = _reply(client, community, body="Three")
    assert third.status_code == 429 and third.get_json()["error"]["code"] == "posting_limit"
    assert third.headers["Retry-After"] == "600"
    assert _posts(app) == before
