"""Searching from the header in Chromium, and landing on the post."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

import search
from tests.conftest import seed_thread

pytestmark = pytest.mark.browser


def test_search_from_header_opens_the_highlighted_post(page, discussion, live_app):
    with live_app.test_request_context():
        search.apply_pending()
    page.goto("/")
    box = page.get_by_role("searchbox", name="Search the discussions")
    box.fill("nested answer")
    box.press("Enter")
    results = page.locator("#results .result")
    expect(results).to_have_count(1)
    assert results.first.locator("mark").first.inner_text().lower() == "nested"
    results.first.get_by_role("link", name="Where does the time come from?").click()
    target = f"#post-{discussion['nested']}"
    assert page.evaluate("location.hash") == target
    background = page.locator(target).evaluate("e => getComputedStyle(e).backgroundColor")
    assert background == "rgb(255, 244, 194)"  # --highlight
    # The searched words are marked where they are written, in every post of the page.
    assert page.locator(f"{target} > div mark.search-mark").all_inner_texts() == ["nested", "answer"]
    assert page.locator(f"#post-{discussion['first']} mark.search-mark").all_inner_texts() == ["answer"]
    assert page.js_errors == []


def test_find_in_this_discussion_searches_only_the_thread(page, discussion, live_app):
    from forum.core.extensions import db
    from forum.models import Thread, User

    with live_app.test_request_context():
        thread = db.session.get(Thread, discussion["thread"])
        seed_thread(thread.theme, db.session.get(User, 1), "Another thread", "Another answer here")
        db.session.commit()
        search.apply_pending()
    page.goto(f"/threads/{discussion['thread']}")
    box = page.get_by_role("searchbox", name="Find in this discussion")
    box.fill("answer")
    box.press("Enter")
    # Waits for the results page: is_visible() alone answered while it was still loading.
    expect(page.locator("#in-discussion")).to_be_visible()
    assert page.locator("#results .result").count() == 2
    titles = page.locator("#results .result__thread > a")  # two hits of one thread share its title
    assert titles.all_inner_texts() == ["Where does the time come from?"]
    page.locator("#in-discussion").get_by_role("link", name="Search every discussion").click()
    expect(page.locator("#results .result")).to_have_count(3)
    assert page.js_errors == []


def test_the_author_field_offers_names_as_one_types(page, discussion):
    page.goto("/search?q=answer")
    page.locator("summary", has_text="More options").click()
    page.get_by_label("Author").press_sequentially("mar")
    expect(page.locator("#author-names option")).to_have_count(1)
    assert page.locator("#author-names option").get_attribute("value") == "Maria Lopez"
    assert page.js_errors == []
