"""What is not posted: each bad case is refused with one email to the member, or ignored without a word."""
from __future__ import annotations

from datetime import timedelta

import pytest

from forum.core.database import utcnow
from forum.core.extensions import db
from forum.discussions import posting
from forum.models import OutgoingMail, Post, Theme, Thread, User
from forum.moderation import actions
from tests.conftest import PASSWORD
from tests.replies_by_email.conftest import (JOSE, answers, deliver, incoming, message, replies_to,
                                             reply_address, run_worker)

GMAIL_TEXT = "Thanks Brett — our science team meets before school on Tuesdays."


def _lock(app, forum):
    with app.app_context():
        actions.set_thread_flag(db.session.get(Thread, forum["thread"]), "lock", db.session.get(User, forum["rosa"]))


def _hide(app, forum):
    with app.app_context():
        actions.hide(db.session.get(Post, forum["post"]), db.session.get(User, forum["rosa"]), "Off topic")


def _delete(app, forum):
    with app.app_context():
        posting.delete(db.session.get(Post, forum["post"]), db.session.get(User, forum["brett"]))


def _archive(app, forum):
    with app.app_context():
        theme = db.session.scalar(db.select(Theme))
        theme.opens_at, theme.closes_at = utcnow() - timedelta(days=60), utcnow() - timedelta(days=30)
        db.session.commit()


def _posting_limit(app, forum):
    app.config["RATE_LIMITS"] = {**app.config["RATE_LIMITS"], "post": [0, 600]}


