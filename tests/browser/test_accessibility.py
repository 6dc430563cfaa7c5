"""axe-core in Chromium on the pages people use most, at a desktop and a phone's width.

axe-core comes with axe-playwright-python (PyPI), never from the network
at run time. A serious or critical violation fails the test, with axe's
own report of where.
"""
from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from forum import demo

pytestmark = pytest.mark.browser

WIDTHS = (1280, 360)
VISITOR_PAGES = ("/", "/themes/finding-time-to-collaborate", "/threads/1", "/search?q=planning+time",
                 "/login", "/join", "/themes")
MODERATOR_PAGES = ("/", "/threads/1", "/members", "/members/4", "/settings", "/settings/attachments",
                   "/notifications", "/moderate/",
                   "/moderate/themes/finding-time-to-collaborate/questions", "/moderate/reports")


@pytest.fixture
def demo_forum(live_app):
    with live_app.app_context():
        demo.load()


def _serious(page) -> list[str]:
    found = Axe().run(page).response["violations"]
    return [f"{page.url}: {v['id']} ({v['impact']}) at {[n['target'] for n in v['nodes']][:3]}"
            for v in found if v["impact"] in ("serious", "critical")]


def _sign_in(page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/")


@pytest.mark.parametrize("width", WIDTHS)
def test_no_serious_violations_for_visitors_and_moderators(browser, live_server, demo_forum, width):
    context = browser.new_context(base_url=live_server, viewport={"width": width, "height": 900})
    page = context.new_page()
    problems = []
    for url in VISITOR_PAGES:
        page.goto(url)
        problems += _serious(page)
    _sign_in(page, "rosa.delgado@example.org")
    for url in MODERATOR_PAGES:
        page.goto(url)
        problems += _serious(page)
    context.close()
    assert problems == []


def test_the_header_is_one_row_at_1280_px_and_never_touches_the_content(browser, live_server, demo_forum):
    context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    header = "document.querySelector('.site-header').getBoundingClientRect().height"
    page.goto("/")
    one_row = page.evaluate(header)
    _sign_in(page, "siobhan.brennan@example.org")  # an admin: the longest menu
    for url in ("/", "/threads/1", "/settings"):
        page.goto(url)
        assert page.evaluate(header) == one_row, url
        gap = page.evaluate("document.querySelector('main').firstElementChild.getBoundingClientRect().top"
                            " - document.querySelector('.site-header').getBoundingClientRect().bottom")
        assert gap >= 16, url
    context.close()


def test_on_a_phone_the_first_screen_of_the_front_page_shows_the_discussion(browser, live_server, demo_forum):
    context = browser.new_context(base_url=live_server, viewport={"width": 360, "height": 640})
    page = context.new_page()
    first_thread = ".front-month .thread-list__title"
    page.goto("/")
    assert page.locator(first_thread).first.bounding_box()["y"] + 20 < 640
    _sign_in(page, "rosa.delgado@example.org")
    assert page.locator(first_thread).first.bounding_box()["y"] + 20 < 640
    context.close()
