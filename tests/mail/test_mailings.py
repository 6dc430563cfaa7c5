"""Digests and the month's emails: to whom, when, what they say, and never twice or empty."""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest

from forum.mail import mailings
from forum.worker import loop as worker
from forum.core.database import utcnow
from forum.core.extensions import db
from forum.models import Mailing, PanelQuestion, Panelist, Post, Resource, Theme, Thread, User

NEW_YORK = ZoneInfo("America/New_York")


def at(text: str) -> datetime:
    """A New York wall-clock time, as an aware instant."""
    return datetime.fromisoformat(text).replace(tzinfo=NEW_YORK)


@pytest.mark.parametrize("now, kind, key, start", [
    ("2026-12-02 06:59", mailings.DIGEST_DAILY, "digest-daily:2026-11-30", "2026-11-30 00:00"),
    ("2026-12-02 07:00", mailings.DIGEST_DAILY, "digest-daily:2026-12-01", "2026-12-01 00:00"),
    ("2026-11-30 06:00", mailings.DIGEST_WEEKLY, "digest-weekly:2026-W47", "2026-11-16 00:00"),
    ("2026-11-30 07:30", mailings.DIGEST_WEEKLY, "digest-weekly:2026-W48", "2026-11-23 00:00"),
    ("2026-11-02 08:00", mailings.DIGEST_WEEKLY, "digest-weekly:2026-W44", "2026-10-26 00:00"),  # across DST
])
def test_digest_periods_are_whole_local_days_and_weeks(app, now, kind, key, start):
    with app.app_context():
        made_key, made_start, made_end = mailings.digest_period(kind, at(now))
    assert made_key == key and made_start == at(start)
    days = 1 if kind == mailings.DIGEST_DAILY else 7
    assert made_end.astimezone(NEW_YORK) == (made_start.astimezone(NEW_YORK) + timedelta(days=days))
    assert made_end.astimezone(NEW_YORK).hour == 0  # local midnight, even across a clock change


@pytest.fixture
def community(app, make_user, make_theme, make_thread, add_reply):
    people = {
        "weekly": make_user(email="weekly@example.org", display_name="Wanda Weekly"),
        "daily": make_user(email="daily@example.org", display_name="Dan Daily", digest="daily"),
        "none": make_user(email="none@example.org", display_name="Nora None", digest="none", month_emails=True),
        "month": make_user(email="month@example.org", display_name="Mo Month", digest="none", month_emails=True),
        "imported": make_user(email="imported@example.org", display_name="Ivy Imported", password=None,
                              month_emails=True),
        "mod": make_user(email="mod@example.org", display_name="Rosa Delgado", role="moderator", digest="none"),
    }
    make_theme()
    make_theme(slug="next-month", title="Assessment that teaches", state="upcoming")
    return people


def run(app, now=None):
    with app.app_context():
        if now is not None:
            mailings.schedule(now)
        return worker.run_once()


def backdate(app, when: datetime) -> None:
    """Move every post and thread to `when`, as if written then."""
    with app.app_context():
        db.session.execute(db.update(Post).values(created_at=when))
        db.session.execute(db.update(Thread).values(created_at=when, last_post_at=when))
        db.session.commit()


def month_around(app, moment: datetime) -> None:
    """The community's themes timed around `moment` as make_theme times them around now: the
    open one opened five days before (too long ago to announce), the next opens ten days after.
    A test that runs the worker at a fixed time needs this, or it changes with the real date."""
    with app.app_context():
        for slug, opens, closes in (("finding-time", -5, 20), ("next-month", 10, 38)):
            theme = db.session.scalar(db.select(Theme).where(Theme.slug == slug))
            theme.opens_at, theme.closes_at = moment + timedelta(days=opens), moment + timedelta(days=closes)
        db.session.commit()


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def test_a_weekly_digest_goes_once_to_those_who_chose_it(app, mail_server, community, make_thread, add_reply):
    thread, opening = make_thread("finding-time", community["mod"], title="Release time for coaches")
    add_reply(thread, community["mod"], "We negotiated two periods a week.", opening)
    backdate(app, at("2026-11-25 10:00"))
    monday_morning = at("2026-11-30 08:00")
    month_around(app, monday_morning)
    run(app, monday_morning)
    [weekly] = mail_server.to("weekly@example.org")
    assert weekly["Subject"] == "STEM Teacher Leaders: what happened in the week of November 23"
    body = text_of(weekly)
    assert "Here is what happened in STEM Teacher Leaders in the week of November 23." in body
    assert "Release time for coaches, started by Rosa Delgado in Finding time to collaborate (1 reply)" in body
    assert "Assessment that teaches: the discussion opens" in body  # the upcoming theme
    assert weekly["List-Unsubscribe"]
    assert mail_server.to("daily@example.org") == []  # that was a Wednesday: not yesterday's digest
    assert mail_server.to("none@example.org") == [] and mail_server.to("imported@example.org") == []

    run(app, monday_morning + timedelta(hours=3))  # the worker comes back: the same period, nothing more
    assert len(mail_server.to("weekly@example.org")) == 1


