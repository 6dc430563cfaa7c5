"""Themes, threads, replies, permalinks, editing and deleting, through HTTP."""
from __future__ import annotations

import re
import time

import pytest

from forum.core.extensions import db
from forum.models import Post, Thread
from tests.conftest import build_thread, count_queries, csrf_from


@pytest.fixture
def open_thread(make_user, make_theme, make_thread):
    moderator = make_user(email="mod@example.org", display_name="Beth Heidemann", role="moderator")
    member = make_user()
    make_theme()
    thread_id, opening_id = make_thread("finding-time", moderator)
    return {"moderator": moderator, "member": member, "thread": thread_id, "opening": opening_id}


def reply(forms, thread, body, parent_id=None, **extra):
    data = {"body": body, **extra}
    if parent_id is not None:
        data["parent_id"] = str(parent_id)
    return forms.post(f"/threads/{thread}/posts", data, page=f"/threads/{thread}")


def get_post(app, post_id):
    with app.app_context():
        return db.session.get(Post, post_id)


def newest_post_id(app):
    with app.app_context():
        return db.session.scalar(db.select(db.func.max(Post.id)))


# Pages ---------------------------------------------------------------------

def test_thread_page_shows_tree_in_conversation_order(app, client, open_thread, add_reply, make_user):
    t = open_thread["thread"]
    second = make_user(email="b@example.org", display_name="Brett Criswell", position="Chemistry teacher")
    first = add_reply(t, open_thread["member"], "First top-level reply")
    nested = add_reply(t, second, "Nested answer to first", first)
    add_reply(t, open_thread["member"], "Second top-level reply")
    deeper = add_reply(t, open_thread["member"], "Deeper still", nested)
    html = client.get(f"/threads/{t}").get_data(as_text=True)
    order = [html.index(text) for text in ["Opening post body", "First top-level reply",
                                            "Nested answer to first", "Deeper still",
                                            "Second top-level reply"]]
    assert order == sorted(order)
    assert f'id="post-{nested}"' in html and f'id="post-{deeper}"' in html
    assert "Chemistry teacher" in html
    # "In reply to" only for replies to replies, linking to the parent post.
    context = re.search(rf'id="post-{deeper}".*?<p>In reply to\s*<a href="#post-{nested}">Brett Criswell</a></p>',
                        html, re.S)
    assert context
    # The exact time is the page script's, from each <time>'s datetime and the zone the page names once.
    assert re.search(r'<time datetime="\d{4}-\d\d-\d\dT\d\d:\d\dZ">', html)
    assert 'data-zone="America/New_York" data-month-first="1" data-zone-names="{&#34;-300&#34;:&#34;EST&#34;,' \
           '&#34;-240&#34;:&#34;EDT&#34;}"' in html
    assert '<ul class="replies" aria-label="Replies to Maria Lopez">' in html


def test_slug_after_thread_id_is_ignored(client, open_thread):
    t = open_thread["thread"]
    assert client.get(f"/threads/{t}/anything-at-all").status_code == 200
    assert client.get("/threads/999999").status_code == 404


def test_theme_pages(client, open_thread, make_theme, add_reply):
    make_theme(slug="old-one", title="An archived theme", state="archived")
    add_reply(open_thread["thread"], open_thread["member"], "Reply text")
    archive = client.get("/themes").get_data(as_text=True)
    assert "Finding time to collaborate" in archive and "An archived theme" in archive
    assert "2 posts" in archive and "2 participants" in archive
    page = client.get("/themes/finding-time").get_data(as_text=True)
    assert "How do you find time?" in page
    assert client.get("/themes/no-such-theme").status_code == 404


def test_home_shows_current_theme_next_and_recent_activity(client, open_thread, make_theme, add_reply):
    make_theme(slug="next-month", title="Assessment that helps students think", state="upcoming")
    add_reply(open_thread["thread"], open_thread["member"], "Hello everyone")
    html = client.get("/").get_data(as_text=True)
    assert "Finding time to collaborate" in html
    assert "Next month · opens" in html and "Assessment that helps students think" in html
    assert "Maria Lopez</bdi> replied in" in html


