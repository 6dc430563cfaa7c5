"""Maria replies to Brett; Brett sees the bell, opens the notification and lands on her reply."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from forum.notifications import notify
from forum.worker import loop as worker
from forum.models import User
from tests.conftest import seed_reply

pytestmark = pytest.mark.browser


def log_in(page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill("correct horse battery")
    page.get_by_role("button", name="Log in").click()


def test_a_reply_rings_the_bell_and_leads_to_the_post(browser, live_server, live_app, discussion):
    with live_app.app_context():  # Brett has read what the discussion told him so far
        worker.run_once()
        notify.mark_read(User.by_email("brett@example.org"))
    maria = browser.new_context(base_url=live_server).new_page()
    log_in(maria, "maria@example.org")
    maria.goto(f"/threads/{discussion['thread']}")
    maria.locator(f"#post-{discussion['first']}").get_by_role("link", name="Reply").click()
    maria.get_by_label("Your reply").last.fill("We found an hour by swapping lunch duties.")
    maria.get_by_role("button", name="Post reply").last.click()
    maria.wait_for_url("**#post-*")
    reply_id = maria.url.rpartition("#post-")[2]
    assert reply_id.isdigit()
    with live_app.app_context():
        worker.run_once()  # what `flask worker` does beside the server

    context = browser.new_context(base_url=live_server)
    brett = context.new_page()
    log_in(brett, "brett@example.org")
    bell = brett.locator(".site-header .bell")
    assert bell.locator(".bell__count").inner_text() == "1"
    bell.click()
    notification = brett.get_by_role("link", name="Unread: Maria Lopez replied to your post")
    expect(brett.locator(".notification--unread")).to_have_count(1)
    with context.expect_page() as opened:  # a link: Ctrl-click opens it in a new tab
        notification.click(modifiers=["Control"])
    tab = opened.value
    tab.wait_for_url(f"**#post-{reply_id}")
    assert "swapping lunch duties" in tab.locator(f"#post-{reply_id}").inner_text()
    tab.close()
    brett.reload()
    assert brett.locator(".notification--unread").count() == 0  # marked read on arrival
    brett.get_by_role("link", name="Maria Lopez replied to your post").first.click()
    brett.wait_for_url(f"**#post-{reply_id}")
    target = brett.locator(f"#post-{reply_id}")
    assert target.is_visible() and "swapping lunch duties" in target.inner_text()
    highlighted = target.evaluate("el => getComputedStyle(el).backgroundColor")
    plain = brett.locator(f"#post-{discussion['nested']}").evaluate("el => getComputedStyle(el).backgroundColor")
    assert highlighted != plain  # :target marks the post the notification was about
    assert brett.locator(".site-header .bell__count").count() == 0  # read now
    context.close()


def test_typing_at_and_a_name_suggests_members(browser, live_server, discussion):
    page = browser.new_context(base_url=live_server).new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, "maria@example.org")
    page.goto(f"/threads/{discussion['thread']}")
    box = page.locator("#reply-form-body")
    box.click()
    box.type("Good point, @bre")
    suggestions = page.get_by_role("listbox", name="Members to mention")
    assert suggestions.get_by_role("option").first.inner_text().startswith("Brett Criswell")
    box.press("Enter")
    assert box.input_value() == "Good point, @Brett Criswell "
    assert suggestions.count() == 0
    box.type("what do you think?")
    page.locator("#reply-form").get_by_role("button", name="Post reply").click()
    page.wait_for_url("**#post-*")
    mention = page.locator("a.mention", has_text="@Brett Criswell")
    mention.wait_for()
    assert mention.count() == 1 and mention.get_attribute("href").startswith("/members/")
    assert errors == []


def test_the_page_remembers_how_far_the_member_read(browser, live_server, live_app, discussion):
    from forum.core.extensions import db
    from forum.models import Thread, ThreadRead

    page = browser.new_context(base_url=live_server).new_page()
    log_in(page, "maria@example.org")
    page.goto(f"/threads/{discussion['thread']}")

    def marker():
        with live_app.app_context():
            return db.session.scalar(db.select(ThreadRead.last_read_post_id))

    assert marker() is None  # while the member reads, nothing is written
    page.goto("/")  # leaving the page sends the beacon
    for _ in range(50):
        if marker():
            break
        page.wait_for_timeout(100)
    assert marker() == discussion["nested"]  # the newest post the page showed

    with live_app.test_request_context():
        thread = db.session.get(Thread, discussion["thread"])
        newer = seed_reply(thread, User.by_email("brett@example.org"), "A reply Maria has not seen.").id
    page.goto(f"/threads/{discussion['thread']}")
    page.get_by_role("link", name="Jump to the first new post").click()
    page.wait_for_url(f"**#post-{newer}")
    assert page.locator(f"#post-{newer} .post__new").inner_text() == "New"
