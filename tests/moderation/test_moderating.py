"""Moderating discussions and who may: hide, lock, pin, move, the audit log, the 403 matrix."""
from __future__ import annotations

import pytest

from forum.searching import indexing
from forum import permissions
from forum.core.extensions import db
from forum.models import AuditEntry, PanelQuestion, Panelist, Post, PostEvent, Resource, Theme, Thread, User
from forum.models.post_events import HIDDEN, SHOWN
from tests.conftest import audit_actions, build_thread, count_queries, csrf_from


@pytest.fixture
def discussion(app, make_user, make_theme, make_thread, add_reply):
    """Two themes, a member's thread with a reply, a panel question, a panelist and a resource."""
    ids = {
        "moderator": make_user(email="mod@example.org", display_name="Rosa Delgado", role="moderator"),
        "member": make_user(),
    }
    make_theme()
    make_theme(slug="other-theme", title="Assessment that helps students think")
    ids["thread"], ids["opening"] = make_thread("finding-time", ids["member"])
    ids["reply"] = add_reply(ids["thread"], ids["member"], "Secret sauce: a shared planning block.")
    with app.app_context():
        theme = db.session.scalar(db.select(Theme).where(Theme.slug == "finding-time"))
        db.session.add_all([
            PanelQuestion(theme_id=theme.id, question="How do you find time?", asked_by="Jackie"),
            Panelist(theme_id=theme.id, name="Teresa Wojcik"),
            Resource(theme_id=theme.id, title="Six models", url="https://example.org/six"),
        ])
        db.session.commit()
    return ids


def latest_event(post_id) -> str:
    """The kind of the post's newest event: by id, since a table read without ORDER BY has no order on PostgreSQL."""
    return db.session.scalar(
        db.select(PostEvent.kind).where(PostEvent.post_id == post_id).order_by(PostEvent.id.desc()).limit(1))


def thread(app, thread_id) -> Thread:
    with app.app_context():
        return db.session.get(Thread, thread_id)


def post(app, post_id) -> Post:
    with app.app_context():
        return db.session.get(Post, post_id)


def as_moderator(auth):
    auth.login(email="mod@example.org")


def moderate(forms, url, data=None, thread_id=1):
    return forms.post(url, data or {}, page=f"/threads/{thread_id}")


# Who may: every /moderate URL, every role ---------------------------------------

# Every /moderate URL with what it answers (the exact codes, not "one of"):
# a visitor's POST without a CSRF token (400 from the global check; 403 from
# views that check the token themselves, so the moderator guard speaks
# first), and a moderator's or admin's request as _request sends it (200: a
# page, or a form shown again with what it needs; 302: done).
MODERATION_URLS = [
    # method, url, a visitor's POST without a token, staff
    ("get", "/moderate/", None, 200), ("get", "/moderate/audit", None, 200),
    ("get", "/moderate/themes/new", None, 200), ("post", "/moderate/themes/new", 403, 200),
    ("get", "/moderate/themes/finding-time/edit", None, 200),
    ("post", "/moderate/themes/finding-time/edit", 403, 200),
    ("post", "/moderate/themes/finding-time/panelists", 403, 200),
    ("post", "/moderate/themes/finding-time/resources", 403, 200),
    ("get", "/moderate/panelists/1/edit", None, 200), ("post", "/moderate/panelists/1/edit", 403, 302),
    ("post", "/moderate/resources/1/delete", 400, 302),
    ("get", "/moderate/themes/finding-time/questions", None, 200),
    ("post", "/moderate/themes/finding-time/questions", 403, 302),
    ("post", "/moderate/themes/finding-time/questions/paste", 403, 200),
    ("post", "/moderate/themes/finding-time/questions/schedule", 403, 200),
    ("get", "/moderate/questions/1/edit", None, 200), ("post", "/moderate/questions/1/edit", 403, 302),
    ("post", "/moderate/questions/1/reorder", 400, 302), ("post", "/moderate/questions/1/dismiss", 400, 302),
    ("post", "/moderate/questions/1/answered-live", 400, 302),
    ("post", "/moderate/questions/1/requeue", 400, 302),
    ("post", "/moderate/questions/1/publish", 400, 302),
    ("post", "/moderate/threads/1/pin", 400, 302), ("post", "/moderate/threads/1/unpin", 400, 302),
    ("post", "/moderate/threads/1/lock", 400, 302), ("post", "/moderate/threads/1/unlock", 400, 302),
    ("post", "/moderate/threads/1/move", 400, 302),
    ("post", "/moderate/posts/2/hide", 400, 302), ("post", "/moderate/posts/2/unhide", 400, 302),
    ("get", "/moderate/reports", None, 200),
    ("post", "/moderate/reports/2/hide", 400, 302), ("post", "/moderate/reports/2/keep", 400, 302),
    ("get", "/moderate/posts/2/files", None, 200),
    ("post", "/moderate/posts/2/files/1/delete", 400, 404),  # the post shows no file 1
]


