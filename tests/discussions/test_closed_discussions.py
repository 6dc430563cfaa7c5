"""What visitors are offered when a discussion is not open, the way back to a reply, and calendars."""
from __future__ import annotations

import html
import re
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs, unquote, urlsplit

from sqlalchemy import select

from forum.core.extensions import db
from forum.models import Panelist, Theme
from tests.conftest import PASSWORD, csrf_from


def _theme(app, slug: str) -> Theme:
    with app.app_context():
        return db.session.scalar(select(Theme).where(Theme.slug == slug))


def test_a_visitor_is_told_when_an_upcoming_theme_opens_not_asked_to_log_in(client, make_theme):
    make_theme(slug="next-month", title="Assessment that teaches", state="upcoming")
    page = client.get("/themes/next-month").get_data(as_text=True)
    assert "to start a thread or reply" not in page  # nobody can, until it opens
    assert re.search(r"The discussion of “Assessment that teaches” opens on \w+ \d+, \d{4}\.", page)
    assert 'href="/themes/next-month/calendar.ics"' in page
    assert "join</a> to be told when it opens" in page


def test_an_archived_thread_offers_visitors_no_reply(app, client, make_user, make_theme, make_thread):
    member = make_user()
    make_theme()
    thread, opening = make_thread("finding-time", member)
    with app.app_context():
        theme = db.session.scalar(select(Theme))
        theme.opens_at, theme.closes_at = theme.opens_at - timedelta(days=90), theme.opens_at - timedelta(days=60)
        db.session.commit()
    page = client.get(f"/threads/{thread}").get_data(as_text=True)
    assert "to reply." not in page and ">Reply</a>" not in page
    assert "is archived: it can be read but takes no new posts." in page


def test_a_visitor_s_reply_link_comes_back_to_that_post_with_its_box_open(app, client, make_user, make_theme,
                                                                         make_thread, add_reply):
    member = make_user()
    make_theme()
    thread, opening = make_thread("finding-time", member)
    reply = add_reply(thread, member, "A reply to answer.", opening)
    page = client.get(f"/threads/{thread}").get_data(as_text=True)
    # The opening post's Reply first, then the reply's.
    link = html.unescape(re.findall(r'<a href="([^"]+)">Reply</a>', page)[-1])
    assert urlsplit(link).path == "/login"
    back = unquote(parse_qs(urlsplit(link).query)["next"][0])
    assert back.endswith(f"reply_to={reply}#reply-{reply}")  # was the thread's address alone

    login_page = client.get(link).get_data(as_text=True)
    signed_in = client.post(link, data={"csrf_token": csrf_from(login_page), "email": "member@example.org",
                                        "password": PASSWORD})
    assert signed_in.status_code == 302 and signed_in.headers["Location"] == back
    opened = client.get(back.split("#")[0]).get_data(as_text=True)
    assert f'id="reply-{reply}"' in opened and f'name="parent_id" value="{reply}"' in opened


def test_a_theme_s_dates_download_as_a_calendar_file(app, client, make_theme):
    make_theme(title="Time, space; and collaboration", panel_title="Protecting time",
               panel_at=datetime(2030, 1, 15, 0, 30, tzinfo=timezone.utc))
    with app.app_context():
        theme = db.session.scalar(select(Theme))
        theme.panelists = [Panelist(name="Teresa Wójcik", bio="", position=0)]
        db.session.commit()
    response = client.get("/themes/finding-time/calendar.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    assert response.headers["Content-Disposition"] == 'attachment; filename="finding-time.ics"'
    raw = response.get_data()
    assert raw.endswith(b"\r\n") and b"\n" not in raw.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    text = raw.decode("utf-8").replace("\r\n ", "")  # unfolded
    assert "DTSTART:20300115T003000Z\r\nDTEND:20300115T013000Z" in text  # the panel, in UTC
    assert "SUMMARY:Discussion: Time\\, space\\; and collaboration" in text
    assert "Teresa Wójcik" in text
    assert text.count("BEGIN:VEVENT") == 2
    assert client.get("/themes/no-such-theme/calendar.ics").status_code == 404


def test_a_thread_offers_a_reply_at_the_top(client, auth, make_user, make_theme, make_thread):
    member = make_user()
    make_theme()
    thread, opening = make_thread("finding-time", member)
    page = client.get(f"/threads/{thread}").get_data(as_text=True)
    top = page[:page.index('id="replies-heading"')]
    assert 'class="thread-header__reply">Reply to the thread</a>' in top and "/login?next=" in top
    auth.login()
    top = client.get(f"/threads/{thread}").get_data(as_text=True)
    assert f'#reply-{opening}" class="thread-header__reply" data-reply-to="{opening}">Reply to the thread</a>' in top
