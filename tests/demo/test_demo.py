"""The demo community: an archive file, dated from the day it is loaded."""
from __future__ import annotations

import io
import json
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, select

from forum import demo
from forum.models.themes import month_label
from forum.core.extensions import db
from forum.models import Post, Theme
from tests.conftest import csrf_from

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def test_loaded_on_the_day_it_was_recorded_the_demo_exports_as_its_own_file(app, runner):
    with app.app_context():
        demo.load(demo.RECORDED_ON + timedelta(hours=15))
    result = runner.invoke(args=["archive", "export", "-"])
    assert result.exit_code == 0, result.output
    assert result.stdout == demo.COMMUNITY.read_text(encoding="utf-8")


def test_every_time_moves_with_the_day_the_demo_is_loaded(app):
    recorded = json.loads(demo.COMMUNITY.read_text(encoding="utf-8"))
    today = datetime(2031, 7, 9, 16, 30, tzinfo=timezone.utc)
    shift = datetime(2031, 7, 9, tzinfo=timezone.utc) - demo.RECORDED_ON
    with app.app_context():
        demo.load(today)
        themes = db.session.scalars(select(Theme).order_by(Theme.opens_at)).all()
        posts = db.session.scalars(select(Post.created_at).order_by(Post.id)).all()
    for theme, written in zip(themes, recorded["themes"], strict=True):
        opens = datetime.fromisoformat(written["opens_at"]) + shift
        assert theme.opens_at.replace(tzinfo=timezone.utc) == opens
    # Months move by whole months, so the theme open on the recorded day is named for today's month.
    assert [theme.month for theme in themes] == ["2031-04", "2031-05", "2031-07", "2031-08"]
    written_times = sorted(datetime.fromisoformat(post["created_at"])
                           for theme in recorded["themes"] for thread in theme["threads"]
                           for post in [thread, *thread["posts"]])
    assert sorted(at.replace(tzinfo=timezone.utc) for at in posts) == [at + shift for at in written_times]


def test_the_open_theme_is_labelled_with_the_current_month(app, runner, client):
    # Loaded early in a month, the open theme opened late in the one before: named for this one all the same.
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    this_month = month_label(datetime.now(timezone.utc).strftime("%Y-%m"))
    page = client.get("/themes/finding-time-to-collaborate").get_data(as_text=True)
    label, state = re.search(r'class="theme-header__month">([^<]*)<span class="badge badge--(\w+)"', page).groups()
    assert (label.strip(), state) == (this_month, "open")


@pytest.mark.parametrize("today", ["2026-12-01", "2026-12-06", "2026-12-31", "2027-03-01", "2027-02-28"])
def test_whichever_day_the_demo_is_loaded_the_open_theme_is_that_month_s(app, today):
    loaded_on = datetime.fromisoformat(today + "T12:00:00+00:00")
    with app.app_context():
        demo.load(loaded_on)
        [open_theme] = [theme for theme in db.session.scalars(select(Theme)) if theme.state(loaded_on) == "open"]
    assert open_theme.month == today[:7]


def test_make_run_s_demo_shows_an_open_month_and_signs_members_in(app, runner, client, auth):
    result = runner.invoke(args=["demo", "load", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert result.output == "Loaded the demo community: 15 members, 4 themes and 101 posts.\n"
    assert runner.invoke(args=["demo", "load", "--if-empty"]).output == ""  # a second run leaves it be
    refused = runner.invoke(args=["demo", "load"])
    assert refused.exit_code == 1 and "already has themes" in refused.output

    home = client.get("/").get_data(as_text=True)
    assert "Finding time to collaborate" in home  # the month open on the recorded day is open today
    assert client.get("/themes/finding-time-to-collaborate").status_code == 200
    login = auth.login("rosa.delgado@example.org", demo.DEMO_PASSWORD)
    assert login.status_code == 302
    assert ">Moderate</a>" in client.get("/").get_data(as_text=True)


def test_the_demo_comes_out_again_and_leaves_the_forum_s_own_content(app, runner, client, auth, make_user,
                                                                       make_theme, make_thread, add_reply):
    from forum.models import PanelQuestion, Post, Thread, User

    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    auth.login("rosa.delgado@example.org", demo.DEMO_PASSWORD)  # a demo member's login is audited
    token = csrf_from(client.get("/settings").get_data(as_text=True))
    attached = client.post("/uploads", data={"csrf_token": token, "file": (io.BytesIO(PDF), "agenda.pdf")},
                           content_type="multipart/form-data")
    assert attached.status_code == 200, attached.get_data(as_text=True)
    auth.logout()
    real = make_user(email="real@example.org", display_name="Real Teacher")
    make_theme(slug="our-own-month", title="Our own month")
    thread, opening = make_thread("our-own-month", real, title="A real discussion")
    with app.app_context():
        demo_thread = db.session.scalar(select(Thread.id).order_by(Thread.id))
    add_reply(demo_thread, real, "A real member replied in the demo")
    with app.app_context():
        jackie = db.session.scalar(select(User.id).where(User.email == "jackie.wheeler@example.org"))
    add_reply(thread, jackie, "A demo member who joined the real discussion", opening)

    refused = runner.invoke(args=["demo", "remove"], input="n\n")
    assert refused.exit_code == 1  # asked, and told no
    result = runner.invoke(args=["demo", "remove", "--yes"])
    assert result.exit_code == 0, result.output
    assert ("Removed 4 themes, 102 posts and 14 members; 1 demo member kept, "
            "as something outside the demo is theirs.") in result.output
    with app.app_context():
        assert [t for t, in db.session.execute(select(Theme.slug))] == ["our-own-month"]
        assert db.session.scalar(select(func.count(Post.id))) == 2
        assert db.session.get(User, jackie) is not None
        assert db.session.scalar(select(func.count(PanelQuestion.id))) == 0
        assert db.session.get(User, real).email == "real@example.org"
        assert db.session.scalar(select(func.count(User.id)).where(User.email == "rosa.delgado@example.org")) == 0
    assert not [path for path in Path(app.config["UPLOAD_FOLDER"]).rglob("*") if path.is_file()]  # her file too
    assert client.get("/").status_code == 200
    assert "Our own month" in client.get("/themes").get_data(as_text=True)
    assert "collaboration" not in client.get("/search?q=collaboration").get_data(as_text=True).split('id="results"')[-1]
