"""A post's edit history: each edit keeps the text it replaced; who may read it; a moderator's edits; closing an account."""
from __future__ import annotations

import pytest

from forum.core.extensions import db
from forum.models import Post, PostRevision
from tests.conftest import audit_actions

FIRST = "Our team meets on **Tuesdays** after school, in the library."
SECOND = "Our team meets on **Thursdays** after school, in the library."


@pytest.fixture
def reply(app, make_user, make_theme, make_thread, add_reply):
    """A member's reply (member@example.org) in a moderator's thread; nobody logged in."""
    moderator = make_user(email="mod@example.org", display_name="Beth Heidemann", role="moderator")
    member = make_user()
    make_user(email="other@example.org", display_name="Oscar Nguyen")
    make_theme()
    thread, opening = make_thread("finding-time", moderator)
    post_id = add_reply(thread, member, FIRST, opening)
    return {"moderator": moderator, "member": member, "thread": thread, "post": post_id}


def revisions(app, post_id) -> list[tuple[int, str, int]]:
    with app.app_context():
        return [(r.number, r.body, r.edited_by_id) for r in db.session.scalars(
            db.select(PostRevision).where(PostRevision.post_id == post_id).order_by(PostRevision.number))]


def edit(forms, post_id, body):
    return forms.post(f"/posts/{post_id}/edit", {"body": body})


def history(client, post_id):
    response = client.get(f"/posts/{post_id}/history")
    return response.status_code, response.get_data(as_text=True)


def test_an_edit_keeps_the_text_it_replaced(app, auth, forms, reply):
    auth.login()
    assert edit(forms, reply["post"], SECOND).status_code == 302
    assert edit(forms, reply["post"], SECOND + " Bring a snack.").status_code == 302
    assert revisions(app, reply["post"]) == [(1, FIRST, reply["member"]), (2, SECOND, reply["member"])]
    with app.app_context():
        post = db.session.get(Post, reply["post"])
        assert post.body == SECOND + " Bring a snack." and post.edited_by_id == reply["member"]


def test_an_edit_that_changes_nothing_keeps_no_version(app, auth, forms, reply):
    auth.login()
    assert edit(forms, reply["post"], f"  {FIRST}\n").status_code == 302  # the same text once cleaned
    assert revisions(app, reply["post"]) == []
    with app.app_context():
        assert db.session.get(Post, reply["post"]).edited_at is None


def test_the_history_page_shows_each_version_and_what_changed(app, client, auth, forms, reply):
    auth.login()
    edit(forms, reply["post"], SECOND)
    thread_page = client.get(f"/threads/{reply['thread']}").get_data(as_text=True)
    assert f'href="/posts/{reply["post"]}/history" class="post__edited"' in thread_page
    auth.logout()  # a visitor reads the history of a post they can see
    status, page = history(client, reply["post"])
    assert status == 200
    assert "Version 2 (current)" in page and "Version 1" in page
    assert page.index("Version 2 (current)") < page.index("Version 1")  # newest first
    # Each version through the renderer, and the change word by word.
    assert "<strong>Thursdays</strong>" in page and "<strong>Tuesdays</strong>" in page
    assert "<del>**Tuesdays**</del><ins>**Thursdays**</ins>" in page
    assert "Edited by <bdi>Maria Lopez</bdi>" in page and "a moderator" not in page


def test_the_changes_are_escaped_text(app, auth, forms, client, reply):
    auth.login()
    edit(forms, reply["post"], FIRST + ' <img src=x onerror="alert(1)">')
    page = history(client, reply["post"])[1]
    assert "onerror=&#34;alert(1)&#34;" in page or "onerror=&quot;alert(1)&quot;" in page
    assert '<img src=x onerror="alert(1)">' not in page


def test_a_hidden_post_s_history_is_for_moderators_only(app, client, auth, forms, reply):
    auth.login()
    edit(forms, reply["post"], SECOND)
    auth.logout()
    seen = client.get(f"/posts/{reply['post']}/history")  # a visitor reads it before it is hidden
    assert seen.status_code == 200 and seen.headers["Cache-Control"] == "no-store"  # nobody keeps a copy
    auth.login(email="mod@example.org")
    assert forms.post(f"/moderate/posts/{reply['post']}/hide", {"reason": "Off topic"},
                      page=f"/threads/{reply['thread']}").status_code == 302
    status, page = history(client, reply["post"])
    assert status == 200 and "Tuesdays" in page and "members see neither the post nor its history" in page
    auth.logout()
    for who in ("member@example.org", "other@example.org", None):  # its author too: hidden is hidden
        if who:
            auth.login(email=who)
        status, page = history(client, reply["post"])
        assert status == 404 and "Tuesdays" not in page and "Thursdays" not in page
        if who:
            auth.logout()


