"""Moderators create and edit themes, panelists and resources."""
from __future__ import annotations

import time
from datetime import timedelta

import pytest

from forum.core.database import utcnow
from forum.core.extensions import db
from forum.models import Panelist, Resource, Theme, Thread

THEME = {
    "title": "Assessment that helps students think", "slug": "", "month": "2027-01",
    "summary": "How assessment can show thinking.", "blog_post": "We **start** here.",
    "panel_title": "Assessing sensemaking", "panel_at": "2027-01-12T19:00",
    "recording_url": "", "opens_at": "2027-01-12T00:00", "closes_at": "2027-02-09T00:00",
    "opening_post": "What does a good performance task look like?",
}


@pytest.fixture
def moderator(make_user, auth):
    make_user(email="mod@example.org", display_name="Rosa Delgado", role="moderator")
    auth.login(email="mod@example.org")


def theme(app, slug):
    with app.app_context():
        return db.session.scalar(db.select(Theme).where(Theme.slug == slug))


def test_moderator_creates_theme_with_facilitated_discussion(app, client, forms, moderator):
    response = forms.post("/moderate/themes/new", THEME)
    assert response.status_code == 302
    created = theme(app, "assessment-that-helps-students-think")
    assert created.month == "2027-01" and created.blog_post_html == "<p>We <strong>start</strong> here.</p>"
    # 19:00 in New York in January is 00:00 UTC the next day.
    assert created.panel_at.isoformat() == "2027-01-13T00:00:00+00:00"
    with app.app_context():
        thread = db.session.scalar(db.select(Thread).where(Thread.theme_id == created.id))
        assert thread.facilitated and thread.pinned
    html = client.get("/themes/assessment-that-helps-students-think").get_data(as_text=True)
    assert "Coming up" in html and "Assessing sensemaking" in html


@pytest.mark.parametrize("changes, message", [
    ({"closes_at": "2027-01-01T00:00"}, "must close after it opens"),
    ({"recording_url": "javascript:alert(1)"}, "starting with https://"),
    ({"recording_url": "ftp://example.org/x"}, "starting with https://"),
    ({"slug": "Not A Slug!"}, "lower-case letters"),
    ({"month": "2027-13"}, "YYYY-MM"),
    ({"title": ""}, "Give the theme a title"),
    ({"opens_at": "not a date"}, "Not a valid datetime value"),
])
def test_theme_validation_keeps_what_was_typed(app, client, forms, moderator, changes, message):
    response = forms.post("/moderate/themes/new", {**THEME, **changes})
    html = response.get_data(as_text=True)
    assert message in html
    assert "Assessing sensemaking" in html
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Theme.id))) == 0


def test_slug_must_be_unique(app, client, forms, moderator, make_theme):
    make_theme(slug="taken")
    html = forms.post("/moderate/themes/new", {**THEME, "slug": "taken"}).get_data(as_text=True)
    assert "Another theme already uses this address" in html


def test_edit_theme(app, client, forms, moderator, make_theme):
    make_theme()
    page = client.get("/moderate/themes/finding-time/edit").get_data(as_text=True)
    assert 'value="Finding time to collaborate"' in page
    response = forms.post("/moderate/themes/finding-time/edit",
                          {**THEME, "title": "Finding time, revisited", "slug": "finding-time",
                           "recording_url": "https://videos.example.org/panel"})
    assert response.status_code == 302
    edited = theme(app, "finding-time")
    assert edited.title == "Finding time, revisited" and edited.recording_url.startswith("https://")


def test_panelists_and_resources(app, client, forms, moderator, make_theme):
    make_theme()
    edit_page = "/moderate/themes/finding-time/edit"
    forms.post("/moderate/themes/finding-time/panelists", {"name": "Teresa Wojcik", "bio": "Principal"}, page=edit_page)
    forms.post("/moderate/themes/finding-time/resources",
               {"title": "Six models", "url": "https://example.org/six", "kind": "report", "note": "Why"},
               page=edit_page)
    html = forms.post("/moderate/themes/finding-time/resources",
                      {"title": "Bad", "url": "javascript:alert(1)", "kind": "report"},
                      page=edit_page).get_data(as_text=True)
    assert "starting with https://" in html and 'value="Bad"' in html
    page = client.get("/themes/finding-time").get_data(as_text=True)
    assert "Teresa Wojcik" in page and "Six models" in page
    with app.app_context():
        panelist = db.session.scalar(db.select(Panelist))
        resource = db.session.scalar(db.select(Resource))
    forms.post(f"/moderate/panelists/{panelist.id}/edit", {"name": "Teresa Wojcik-Lee", "bio": "x"})
    forms.post(f"/moderate/resources/{resource.id}/delete", {}, page=edit_page)
    with app.app_context():
        assert db.session.get(Panelist, panelist.id).name == "Teresa Wojcik-Lee"
        assert db.session.get(Resource, resource.id) is None



def test_a_panel_offers_its_registration_link_until_it_happens(app, client, forms, moderator):
    forms.post("/moderate/themes/new", {**THEME, "panel_join_url": "https://webinars.example.org/join/42"})
    url = "/themes/assessment-that-helps-students-think"
    page = client.get(url).get_data(as_text=True)
    assert '<a class="button button--small" href="https://webinars.example.org/join/42" rel="noopener">' \
           'Register for the live panel</a>' in page
    calendar = client.get(f"{url}/calendar.ics").get_data(as_text=True)
    assert "Register or join: https://webinars.example.org/join/42" in calendar.replace("\r\n ", "")
    exported = app.test_cli_runner().invoke(args=["archive", "export", "-"]).stdout
    assert '"join_url": "https://webinars.example.org/join/42"' in exported

    with app.app_context():
        created = db.session.scalar(db.select(Theme).where(Theme.slug == "assessment-that-helps-students-think"))
        created.panel_at = utcnow() + timedelta(seconds=1)
        db.session.commit()
    visitor = app.test_client()
    assert "Register for the live panel" in visitor.get(url).get_data(as_text=True)  # kept for visitors
    time.sleep(1.2)  # the panel starts; no row changes, only the clock
    assert "Register for the live panel" not in visitor.get(url).get_data(as_text=True)
    assert "Register for the live panel" not in client.get(url).get_data(as_text=True)


def test_a_registration_link_must_be_a_web_address(app, forms, moderator):
    response = forms.post("/moderate/themes/new", {**THEME, "panel_join_url": "javascript:alert(1)"})
    assert response.status_code == 200
    assert theme(app, "assessment-that-helps-students-think") is None
