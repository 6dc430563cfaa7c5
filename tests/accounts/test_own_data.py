"""A member's own data: downloading it, and deleting the account with or without the posts."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from forum.core.database import utcnow
from forum.core.extensions import db
from forum.models import Notification, Post, Thread, User, Watch
from tests.conftest import PASSWORD


@pytest.fixture
def writer(app, make_user, make_theme, make_thread, add_reply):
    """Maria wrote a thread and a reply; Oscar replied to her."""
    ids = {"maria": make_user(organisation="Lincoln MS", bio="Science coach."),
           "oscar": make_user(email="oscar@example.org", display_name="Oscar Other")}
    make_theme()
    ids["thread"], ids["opening"] = make_thread("finding-time", ids["maria"], title="Release time")
    ids["reply"] = add_reply(ids["thread"], ids["maria"], "My own reply.", ids["opening"])
    ids["answer"] = add_reply(ids["thread"], ids["oscar"], "Oscar answers.", ids["reply"])
    return ids


def test_a_member_downloads_everything_the_forum_holds_of_them(client, auth, writer):
    assert client.get("/settings/my-data.json").status_code == 302  # visitors: to the login page
    auth.login()
    response = client.get("/settings/my-data.json")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="my-forum-data.json"'
    data = json.loads(response.get_data(as_text=True))
    assert data["user"]["email"] == "member@example.org" and data["user"]["organisation"] == "Lincoln MS"
    assert "password_hash" not in data["user"]
    assert [(p["key"], p["thread"], p["body"]) for p in data["posts"]] == [
        (f"p{writer['opening']}", "Release time", "Opening post body."),
        (f"p{writer['reply']}", "Release time", "My own reply.")]
    assert "oscar@example.org" not in response.get_data(as_text=True)  # nobody else's data


def _delete(forms, posts="keep", password=PASSWORD):
    return forms.post("/settings/delete-account", {"posts": posts, "password": password}, page="/settings")


def test_a_wrong_password_deletes_nothing(app, auth, forms, writer):
    auth.login()
    response = _delete(forms, password="not my password")
    assert response.status_code == 400 and "That isn&#39;t your password." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, writer["maria"]).email == "member@example.org"


def test_deleting_an_account_keeps_the_posts_under_no_name(app, client, auth, forms, writer):
    auth.login()
    response = _delete(forms)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "Your account is deleted" in client.get("/").get_data(as_text=True)
    with app.app_context():
        gone = db.session.get(User, writer["maria"])
        assert (gone.display_name, gone.password_hash, gone.organisation, gone.bio) == ("Deleted member", None, "", "")
        assert gone.email.endswith("@deleted.invalid")
        assert db.session.scalar(select(Watch.id).where(Watch.user_id == gone.id)) is None
        assert db.session.scalar(select(Notification.id).where(Notification.user_id == gone.id)) is None
        assert db.session.get(Post, writer["reply"]).deleted_at is None
    page = client.get(f"/threads/{writer['thread']}").get_data(as_text=True)
    assert "My own reply." in page and "Deleted member" in page and "Maria Lopez" not in page
    assert auth.login().status_code == 200  # the old email and password sign nobody in


def test_deleting_an_account_with_its_posts_leaves_placeholders(app, client, auth, forms, writer):
    auth.login()
    assert _delete(forms, posts="remove").status_code == 302
    with app.app_context():
        assert db.session.get(Post, writer["reply"]).deleted_at is not None
        assert db.session.get(Post, writer["opening"]).deleted_at is not None
        assert db.session.get(Post, writer["answer"]).deleted_at is None  # Oscar's stays
        assert db.session.get(Thread, writer["thread"]).reply_count == 1
    page = client.get(f"/threads/{writer['thread']}").get_data(as_text=True)
    assert "My own reply." not in page and "[deleted]" in page and "Oscar answers." in page


def test_the_only_admin_cannot_delete_their_account(app, auth, forms, make_user):
    make_user(email="admin@example.org", display_name="Siobhan Brennan", role="admin")
    auth.login(email="admin@example.org")
    response = _delete(forms)
    assert response.status_code == 400 and "You are the only admin" in response.get_data(as_text=True)


def test_the_download_holds_a_post_s_earlier_versions_and_the_questions_asked_ahead(
        app, client, auth, forms, writer, make_user, make_theme):
    make_user(email="rosa@example.org", display_name="Rosa Delgado", role="moderator")
    make_theme(slug="next-month", title="Leading from the classroom", state="upcoming",
               panel_at=utcnow() + timedelta(days=10))
    auth.login()
    assert forms.post(f"/posts/{writer['reply']}/edit", {"body": "My own reply, fixed."}).status_code == 302
    assert forms.post("/themes/next-month/panel/questions", {"question": "How do hybrid roles last?"},
                      page="/themes/next-month/panel").status_code == 302
    auth.logout()
    auth.login("rosa@example.org")
    assert forms.post(f"/posts/{writer['reply']}/edit", {"body": "My own reply, fixed again."}).status_code == 302
    auth.logout()
    auth.login()
    data = client.get("/settings/my-data.json").get_json()
    [reply] = [post for post in data["posts"] if post["key"] == f"p{writer['reply']}"]
    assert reply["body"] == "My own reply, fixed again."
    assert [(r["body"], r["edited_by_moderator"]) for r in reply["revisions"]] == [
        ("My own reply.", False), ("My own reply, fixed.", True)]
    assert "rosa@example.org" not in json.dumps(data)  # who edited is not theirs to download
    assert [(q["theme"], q["question"], q["status"]) for q in data["panel_questions"]] == [
        ("Leading from the classroom", "How do hybrid roles last?", "queued")]