# (what is done to the forum first, the words the refusal must hold)
REFUSED = {
    "locked thread": (_lock, "This thread is locked by a moderator: it takes no new replies."),
    "hidden post": (_hide, "That post was hidden by a moderator, so it can't take replies."),
    "deleted post": (_delete, "That post was deleted, so it can't take replies."),
    "archived theme": (_archive, "is archived: it can be read but takes no new posts."),
    "posting limit": (_posting_limit, "You have posted a lot in the last few minutes."),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_a_reply_the_web_would_refuse_is_refused_by_email_with_what_was_written(app, forum, case):
    change, words = REFUSED[case]
    address = reply_address(app, forum["jose"], forum["post"])  # the address a notification carried
    change(app, forum)
    assert deliver(app, message("gmail", address)).exit_code == 0
    run_worker(app)
    assert replies_to(app, forum["post"]) == []
    [answer] = answers(app)
    assert answer.to_address == JOSE and answer.subject == "Your reply by email was not posted"
    assert words in answer.text and GMAIL_TEXT in answer.text  # why, and what they wrote, kept
    assert words.replace("'", "&#39;") in answer.html and GMAIL_TEXT in answer.html
    assert answer.built["Auto-Submitted"] == "auto-replied" and answer.built["Reply-To"] is None
    [(status, reason)] = incoming(app)
    assert status == "refused" and words in reason


def test_an_expired_address_is_refused_with_an_email_to_the_member(app, forum):
    old = reply_address(app, forum["jose"], forum["post"], today=utcnow().date() - timedelta(days=61))
    deliver(app, message("outlook", old))
    run_worker(app)
    assert replies_to(app, forum["post"]) == []
    [answer] = answers(app)
    assert answer.to_address == JOSE and "works for 60 days" in answer.text
    # One day younger than the limit still works.
    fresh = reply_address(app, forum["jose"], forum["post"], today=utcnow().date() - timedelta(days=59))
    deliver(app, message("gmail", fresh))
    run_worker(app)
    assert [author for author, _ in replies_to(app, forum["post"])] == [forum["jose"]]


def test_a_message_from_another_address_is_told_to_the_member_never_to_the_from(app, forum):
    address = reply_address(app, forum["jose"], forum["post"])
    deliver(app, message("gmail", address, sender="someone@elsewhere.example"))
    run_worker(app)
    assert replies_to(app, forum["post"]) == []
    [answer] = answers(app)
    assert answer.to_address == JOSE  # the account's address, not the From
    assert "It came from someone@elsewhere.example, which is not your account's address." in answer.text


def test_an_oversize_message_through_the_stdin_command_is_refused(app, forum):
    app.config["REPLY_BY_EMAIL_MAX_BYTES"] = 2000
    address = reply_address(app, forum["jose"], forum["post"])
    raw = message("apple-mail", address)
    assert len(raw) > 2000
    assert deliver(app, raw, "--recipient", address).exit_code == 0
    run_worker(app)
    assert replies_to(app, forum["post"]) == []
    [answer] = answers(app)
    assert "was larger (2 KB) than replies by email can be (1 KB)" in answer.text


def test_a_message_with_nothing_above_the_quote_is_refused(app, forum):
    address = reply_address(app, forum["jose"], forum["post"])
    raw = (f"From: José Martínez <{JOSE}>\r\nTo: {address}\r\nSubject: Re: a reply\r\n"
           "Message-ID: <empty-1@example.org>\r\n\r\n\r\nOn Mon, Dec 7, 2026 at 9:14 AM Brett wrote:\r\n"
           "> We moved our PLC to Tuesdays.\r\n").encode()
    deliver(app, raw)
    run_worker(app)
    assert replies_to(app, forum["post"]) == []
    [answer] = answers(app)
    assert "We found no words of yours above the quoted message." in answer.text


AUTOMATIC = {
    "vacation reply": {"Auto_Submitted": "auto-replied"},
    "list mail": {"Precedence": "bulk"},
    "autoresponder": {"X_Autoreply": "yes"},
    "bounce's return path": {"Return_Path": "<>"},
    "mailer-daemon": {"Return_Path": "<MAILER-DAEMON@mx.example.org>"},
}


@pytest.mark.parametrize("case", sorted(AUTOMATIC))
def test_auto_replies_are_ignored_without_an_answer(app, forum, case):
    address = reply_address(app, forum["jose"], forum["post"])
    deliver(app, message("gmail", address, **AUTOMATIC[case]))
    run_worker(app)
    assert replies_to(app, forum["post"]) == [] and answers(app) == []
    [(status, reason)] = incoming(app)
    assert status == "ignored" and ("automatic" in reason or "bounce" in reason)


def test_a_delivery_report_is_ignored(app, forum):
    address = reply_address(app, forum["jose"], forum["post"])
    raw = (f"From: Mail Delivery System <postmaster@example.org>\r\nTo: {address}\r\nSubject: Undelivered\r\n"
           "Message-ID: <bounce-1@example.org>\r\nMIME-Version: 1.0\r\n"
           'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\r\n\r\n'
           "--b\r\nContent-Type: text/plain\r\n\r\nThe message could not be delivered.\r\n--b--\r\n").encode()
    deliver(app, raw)
    run_worker(app)
    assert answers(app) == [] and incoming(app) == [("ignored", "a delivery report (a bounce)")]


def test_forged_or_voided_addresses_are_ignored_without_an_answer(app, forum):
    good = reply_address(app, forum["jose"], forum["post"])
    token = good.split("+")[1].split("@")[0]
    forged = f"reply+{token[:-1]}{'a' if token[-1] != 'a' else 'b'}@reply.example.org"  # one letter changed
    brett_s = reply_address(app, forum["brett"], forum["post"])
    deliver(app, message("gmail", forged))
    deliver(app, message("outlook", brett_s.replace("+", "+x")))
    with app.app_context():  # José changes his address: the addresses mailed to the old one stop working
        db.session.get(User, forum["jose"]).email = "jose.martinez@example.org"
        db.session.commit()
    deliver(app, message("apple-mail", good, sender="jose.martinez@example.org"))
    run_worker(app)
    assert replies_to(app, forum["post"]) == [] and answers(app) == []
    assert [status for status, _ in incoming(app)] == ["ignored"] * 3


def test_at_most_one_answer_an_hour_goes_to_a_member(app, forum):
    address = reply_address(app, forum["jose"], forum["post"])
    _lock(app, forum)
    deliver(app, message("gmail", address))
    deliver(app, message("outlook", address))
    run_worker(app)
    assert len(answers(app)) == 1
    assert [status for status, _ in incoming(app)] == ["refused", "refused"]
    assert "not told" in incoming(app)[1][1]
    # The quiet hour is over: the next refusal is told.
    with app.app_context():
        db.session.execute(db.update(OutgoingMail).values(created_at=utcnow() - timedelta(hours=2)))
        db.session.commit()
    deliver(app, message("apple-mail", address))
    run_worker(app)
    assert len(answers(app)) == 2


def test_closing_an_account_erases_its_messages_and_voids_its_addresses(app, forum, auth, forms):
    address = reply_address(app, forum["jose"], forum["post"])
    deliver(app, message("gmail", address))
    run_worker(app)
    assert [status for status, _ in incoming(app)] == ["posted"]
    auth.login(email=JOSE)
    assert forms.post("/settings/delete-account", {"posts": "keep", "password": PASSWORD},
                      page="/settings").status_code == 302
    assert incoming(app) == []  # their words and address, as received, went with the account
    deliver(app, message("outlook", address))  # an address mailed before: it names no one now
    run_worker(app)
    assert len(replies_to(app, forum["post"])) == 1 and answers(app) == []
    assert [status for status, _ in incoming(app)] == ["ignored"]
