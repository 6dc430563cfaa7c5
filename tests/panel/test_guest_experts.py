"""Guest experts: inviting a theme's panelists, their badge, their rights, the questions they hear of."""
from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select, update

from forum.core.database import utcnow
from forum.core.extensions import db
from forum.models import GuestExpert, Panelist, PanelQuestion, Post, Theme, User
from forum.panel import guests
from forum.worker import loop as worker
from tests.conftest import (Auth, Forms, audit_actions, count_queries, notifications_of, reply_as,
                            signed_in_as)

EDIT = "/moderate/themes/finding-time/edit"
INVITE = "/moderate/themes/finding-time/guests"
THEME = "Finding time to collaborate"
BADGE = f"Panelist, {THEME}"
ANSWER = "The panel's answer"
ANA = "ana.martinez@university.edu"
MOD = "rosa@example.org"
NEW_PASSWORD = "a sentence the panelist chose to log in"


@pytest.fixture
def month(app, make_user, make_theme, make_thread):
    """An open theme with a panelist and a member's thread, another open theme, and a moderator."""
    people = {"rosa": make_user(email=MOD, display_name="Rosa Delgado", role="moderator"),
              "maria": make_user()}
    make_theme()
    make_theme(slug="makers", title="Makerspaces in every grade")
    with app.app_context():
        theme = db.session.scalar(select(Theme).where(Theme.slug == "finding-time"))
        db.session.add(Panelist(theme=theme, name="Dr. Ana Martínez", bio="Teacher educator"))
        db.session.commit()
    thread, opening = make_thread("finding-time", people["maria"])
    other, _ = make_thread("makers", people["maria"], title="Laser cutters")
    return {**people, "thread": thread, "opening": opening, "other": other}


def moderator(app) -> Forms:
    return signed_in_as(app, MOD)[1]


def invite(forms: Forms, email: str = ANA, panelist: str = "Dr. Ana Martínez", display_name: str = "",
           slug: str = "finding-time"):
    return forms.post(f"/moderate/themes/{slug}/guests",
                      {"panelist": panelist, "email": email, "display_name": display_name},
                      page=f"/moderate/themes/{slug}/edit")


def deliver(app) -> dict:
    with app.app_context():
        return worker.run_once()


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def invitation_link(message) -> str:
    return urlsplit(re.search(r"(http://\S+/password/reset/\S+)", text_of(message)).group(1)).path


