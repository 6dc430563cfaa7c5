"""A person joins, logs out, logs in again and sees their name in the header."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_join_logout_login(page):
    page.goto("/")
    page.locator(".site-header").get_by_role("link", name="Join").click()
    page.get_by_label("Full name").fill("Brett Criswell")
    page.get_by_label("Email").fill("brett@example.org")
    page.get_by_label("Password").fill("chemistry is everywhere")
    page.get_by_role("button", name="Create my account").click()
    header = page.locator(".site-header")
    expect(header.get_by_text("Brett Criswell")).to_be_visible()

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_text("You are logged out.")).to_be_visible()
    assert header.get_by_text("Brett Criswell").count() == 0

    page.get_by_role("link", name="Log in").click()
    page.get_by_label("Email").fill("brett@example.org")
    page.get_by_label("Password").fill("wrong password entirely")
    page.get_by_role("button", name="Log in").click()
    assert page.get_by_role("alert").inner_text().startswith("That email and password")
    assert page.get_by_label("Email").input_value() == "brett@example.org"

    page.get_by_label("Password").fill("chemistry is everywhere")
    page.get_by_role("button", name="Log in").click()
    expect(header.get_by_text("Brett Criswell")).to_be_visible()
    assert page.js_errors == []  # CSP violations show up here too


def test_layout_fits_a_phone(browser, live_server):
    context = browser.new_context(base_url=live_server, viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto("/join")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360
    context.close()


def test_log_out_on_a_shared_computer_with_keep_me_logged_in(page, live_app):
    from forum.core.extensions import db
    from forum.models import User
    from forum.accounts.passwords import hash_password

    with live_app.app_context():
        db.session.add(User(email="brett@example.org", display_name="Brett Criswell",
                            password_hash=hash_password("chemistry is everywhere")))
        db.session.commit()
    page.goto("/login")
    page.get_by_label("Email").fill("brett@example.org")
    page.get_by_label("Password", exact=True).fill("chemistry is everywhere")
    page.get_by_label("Keep me logged in on this device").check()
    page.get_by_role("button", name="Log in").click()
    header = page.locator(".site-header")
    expect(header.get_by_text("Brett Criswell")).to_be_visible()
    page.get_by_role("button", name="Log out").click()
    page.get_by_text("You are logged out.").wait_for()  # the logout's redirect has landed
    page.goto("/")  # the next person at this computer opens the forum again
    assert header.get_by_text("Brett Criswell").count() == 0
    page.goto("/settings")
    assert "/login?next=" in page.url  # the next person at this computer is not Brett
    assert not any(c["name"] == "remember_token" for c in page.context.cookies())