def _request(client, method, url, token):
    if method == "get":
        return client.get(url)
    return client.post(url, data={"csrf_token": token, "theme_id": "2", "reason": "Test",
                                  "direction": "up", "question": "Q?", "source": "email"})


@pytest.mark.parametrize("method, url", [(method, url) for method, url, _, _ in MODERATION_URLS])
@pytest.mark.parametrize("role", [None, "member"])
def test_members_and_visitors_are_refused(app, client, auth, discussion, method, url, role):
    if role:
        auth.login()
    token = csrf_from(client.get("/login" if role is None else "/").get_data(as_text=True))
    response = _request(client, method, url, token)
    if role is None and method == "get":
        assert response.status_code == 302 and "/login?next=" in response.headers["Location"]
    else:
        assert response.status_code == 403
    assert audit_actions(app) == []  # every moderator action is audited: none happened
    assert post(app, discussion["reply"]).hidden_at is None
    with app.app_context():
        assert db.session.get(PanelQuestion, 1).status == "queued"


@pytest.mark.parametrize("url, refused", [(url, code) for method, url, code, _ in MODERATION_URLS if method == "post"])
def test_visitors_posting_without_a_token_are_refused(app, client, discussion, url, refused):
    assert client.post(url, data={"reason": "x", "theme_id": "2"}).status_code == refused
    assert audit_actions(app) == []


@pytest.mark.parametrize("method, url, answered", [(method, url, code) for method, url, _, code in MODERATION_URLS])
@pytest.mark.parametrize("role", ["moderator", "admin"])
def test_moderators_and_admins_are_let_in(app, client, auth, make_user, discussion, method, url, answered, role):
    make_user(email="staff@example.org", display_name="Siobhan Brennan", role=role)
    auth.login(email="staff@example.org")
    token = csrf_from(client.get("/").get_data(as_text=True))
    response = _request(client, method, url, token)
    assert response.status_code == answered


# The rule of forum.permissions each /moderate URL asks for itself, beyond
# the blueprint's guard ("moderate"): refusing that one rule refuses the URL.
RULE_OF = {
    "/moderate/": "edit_theme", "/moderate/audit": "view_audit", "/moderate/themes/new": "edit_theme",
    "/moderate/themes/finding-time/edit": "edit_theme", "/moderate/themes/finding-time/panelists": "edit_theme",
    "/moderate/themes/finding-time/resources": "edit_theme", "/moderate/panelists/1/edit": "edit_theme",
    "/moderate/resources/1/delete": "edit_theme",
    "/moderate/themes/finding-time/questions": "manage_questions",
    "/moderate/themes/finding-time/questions/paste": "manage_questions",
    "/moderate/themes/finding-time/questions/schedule": "manage_questions",
    "/moderate/questions/1/edit": "edit_question", "/moderate/questions/1/reorder": "reorder_question",
    "/moderate/questions/1/dismiss": "change_question_status",
    "/moderate/questions/1/answered-live": "change_question_status",
    "/moderate/questions/1/requeue": "change_question_status",
    "/moderate/questions/1/publish": "manage_questions",
    "/moderate/threads/1/pin": "pin_thread", "/moderate/threads/1/unpin": "pin_thread",
    "/moderate/threads/1/lock": "lock_thread", "/moderate/threads/1/unlock": "lock_thread",
    "/moderate/threads/1/move": "move_thread",
    "/moderate/posts/2/hide": "hide_post", "/moderate/posts/2/unhide": "unhide_post",
    "/moderate/reports": "handle_reports", "/moderate/reports/2/hide": "handle_reports",
    "/moderate/reports/2/keep": "handle_reports",
    "/moderate/posts/2/files": "remove_attached_file", "/moderate/posts/2/files/1/delete": "remove_attached_file",
}