def test_facilitated_thread_listed_first(app, client, open_thread, make_thread, add_reply):
    with app.app_context():
        db.session.get(Thread, open_thread["thread"]).facilitated = True
        db.session.commit()
    newer, _ = make_thread("finding-time", open_thread["member"], title="A newer member thread")
    add_reply(newer, open_thread["member"], "bump")
    html = client.get("/themes/finding-time").get_data(as_text=True)
    assert html.index("How do you find time?") < html.index("A newer member thread")


# Replying ------------------------------------------------------------------

def test_member_replies_and_lands_on_the_post(app, client, auth, forms, open_thread):
    auth.login()
    response = reply(forms, open_thread["thread"], "We use **common planning time**.")
    post_id = newest_post_id(app)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"#post-{post_id}")
    post = get_post(app, post_id)
    assert post.html == "<p>We use <strong>common planning time</strong>.</p>"
    assert post.parent_id == open_thread["opening"]
    with app.app_context():
        assert db.session.get(Thread, open_thread["thread"]).reply_count == 1


def test_reply_to_a_reply(app, client, auth, forms, open_thread, add_reply):
    first = add_reply(open_thread["thread"], open_thread["moderator"], "First")
    auth.login()
    reply(forms, open_thread["thread"], "Answering you", parent_id=first)
    post = get_post(app, newest_post_id(app))
    assert post.parent_id == first and post.depth == 2


def test_extra_fields_are_ignored(app, client, auth, forms, open_thread, make_user):
    auth.login()
    reply(forms, open_thread["thread"], "Body", **{"author_id": str(open_thread["moderator"]),
          "thread_id": "999", "created_at": "2001-01-01", "pinned": "1"})
    post = get_post(app, newest_post_id(app))
    assert post.author_id == open_thread["member"]
    assert post.thread_id == open_thread["thread"]
    assert post.created_at.year > 2001


@pytest.mark.parametrize("body, message", [
    ("", "Write something before posting."),
    ("   \n\t ", "Write something before posting."),
    ("\x00\x01", "Write something before posting."),
    ("x" * 20001, "at most 20,000 characters"),
])
def test_bad_bodies_are_refused_and_kept(app, client, auth, forms, open_thread, body, message):
    auth.login()
    before = newest_post_id(app)
    response = reply(forms, open_thread["thread"], body)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in html
    if body.strip() and len(body) > 100:
        assert body[:50] in html  # what was typed is kept
    assert newest_post_id(app) == before


def test_control_characters_are_stripped(app, client, auth, forms, open_thread):
    auth.login()
    reply(forms, open_thread["thread"], "Hello\x00 there\x07 friend\u202e, shalom \u200fשלום")
    # Bidi overrides go (they reorder what follows); a direction mark in Hebrew stays.
    assert get_post(app, newest_post_id(app)).body == "Hello there friend, shalom \u200fשלום"


def test_reply_to_post_of_another_thread_is_refused(app, client, auth, forms, open_thread, make_thread):
    _, other_opening = make_thread("finding-time", open_thread["member"], title="Another thread")
    auth.login()
    before = newest_post_id(app)
    response = reply(forms, open_thread["thread"], "Misplaced reply", parent_id=other_opening)
    assert response.status_code == 400
    assert "only reply to posts in this thread" in response.get_data(as_text=True)
    assert "Misplaced reply" in response.get_data(as_text=True)
    assert newest_post_id(app) == before


@pytest.mark.parametrize("gone", ["deleted", "hidden"])
def test_reply_to_deleted_or_hidden_post_is_refused(app, client, auth, forms, open_thread, add_reply, gone):
    from forum.core.database import utcnow

    target = add_reply(open_thread["thread"], open_thread["moderator"], "Soon gone")
    with app.app_context():
        setattr(db.session.get(Post, target), f"{gone}_at", utcnow())
        db.session.commit()
    auth.login()
    response = reply(forms, open_thread["thread"], "Too late", parent_id=target)
    assert response.status_code == 403
    assert f"That post was {gone}" in response.get_data(as_text=True)


