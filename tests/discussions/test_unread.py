"""New since your last visit: marked posts, a jump link, counts on theme pages; written by POST only."""
from __future__ import annotations

import re

import pytest

from forum.core.extensions import db
from forum.models import ThreadRead
from tests.conftest import csrf_from, signed_in_as


@pytest.fixture
def setting(app, make_user, make_theme, make_thread, add_reply):
    reader = make_user()
    writer = make_user(email="writer@example.org", display_name="Brett Criswell")
    make_theme()
    thread, opening = make_thread("finding-time", writer)
    first = add_reply(thread, writer, "The first reply, read already.")
    return {"reader": reader, "writer": writer, "thread": thread, "opening": opening, "first": first}


def markers(app) -> list[tuple[int, int, int]]:
    with app.app_context():
        return [(r.user_id, r.thread_id, r.last_read_post_id) for r in db.session.scalars(db.select(ThreadRead))]


def mark_read(client, thread: int, post_id: int, **extra):
    page = client.get(f"/threads/{thread}").get_data(as_text=True)
    return client.post(f"/threads/{thread}/read", data={"csrf_token": csrf_from(page), "post_id": post_id, **extra})


def test_a_first_visit_marks_nothing_new_and_the_page_view_writes_nothing(app, client, auth, setting):
    auth.login()
    page = client.get(f"/threads/{setting['thread']}").get_data(as_text=True)
    assert "post--new" not in page and "Jump to the first new post" not in page
    assert f'data-read-post="{setting["first"]}"' in page  # what the page's beacon will send
    assert markers(app) == []


def test_posts_after_the_marker_are_new_with_a_jump_link_and_a_count(app, client, auth, setting, add_reply):
    auth.login()
    assert mark_read(client, setting["thread"], setting["first"]).status_code == 302
    assert markers(app) == [(setting["reader"], setting["thread"], setting["first"])]
    later = add_reply(setting["thread"], setting["writer"], "Written after Maria's visit.")
    own = add_reply(setting["thread"], setting["reader"], "Maria's own reply is never new to her.")
    page = client.get(f"/threads/{setting['thread']}").get_data(as_text=True)
    new = re.findall(r'class="post[^"]*post--new[^"]*" id="post-(\d+)"', page)
    assert new == [str(later)] and str(own) not in new
    assert f'href="#post-{later}">Jump to the first new post' in page  # on this page: no reload
    theme_page = client.get("/themes/finding-time").get_data(as_text=True)
    assert '<span class="thread-list__new">1 new</span>' in theme_page
    assert '1 new' in client.get("/").get_data(as_text=True)

    assert mark_read(client, setting["thread"], own, beacon="1").json == {"moved": True}
    assert "post--new" not in client.get(f"/threads/{setting['thread']}").get_data(as_text=True)
    assert "new</span>" not in client.get("/themes/finding-time").get_data(as_text=True)


def test_the_marker_only_moves_forward_and_only_to_a_post_of_the_thread(app, client, auth, setting, make_thread):
    other_thread, other_opening = make_thread("finding-time", setting["writer"], title="Another thread")
    auth.login()
    mark_read(client, setting["thread"], setting["first"])
    assert mark_read(client, setting["thread"], setting["opening"], beacon="1").json == {"moved": False}
    assert mark_read(client, setting["thread"], other_opening, beacon="1").json == {"moved": False}
    assert markers(app) == [(setting["reader"], setting["thread"], setting["first"])]


def test_marking_read_needs_a_member_and_a_csrf_token(app, client, auth, setting):
    assert client.post(f"/threads/{setting['thread']}/read", data={"post_id": setting["first"]}).status_code == 400
    auth.login()
    assert client.post(f"/threads/{setting['thread']}/read", data={"post_id": setting["first"]}).status_code == 400
    assert markers(app) == []


def test_hidden_posts_are_not_new_to_members(app, client, auth, setting, add_reply, make_user):
    auth.login()
    mark_read(client, setting["thread"], setting["first"])
    hidden = add_reply(setting["thread"], setting["writer"], "Soon hidden.")
    make_user(email="mod@example.org", display_name="Rosa Delgado", role="moderator")
    _, moderator = signed_in_as(app, "mod@example.org")
    moderator.post(f"/moderate/posts/{hidden}/hide", {"reason": "off topic"}, page=f"/threads/{setting['thread']}")
    assert "Jump to the first new post" not in client.get(f"/threads/{setting['thread']}").get_data(as_text=True)
    assert "new</span>" not in client.get("/themes/finding-time").get_data(as_text=True)


def test_the_jump_link_leads_to_another_page_when_the_new_post_is_there(app, client, auth, setting, add_reply):
    app.config["THREAD_BRANCHES_PER_PAGE"] = 1
    auth.login()
    mark_read(client, setting["thread"], setting["first"])
    later = add_reply(setting["thread"], setting["writer"], "A new branch, on page 2.")
    page = client.get(f"/threads/{setting['thread']}").get_data(as_text=True)
    assert f'href="/posts/{later}">Jump to the first new post' in page
    assert client.get(f"/posts/{later}").location.endswith(f"page=2#post-{later}")
