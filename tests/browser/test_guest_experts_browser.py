"""A moderator invites a panelist as a guest expert, whose reply to a panel question shows as the panel's answer."""
from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from forum.accounts.passwords import hash_password
from forum.core.database import utcnow
from forum.core.extensions import db
from forum.models import PanelQuestion, Panelist, Post, Theme, User
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def community(live_app):
    """An open theme with a panelist and a queued question; a moderator; the panelist, a member already."""
    with live_app.app_context():
        theme = Theme(slug="finding-time", title="Finding time to collaborate", month="2026-11",
                      opens_at=utcnow() - timedelta(days=3), closes_at=utcnow() + timedelta(days=20))
        db.session.add_all([
            User(email="rosa@example.org", display_name="Rosa Delgado", role="moderator",
                 password_hash=hash_password(PASSWORD)),
            User(email="ana@example.edu", display_name="Ana Martínez", password_hash=hash_password(PASSWORD)),
            theme, Panelist(theme=theme, name="Dr. Ana Martínez"),
            PanelQuestion(theme=theme, question="How do you protect time for teacher collaboration?",
                          asked_by="Jackie Wheeler"),
        ])
        db.session.commit()


def test_a_guest_expert_s_reply_shows_the_badge_and_the_panel_s_answer(page, community, live_app):
    log_in(page, "rosa@example.org")
    page.goto("/moderate/themes/finding-time/edit")
    guests = page.locator("#guests")
    guests.get_by_label("Panelist").select_option("Dr. Ana Martínez")
    guests.get_by_label("Their email address").fill("ana@example.edu")
    guests.get_by_role("button", name="Send the invitation").click()
    expect(page.locator(".flashes")).to_contain_text("Dr. Ana Martínez is invited as a guest expert")
    assert "ana@example.edu" in page.locator("#guests").inner_text()

    page.goto("/moderate/themes/finding-time/questions")
    page.locator("#queue .question").first.get_by_role("button", name="Publish now").click()
    with live_app.app_context():
        question_post = db.session.scalar(db.select(PanelQuestion.post_id))
    page.get_by_role("button", name="Log out").click()

    log_in(page, "ana@example.edu")
    page.goto(f"/posts/{question_post}")
    page.locator(f"#post-{question_post}").get_by_role("link", name="Reply").click()
    form = page.locator(f"#reply-{question_post}")
    form.get_by_label("Reply to Rosa Delgado").fill("Start from a protocol, and protect the time before filling it.")
    form.get_by_role("button", name="Post reply").click()
    with live_app.app_context():
        reply = db.session.scalar(db.select(Post.id).order_by(Post.id.desc()).limit(1))
    header = page.locator(f"#post-{reply} > header")
    assert header.locator(".badge--panelist").inner_text() == "Panelist, Finding time to collaborate"
    assert header.locator(".badge--answer").inner_text().lower() == "the panel's answer"
    # Rosa's question is no answer, and has no badge.
    assert page.locator(f"#post-{question_post} > header .badge--panelist").count() == 0

    # A visitor's panel page shows the answer under the question, and it leads to the reply.
    page.get_by_role("button", name="Log out").click()
    page.goto("/themes/finding-time/panel")
    answers = page.locator("#posted .question__panel-answers")
    assert "answered by the panel" in answers.inner_text().lower()  # a badge, in capitals
    answers.get_by_role("link", name="Ana Martínez").click()
    expect(page.locator(f"#post-{reply}")).to_be_visible()
    assert page.js_errors == []
