"""The actions the page's script places in each post (issue 36), in Chromium: written once in the page,
they must land where they did when each post carried them, and do what they did."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from forum.core.extensions import db
from forum.models import Post, User
from forum.accounts.passwords import hash_password
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_a_member_sees_report_on_others_posts_only_and_reports_one(page, discussion):
    log_in(page, "maria@example.org")
    page.goto(f"/threads/{discussion['thread']}")
    first, nested = page.locator(f"#post-{discussion['first']}"), page.locator(f"#post-{discussion['nested']}")
    expect(first).to_be_visible()
    # In the footer, after Reply: Permalink and Report, as the server once wrote them.
    assert first.locator("footer > a").evaluate_all("els => els.map(e => e.textContent)") == [
        "Reply", "Permalink", "Report"]
    assert first.get_by_role("link", name="Permalink").get_attribute("href") == f"/posts/{discussion['first']}"
    # Her own post: Edit and Delete from the server, Permalink from the page's actions, no Report.
    assert nested.get_by_role("link", name="Report").count() == 0
    expect(nested.get_by_role("link", name="Edit")).to_be_visible()
    expect(nested.get_by_role("link", name="Permalink")).to_be_visible()
    # Each post's exact time: on hover and read after its relative time.
    time_link = first.locator("header > a:has(time)")
    assert re.fullmatch(r"just now \(\w+day, \w+ \d+, \d{4}, \d+:\d\d [ap]m E[SD]T\)", time_link.text_content())
    assert time_link.locator("time").get_attribute("title") in time_link.text_content()
    first.get_by_role("link", name="Report").click()
    page.wait_for_url(f"**/posts/{discussion['first']}/report")
    assert page.js_errors == []


def test_a_moderator_hides_a_post_with_the_placed_form(page, discussion, live_app):
    with live_app.app_context():
        db.session.add(User(email="mod@example.org", display_name="Mo Derator", role="moderator",
                            password_hash=hash_password(PASSWORD)))
        db.session.commit()
    log_in(page, "mod@example.org")
    page.goto(f"/threads/{discussion['thread']}")
    post = page.locator(f"#post-{discussion['nested']}")
    expect(post.get_by_role("link", name="Edit")).to_have_attribute("href", f"/posts/{discussion['nested']}/edit")
    post.get_by_text("Hide", exact=True).click()
    # The label and its field are this post's own: the template's ids were made this post's.
    post.get_by_label("Reason, kept for moderators").fill("Off topic")
    post.get_by_role("button", name="Hide post").click()
    expect(page.locator(f"#post-{discussion['nested']}.post--hidden")).to_be_visible()
    with live_app.app_context():
        hidden = db.session.get(Post, discussion["nested"])
        assert hidden.is_hidden and hidden.hidden_reason == "Off topic"
    # A hidden post takes no Hide and no Reply; its Unhide stays the server's.
    hidden_post = page.locator(f"#post-{discussion['nested']}")
    assert hidden_post.get_by_text("Hide", exact=True).count() == 0
    expect(hidden_post.get_by_role("button", name="Unhide")).to_be_visible()
    assert page.js_errors == []


def test_without_javascript_a_member_still_reports_a_post(browser, live_server, discussion):
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    page = context.new_page()
    log_in(page, "maria@example.org")
    page.wait_for_url(re.compile(r"/$|/themes/"))
    page.goto(f"/threads/{discussion['thread']}")
    first, nested = page.locator(f"#post-{discussion['first']}"), page.locator(f"#post-{discussion['nested']}")
    # The page's template is never placed without a script: the post's own link stands in for it.
    assert first.get_by_role("link", name="Permalink").count() == 0
    expect(first.get_by_role("link", name="Report")).to_be_visible()
    assert nested.get_by_role("link", name="Report").count() == 0  # her own
    first.get_by_role("link", name="Report").click()
    page.wait_for_url(f"**/posts/{discussion['first']}/report")
    context.close()
