"""Searching from the header in Chromium, and landing on the post."""
from __future__ import annotations

import pytest

import search

pytestmark = pytest.mark.browser


def test_search_from_header_opens_the_highlighted_post(page, discussion, live_app):
    with live_app.test_request_context():
        search.apply_pending()
    page.goto("/")
    box = page.get_by_role("searchbox", name="Search the discussions")
    box.fill("nested answer")
    box.press("Enter")
    results = page.locator("#results .result")
    assert results.count() == 1
    assert results.first.locator("mark").first.inner_text().lower() == "nested"
    results.first.get_by_role("link", name="Where does the time come from?").click()
    target = f"#post-{discussion['nested']}"
    assert page.evaluate("location.hash") == target
    background = page.locator(target).evaluate("e => getComputedStyle(e).backgroundColor")
    assert background == "rgb(255, 244, 194)"  # --highlight
    assert page.js_errors == []