def test_a_deleted_post_s_history_is_gone_for_members(app, client, auth, forms, reply):
    auth.login()
    edit(forms, reply["post"], SECOND)
    assert forms.post(f"/posts/{reply['post']}/delete", {}, page="/").status_code == 302
    status, page = history(client, reply["post"])
    assert status == 404 and "its text and its earlier versions are gone" in page and "Tuesdays" not in page
    auth.logout()
    auth.login(email="mod@example.org")
    assert history(client, reply["post"])[0] == 200


def test_a_moderator_s_edit_is_audited_and_shown_as_a_moderator_s(app, client, auth, forms, reply):
    auth.login(email="mod@example.org")
    assert "Edit a post by" in client.get(f"/posts/{reply['post']}/edit").get_data(as_text=True)
    assert edit(forms, reply["post"], SECOND).status_code == 302
    assert audit_actions(app) == ["post.edit"]
    assert revisions(app, reply["post"]) == [(1, FIRST, reply["moderator"])]
    auth.logout()
    thread_page = client.get(f"/threads/{reply['thread']}").get_data(as_text=True)
    assert "(edited by a moderator)" in thread_page
    page = history(client, reply["post"])[1]
    assert "Edited by <bdi>Beth Heidemann</bdi>, a moderator" in page


def test_a_moderator_s_edit_of_their_own_post_is_not_audited(app, auth, forms, reply, add_reply):
    own = add_reply(reply["thread"], reply["moderator"], "A moderator's own reply.")
    auth.login(email="mod@example.org")
    assert edit(forms, own, "A moderator's own reply, corrected.").status_code == 302
    assert audit_actions(app) == []


def test_a_member_still_can_t_edit_someone_else_s_post(app, client, auth, forms, reply):
    auth.login(email="other@example.org")
    assert client.get(f"/posts/{reply['post']}/edit").status_code == 403
    response = edit(forms, reply["post"], SECOND)
    assert response.status_code == 403 and "You can only change your own posts." in response.get_data(as_text=True)
    assert revisions(app, reply["post"]) == []


def test_a_moderator_can_t_edit_in_an_archived_discussion(app, client, auth, reply):
    from datetime import timedelta

    from forum.models import Theme

    with app.app_context():
        theme = db.session.scalar(db.select(Theme))
        theme.opens_at, theme.closes_at = theme.opens_at - timedelta(days=90), theme.opens_at - timedelta(days=60)
        db.session.commit()
    auth.login(email="mod@example.org")
    assert client.get(f"/posts/{reply['post']}/edit").status_code == 403
    assert f'/posts/{reply["post"]}/edit' not in client.get(f"/threads/{reply['thread']}").get_data(as_text=True)


@pytest.mark.parametrize("posts", ["keep", "remove"])
def test_closing_an_account_erases_its_posts_earlier_versions(app, client, auth, forms, reply, add_reply, posts):
    theirs = add_reply(reply["thread"], reply["moderator"], "The moderator's reply, first words.")
    auth.login(email="mod@example.org")
    edit(forms, theirs, "The moderator's reply, second words.")
    edit(forms, reply["post"], SECOND)  # the member's post, edited by the moderator
    auth.logout()
    auth.login()
    edit(forms, reply["post"], SECOND + " Bring a snack.")
    response = forms.post("/settings/delete-account", {"posts": posts, "password": "correct horse battery"},
                          page="/settings")
    assert response.status_code == 302
    assert revisions(app, reply["post"]) == []
    assert [body for _, body, _ in revisions(app, theirs)] == ["The moderator's reply, first words."]
    if posts == "keep":
        page = history(client, reply["post"])[1]
        assert "Tuesdays" not in page and "Version 2" not in page
        assert "before the forum kept earlier versions" in page
