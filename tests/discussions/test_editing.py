"""Editing and deleting one's posts: what is refused, and what a refusal keeps, through HTTP and the use cases."""
from __future__ import annotations

from datetime import timedelta

import pytest

from forum.core.extensions import db
from forum.discussions import posting
from forum.models import Post, Theme, Thread, User
from forum.moderation import actions as moderating
from tests.conftest import csrf_from

TYPED = "What I meant to say, typed again with care."


@pytest.fixture
def my_reply(app, make_user, make_theme, make_thread, add_reply):
    """A member's reply in an open discussion, with the member logged in."""
    moderator = make_user(email="mod@example.org", display_name="Beth Heidemann", role="moderator")
    member = make_user()
    make_theme()
    thread, opening = make_thread("finding-time", moderator)
    reply = add_reply(thread, member, "What I wrote first.", opening)
    return {"moderator": moderator, "member": member, "thread": thread, "opening": opening, "reply": reply}


def edit_form_token(client, post_id) -> str:
    """The edit page's token, as a member who opened the form before something changed has it."""
    page = client.get(f"/posts/{post_id}/edit")
    assert page.status_code == 200
    return csrf_from(page.get_data(as_text=True))


def send_edit(client, token, post_id, body=TYPED):
    return client.post(f"/posts/{post_id}/edit", data={"csrf_token": token, "body": body})


def post(app, post_id) -> Post:
    with app.app_context():
        return db.session.get(Post, post_id)


def reply_count(app, thread_id) -> int:
    with app.app_context():
        return db.session.get(Thread, thread_id).reply_count


def as_moderator(app, my_reply, act):
    """A moderator's action through the function its page calls."""
    with app.test_request_context(method="POST"):
        act(db.session.get(User, my_reply["moderator"]))


def archive_the_theme(app):
    with app.app_context():
        theme = db.session.scalar(db.select(Theme))
        theme.opens_at, theme.closes_at = theme.opens_at - timedelta(days=90), theme.opens_at - timedelta(days=60)
        db.session.commit()


def assert_refused_and_kept(response, message):
    page = response.get_data(as_text=True)
    assert response.status_code == 403
    assert message in page
    assert f"{TYPED}</textarea>" in page  # on the form again, to copy or send later


# Edits refused after the form was opened keep what was typed ------------------------------

def test_an_edit_sent_after_the_thread_was_locked_is_refused_and_keeps_the_text(app, client, auth, my_reply):
    auth.login()
    token = edit_form_token(client, my_reply["reply"])
    as_moderator(app, my_reply, lambda moderator: moderating.set_thread_flag(
        db.session.get(Thread, my_reply["thread"]), "lock", moderator))
    response = send_edit(client, token, my_reply["reply"])
    assert_refused_and_kept(response, "This thread is locked by a moderator")
    assert post(app, my_reply["reply"]).body == "What I wrote first."
    assert post(app, my_reply["reply"]).edited_at is None


def test_an_edit_sent_after_the_theme_was_archived_is_refused_and_keeps_the_text(app, client, auth, my_reply):
    auth.login()
    token = edit_form_token(client, my_reply["reply"])
    archive_the_theme(app)
    assert_refused_and_kept(send_edit(client, token, my_reply["reply"]), "This discussion is archived")
    assert post(app, my_reply["reply"]).body == "What I wrote first."


def test_an_edit_sent_from_a_tab_opened_before_the_post_was_deleted_keeps_the_text(app, client, auth, my_reply):
    auth.login()
    token = edit_form_token(client, my_reply["reply"])
    assert client.post(f"/posts/{my_reply['reply']}/delete", data={"csrf_token": token}).status_code == 302
    assert_refused_and_kept(send_edit(client, token, my_reply["reply"]), "That post was deleted.")
    assert post(app, my_reply["reply"]).body == "What I wrote first."


def test_the_edit_form_of_a_locked_thread_s_post_is_not_offered(app, client, auth, my_reply):
    as_moderator(app, my_reply, lambda moderator: moderating.set_thread_flag(
        db.session.get(Thread, my_reply["thread"]), "lock", moderator))
    auth.login()
    page = client.get(f"/posts/{my_reply['reply']}/edit")
    assert page.status_code == 403 and "This thread is locked by a moderator" in page.get_data(as_text=True)


def test_an_edit_of_another_member_s_post_is_refused_and_changes_nothing(app, client, auth, my_reply):
    auth.login()
    token = edit_form_token(client, my_reply["reply"])
    response = send_edit(client, token, my_reply["opening"])  # the moderator's opening post
    assert response.status_code == 403 and "You can only change your own posts." in response.get_data(as_text=True)
    assert post(app, my_reply["opening"]).edited_at is None


