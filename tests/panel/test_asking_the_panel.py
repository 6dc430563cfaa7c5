"""Members ask the panel ahead, and hear what became of their question, through HTTP."""
from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select, update

from forum.worker import loop as worker
from forum.core.database import utcnow
from forum.core.extensions import db
from forum.models import Notification, OutgoingMail, PanelQuestion, Theme
from forum.notifications import notify
from tests.conftest import PASSWORD, csrf_from, notifications_of, signed_in_as

SLUG = "next-month"
THEME = f"/themes/{SLUG}"
PANEL = f"{THEME}/panel"
ASK = f"{PANEL}/questions"
QUEUE = f"/moderate/themes/{SLUG}/questions"
MARIA = "member@example.org"


@pytest.fixture
def upcoming(app, make_user, make_theme):
    """An upcoming theme whose panel is still to come, a member (Maria Lopez) and a moderator."""
    now = utcnow()
    make_theme(slug=SLUG, title="Leading from the classroom", state="upcoming",
               panel_at=now + timedelta(days=10, hours=1), recording_url="https://youtu.be/rec")
    ids = {"maria": make_user(), "mod": make_user(email="mod@example.org", display_name="Rosa Delgado",
                                                  role="moderator")}
    return ids


def ask(forms, text, page=PANEL):
    return forms.post(ASK, {"question": text}, page=page)


def asked(app) -> list[PanelQuestion]:
    with app.app_context():
        return db.session.scalars(select(PanelQuestion).order_by(PanelQuestion.id)).all()


def set_theme(app, **values):
    with app.app_context():
        db.session.execute(update(Theme).where(Theme.slug == SLUG).values(**values))
        db.session.commit()


def test_a_member_asks_from_the_theme_page_and_the_question_reaches_the_queue(app, upcoming):
    client, forms = signed_in_as(app, MARIA)
    theme_page = client.get(THEME).get_data(as_text=True)
    assert "Ask the panel" in theme_page and f'action="{ASK}#ask"' in theme_page
    response = ask(forms, "How do you lead <b>without</b> leaving the classroom?", page=THEME)
    assert response.status_code == 302 and response.location.endswith(f"{PANEL}#your-questions")
    [question] = asked(app)
    assert (question.source, question.asked_by_id, question.status, question.asked_by) == \
        ("forum", upcoming["maria"], "queued", "")
    page = client.get(PANEL).get_data(as_text=True)
    mine = page[page.index('id="your-questions"'):]
    assert "Your question is in the queue" in mine
    assert "How do you lead &lt;b&gt;without&lt;/b&gt; leaving the classroom?" in mine and "<b>without</b>" not in page
    # Nobody else sees it before the moderators do something with it.
    assert "leaving the classroom" not in app.test_client().get(PANEL).get_data(as_text=True)
    moderator, _ = signed_in_as(app, "mod@example.org")
    queue = moderator.get(QUEUE).get_data(as_text=True)
    item = queue[queue.index(f'id="question-{question.id}"'):]
    assert "Asked on the forum" in item and "— Asked on the forum by Maria Lopez" in item


def test_the_credit_follows_a_closed_account(app, upcoming):
    client, forms = signed_in_as(app, MARIA)
    ask(forms, "What about planning time?")
    response = forms.post("/settings/delete-account", {"password": PASSWORD, "posts": "keep"}, page="/settings")
    assert response.status_code == 302
    moderator, _ = signed_in_as(app, "mod@example.org")
    queue = moderator.get(QUEUE).get_data(as_text=True)
    assert "Maria Lopez" not in queue
    [question] = asked(app)
    with app.app_context():
        from forum.panel.questions import credit
        assert credit(db.session.get(PanelQuestion, question.id)) == "Asked on the forum by Deleted member"


def test_a_visitor_is_asked_to_log_in_and_nothing_is_written(app, upcoming):
    visitor = app.test_client()
    page = visitor.get(PANEL).get_data(as_text=True)
    assert "to ask the panel a question" in page and 'name="question"' not in page
    token = csrf_from(visitor.get("/login").get_data(as_text=True))
    response = visitor.post(ASK, data={"csrf_token": token, "question": "Me too?"})
    assert response.status_code == 302 and "/login" in response.location
    assert asked(app) == []


@pytest.mark.parametrize("when, message", [
    ("panel_passed", "The panel has begun"),
    ("open", "The panel has begun"),
    ("archived", "is archived"),
])
def test_asking_is_refused_once_the_panel_has_begun(app, upcoming, when, message):
    now = utcnow()
    client, forms = signed_in_as(app, MARIA)
    html = client.get(PANEL).get_data(as_text=True)
    token = csrf_from(html)
    set_theme(app, **{
        "panel_passed": {"panel_at": now - timedelta(minutes=1)},
        "open": {"opens_at": now - timedelta(days=1), "panel_at": now + timedelta(hours=1)},
        "archived": {"opens_at": now - timedelta(days=40), "closes_at": now - timedelta(days=2),
                     "panel_at": now - timedelta(days=40)},
    }[when])
    response = client.post(ASK, data={"csrf_token": token, "question": "Typed before it began?"})
    page = response.get_data(as_text=True)
    assert response.status_code == 403 and message in page
    assert "Typed before it began?" in page  # kept, to ask in the discussion instead
    assert asked(app) == []
    assert 'name="question"' not in client.get(THEME).get_data(as_text=True)