def choose_password(client, path: str):
    landing = client.get(path)
    assert landing.status_code == 302 and landing.location == "/password/reset", landing.location
    return Forms(client).post("/password/reset", {"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
                              page="/password/reset")


def make_guest(app, email: str, slug: str = "finding-time", panelist: str = "Dr. Ana Martínez") -> int:
    """A member made a guest expert directly (the invitation is tested through the pages)."""
    with app.app_context():
        theme = db.session.scalar(select(Theme).where(Theme.slug == slug))
        user = User.by_email(email)
        db.session.add(GuestExpert(theme_id=theme.id, user_id=user.id, panelist=panelist))
        db.session.commit()
        return user.id


def guest_member(app, make_user, email: str = ANA) -> int:
    make_user(email=email, display_name="Ana Martínez")
    return make_guest(app, email)


def set_theme_state(app, slug: str, state: str) -> None:
    now = utcnow()
    opens, closes = {"archived": (now - timedelta(days=60), now - timedelta(days=30)),
                     "open": (now - timedelta(days=5), now + timedelta(days=20))}[state]
    with app.app_context():
        db.session.execute(update(Theme).where(Theme.slug == slug).values(opens_at=opens, closes_at=closes))
        db.session.commit()


# Inviting ------------------------------------------------------------------------------------

def test_an_invitation_makes_a_member_account_whose_link_chooses_a_password(app, mail_server, month):
    forms = moderator(app)
    response = invite(forms)
    assert response.status_code == 302 and response.location.endswith(f"{EDIT}#guests")
    page = forms.client.get(EDIT).get_data(as_text=True)
    assert "Dr. Ana Martínez is invited as a guest expert" in page and ANA in page
    with app.app_context():
        ana = User.by_email(ANA)
        assert (ana.display_name, ana.role, ana.can_log_in) == ("Dr. Ana Martínez", "member", False)
        [guest] = db.session.scalars(select(GuestExpert)).all()
        assert (guest.user_id, guest.panelist, guest.invited_by_id) == (ana.id, "Dr. Ana Martínez", month["rosa"])
    assert audit_actions(app) == ["guest.invite"]

    deliver(app)
    [message] = mail_server.to(ANA)
    assert message["Subject"] == f"You're invited to answer as a panelist of “{THEME}” on STEM Teacher Leaders"
    text = text_of(message)
    assert BADGE in text and "no moderator's tools" in text and "7 days" in text
    invited = app.test_client()
    assert choose_password(invited, invitation_link(message)).status_code == 302
    assert "Log out" in invited.get("/").get_data(as_text=True)  # signed in with the new password
    assert Auth(Forms(app.test_client())).login(email=ANA, password=NEW_PASSWORD).status_code == 302


def test_an_invitation_expires_like_every_invitation(app, mail_server, month):
    invite(moderator(app))
    deliver(app)
    path = invitation_link(mail_server.to(ANA)[0])
    app.config["INVITATION_DAYS"] = -1
    client = app.test_client()
    refused = client.get(client.get(path).location)
    assert refused.status_code == 400 and "expired" in refused.get_data(as_text=True)


def test_a_member_already_on_the_forum_is_reused_with_their_own_name(app, mail_server, month):
    response = invite(moderator(app), email="Member@Example.org", display_name="Someone Else")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == 2
        maria = db.session.get(User, month["maria"])
        assert maria.display_name == "Maria Lopez" and maria.can_log_in and maria.role == "member"
        assert db.session.scalar(select(GuestExpert.user_id)) == month["maria"]
    deliver(app)
    [message] = mail_server.to("member@example.org")
    assert "log in as usual" in text_of(message) and "/password/reset/" not in text_of(message)


@pytest.mark.parametrize("data, message", [
    ({"email": "ana at university"}, "Enter an email address like name@university.edu."),
    ({"email": ""}, "Enter the panelist&#39;s email address."),
    ({"panelist": "Someone Not On The Panel"}, "Choose one of this theme&#39;s panelists"),
])
def test_bad_input_is_refused_with_what_was_typed_kept(app, month, data, message):
    typed = {"panelist": "Dr. Ana Martínez", "email": ANA, "display_name": "Ana M. Typed", **data}
    response = moderator(app).post(INVITE, typed, page=EDIT)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and message in page
    assert 'value="Ana M. Typed"' in page
    with app.app_context():
        assert db.session.scalar(select(func.count(GuestExpert.id))) == 0
        assert User.by_email(ANA) is None


def test_a_guest_of_this_theme_is_not_invited_twice_but_may_be_sent_it_again(app, mail_server, month):
    forms = moderator(app)
    invite(forms)
    again = invite(forms, display_name="Typed Again")
    page = again.get_data(as_text=True)
    assert again.status_code == 400 and "is already a guest expert of “Finding time to collaborate”" in page
    assert 'value="Typed Again"' in page and f'value="{ANA}"' in page
    with app.app_context():
        guest_id = db.session.scalar(select(GuestExpert.id))
    assert forms.post(f"/moderate/guests/{guest_id}/resend", {}, page=EDIT).status_code == 302
    deliver(app)
    older, newer = mail_server.to(ANA)
    stale = app.test_client()
    assert "newer one was sent" in stale.get(stale.get(invitation_link(older)).location).get_data(as_text=True)
    assert choose_password(app.test_client(), invitation_link(newer)).status_code == 302
    assert audit_actions(app) == ["guest.invite", "guest.reinvite"]


def test_an_archived_theme_takes_no_new_guest(app, month):
    set_theme_state(app, "finding-time", "archived")
    forms = moderator(app)
    assert "can no longer be invited as guest experts" in forms.client.get(EDIT).get_data(as_text=True)
    response = invite(forms, display_name="Kept Name")
    page = response.get_data(as_text=True)
    assert response.status_code == 403 and "is archived: its panelists can no longer be invited" in page
    assert 'value="Kept Name"' in page
    with app.app_context():
        assert db.session.scalar(select(func.count(GuestExpert.id))) == 0 and User.by_email(ANA) is None


def test_members_cannot_invite_guests(app, month):
    _, forms = signed_in_as(app, "member@example.org")
    assert forms.post(INVITE, {"panelist": "Dr. Ana Martínez", "email": ANA}, page="/").status_code == 403


# The badge --------------------------------------------------------------------------------------

def test_a_guest_s_reply_carries_the_badge_in_that_theme_only(app, month, make_user):
    guest_member(app, make_user)
    here = reply_as(app, ANA, month["thread"], "Protect the time first, then fill it.")
    elsewhere = reply_as(app, ANA, month["other"], "Ours runs on Fridays.")
    maria = reply_as(app, "member@example.org", month["thread"], "Thank you!")
    page = app.test_client().get(f"/threads/{month['thread']}").get_data(as_text=True)
    assert BADGE in _article(page, here) and BADGE not in _article(page, maria)
    other = app.test_client().get(f"/threads/{month['other']}").get_data(as_text=True)
    assert "Panelist," not in _article(other, elsewhere)
    member, _ = signed_in_as(app, "member@example.org")  # profiles are for members (MEMBER_PAGES_PUBLIC)
    assert BADGE in member.get(f"/members/{_id_of(app, ANA)}").get_data(as_text=True)


def test_the_badge_stays_on_posts_once_the_theme_is_archived_but_leaves_the_profile(app, month, make_user):
    guest_member(app, make_user)
    post = reply_as(app, ANA, month["thread"], "Written while the theme was open.")
    set_theme_state(app, "finding-time", "archived")
    page = app.test_client().get(f"/threads/{month['thread']}").get_data(as_text=True)
    assert BADGE in _article(page, post)
    member, _ = signed_in_as(app, "member@example.org")
    assert "Panelist," not in member.get(f"/members/{_id_of(app, ANA)}").get_data(as_text=True)


def test_inviting_and_removing_a_guest_refresh_cached_thread_pages(app, month, make_user):
    make_user(email=ANA, display_name="Ana Martínez")
    post = reply_as(app, ANA, month["thread"], "Written before the invitation.")
    visitor = app.test_client()
    url = f"/threads/{month['thread']}"
    assert BADGE not in visitor.get(url).get_data(as_text=True)  # now kept in the page cache
    forms = moderator(app)
    assert invite(forms).status_code == 302
    assert BADGE in _article(visitor.get(url).get_data(as_text=True), post)
    with app.app_context():
        guest_id = db.session.scalar(select(GuestExpert.id))
    assert forms.post(f"/moderate/guests/{guest_id}/remove", {}, page=EDIT).status_code == 302
    assert BADGE not in visitor.get(url).get_data(as_text=True)
    with app.app_context():
        assert User.by_email(ANA) is not None  # the account stays
    assert audit_actions(app) == ["guest.invite", "guest.remove"]


def test_guests_cost_a_thread_page_no_statement(app, month, make_user):
    make_user(email=ANA, display_name="Ana Martínez")
    reply_as(app, ANA, month["thread"], "A reply, before and after Ana is a guest.")
    client, _ = signed_in_as(app, "member@example.org")
    url = f"/threads/{month['thread']}"
    before = len(count_queries(app, client, url))
    make_guest(app, ANA)
    after = count_queries(app, client, url)
    assert len(after) == before
    assert BADGE in client.get(url).get_data(as_text=True)


# No more rights than a member -----------------------------------------------------------------

@pytest.mark.parametrize("path", ["/moderate/", "/moderate/reports", "/moderate/audit", EDIT,
                                  "/moderate/themes/finding-time/questions"])
def test_a_guest_has_no_moderator_pages(app, month, make_user, path):
    guest_member(app, make_user)
    client, _ = signed_in_as(app, ANA)
    assert client.get(path).status_code == 403


def test_a_guest_does_not_see_hidden_posts(app, month, make_user):
    guest_member(app, make_user)
    hidden = reply_as(app, "member@example.org", month["thread"], "Something only moderators may read now.")
    _, mod = signed_in_as(app, MOD)
    assert mod.post(f"/moderate/posts/{hidden}/hide", {"reason": "off topic"},
                    page=f"/threads/{month['thread']}").status_code == 302
    client, _ = signed_in_as(app, ANA)
    page = client.get(f"/threads/{month['thread']}").get_data(as_text=True)
    assert "Something only moderators may read now." not in page
    assert client.get(f"/moderate/posts/{hidden}/files").status_code == 403


# Questions for the panel ----------------------------------------------------------------------

def _publish(app, make_due_question, text: str) -> int:
    make_due_question(text)
    deliver(app)  # publishes the due question, then tells who is told, then mails
    with app.app_context():
        return db.session.scalar(select(PanelQuestion.post_id).where(PanelQuestion.question == text))


def test_a_published_question_tells_the_theme_s_guests_by_the_bell_and_by_email(
        app, mail_server, month, make_user, make_due_question):
    ana = guest_member(app, make_user)
    client, forms = signed_in_as(app, ANA)
    # Watching the theme would tell of a question too: the guest's reason comes first.
    assert forms.post("/themes/finding-time/watch", {"level": "watching"}, page="/themes/finding-time").status_code == 302
    first = _publish(app, make_due_question, "How do you protect planning time?")
    assert ("panel_question", first) in notifications_of(app, ana)
    assert "A question for the panel is open: How do you protect planning time?" in \
        client.get("/notifications").get_data(as_text=True)
    # (The question also started the facilitated discussion, a new thread in the theme Ana watches.)
    [message] = [m for m in mail_server.to(ANA) if m["Subject"].startswith("A question for the panel")]
    assert message["Subject"] == "A question for the panel is open: How do you protect planning time?"
    assert f"/posts/{first}" in text_of(message) and "the panel's answer" in text_of(message)
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # Others are told as before: no panel notice for a member who is not a guest.
    assert all(kind != "panel_question" for kind, _ in notifications_of(app, month["maria"]))

    # One click (RFC 8058: a POST with no cookie and no token) declines further emails, not the bell.
    path = urlsplit(re.fullmatch(r"<(.+)>", message["List-Unsubscribe"]).group(1)).path
    assert "Stop emails about the panel" in app.test_client().get(path).get_data(as_text=True)
    done = app.test_client().post(path, data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200 and "You are unsubscribed" in done.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(GuestExpert.emails_declined_at)) is not None
        assert db.session.get(User, ana).email_notifications  # other emails as they were
    second = _publish(app, make_due_question, "What do you stop doing to make room?")
    assert ("panel_question", second) in notifications_of(app, ana)
    assert [m for m in mail_server.to(ANA) if m["Subject"].startswith("A question for the panel")] == [message]


def test_a_guest_of_another_theme_is_not_told(app, mail_server, month, make_user, make_due_question):
    make_user(email=ANA, display_name="Ana Martínez")
    ana = make_guest(app, ANA, slug="makers")
    question = _publish(app, make_due_question, "How do you protect planning time?")
    assert ("panel_question", question) not in notifications_of(app, ana)
    assert mail_server.to(ANA) == []


# Answered by the panel ---------------------------------------------------------------------------

def test_answered_by_panel_finds_the_guest_s_visible_replies_under_each_question(
        app, month, make_user, make_due_question, add_reply):
    ana = guest_member(app, make_user)
    question_post = _publish(app, make_due_question, "How do you protect planning time?")
    discussion = _thread_of(app, question_post)
    direct = reply_as(app, ANA, discussion, "Start with a protocol.", parent_id=question_post)
    maria = reply_as(app, "member@example.org", discussion, "What protocol?", parent_id=question_post)
    deeper = reply_as(app, ANA, discussion, "Tuning protocol.", parent_id=maria)
    hidden = add_reply(discussion, ana, "A reply a moderator hides.", parent_id=question_post)
    elsewhere = reply_as(app, ANA, month["thread"], "Not under a question.")
    with app.app_context():
        db.session.execute(update(Post).where(Post.id == hidden).values(hidden_at=utcnow()))
        db.session.commit()
        theme = db.session.scalar(select(Theme).where(Theme.slug == "finding-time"))
        question_id = db.session.scalar(select(PanelQuestion.id))
        answers = guests.answered_by_panel(theme)
        assert {q: [post.id for post in posts] for q, posts in answers.items()} == {question_id: [direct, deeper]}
        assert answers[question_id][0].author.display_name == "Ana Martínez"
    page = app.test_client().get(f"/threads/{discussion}").get_data(as_text=True)
    assert ANSWER in _article(page, direct) and ANSWER in _article(page, deeper)
    assert ANSWER not in _article(page, maria) and ANSWER not in _article(page, question_post)
    other = app.test_client().get(f"/threads/{month['thread']}").get_data(as_text=True)
    assert BADGE in _article(other, elsewhere) and ANSWER not in _article(other, elsewhere)


def test_the_panel_page_shows_the_panel_s_answer_under_its_question(
        app, month, make_user, make_due_question):
    guest_member(app, make_user)
    question_post = _publish(app, make_due_question, "How do you protect planning time?")
    discussion = _thread_of(app, question_post)
    maria = reply_as(app, "member@example.org", discussion, "We gave up our lunch.", parent_id=question_post)
    visitor = app.test_client()
    before = visitor.get("/themes/finding-time/panel").get_data(as_text=True)
    assert "Answered by the panel" not in before
    answer = reply_as(app, ANA, discussion, "Protect it with a protocol everyone agreed to.", parent_id=maria)
    page = visitor.get("/themes/finding-time/panel").get_data(as_text=True)  # the cached page is refreshed
    question = page[page.index('id="question-'):]
    assert "Answered by the panel" in question
    assert f'href="/posts/{answer}"' in question and "Ana Martínez" in question
    assert "Protect it with a protocol everyone agreed to." in question
    assert f'href="/posts/{maria}"' not in question and "We gave up our lunch." not in question
    # Hidden by a moderator: the answer leaves the panel page too.
    assert moderator(app).post(f"/moderate/posts/{answer}/hide", {"reason": "Off topic"},
                               page=f"/threads/{discussion}").status_code == 302
    assert "Answered by the panel" not in visitor.get("/themes/finding-time/panel").get_data(as_text=True)


def test_a_question_without_guest_answers_has_an_empty_list(app, month, make_due_question):
    _publish(app, make_due_question, "How do you protect planning time?")
    with app.app_context():
        theme = db.session.scalar(select(Theme).where(Theme.slug == "finding-time"))
        assert list(guests.answered_by_panel(theme).values()) == [[]]


# Helpers ---------------------------------------------------------------------------------------

def _article(page: str, post_id: int) -> str:
    match = re.search(rf'<article [^>]*id="post-{post_id}".*?</header>', page, re.S)
    assert match, f"post {post_id} is not on the page"
    return match.group(0)


def _id_of(app, email: str) -> int:
    with app.app_context():
        return User.by_email(email).id


def _thread_of(app, post_id: int) -> int:
    with app.app_context():
        return db.session.get(Post, post_id).thread_id

