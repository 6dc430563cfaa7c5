"""A moderator's "Publish now": the use case's refusals, which leave nothing written."""
from __future__ import annotations

import pytest
from sqlalchemy import update

from forum.core.extensions import db
from forum.discussions import posting
from forum.models import PanelQuestion, Post, Theme, Thread, User
from forum.panel import questions as panel
from tests.conftest import audit_actions

QUEUE = "/moderate/themes/finding-time/questions"


@pytest.fixture
def queued(app, make_user, make_theme, auth):
    """An open theme with one queued question, and a moderator logged in."""
    make_theme()
    moderator = make_user(email="mod@example.org", display_name="Rosa Delgado", role="moderator")
    member = make_user()
    auth.login(email="mod@example.org")
    with app.app_context():
        theme = db.session.scalar(db.select(Theme))
        question = PanelQuestion(theme_id=theme.id, source="webinar_qa", asked_by="Jackie Wheeler",
                                 question="How do you protect time for collaboration? " * 3)
        db.session.add(question)
        db.session.commit()
        return {"question": question.id, "moderator": moderator, "member": member}


def publish_now(forms, question_id):
    return forms.post(f"/moderate/questions/{question_id}/publish", {}, page=QUEUE)


def status_of(app, question_id) -> str:
    with app.app_context():
        return db.session.get(PanelQuestion, question_id).status


def nothing_written(app):
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Post.id))) == 0
        assert db.session.scalar(db.select(db.func.count(Thread.id))) == 0
    assert "question.publish" not in audit_actions(app)


def test_a_question_too_long_for_a_post_is_refused_with_nothing_written(app, client, forms, queued):
    """Its claim, the facilitated discussion it would start and its post all roll back: it stays queued."""
    app.config["POST_MAX_LENGTH"] = 60
    response = publish_now(forms, queued["question"])
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Posts can be at most 60 characters" in page
    assert status_of(app, queued["question"]) == "queued"
    nothing_written(app)


def test_the_use_case_refuses_a_member(app, queued):
    with app.test_request_context(QUEUE, method="POST"):
        question = db.session.get(PanelQuestion, queued["question"])
        with pytest.raises(posting.Refused) as refused:
            panel.publish(question, db.session.get(User, queued["member"]))
        assert refused.value.status == 403
    assert status_of(app, queued["question"]) == "queued"
    nothing_written(app)


def test_a_question_dismissed_since_it_was_read_is_refused_not_called_published(app, queued):
    """A caller holding a stale "queued" question: its claim fails, and the reason is the question's status now."""
    with app.test_request_context(QUEUE, method="POST"):
        stale = db.session.get(PanelQuestion, queued["question"])
        db.session.execute(update(PanelQuestion).where(PanelQuestion.id == stale.id).values(status="dismissed")
                           .execution_options(synchronize_session=False))
        with pytest.raises(posting.Refused) as refused:
            panel.publish(stale, db.session.get(User, queued["moderator"]))
        assert refused.value.status == 403 and "Return this question to the queue" in refused.value.message
    nothing_written(app)
