"""A post's edit history, in Chromium: the edited mark leads to every version."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser


def test_an_edited_post_links_to_its_history_with_both_versions(page, discussion):
    log_in(page, "maria@example.org")
    page.goto(f"/posts/{discussion['nested']}/edit")
    page.get_by_label("Your post").fill("A nested answer, with **more** thought")
    page.get_by_role("button", name="Save changes").click()

    post = page.locator(f"#post-{discussion['nested']}")
    expect(post).to_contain_text("with more thought")  # waits for the page the save led to
    post.get_by_role("link", name="(edited)").click()
    expect(page.locator("section.revision")).to_have_count(2)  # all() alone reads whatever has loaded
    assert page.url.endswith(f"/posts/{discussion['nested']}/history")
    current, first = page.locator("section.revision").all()
    assert "Version 2 (current)" in current.inner_text() and "with more thought" in current.inner_text()
    assert current.locator(".post__body strong").inner_text() == "more"
    assert "Version 1" in first.inner_text() and "A nested answer" in first.inner_text()
    assert current.locator(".revision__diff ins").first.inner_text().strip().startswith("answer,")
    assert page.js_errors == []