def test_a_period_with_nothing_new_sends_no_digest(app, mail_server, community):
    month_around(app, at("2026-11-30 08:00"))
    run(app, at("2026-11-30 08:00"))
    assert mail_server.received == []
    with app.app_context():
        digest = db.session.scalar(db.select(Mailing).where(Mailing.key == "digest-weekly:2026-W48"))
        assert digest.finished_at is not None and digest.sent == 0


def test_a_daily_digest_covers_yesterday(app, mail_server, community, make_thread):
    make_thread("finding-time", community["mod"], title="Yesterday's thread")
    backdate(app, at("2026-12-01 15:00"))
    month_around(app, at("2026-12-02 07:05"))
    run(app, at("2026-12-02 07:05"))
    [daily] = mail_server.to("daily@example.org")
    # A day is "on" it, as a week is "in" it.
    assert daily["Subject"] == "STEM Teacher Leaders: what happened on Tuesday, December 1"
    assert "Here is what happened in STEM Teacher Leaders on Tuesday, December 1." in text_of(daily)
    assert "Yesterday's thread" in text_of(daily)


def test_a_big_audience_is_composed_in_batches_once_each(app, mail_server, community, make_user, make_thread,
                                                         monkeypatch):
    monkeypatch.setattr(mailings, "MEMBERS_PER_BATCH", 2)
    for n in range(5):
        make_user(email=f"reader{n}@example.org", display_name=f"Reader {n}")
    make_thread("finding-time", community["mod"], title="Something to tell")
    backdate(app, at("2026-11-25 10:00"))
    month_around(app, at("2026-11-30 08:00"))
    run(app, at("2026-11-30 08:00"))
    weekly = [m["To"] for m in mail_server.received]
    assert sorted(weekly) == sorted(["weekly@example.org"] + [f"reader{n}@example.org" for n in range(5)])


def test_the_opening_of_a_theme_is_announced_to_those_who_opted_in(app, mail_server, community, make_thread):
    with app.app_context():
        theme = db.session.scalar(db.select(Theme).where(Theme.slug == "finding-time"))
        theme.opens_at = utcnow() - timedelta(hours=3)
        theme.panel_title, theme.panel_at = "Leading from the classroom", utcnow() - timedelta(hours=4)
        theme.panelists = [Panelist(name="Dr. Alberts", bio="physics department head")]
        theme.resources = [Resource(title="Protected time, a study", url="https://example.org/study",
                                    note="What twelve schools did.")]
        db.session.commit()
    from forum.themes import months as themes

    with app.test_request_context():
        theme = db.session.scalar(db.select(Theme).where(Theme.slug == "finding-time"))
        themes.start_facilitated_thread(theme, db.session.get(User, community["mod"]),
                                               "Where does your collaboration time come from?")
        db.session.commit()
    run(app, utcnow())
    [opening] = mail_server.to("month@example.org")
    assert opening["Subject"] == "The discussion of “Finding time to collaborate” is open"
    body = text_of(opening)
    for expected in ("THE PANEL: Leading from the classroom", "Dr. Alberts, physics department head",
                     "Where does your collaboration time come from?", "Protected time, a study: https://example.org/study"):
        assert expected in body
    assert mail_server.to("weekly@example.org") == []  # not opted in
    assert mail_server.to("imported@example.org") == []  # can't log in yet
    run(app, utcnow())
    assert len(mail_server.to("month@example.org")) == 1