@pytest.mark.parametrize("text, message", [
    ("", "Write your question before sending it."),
    ("   \n  ", "Write your question before sending it."),
    ("Why? " * 900, "A question can be at most 4,000 characters; this one has 4,499."),
])
def test_an_empty_or_too_long_question_is_refused_with_the_text_kept(app, upcoming, text, message):
    _, forms = signed_in_as(app, MARIA)
    response = ask(forms, text)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and message in page
    if text.strip():
        assert "Why? Why? Why?" in page
    assert asked(app) == []


def test_asking_counts_against_the_posting_limit(app, upcoming):
    app.config["RATE_LIMITS"] = {**app.config["RATE_LIMITS"], "post": [2, 600]}
    _, forms = signed_in_as(app, MARIA)
    assert ask(forms, "First?").status_code == 302
    assert ask(forms, "Second?").status_code == 302
    response = ask(forms, "Third, too fast?")
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert "You have posted a lot in the last few minutes" in page and "Third, too fast?" in page
    assert [q.question for q in asked(app)] == ["First?", "Second?"]


def test_the_asker_hears_when_it_is_answered_live(app, upcoming, mail_server):
    client, forms = signed_in_as(app, MARIA)
    ask(forms, "How do we find the time?")
    [question] = asked(app)
    _, moderator = signed_in_as(app, "mod@example.org")
    response = moderator.post(f"/moderate/questions/{question.id}/answered-live", {"minute": "14:05"}, page=QUEUE)
    assert response.status_code == 302
    # Written with the transition, not by the worker.
    with app.app_context():
        [told] = db.session.scalars(select(Notification).where(Notification.user_id == upcoming["maria"])).all()
        assert (told.kind, told.post_id, told.panel_question_id, told.email_pending) == \
            ("your_question_live", None, question.id, True)
    page = client.get("/notifications").get_data(as_text=True)
    assert "The panel answered your question live in “Leading from the classroom”, at 14:05 in the recording" in page
    assert "How do we find the time?" in page
    opened = client.get(f"/notifications/{told.id}/open")
    assert opened.location.endswith(f"{PANEL}#question-{question.id}")
    # The panel page links the minute in the recording.
    assert 'href="https://youtu.be/rec?t=845"' in client.get(PANEL).get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Notification, told.id).read_at is not None
    # Marked again after a return to the queue, it tells once.
    moderator.post(f"/moderate/questions/{question.id}/requeue", {}, page=QUEUE)
    moderator.post(f"/moderate/questions/{question.id}/answered-live", {"minute": ""}, page=QUEUE)
    assert len(notifications_of(app, upcoming["maria"])) == 1


def test_the_answered_live_email_links_the_panel_page(app, upcoming, mail_server):
    _, forms = signed_in_as(app, MARIA)
    ask(forms, "How do we find the time?")
    [question] = asked(app)
    _, moderator = signed_in_as(app, "mod@example.org")
    moderator.post(f"/moderate/questions/{question.id}/answered-live", {"minute": "14:05"}, page=QUEUE)
    with app.app_context():
        worker.run_once()
    [message] = mail_server.to(MARIA)
    assert message["Subject"] == ("The panel answered your question live in “Leading from the classroom”, "
                                  "at 14:05 in the recording")
    text = message.get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"See it on the panel page: (\S+)", text).group(1)
    assert urlsplit(link).path == PANEL and urlsplit(link).fragment == f"question-{question.id}"
    assert "How do we find the time?" in text


def test_a_dismissed_question_tells_the_asker_nothing(app, upcoming):
    _, forms = signed_in_as(app, MARIA)
    ask(forms, "Off topic?")
    [question] = asked(app)
    _, moderator = signed_in_as(app, "mod@example.org")
    moderator.post(f"/moderate/questions/{question.id}/dismiss", {}, page=QUEUE)
    with app.app_context():
        worker.run_once()
    assert notifications_of(app, upcoming["maria"]) == []


def test_the_asker_hears_when_it_is_posted(app, upcoming):
    client, forms = signed_in_as(app, MARIA)
    ask(forms, "How do we find the time?")
    [question] = asked(app)
    set_theme(app, opens_at=utcnow() - timedelta(days=1), panel_at=utcnow() - timedelta(days=1))
    _, moderator = signed_in_as(app, "mod@example.org")
    assert moderator.post(f"/moderate/questions/{question.id}/publish", {}, page=QUEUE).status_code == 302
    with app.app_context():
        post_id = db.session.get(PanelQuestion, question.id).post_id
        body = db.session.scalar(select(OutgoingMail.id))  # nothing yet: the worker tells
        assert body is None
        notify.handle_events()
    assert notifications_of(app, upcoming["maria"]) == [("your_question_posted", post_id)]
    page = client.get("/notifications").get_data(as_text=True)
    assert "Your question for the panel is posted in" in page
    with app.app_context():
        [told] = db.session.scalars(select(Notification)).all()
    assert client.get(f"/notifications/{told.id}/open").location.endswith(f"/posts/{post_id}")
    posted = client.get(PANEL).get_data(as_text=True)
    assert f'href="/posts/{post_id}"' in posted and "Asked on the forum by Maria Lopez" in posted
    assert 'id="your-questions"' not in posted  # no longer waiting
