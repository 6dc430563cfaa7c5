"""Limits on costly actions: what was typed is kept, and the answer is 429, never a lost post."""
from __future__ import annotations

from sqlalchemy import func, select

from forum.core.extensions import db
from forum.models import OutgoingMail
from tests.conftest import PASSWORD, Forms, csrf_from


def test_joining_is_limited_per_address(app, client, forms):
    app.config["RATE_LIMITS"] = {**app.config["RATE_LIMITS"], "join": [2, 3600]}
    for n in range(2):
        Forms(app.test_client()).post("/join", {"display_name": f"Teacher {n}", "email": f"t{n}@example.org",
                                    "password": "a long enough sentence"}, page="/join")
    response = forms.post("/join", {"display_name": "Teacher Three", "email": "t3@example.org",
                                    "password": "a long enough sentence"}, page="/join")
    page = response.get_data(as_text=True)
    assert response.status_code == 429 and "Many accounts were made from your network" in page
    assert 'value="Teacher Three"' in page and 'value="t3@example.org"' in page


def test_posting_is_limited_per_member_and_the_text_is_kept(app, client, auth, make_user, make_theme, make_thread):
    app.config["RATE_LIMITS"] = {**app.config["RATE_LIMITS"], "post": [2, 600]}
    member = make_user()
    make_theme()
    thread, _ = make_thread("finding-time", member)
    auth.login()
    for n in range(2):
        assert auth.forms.post(f"/threads/{thread}/posts", {"body": f"Reply {n}"},
                               page=f"/threads/{thread}").status_code == 302
    response = auth.forms.post(f"/threads/{thread}/posts", {"body": "The third, kept for later."},
                               page=f"/threads/{thread}")
    page = response.get_data(as_text=True)
    assert response.status_code == 429 and "You have posted a lot" in page
    assert "The third, kept for later." in page
    started = auth.forms.post("/themes/finding-time/threads", {"title": "A new thread", "body": "Also kept."},
                              page="/themes/finding-time")
    assert started.status_code == 429 and "Also kept." in started.get_data(as_text=True)


def test_previews_are_limited_per_member(app, client, auth, make_user):
    app.config["RATE_LIMITS"] = {**app.config["RATE_LIMITS"], "preview": [2, 60]}
    make_user()
    auth.login()
    token = csrf_from(client.get("/settings").get_data(as_text=True))
    answers = [client.post("/preview", data={"body": "**hi**"}, headers={"X-CSRFToken": token}) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[2].headers["Retry-After"] == "60" and "Too many previews" in answers[2].json["html"]


def test_wrong_current_passwords_are_limited(app, client, auth, forms, make_user):
    make_user()
    auth.login()
    change = lambda current: forms.post("/settings/password", {  # noqa: E731
        "current_password": current, "new_password": "a brand new sentence", "confirm_password": "a brand new sentence"},
        page="/settings")
    for _ in range(5):
        assert change("not it at all").status_code == 200
    refused = change(PASSWORD)  # even the right one, for a quarter of an hour
    assert refused.status_code == 429 and "Too many wrong current passwords" in refused.get_data(as_text=True)


def test_wrong_passwords_for_an_email_change_are_limited_with_the_others(app, client, auth, forms, make_user):
    make_user()
    auth.login()
    change = lambda password: forms.post("/settings/email-address", {  # noqa: E731
        "new_email": "maria@newschool.org", "password": password}, page="/settings")
    wrong_current = forms.post("/settings/password", {
        "current_password": "not it at all", "new_password": "a brand new sentence",
        "confirm_password": "a brand new sentence"}, page="/settings")
    assert wrong_current.status_code == 200  # one limit for every form that asks for the password
    for _ in range(4):
        assert change("not it at all").status_code == 200
    refused = change(PASSWORD)  # even the right one, for a quarter of an hour
    page = refused.get_data(as_text=True)
    assert refused.status_code == 429 and "Too many wrong passwords" in page
    assert 'value="maria@newschool.org"' in page  # what was typed is kept
    with app.app_context():
        assert db.session.scalar(select(func.count(OutgoingMail.id))) == 0  # no link was sent