@pytest.mark.parametrize("method, url", [(method, url) for method, url, _, _ in MODERATION_URLS])
def test_each_moderator_url_asks_its_own_named_rule(app, client, auth, discussion, monkeypatch, method, url):
    monkeypatch.setitem(permissions.RULES, RULE_OF[url], lambda user, obj: "Refused by the test's rule.")
    as_moderator(auth)
    token = csrf_from(client.get("/").get_data(as_text=True))
    response = _request(client, method, url, token)
    assert response.status_code == 403
    assert "Refused by the test&#39;s rule." in response.get_data(as_text=True)
    assert audit_actions(app) == []
    with app.app_context():
        assert db.session.get(PanelQuestion, 1).status == "queued"


def test_moderators_cannot_change_roles(app, client, auth, forms, discussion, make_user):
    make_user(email="admin@example.org", display_name="Siobhan Brennan", role="admin")
    as_moderator(auth)
    token = csrf_from(client.get("/").get_data(as_text=True))
    response = client.post(f"/admin/members/{discussion['member']}/role", data={"csrf_token": token, "m2-role": "admin"})
    assert response.status_code == 403
    assert client.get("/admin/members").status_code == 403
    auth.logout()
    auth.login(email="admin@example.org")
    forms.post(f"/admin/members/{discussion['member']}/role", {"m2-role": "moderator"}, page="/admin/members")
    with app.app_context():
        assert db.session.get(User, discussion["member"]).role == "moderator"
    assert audit_actions(app) == ["user.role"]


# Hiding posts ----------------------------------------------------------------------

