"""A member makes an API token in settings, a tool uses it, and the member revokes it."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser


def test_make_use_and_revoke_a_token(page, live_server, discussion):
    log_in(page)
    expect(page.locator(".site-header").get_by_text("Maria Lopez")).to_be_visible()
    page.goto("/settings")
    page.get_by_role("link", name="Manage API tokens").click()
    page.get_by_label("Name").fill("School newsletter")
    page.get_by_label("Read what I can read").check()
    page.get_by_role("button", name="Make token").click()
    expect(page.get_by_text("shown only this once")).to_be_visible()
    secret = page.get_by_role("textbox", name="Token", exact=True).input_value()
    assert secret.startswith("fk_")

    tool = page.context.request  # the browser's cookies go along, and change nothing
    me = tool.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.status == 200 and me.json()["member"]["name"] == "Maria Lopez"
    assert tool.get("/api/v1/me").status == 401  # the session cookie alone is nobody

    page.goto("/settings/api-tokens")
    table = page.locator("#api-tokens")
    expect(table.get_by_role("cell", name="School newsletter", exact=True)).to_be_visible()
    assert secret not in page.content()  # shown once: never again
    page.on("dialog", lambda dialog: dialog.accept())
    table.get_by_role("button", name="Revoke School newsletter").click()
    expect(page.get_by_text("is revoked")).to_be_visible()
    assert tool.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status == 401
    assert page.js_errors == []
