"""A member's thread page in Chromium (issue 36): each post's exact time is written by the page's script
from the zone the page names once, and must read as the server's timefmt.Clock.exact would write it."""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from forum.core import timefmt
from forum.core.extensions import db
from forum.models import Post, User
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser

# Winter and summer in both zones, and a post in a year long past: each with its own abbreviation.
MOMENTS = (datetime(2026, 1, 8, 23, 30, tzinfo=timezone.utc), datetime(2025, 7, 4, 0, 5, tzinfo=timezone.utc),
           datetime(2019, 3, 31, 1, 15, tzinfo=timezone.utc))


@pytest.mark.parametrize("zone, order", [("Europe/Paris", timefmt.DAY_FIRST), (None, None)])
def test_each_post_s_exact_time_reads_as_the_server_writes_it_in_the_reader_s_zone(
        page, live_app, discussion, zone, order):
    with live_app.test_request_context():
        brett = db.session.scalar(db.select(User).where(User.email == "brett@example.org"))
        brett.time_zone, brett.date_order = zone, order
        posts = [db.session.get(Post, discussion[key]) for key in ("first", "nested")]
        posts[0].created_at, posts[1].created_at = MOMENTS[0], MOMENTS[1]
        opening = db.session.scalar(db.select(Post).where(Post.thread_id == discussion["thread"],
                                                          Post.parent_id.is_(None)))
        opening.created_at = MOMENTS[2]
        db.session.commit()
        clock = timefmt.Clock()
        clock.zone = ZoneInfo(zone or live_app.config["DISPLAY_TIMEZONE"])
        clock.month_first = (order or live_app.config["DATE_ORDER"]) == timefmt.MONTH_FIRST
        expected = {post.id: clock.exact(post.created_at) for post in (opening, *posts)}
    log_in(page, "brett@example.org")
    page.goto(f"/threads/{discussion['thread']}")
    for post_id, exact in expected.items():
        article = page.locator(f"#post-{post_id}")
        assert article.locator("header > a > time").get_attribute("title") == exact
        assert article.get_attribute("aria-label").endswith(f", {exact}")
    assert page.js_errors == []