@pytest.mark.parametrize("state, message", [
    ("archived", "is archived"),
    ("upcoming", "opens on"),
])
def test_closed_discussions_refuse_posts(app, client, auth, forms, make_user, make_theme, make_thread, state, message):
    author = make_user()
    make_theme(slug="closed", state=state)
    thread_id, _ = make_thread("closed", author)
    auth.login()
    html = client.get(f"/threads/{thread_id}").get_data(as_text=True)
    assert message in html and 'id="reply-form"' not in html
    response = reply(forms, thread_id, "Let me in")
    assert response.status_code == 403 and message in response.get_data(as_text=True)
    response = forms.post("/themes/closed/threads", {"title": "New", "body": "x"}, page="/themes/closed")
    assert response.status_code == 403


def test_locked_thread_refuses_members_not_moderators(app, client, auth, forms, open_thread):
    from forum.moderation import actions as moderating
    from forum.models import User

    with app.test_request_context(method="POST"):
        moderating.set_thread_flag(db.session.get(Thread, open_thread["thread"]), "lock",
                                   db.session.get(User, open_thread["moderator"]))
    auth.login()
    response = reply(forms, open_thread["thread"], "Can I?")
    assert response.status_code == 403 and "locked" in response.get_data(as_text=True)
    auth.logout()
    auth.login(email="mod@example.org")
    assert reply(forms, open_thread["thread"], "Moderator note").status_code == 302