# Deleting -------------------------------------------------------------------------------

def delete(client, post_id):
    token = csrf_from(client.get("/").get_data(as_text=True))
    return client.post(f"/posts/{post_id}/delete", data={"csrf_token": token})


def test_deleting_another_member_s_post_is_403_and_changes_nothing(app, client, auth, my_reply, make_user):
    make_user(email="other@example.org", display_name="Oscar Nguyen")
    auth.login(email="other@example.org")
    response = delete(client, my_reply["reply"])
    assert response.status_code == 403 and "You can only change your own posts." in response.get_data(as_text=True)
    assert post(app, my_reply["reply"]).deleted_at is None
    assert reply_count(app, my_reply["thread"]) == 1


def test_a_post_deleted_twice_is_deleted_and_counted_once(app, client, auth, my_reply):
    auth.login()
    assert delete(client, my_reply["reply"]).status_code == 302
    deleted_at = post(app, my_reply["reply"]).deleted_at
    again = delete(client, my_reply["reply"])  # a second tab, or the back button
    assert again.status_code == 403 and "That post was deleted." in again.get_data(as_text=True)
    assert post(app, my_reply["reply"]).deleted_at == deleted_at
    assert reply_count(app, my_reply["thread"]) == 0


@pytest.mark.parametrize("close", ["lock", "archive"])
def test_a_post_in_a_closed_discussion_is_not_deleted(app, client, auth, my_reply, close):
    if close == "lock":
        as_moderator(app, my_reply, lambda moderator: moderating.set_thread_flag(
            db.session.get(Thread, my_reply["thread"]), "lock", moderator))
    else:
        archive_the_theme(app)
    auth.login()
    assert delete(client, my_reply["reply"]).status_code == 403
    assert post(app, my_reply["reply"]).deleted_at is None
    assert reply_count(app, my_reply["thread"]) == 1


def test_a_visitor_who_deletes_is_asked_to_log_in(app, client, my_reply):
    token = csrf_from(client.get("/login").get_data(as_text=True))
    response = client.post(f"/posts/{my_reply['reply']}/delete", data={"csrf_token": token})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert post(app, my_reply["reply"]).deleted_at is None


# The use cases ask the rules themselves, whoever calls them -----------------------------

def test_edit_and_delete_refuse_a_caller_that_skipped_the_rules(app, my_reply, make_user):
    other = make_user(email="other@example.org", display_name="Oscar Nguyen")
    with app.test_request_context(method="POST"):
        reply = db.session.get(Post, my_reply["reply"])
        stranger = db.session.get(User, other)
        with pytest.raises(posting.Refused) as refused:
            posting.edit(reply, stranger, TYPED)
        assert refused.value.status == 403 and refused.value.message == "You can only change your own posts."
        with pytest.raises(posting.Refused):
            posting.delete(reply, stranger)
        # Moderators may edit a member's post (audited), but they hide posts, they don't delete them.
        with pytest.raises(posting.Refused):
            posting.delete(reply, db.session.get(User, my_reply["moderator"]))
    assert post(app, my_reply["reply"]).body == "What I wrote first."
    assert post(app, my_reply["reply"]).deleted_at is None
    assert reply_count(app, my_reply["thread"]) == 1


def test_a_hidden_post_is_not_edited_even_by_its_author(app, my_reply):
    """A page never offers it (a hidden post is not found for members); the use case refuses it too."""
    as_moderator(app, my_reply, lambda moderator: moderating.hide(
        db.session.get(Post, my_reply["reply"]), moderator, "Off topic"))
    with app.test_request_context(method="POST"):
        with pytest.raises(posting.Refused) as refused:
            posting.edit(db.session.get(Post, my_reply["reply"]), db.session.get(User, my_reply["member"]), TYPED)
        assert "hidden by a moderator" in refused.value.message
    assert post(app, my_reply["reply"]).body == "What I wrote first."


def test_an_empty_edit_is_refused_for_its_field_with_nothing_written(app, my_reply):
    with app.test_request_context(method="POST"):
        reply = db.session.get(Post, my_reply["reply"])
        with pytest.raises(posting.Refused) as refused:
            posting.edit(reply, db.session.get(User, my_reply["member"]), "   ")
        assert (refused.value.status, refused.value.field) == (200, "body")
    assert post(app, my_reply["reply"]).body == "What I wrote first."
