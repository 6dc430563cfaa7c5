"""Emails about one post can be answered: Reply-To and the sentence; emails of many posts cannot."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from forum.core.extensions import db
from forum.mail import mailings
from forum.models import OutgoingMail, PanelQuestion, Post, Thread, User
from forum.worker import loop
from tests.conftest import reply_as
from tests.replies_by_email.conftest import BRETT, JOSE, deliver, message, replies_to, reply_address, run_worker

SENTENCE = "Reply to this email to answer in the discussion."


def _parts(message) -> tuple[str, str]:
    return (message.get_body(preferencelist=("plain",)).get_content(),
            message.get_body(preferencelist=("html",)).get_content())


def test_a_notification_of_one_reply_can_be_answered_by_email(app, mail_server, forum, add_reply):
    joses = add_reply(forum["thread"], forum["jose"], "We meet on Tuesdays.", forum["post"])
    run_worker(app)
    mail_server.reset()
    brett_s = reply_as(app, BRETT, forum["thread"], "How long are your meetings?", parent_id=joses)
    run_worker(app)
    [email] = mail_server.to(JOSE)
    address = reply_address(app, forum["jose"], brett_s)
    assert email["Reply-To"] == address
    text, html = _parts(email)
    assert SENTENCE in text and SENTENCE in html
    # José answers the email itself: his reply lands under Brett's.
    deliver(app, message("gmail", address))
    run_worker(app)
    assert [author for author, _ in replies_to(app, brett_s)] == [forum["jose"]]


def test_with_no_incoming_domain_emails_carry_no_reply_address(app, mail_server, forum, add_reply):
    app.config["MAIL_INCOMING_DOMAIN"] = ""
    joses = add_reply(forum["thread"], forum["jose"], "We meet on Tuesdays.", forum["post"])
    reply_as(app, BRETT, forum["thread"], "How long are your meetings?", parent_id=joses)
    run_worker(app)
    [email] = mail_server.to(JOSE)
    assert email["Reply-To"] is None
    assert all(SENTENCE not in part for part in _parts(email))


def test_a_notification_email_of_several_posts_carries_no_reply_address(app, forum, add_reply, make_user):
    joses = add_reply(forum["thread"], forum["jose"], "We meet on Tuesdays.", forum["post"])
    make_user(email="ana@example.org", display_name="Ana Ruiz")
    reply_as(app, BRETT, forum["thread"], "How long are your meetings?", parent_id=joses)
    reply_as(app, "ana@example.org", forum["thread"], "Same here!", parent_id=joses)
    run_worker(app)
    with app.app_context():
        [email] = db.session.scalars(db.select(OutgoingMail).where(OutgoingMail.to_address == JOSE)).all()
        assert email.subject.startswith("2 new notifications") and email.reply_to == ""
        assert SENTENCE not in email.text


def test_the_month_s_panel_question_can_be_answered_and_a_digest_cannot(app, forum, make_user, make_due_question):
    make_user(email="month@example.org", display_name="Mo Month", digest="weekly", month_emails=True)
    make_due_question("How do you protect planning time?")
    run_worker(app)
    with app.app_context():
        mo = db.session.scalar(db.select(User.id).where(User.email == "month@example.org"))
        question_post = db.session.scalar(db.select(PanelQuestion.post_id))
        [(reply_to, html)] = db.session.execute(db.select(OutgoingMail.reply_to, OutgoingMail.html).where(
            OutgoingMail.key.startswith("question:"), OutgoingMail.to_address == "month@example.org")).all()
    assert reply_to == reply_address(app, mo, question_post) and SENTENCE in html
    with app.app_context():
        # A week of posts, in the digest: many posts, no one address to answer. (A week long gone: the
        # worker's run above made the digests of the weeks just past, empty then.)
        week = datetime(2025, 11, 19, 10, tzinfo=ZoneInfo("America/New_York"))
        db.session.execute(db.update(Post).values(created_at=week))
        db.session.execute(db.update(Thread).values(created_at=week, last_post_at=week))
        db.session.commit()
        mailings.schedule(datetime(2025, 11, 24, 8, tzinfo=ZoneInfo("America/New_York")))
        loop.run_once()
        digests = db.session.scalars(db.select(OutgoingMail).where(OutgoingMail.key.startswith("digest-weekly"))).all()
        assert digests and all(d.reply_to == "" and SENTENCE not in d.text for d in digests)