def test_anonymous_visitors_are_invited_to_log_in(client, open_thread):
    t = open_thread["thread"]
    html = client.get(f"/threads/{t}").get_data(as_text=True)
    assert "to reply" in html
    assert f'/login?next=/threads/{t}/how-do-you-find-time' in html
    assert f'/join?next=/threads/{t}/how-do-you-find-time' in html
    token = csrf_from(client.get("/login").get_data(as_text=True))
    response = client.post(f"/threads/{t}/posts", data={"csrf_token": token, "body": "anon"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_preview_without_javascript_keeps_the_text(app, client, auth, forms, open_thread):
    auth.login()
    before = newest_post_id(app)
    response = reply(forms, open_thread["thread"], "Preview *me*", preview="1")
    html = response.get_data(as_text=True)
    assert "<p>Preview <em>me</em></p>" in html
    assert "Preview *me*</textarea>" in html
    assert newest_post_id(app) == before


def test_preview_endpoint_renders_markdown(client, auth, forms, open_thread):
    auth.login()
    token = csrf_from(client.get(f"/threads/{open_thread['thread']}").get_data(as_text=True))
    response = client.post("/preview", data={"body": "**hi** <script>x</script>"},
                           headers={"X-CSRFToken": token})
    assert response.json["html"] == "<p><strong>hi</strong> &lt;script&gt;x&lt;/script&gt;</p>"
    assert client.post("/preview", data={"body": "x"}).status_code == 400  # no token


def test_inline_reply_form_without_javascript(client, auth, open_thread, add_reply):
    first = add_reply(open_thread["thread"], open_thread["moderator"], "First")
    auth.login()
    html = client.get(f"/threads/{open_thread['thread']}?reply_to={first}").get_data(as_text=True)
    assert f'id="reply-{first}"' in html
    assert f'name="parent_id" value="{first}"' in html
    assert html.index(f'id="post-{first}"') < html.index(f'id="reply-{first}"')


def test_the_opening_post_s_reply_opens_under_it_as_any_post_s_does(client, auth, forms, open_thread):
    thread, opening = open_thread["thread"], open_thread["opening"]
    auth.login()
    html = client.get(f"/threads/{thread}").get_data(as_text=True)
    article = html[html.index(f'id="post-{opening}"'):html.index('id="replies-heading"')]
    # Relative: this page again, with the box open (tests/discussions/test_page_weight.py follows it).
    assert f'<a href="?reply_to={opening}#reply-{opening}">Reply</a>' in article
    top = html[:html.index(f'id="post-{opening}"')]  # the header's link does the same
    assert f'?reply_to={opening}#reply-{opening}" class="thread-header__reply" ' \
           f'data-reply-to="{opening}">Reply to the thread</a>' in top
    # Without JavaScript: the form under the opening post, before the replies; kept there on a refusal.
    for html in (client.get(f"/threads/{thread}?reply_to={opening}").get_data(as_text=True),
                 reply(forms, thread, "  ", parent_id=opening).get_data(as_text=True)):
        assert html.index(f'id="post-{opening}"') < html.index(f'id="reply-{opening}"') \
            < html.index('id="replies-heading"')
        assert f'name="parent_id" value="{opening}"' in html


def test_start_a_thread(app, client, auth, forms, open_thread):
    auth.login()
    response = forms.post("/themes/finding-time/threads",
                          {"title": "Master schedule hacks", "body": "What worked for you?"},
                          page="/themes/finding-time")
    assert response.status_code == 302
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Master schedule hacks" in html and "What worked for you?" in html


def test_start_thread_errors_keep_text(client, auth, forms, open_thread):
    auth.login()
    response = forms.post("/themes/finding-time/threads", {"title": "", "body": "Kept body"},
                          page="/themes/finding-time")
    html = response.get_data(as_text=True)
    assert "title of at least 3 characters" in html and "Kept body</textarea>" in html


# Permalinks ------------------------------------------------------------------

def test_permalink_redirects_to_the_post(client, open_thread, add_reply):
    post_id = add_reply(open_thread["thread"], open_thread["member"], "Find me")
    response = client.get(f"/posts/{post_id}")
    assert response.status_code == 302
    assert response.headers["Location"] == (
        f"/threads/{open_thread['thread']}/how-do-you-find-time#post-{post_id}")
    assert client.get("/posts/999999").status_code == 404


def test_permalink_finds_the_right_page(app, client, open_thread, add_reply):
    app.config["THREAD_BRANCHES_PER_PAGE"] = 3
    t = open_thread["thread"]
    branches = [add_reply(t, open_thread["member"], f"Branch {n}") for n in range(7)]
    deep = add_reply(t, open_thread["moderator"], "Deep in branch five", branches[4])
    location = client.get(f"/posts/{deep}").headers["Location"]
    assert location == f"/threads/{t}/how-do-you-find-time?page=2#post-{deep}"
    page_two = client.get(location.split("#")[0]).get_data(as_text=True)
    assert "Deep in branch five" in page_two and "Branch 3" in page_two
    assert "Branch 2" not in page_two and "Branch 6" not in page_two
    assert "Opening post body" in page_two  # the opening post heads every page
    assert client.get(f"/threads/{t}?page=9").status_code == 302


# Editing and deleting ----------------------------------------------------------

def test_edit_own_post_keeps_an_edited_mark(app, client, auth, forms, open_thread, add_reply):
    post_id = add_reply(open_thread["thread"], open_thread["member"], "Original")
    auth.login()
    assert "Original</textarea>" in client.get(f"/posts/{post_id}/edit").get_data(as_text=True)
    response = forms.post(f"/posts/{post_id}/edit", {"body": "Changed _text_"})
    assert response.status_code == 302
    post = get_post(app, post_id)
    assert post.html == "<p>Changed <em>text</em></p>" and post.edited_at is not None
    html = client.get(f"/threads/{open_thread['thread']}").get_data(as_text=True)
    assert "(edited)" in html


def test_edit_errors_keep_text(client, auth, forms, open_thread, add_reply):
    post_id = add_reply(open_thread["thread"], open_thread["member"], "Original")
    auth.login()
    html = forms.post(f"/posts/{post_id}/edit", {"body": "  "}).get_data(as_text=True)
    assert "Write something before posting." in html


def test_cannot_edit_or_delete_another_members_post(app, client, auth, forms, open_thread, add_reply):
    theirs = add_reply(open_thread["thread"], open_thread["moderator"], "Not yours")
    auth.login()
    assert client.get(f"/posts/{theirs}/edit").status_code == 403
    token = csrf_from(client.get("/").get_data(as_text=True))
    assert client.post(f"/posts/{theirs}/edit", data={"csrf_token": token, "body": "x"}).status_code == 403
    assert client.post(f"/posts/{theirs}/delete", data={"csrf_token": token}).status_code == 403
    assert get_post(app, theirs).body == "Not yours"


def test_delete_leaf_vanishes_and_parent_with_replies_stays_as_placeholder(
        app, client, auth, forms, open_thread, add_reply):
    t = open_thread["thread"]
    parent = add_reply(t, open_thread["member"], "Parent text")
    add_reply(t, open_thread["moderator"], "Child text", parent)
    leaf = add_reply(t, open_thread["member"], "Leaf text")
    auth.login()
    token = csrf_from(client.get("/").get_data(as_text=True))
    client.post(f"/posts/{parent}/delete", data={"csrf_token": token})
    client.post(f"/posts/{leaf}/delete", data={"csrf_token": token})
    html = client.get(f"/threads/{t}").get_data(as_text=True)
    assert "Parent text" not in html and "[deleted]" in html and "Child text" in html
    assert "Leaf text" not in html and f'id="post-{leaf}"' not in html
    with app.app_context():
        assert db.session.get(Thread, t).reply_count == 1


def test_posting_requires_csrf(client, auth, open_thread):
    auth.login()
    response = client.post(f"/threads/{open_thread['thread']}/posts", data={"body": "no token"})
    assert "This form had expired" in response.get_data(as_text=True)
    assert "no token</textarea>" in response.get_data(as_text=True)


# Cost ------------------------------------------------------------------------

def test_thread_page_query_count_is_constant(app, client, auth, make_user, make_theme, make_thread):
    authors = [make_user(email=f"u{n}@example.org", display_name=f"User {n}") for n in range(12)]
    make_theme()
    small, small_opening = make_thread("finding-time", authors[0], title="Small")
    big, big_opening = make_thread("finding-time", authors[0], title="Big")
    build_thread(app, small, small_opening, authors, 10)
    build_thread(app, big, big_opening, authors, 500)
    auth.login(email="u1@example.org")
    small_count = len(count_queries(app, client, f"/threads/{small}"))
    big_count = len(count_queries(app, client, f"/threads/{big}"))
    # A member's page adds the bell's unread count and their watch level.
    assert small_count == big_count <= 8
    anonymous = app.test_client()
    assert len(count_queries(app, anonymous, f"/threads/{big}")) <= 6


def test_page_views_never_write(app, client, open_thread, add_reply):
    add_reply(open_thread["thread"], open_thread["member"], "Reply")
    statements = count_queries(app, client, f"/threads/{open_thread['thread']}")
    statements += count_queries(app, client, "/")
    statements += count_queries(app, client, "/themes/finding-time")
    assert not [s for s in statements if s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]


def test_hostile_markdown_answers_promptly(client, auth, forms, open_thread):
    auth.login()
    for body in ["[" * 19000, "*a" * 9000, "> " * 9000 + "x", "- " * 9000, "`" * 19000,
                 "".join("  " * (i % 40) + "- x\n" for i in range(1500))[:19900]]:
        started = time.monotonic()
        response = reply(forms, open_thread["thread"], body)
        assert response.status_code == 302  # posted: every one of these renders to something
        assert time.monotonic() - started < 10  # a hang, not a benchmark: generous on purpose


def test_profile_counts_visible_posts(app, client, open_thread, add_reply):
    app.config["MEMBER_PAGES_PUBLIC"] = True
    add_reply(open_thread["thread"], open_thread["member"], "One")
    add_reply(open_thread["thread"], open_thread["member"], "Two")
    html = client.get(f"/members/{open_thread['member']}").get_data(as_text=True)
    assert "<dt>Posts</dt><dd>2</dd>" in html
    assert "Replied in “How do you find time?”" in html
