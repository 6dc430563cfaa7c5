"""The panel page in Chromium: a moderator gives the webinar's questions their fates, a visitor reads them."""
from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from forum.accounts.passwords import hash_password
from forum.core.database import utcnow
from forum.core.extensions import db
from forum.models import Theme, User
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

PASTED = """\
Jackie Wheeler: How do you protect time for collaboration?
Anonymous: What if my principal says no?
Brett Criswell: How do we measure impact?
Beth Heidemann: What does a good coaching cycle look like?
Attendee: Can we see the slides?"""


@pytest.fixture
def community(live_app):
    with live_app.app_context():
        db.session.add_all([
            User(email="rosa@example.org", display_name="Rosa Delgado", role="moderator",
                 password_hash=hash_password(PASSWORD)),
            Theme(slug="finding-time", title="Finding time to collaborate", month="2026-11",
                  recording_url="https://www.youtube.com/watch?v=pan3l",
                  opens_at=utcnow() - timedelta(days=3), closes_at=utcnow() + timedelta(days=20)),
        ])
        db.session.commit()


def test_a_visitor_reads_the_panels_questions_by_fate(page, browser, live_server, community):
    log_in(page, "rosa@example.org")
    page.goto("/moderate/themes/finding-time/questions")
    page.get_by_label("Questions", exact=True).fill(PASTED)
    page.get_by_role("button", name="Preview").click()
    for line in range(1, 6):  # a likely duplicate or chat line starts unticked: keep them all
        page.get_by_label(f"Add line {line}").check()
    page.get_by_role("button", name="Save questions").click()
    expect(page.locator("#queue .question")).to_have_count(5)

    def in_queue(text):
        return page.locator("#queue .question", has_text=text)

    for text, minute in (("protect time", "12:30"), ("principal", "1:02:03")):
        item = in_queue(text)
        item.get_by_label("Minute in the recording (mm:ss), optional").fill(minute)
        item.get_by_role("button", name="Answered live").click()
    bad = in_queue("measure impact")
    bad.get_by_label("Minute in the recording (mm:ss), optional").fill("12:75")
    bad.get_by_role("button", name="Answered live").click()
    # The page the click led to (an element of the old one may be read while the new one loads).
    expect(page.locator(f"#question-{bad.get_attribute('id').split('-')[1]}")).to_contain_text("more than 59 seconds")
    assert in_queue("measure impact").get_by_label("Minute in the recording (mm:ss), optional").input_value() == "12:75"
    in_queue("slides").get_by_role("button", name="Dismiss").click()
    page.get_by_role("button", name="Schedule them").click()
    # The first goes out now: the page that shows it due publishes it; the second waits for its day.
    expect(page.locator("#scheduled .question")).to_have_count(1)
    expect(page.locator("#published .question")).to_have_count(1)

    visitor = browser.new_context(base_url=live_server).new_page()
    visitor.goto("/themes/finding-time")
    section = visitor.locator("#panel-questions")
    assert "2 answered live · 1 posted in the discussion · 1 coming to the discussion · 1 set aside" in \
        section.inner_text()
    section.get_by_role("link", name="See every question and what became of it").click()
    assert visitor.url.endswith("/themes/finding-time/panel")
    live = visitor.locator("#answered-live")
    expect(live).to_contain_text("Posed by a webinar participant (webinar Q&A)")
    assert live.get_by_role("link", name="Watch the answer at 12:30").get_attribute("href") == \
        "https://www.youtube.com/watch?v=pan3l&t=750"
    assert live.get_by_role("link", name="Watch the answer at 1:02:03").get_attribute("href") == \
        "https://www.youtube.com/watch?v=pan3l&t=3723"
    coming = visitor.locator("#coming")
    expect(coming.locator(".question")).to_have_count(1)
    assert "On " in coming.inner_text()
    assert "What does a good coaching cycle look like?" not in visitor.content()  # not shown ahead
    posted = visitor.locator("#posted")
    assert "How do we measure impact?" in posted.inner_text() and "0 replies" in posted.inner_text()
    assert "Can we see the slides?" not in visitor.content()
    assert "1 question was set aside." in visitor.locator("#set-aside").inner_text()
    posted.get_by_role("link", name="Read the replies").click()
    expect(visitor.locator("blockquote").first).to_contain_text("How do we measure impact?")
    assert page.js_errors == []
    visitor.context.close()