def test_a_published_question_says_which_of_how_many(app, mail_server, community, auth, make_due_question):
    with app.app_context():
        theme = db.session.scalar(db.select(Theme).where(Theme.slug == "finding-time"))
        for text in ("First question?", "Third question?"):
            db.session.add(PanelQuestion(theme=theme, question=text, asked_by="A. Guest"))
        db.session.add(PanelQuestion(theme=theme, question="Dismissed one?", asked_by="A. Guest", status="dismissed"))
        db.session.commit()
        first = db.session.scalar(db.select(PanelQuestion.id).where(PanelQuestion.question == "First question?"))
    auth.login(email="mod@example.org")
    assert auth.forms.post(f"/moderate/questions/{first}/publish", {},
                           page="/moderate/themes/finding-time/questions").status_code == 302
    make_due_question("Second question, asked in the chat?")
    run(app)
    subjects = sorted(m["Subject"] for m in mail_server.to("month@example.org"))
    assert subjects == ["Question 1 of 3 from the webinar panel is open",
                        "Question 2 of 3 from the webinar panel is open"]
    second = next(m for m in mail_server.to("month@example.org") if "2 of 3" in m["Subject"])
    body = text_of(second)
    assert "Second question, asked in the chat?" in body and "Asked by A. Guest." in body
    link = re.search(r"Reply in the discussion: (\S+)", body).group(1)
    assert app.test_client().get(urlsplit(link).path).status_code == 302


def test_a_week_before_closing_what_is_unanswered(app, mail_server, community, make_thread, add_reply,
                                                  make_due_question):
    make_due_question("Nobody has answered this one?")
    make_thread("finding-time", community["mod"], title="A thread nobody answered")
    answered, opening = make_thread("finding-time", community["mod"], title="A thread with a reply")
    add_reply(answered, community["mod"], "A reply.", opening)
    run(app)
    with app.app_context():
        theme = db.session.scalar(db.select(Theme).where(Theme.slug == "finding-time"))
        theme.closes_at = utcnow() + timedelta(days=6)
        db.session.commit()
    run(app, utcnow())
    [closing] = [m for m in mail_server.to("month@example.org") if "One week left" in m["Subject"]]
    body = text_of(closing)
    assert "Nobody has answered this one?" in body and "A thread nobody answered" in body
    assert "A thread with a reply" not in body


def test_one_click_leaves_digests_only(app, mail_server, community, make_thread):
    make_thread("finding-time", community["mod"], title="Something")
    backdate(app, at("2026-11-25 10:00"))
    month_around(app, at("2026-11-30 08:00"))
    run(app, at("2026-11-30 08:00"))
    [digest] = mail_server.to("weekly@example.org")
    path = urlsplit(re.fullmatch(r"<(.+)>", digest["List-Unsubscribe"]).group(1)).path
    page = app.test_client().post(path, data={"List-Unsubscribe": "One-Click"})
    assert "No more digest emails" in page.get_data(as_text=True)
    with app.app_context():
        member = db.session.get(User, community["weekly"])
        assert member.digest == "none" and member.email_notifications


def test_mail_digest_on_the_command_line(app, runner, mail_server, community, make_thread):
    make_thread("finding-time", community["mod"], title="For the cron job")
    with app.app_context():
        key, start, _ = mailings.digest_period(mailings.DIGEST_WEEKLY, utcnow())
    backdate(app, start + timedelta(hours=12))
    result = runner.invoke(args=["mail", "digest"])
    assert result.exit_code == 0, result.output
    assert "sent" in result.output and len(mail_server.to("weekly@example.org")) == 1
    assert len(runner.invoke(args=["mail", "digest"]).output) and len(mail_server.to("weekly@example.org")) == 1


def test_mail_kept_as_files_is_logged_once_a_batch(app, community, make_user, make_thread, caplog, tmp_path):
    # make run's demo sends its members a digest at once: one line for them, not one each.
    for n in range(3):
        make_user(email=f"reader{n}@example.org", display_name=f"Reader {n}")
    make_thread("finding-time", community["mod"], title="Something to tell")
    backdate(app, at("2026-11-25 10:00"))
    month_around(app, at("2026-11-30 08:00"))
    caplog.set_level("INFO", logger=app.logger.name)
    run(app, at("2026-11-30 08:00"))
    kept = sorted((tmp_path / "mail").glob("*.eml"))
    assert len(kept) == 4
    lines = [record.getMessage() for record in caplog.records if "kept in" in record.getMessage()]
    assert lines == [f"4 emails kept in {tmp_path / 'mail'} (no MAIL_SERVER set): "
                     f"{kept[0].name} to {kept[-1].name}"]