def test_hidden_posts_vanish_for_members_and_stay_marked_for_moderators(app, client, auth, forms, discussion):
    t, reply = discussion["thread"], discussion["reply"]
    as_moderator(auth)
    response = moderate(forms, f"/moderate/posts/{reply}/hide", {"reason": "Advertising"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"#post-{reply}")
    hidden = post(app, reply)
    assert hidden.hidden_at and hidden.hidden_reason == "Advertising"
    assert hidden.hidden_by_id == discussion["moderator"]
    with app.app_context():  # search drops it, and nobody is told of it: they read this
        assert latest_event(reply) == HIDDEN
    assert thread(app, t).reply_count == 0

    page = client.get(f"/threads/{t}").get_data(as_text=True)
    assert "Secret sauce" in page and "Hidden by a moderator: Advertising" in page
    assert "post--hidden" in page and f'action="/moderate/posts/{reply}/unhide"' in page

    auth.logout()
    for viewer in (None, "member"):
        if viewer:
            auth.login()
        page = client.get(f"/threads/{t}").get_data(as_text=True)
        assert "Secret sauce" not in page and f'id="post-{reply}"' not in page
        assert client.get(f"/posts/{reply}").status_code == 404

    auth.logout()
    as_moderator(auth)
    moderate(forms, f"/moderate/posts/{reply}/unhide")
    assert post(app, reply).hidden_at is None
    with app.app_context():  # search has it again
        assert latest_event(reply) == SHOWN
    assert thread(app, t).reply_count == 1
    auth.logout()
    assert "Secret sauce" in client.get(f"/threads/{t}").get_data(as_text=True)
    assert audit_actions(app) == ["post.hide", "post.unhide"]


def test_a_hidden_post_with_replies_stays_as_a_placeholder(app, client, auth, forms, discussion, add_reply):
    add_reply(discussion["thread"], discussion["moderator"], "An answer to the hidden one", discussion["reply"])
    as_moderator(auth)
    moderate(forms, f"/moderate/posts/{discussion['reply']}/hide", {"reason": "Off topic"})
    auth.logout()
    page = client.get(f"/threads/{discussion['thread']}").get_data(as_text=True)
    assert "[hidden by a moderator]" in page and "An answer to the hidden one" in page
    assert "Secret sauce" not in page and "Off topic" not in page


def test_hiding_needs_a_reason_and_happens_once(app, client, auth, forms, discussion):
    as_moderator(auth)
    reply = discussion["reply"]
    response = moderate(forms, f"/moderate/posts/{reply}/hide", {"reason": "  "})
    assert "Say why the post is hidden" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert post(app, reply).hidden_at is None
    moderate(forms, f"/moderate/posts/{reply}/hide", {"reason": "Spam"})
    moderate(forms, f"/moderate/posts/{reply}/hide", {"reason": "Spam again"})  # a double click
    assert post(app, reply).hidden_reason == "Spam"
    assert thread(app, discussion["thread"]).reply_count == 0
    assert audit_actions(app) == ["post.hide"]


def test_a_deleted_post_cannot_be_hidden(app, client, auth, forms, discussion):
    auth.login()  # its author deletes it
    assert moderate(forms, f"/posts/{discussion['reply']}/delete").status_code == 302
    auth.logout()
    as_moderator(auth)
    response = moderate(forms, f"/moderate/posts/{discussion['reply']}/hide", {"reason": "x"})
    assert response.status_code == 403


# Locking, pinning, moving -----------------------------------------------------------

def test_a_locked_thread_takes_no_replies_from_members(app, client, auth, forms, discussion):
    t = discussion["thread"]
    as_moderator(auth)
    moderate(forms, f"/moderate/threads/{t}/lock")
    assert thread(app, t).locked
    page = client.get(f"/threads/{t}").get_data(as_text=True)
    assert "This thread is locked: members can't reply" in page and ">Unlock</button>" in page
    auth.logout()
    auth.login()
    page = client.get(f"/threads/{t}").get_data(as_text=True)
    assert "locked by a moderator: it takes no new replies" in page and 'id="reply-form"' not in page
    # A tab opened before the lock: the refusal keeps what was written, to copy.
    response = forms.post(f"/threads/{t}/posts", {"body": "Let me <in> & stay"}, page=f"/threads/{t}")
    assert response.status_code == 403
    assert 'readonly rows="6">Let me &lt;in&gt; &amp; stay</textarea>' in response.get_data(as_text=True)
    auth.logout()
    as_moderator(auth)
    moderate(forms, f"/moderate/threads/{t}/unlock")
    auth.logout()
    auth.login()
    assert forms.post(f"/threads/{t}/posts", {"body": "Thanks"}, page=f"/threads/{t}").status_code == 302
    assert audit_actions(app) == ["thread.lock", "thread.unlock"]


def test_pinned_threads_are_listed_first(app, client, auth, forms, discussion, make_thread):
    make_thread("finding-time", discussion["member"], title="A newer thread")
    as_moderator(auth)
    page = client.get("/themes/finding-time").get_data(as_text=True)
    assert page.index("A newer thread") < page.index("How do you find time?")
    moderate(forms, f"/moderate/threads/{discussion['thread']}/pin")
    page = client.get("/themes/finding-time").get_data(as_text=True)
    assert page.index("How do you find time?") < page.index("A newer thread")
    moderate(forms, f"/moderate/threads/{discussion['thread']}/pin")  # already pinned
    moderate(forms, f"/moderate/threads/{discussion['thread']}/unpin")
    assert not thread(app, discussion["thread"]).pinned
    assert audit_actions(app) == ["thread.pin", "thread.unpin"]


def test_move_a_thread_to_another_theme(app, client, auth, forms, discussion, monkeypatch):
    marked = []
    monkeypatch.setattr(indexing, "mark_thread", lambda t: marked.append(t.id))
    t = discussion["thread"]
    as_moderator(auth)
    page = client.get(f"/threads/{t}").get_data(as_text=True)
    assert "Assessment that helps students think</option>" in page
    assert "· Finding time to collaborate</option>" not in page  # not to where it already is
    moderate(forms, f"/moderate/threads/{t}/move", {"theme_id": "2"})
    assert thread(app, t).theme_id == 2 and marked == [t]
    page = client.get(f"/threads/{t}").get_data(as_text=True)
    assert 'href="/themes/other-theme">Assessment that helps students think</a>' in page
    response = moderate(forms, f"/moderate/threads/{t}/move", {"theme_id": "99"})
    assert "Choose a theme" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert thread(app, t).theme_id == 2
    assert audit_actions(app) == ["thread.move"]


def test_the_facilitated_discussion_cannot_be_moved(app, client, auth, forms, discussion):
    with app.app_context():
        db.session.get(Thread, discussion["thread"]).facilitated = True
        db.session.commit()
    as_moderator(auth)
    assert "Move to theme" not in client.get(f"/threads/{discussion['thread']}").get_data(as_text=True)
    response = moderate(forms, f"/moderate/threads/{discussion['thread']}/move", {"theme_id": "2"})
    assert response.status_code == 403
    assert thread(app, discussion["thread"]).theme_id == 1


def test_members_see_no_moderator_tools(client, auth, discussion):
    auth.login()
    page = client.get(f"/threads/{discussion['thread']}").get_data(as_text=True)
    assert "mod-tools" not in page and "/moderate/" not in page


def test_moderators_thread_page_still_costs_a_fixed_number_of_queries(app, client, auth, make_user,
                                                                      make_theme, make_thread):
    authors = [make_user(email=f"u{n}@example.org", display_name=f"User {n}") for n in range(6)]
    make_user(email="mod@example.org", role="moderator")
    make_theme()
    small, small_opening = make_thread("finding-time", authors[0], title="Small")
    big, big_opening = make_thread("finding-time", authors[0], title="Big")
    build_thread(app, small, small_opening, authors, 10)
    build_thread(app, big, big_opening, authors, 300)
    as_moderator(auth)
    # A member's page adds the bell's unread count and their watch level.
    assert len(count_queries(app, client, f"/threads/{small}")) == len(count_queries(app, client, f"/threads/{big}")) <= 9


# The audit log -----------------------------------------------------------------------

def test_the_audit_log_lists_actions_newest_first_in_pages(app, client, auth, forms, discussion):
    app.config["AUDIT_ENTRIES_PER_PAGE"] = 2
    t = discussion["thread"]
    as_moderator(auth)
    moderate(forms, f"/moderate/threads/{t}/pin")
    moderate(forms, f"/moderate/threads/{t}/lock")
    moderate(forms, f"/moderate/posts/{discussion['reply']}/hide", {"reason": "Advertising"})
    forms.post("/moderate/themes/finding-time/panelists", {"name": "Ana Ruiz", "bio": ""},
               page="/moderate/themes/finding-time/edit")
    first = client.get("/moderate/audit").get_data(as_text=True)
    assert first.index("added panelist") < first.index("hid post")
    assert "Ana Ruiz in “Finding time to collaborate”" in first and "Advertising" in first
    assert f'<a href="/posts/{discussion["reply"]}">post {discussion["reply"]}</a>' in first
    assert "Rosa Delgado" in first and "locked thread" not in first and "Page 1 of 2" in first
    second = client.get("/moderate/audit?page=2").get_data(as_text=True)
    assert second.index("locked thread") < second.index("pinned thread")
    assert f'<a href="/threads/{t}">thread {t}</a>' in second
    with app.app_context():
        entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "post.hide"))
        assert (entry.actor_id, entry.object_type, entry.object_id) == (
            discussion["moderator"], "post", discussion["reply"])
        assert entry.at is not None


def test_theme_edits_are_audited(app, client, auth, forms, discussion):
    as_moderator(auth)
    forms.post("/moderate/themes/new", {
        "title": "Assessment", "slug": "", "month": "2027-01", "opens_at": "2027-01-12T00:00",
        "closes_at": "2027-02-09T00:00"})
    forms.post("/moderate/resources/1/delete", {}, page="/moderate/themes/finding-time/edit")
    assert audit_actions(app) == ["theme.create", "resource.remove"]
