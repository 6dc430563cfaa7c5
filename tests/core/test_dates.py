"""Dates as members read them: one formatter, in their own zone and order, the same on every page."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from forum import create_app
from forum.core.config import ConfigurationError
from forum.core.database import utcnow
from forum.core.extensions import db
from forum.models import Theme, User
from tests.conftest import csrf_from


def _opens_late_at_night_in_new_york(app, slug: str) -> datetime:
    """Move the theme's opening to 03:00 UTC some days ahead: the evening before, in New York."""
    day = (utcnow() + timedelta(days=6)).date()
    opens = datetime(day.year, day.month, day.day, 3, 0, tzinfo=timezone.utc)
    with app.app_context():
        theme = db.session.scalar(select(Theme).where(Theme.slug == slug))
        theme.opens_at, theme.closes_at = opens, opens + timedelta(days=28)
        db.session.commit()
    return opens


def test_an_upcoming_theme_opens_on_the_same_day_on_every_page(app, client, auth, make_user, make_theme):
    make_user()
    make_theme(slug="next-month", title="Assessment that teaches", state="upcoming")
    opens = _opens_late_at_night_in_new_york(app, "next-month")
    evening_before = opens - timedelta(hours=5)  # New York is 5 hours behind UTC in winter, 4 in summer
    in_new_york = {f"{evening_before:%B} {evening_before.day}, {evening_before.year}",
                   f"{(opens - timedelta(hours=4)):%B} {(opens - timedelta(hours=4)).day}, {opens.year}"}
    utc_day = f"{opens:%B} {opens.day}"

    home = client.get("/").get_data(as_text=True)
    assert "Next month · opens " in home
    auth.login()
    theme_page = client.get("/themes/next-month").get_data(as_text=True)
    notice = re.search(r"The discussion of “Assessment that teaches” opens on ([^.]+)\.", theme_page)
    assert notice, "a member sees when the discussion opens"
    assert notice.group(1) in in_new_york  # was the UTC date, a day later than the home page said
    assert notice.group(1).startswith(utc_day) is False
    assert f"opens {notice.group(1)}" in home


def test_a_member_reads_times_in_their_own_zone_and_order(app, client, auth, forms, make_user, make_theme,
                                                          make_thread):
    member = make_user()
    make_theme()
    thread, _ = make_thread("finding-time", member, title="Release time")
    # The thread page names the reader's zone and order once, for its script to write each post's exact
    # time (tests/browser/test_member_page_browser.py); the recent activity's times are the server's.
    page = client.get(f"/threads/{thread}").get_data(as_text=True)
    assert 'data-zone="America/New_York" data-month-first="1"' in page
    home = client.get("/").get_data(as_text=True)
    assert re.search(r'<time datetime="[^"]+" title="\w+, \w+ \d+, \d{4}, \d+:\d\d [ap]m E[SD]T">', home)

    auth.login()
    saved = forms.post("/settings/dates", {"time_zone": "Europe/Berlin", "date_order": "day-first"},
                       page="/settings", follow_redirects=True)
    assert "Your date settings are saved" in saved.get_data(as_text=True)
    with app.app_context():
        chosen = db.session.get(User, member)
        assert (chosen.time_zone, chosen.date_order) == ("Europe/Berlin", "day-first")
    page = client.get(f"/threads/{thread}").get_data(as_text=True)
    assert 'data-zone="Europe/Berlin" data-month-first=""' in page and "&#34;CET&#34;" in page
    home = client.get("/").get_data(as_text=True)
    assert re.search(r'<time datetime="[^"]+" title="\w+ \d+ \w+ \d{4}, \d+:\d\d [ap]m CES?T">', home)

    refused = forms.post("/settings/dates", {"time_zone": "Mars/Olympus_Mons", "date_order": "day-first"},
                         page="/settings", follow_redirects=True)
    assert "Choose a time zone and a date order from the lists." in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, member).time_zone == "Europe/Berlin"

    forms.post("/settings/dates", {"time_zone": "", "date_order": ""}, page="/settings")
    with app.app_context():
        assert db.session.get(User, member).time_zone is None  # back to the community's
    auth.logout()
    page = client.get(f"/threads/{thread}").get_data(as_text=True)
    assert "CET" not in page and "CEST" not in page  # a visitor's page stays in the community's zone


def test_the_front_page_names_the_open_window_not_a_month(app, client, make_theme):
    make_theme(month="2026-11")  # November's theme, open into the first days of December
    make_theme(slug="next-month", title="Assessment that teaches", state="upcoming")
    home = client.get("/").get_data(as_text=True)
    assert "Theme of the month · November" not in home
    assert re.search(r"This month · open until \w+ \d+, \d{4}", home)
    assert re.search(r"the next theme opens \w+ \d+, \d{4}", home)


@pytest.mark.parametrize("setting, value", [("DISPLAY_TIMEZONE", "Eastern"), ("DATE_ORDER", "yyyy-mm-dd")])
def test_a_misspelt_date_setting_stops_the_app_from_starting(tmp_path, setting, value):
    with pytest.raises(ConfigurationError, match=setting):
        create_app({"TESTING": True, "SECRET_KEY": "k" * 40, setting: value,
                    "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'f.sqlite3'}"})


def test_the_settings_page_offers_places_not_aliases(client, auth, make_user):
    make_user()
    auth.login()
    page = client.get("/settings").get_data(as_text=True)
    token = csrf_from(page)
    assert token
    assert '<option value="America/Chicago">America/Chicago</option>' in page
    assert '<option value="America/Argentina/Buenos_Aires">America/Argentina/Buenos Aires</option>' in page
    assert 'value="EST5EDT"' not in page and 'value="Etc/GMT+5"' not in page
    assert "The community&#39;s: America/New York" in page
