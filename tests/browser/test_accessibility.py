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
                 "/login", "/join", "/themes", "/themes/finding-time-to-collaborate/panel",
                 "/themes/leading-without-leaving-the-classroom/panel", "/posts/75/history")
MODERATOR_PAGES = ("/", "/threads/1", "/members", "/members/4", "/settings", "/settings/attachments",
                   "/notifications", "/moderate/",
                   "/moderate/themes/finding-time-to-collaborate/questions", "/moderate/reports",
                   "/moderate/themes/finding-time-to-collaborate/edit")


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
        assert page.goto(url).status == 200, url
        problems += _serious(page)
    _sign_in(page, "rosa.delgado@example.org")
    for url in MODERATOR_PAGES:
        assert page.goto(url).status == 200, url
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


@pytest.mark.parametrize("width", (1280, 1024, 800, 360))
def test_the_header_search_shows_its_whole_placeholder(browser, live_server, demo_forum, width):
    context = browser.new_context(base_url=live_server, viewport={"width": width, "height": 900})
    page = context.new_page()
    whole = "(() => { const box = document.getElementById('header-q'); box.value = box.placeholder;" \
            " return box.scrollWidth <= box.clientWidth; })()"
    page.goto("/")
    assert page.evaluate(whole)
    _sign_in(page, "siobhan.brennan@example.org")  # the longest menu beside it
    assert page.evaluate(whole)
    context.close()


def test_on_a_phone_a_thread_starts_with_its_first_post_and_no_line_starts_with_a_dot(
        browser, live_server, live_app, demo_forum):
    from forum.core.extensions import db
    from forum.models import Post, Thread, ThreadRead, User

    with live_app.app_context():  # a member who read the start of this month's discussion: every control shows
        jackie = User.by_email("jackie.wheeler@example.org")
        thread = next(t for t in db.session.scalars(db.select(Thread).where(Thread.facilitated))
                      if t.theme.state() == "open")
        opening = db.session.scalar(db.select(Post.id).where(Post.thread_id == thread.id, Post.parent_id.is_(None)))
        db.session.add(ThreadRead(user_id=jackie.id, thread_id=thread.id, last_read_post_id=opening))
        db.session.commit()
        thread_id = thread.id
    context = browser.new_context(base_url=live_server, viewport={"width": 360, "height": 640})
    page = context.new_page()
    _sign_in(page, "jackie.wheeler@example.org")
    page.goto(f"/threads/{thread_id}")
    for control in ("Jump to the first new post", "Notifications for this thread", "Find in this discussion"):
        assert page.get_by_label(control).or_(page.get_by_text(control)).first.is_visible(), control
    assert page.locator(".post--opening").bounding_box()["y"] + 40 < 640  # its author and first line
    dots, at_line_start = page.evaluate(DOTS_AT_LINE_STARTS)
    assert dots >= 4 and at_line_start == []
    context.close()


# Every "·" in the thread's header, and those that begin a line (of their paragraph or box).
DOTS_AT_LINE_STARTS = """(() => {
  const walker = document.createTreeWalker(document.querySelector('.thread-header'), NodeFilter.SHOW_TEXT);
  let node, dots = 0;
  const starting = [];
  while ((node = walker.nextNode())) {
    for (let i = node.data.indexOf('·'); i >= 0; i = node.data.indexOf('·', i + 1)) {
      dots++;
      const dot = document.createRange();
      dot.setStart(node, i);
      dot.setEnd(node, i + 1);
      const line = node.parentElement.closest('p, div, form').getBoundingClientRect().left;
      if (dot.getBoundingClientRect().left - line < 4) starting.push(node.parentElement.outerHTML);
    }
  }
  return [dots, starting];
})()"""
