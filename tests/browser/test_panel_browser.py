"""A moderator pastes panel questions and publishes one; a member replies to it, in Chromium."""
from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from forum.core.database import utcnow
from forum.core.extensions import db
from forum.models import PanelQuestion, Post, Theme, User
from forum.accounts.passwords import hash_password
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

PASTED = """\
Jackie Wheeler, middle school science coach: How do you protect time for teacher collaboration?
Beth Heidemann: What does a good coaching cycle look like?
Brett Criswell: How do we know teacher leadership makes a difference?"""


@pytest.fixture
def community(live_app):
    """An open theme with no discussion yet, a moderator and a member."""
    with live_app.app_context():
        db.session.add_all([
            User(email="rosa@example.org", display_name="Rosa Delgado", role="moderator",
                 password_hash=hash_password(PASSWORD)),
            User(email="maria@example.org", display_name="Maria Lopez", password_hash=hash_password(PASSWORD)),
            Theme(slug="finding-time", title="Finding time to collaborate", month="2026-11",
                  opens_at=utcnow() - timedelta(days=3), closes_at=utcnow() + timedelta(days=20)),
        ])
        db.session.commit()


def test_moderator_pastes_and_publishes_and_a_member_replies(page, community, live_app):
    log_in(page, "rosa@example.org")
    page.goto("/themes/finding-time")
    page.get_by_role("link", name="Panel questions").click()

    page.get_by_label("Questions", exact=True).fill(PASTED)
    page.get_by_label("Where they came from").select_option("webinar_qa")
    page.get_by_role("button", name="Preview").click()
    preview = page.locator("#paste-preview")
    expect(preview).to_contain_text("3 questions will be added to the queue")
    expect(preview.locator("input[name=keep]:checked")).to_have_count(3)
    # The count follows the boxes as they are ticked and unticked.
    preview.get_by_label("Add line 2").uncheck()
    assert "2 questions will be added to the queue" in preview.inner_text()
    preview.get_by_label("Add line 3").uncheck()
    assert "1 question will be added to the queue" in preview.inner_text()
    preview.get_by_label("Add line 1").uncheck()
    assert "No question is ticked: none will be added" in preview.inner_text()
    for line in (1, 2, 3):
        preview.get_by_label(f"Add line {line}").check()
    assert "3 questions will be added to the queue" in preview.inner_text()
    page.get_by_role("button", name="Save questions").click()

    queue = page.locator("#queue .question")
    expect(queue).to_have_count(3)  # waits for the saved queue's page; count() would not
    first = queue.first
    assert "Posed by Jackie Wheeler, middle school science coach (webinar Q&A)" in first.inner_text()
    first.get_by_role("button", name="Publish now").click()
    expect(page.locator(".flashes")).to_contain_text("Published: Jackie Wheeler")
    expect(page.locator("#queue .question")).to_have_count(2)

    page.locator("#published").get_by_role("link", name="View post").click()
    with live_app.app_context():
        question_post = db.session.scalar(db.select(PanelQuestion.post_id).where(PanelQuestion.status == "published"))
    article = page.locator(f"#post-{question_post}")
    assert article.locator("blockquote").inner_text() == "How do you protect time for teacher collaboration?"
    assert "— Posed by Jackie Wheeler, middle school science coach (webinar Q&A)" in article.inner_text()

    page.get_by_role("button", name="Log out").click()
    log_in(page, "maria@example.org")
    page.goto(f"/posts/{question_post}")
    page.locator(f"#post-{question_post}").get_by_role("link", name="Reply").click()
    form = page.locator(f"#reply-{question_post}")
    form.get_by_label("Reply to Rosa Delgado").fill("We protect a **weekly** common planning block.")
    form.get_by_role("button", name="Post reply").click()

    with live_app.app_context():
        reply = db.session.scalar(db.select(Post).order_by(Post.id.desc()).limit(1))
        assert reply.parent_id == question_post and reply.author.display_name == "Maria Lopez"
    nested = page.locator(f"#post-{question_post} ~ ul.replies #post-{reply.id}")
    assert nested.count() == 1
    assert "We protect a weekly common planning block." in nested.inner_text()
    assert page.js_errors == []
