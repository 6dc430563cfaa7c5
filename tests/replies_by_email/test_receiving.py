"""Replies by email arrive through the forum's SMTP listener or `flask mail deliver`, and become posts."""
from __future__ import annotations

import os
import re
import shlex
import smtplib
import subprocess
import sys

import pytest

from forum import create_app
from forum.core.extensions import db
from forum.models import Upload
from forum.models.incoming import WAITING
from forum.replies_by_email import listener, sample
from tests.conftest import ROOT
from tests.mailserver import free_port
from tests.replies_by_email.conftest import (JOSE, deliver, incoming, message, replies_to, reply_address,
                                             run_worker)


@pytest.fixture
def smtp_listener(app, forum):
    """The forum's own listener, the one `flask mail receive` runs, on a free port."""
    port = free_port()
    server = listener.start(app, "127.0.0.1", port)
    yield port
    server.stop()


def send(port: int, raw: bytes, to: str, sender: str = JOSE) -> None:
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
        smtp.sendmail(sender, [to], raw)


CLIENTS = {
    "gmail": "Thanks Brett — our science team meets before school on Tuesdays.\n\n"
             "We protect that time with a simple agenda: one problem of practice, no announcements, "
             "and a rotating note-taker.",
    "outlook": "We tried lesson study this year. It took three release days a semester, but our café "
               "conversations changed.\n\nJosé",
}


@pytest.mark.parametrize("client_name", sorted(CLIENTS))
def test_a_client_s_reply_through_the_listener_becomes_only_the_new_text(app, forum, smtp_listener, client_name):
    address = reply_address(app, forum["jose"], forum["post"])
    send(smtp_listener, message(client_name, address), address)
    assert incoming(app) == [("pending", "")]  # kept before the 250, posted by the worker later
    assert replies_to(app, forum["post"]) == []
    run_worker(app)
    assert replies_to(app, forum["post"]) == [(forum["jose"], CLIENTS[client_name])]
    assert incoming(app) == [("posted", "")]


def test_apple_mail_s_reply_with_a_photo_becomes_text_and_an_attached_image(app, forum, smtp_listener):
    address = reply_address(app, forum["jose"], forum["post"])
    send(smtp_listener, message("apple-mail", address), address)
    run_worker(app)
    [(author, body)] = replies_to(app, forum["post"])
    text, image = body.split("\n\n")
    assert author == forum["jose"]
    assert text == ("Our district pays stipends for release time, and here is the schedule board from our "
                    "team room.")  # no "Sent from my iPad", no quoted notification
    with app.app_context():
        [upload] = db.session.scalars(db.select(Upload)).all()
        # Written again by the uploads' rules: an opaque image is kept as JPEG.
        assert (upload.owner_id, upload.name, upload.extension, upload.width) == (forum["jose"], "Planning board été.jpg", "jpg", 40)
        assert image == f"![Planning board été](/uploads/{upload.key}.jpg)"
    page = app.test_client().get(f"/threads/{forum['thread']}").get_data(as_text=True)
    assert f'src="/uploads/{upload.key}.jpg"' in page  # shown as the web composer's images are


def test_an_html_only_message_through_the_stdin_command_becomes_text(app, forum):
    address = reply_address(app, forum["jose"], forum["post"])
    result = deliver(app, message("html-only", address), "--recipient", address)
    assert result.exit_code == 0, result.output
    run_worker(app)
    assert replies_to(app, forum["post"]) == [(forum["jose"], (
        "Two things that worked for us:\n\n- a shared calendar\n- protected Tuesdays\n\n"
        "We wrote it up on our PLC guide (https://example.org/plc-guide) & it's free to use."))]


def test_the_stdin_command_finds_the_reply_address_in_the_headers_without_a_recipient(app, forum):
    address = reply_address(app, forum["jose"], forum["post"])
    assert deliver(app, message("gmail", address)).exit_code == 0
    run_worker(app)
    assert [author for author, _ in replies_to(app, forum["post"])] == [forum["jose"]]


def test_the_same_message_delivered_twice_posts_once(app, forum, smtp_listener):
    address = reply_address(app, forum["jose"], forum["post"])
    raw = message("gmail", address)
    send(smtp_listener, raw, address)
    result = deliver(app, raw, "--recipient", address)  # the MTA's retry, through the other way in
    assert result.exit_code == 0 and "Kept already" in result.output
    run_worker(app)
    send(smtp_listener, raw, address)  # and once more after it was posted
    run_worker(app)
    assert len(replies_to(app, forum["post"])) == 1
    assert incoming(app) == [("posted", "")]


def test_the_listener_takes_reply_addresses_only_and_refuses_oversize_messages(app, forum):
    app.config["REPLY_BY_EMAIL_MAX_BYTES"] = 4000
    port = free_port()
    server = listener.start(app, "127.0.0.1", port)
    address = reply_address(app, forum["jose"], forum["post"])
    try:
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
            smtp.ehlo()
            assert int(smtp.esmtp_features["size"]) == 4000  # said before anything is sent
            smtp.mail(JOSE)
            assert smtp.rcpt("someone@example.org")[0] == 550  # no relay
            assert smtp.rcpt("reply+abc@other.example.org")[0] == 550
            assert smtp.rcpt(address)[0] == 250
            code, _ = smtp.data(message("gmail", address) + (b"x" * 70 + b"\r\n") * 40)
            assert code == 552
    finally:
        server.stop()
    assert incoming(app) == []


def test_the_stdin_command_s_exit_codes_tell_the_mta_what_to_do(app, forum, tmp_path):
    address = reply_address(app, forum["jose"], forum["post"])
    assert deliver(app, b"just some words, no headers\n\nat all").exit_code == 65  # EX_DATAERR: bounced
    assert deliver(app, message("gmail", address), "--recipient", "nobody@reply.example.org").exit_code == 67
    assert incoming(app) == []
    # A database it cannot open: EX_TEMPFAIL, so the MTA keeps the message and tries again.
    away = create_app({**app.config, "SEARCH_BACKEND": "whoosh",
                       "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/no/such/folder/forum.sqlite3"})
    result = away.test_cli_runner().invoke(args=["mail", "deliver"], input=message("gmail", address))
    assert result.exit_code == 75, result.output


def test_a_reply_address_names_its_member_and_post_and_fits_a_local_part(app, forum):
    address = reply_address(app, forum["jose"], forum["post"])
    local = address.split("@")[0]
    assert re.fullmatch(r"reply\+[a-z2-7]{32}", local) and len(local) <= 64
    assert address != reply_address(app, forum["brett"], forum["post"])


def test_a_sample_reply_for_trying_it_on_a_laptop_is_posted_by_deliver(app, forum):
    made = app.test_cli_runner().invoke(args=["mail", "sample-reply", "--to-post", str(forum["post"])])
    assert made.exit_code == 0, made.output
    assert "\nTo: reply+" in made.output
    assert deliver(app, made.output.encode()).exit_code == 0
    run_worker(app)
    # The first member other than the post's author, with only the new words.
    assert replies_to(app, forum["post"]) == [
        (forum["jose"], "Thank you, Brett: this reply was written in a mail client and sent by email.")]
    app.config["MAIL_INCOMING_DOMAIN"] = ""
    off = app.test_cli_runner().invoke(args=["mail", "sample-reply", "--to-post", str(forum["post"])])
    assert off.exit_code == 1 and "Reply by email is off: set MAIL_INCOMING_DOMAIN" in off.output


def test_the_listener_speaks_lmtp_for_an_mta_that_hands_mail_on(app, forum):
    port = free_port()
    server = listener.start(app, "127.0.0.1", port, lmtp=True)
    address = reply_address(app, forum["jose"], forum["post"])
    try:
        with smtplib.LMTP("127.0.0.1", port) as lmtp:
            assert lmtp.sendmail(JOSE, [address], message("outlook", address)) == {}
    finally:
        server.stop()
    run_worker(app)
    assert [author for author, _ in replies_to(app, forum["post"])] == [forum["jose"]]


def test_make_run_s_lines_for_trying_it_work_in_another_terminal(app, forum, tmp_path):
    """`make run` sets the domain for its own processes only; the commands it prints are run in another
    terminal, without it, and must still make and keep the reply."""
    with app.app_context():
        lines = sample.try_it()
    made, kept = re.fullmatch(r"Reply by email: (.+) > reply\.eml, then\n  (.+) < reply\.eml .*", lines, re.S).groups()
    saved = tmp_path / "reply.eml"
    # This run's own Python and database in place of make run's .venv and instance/: the rest as printed.
    ours = f"{shlex.quote(sys.executable)} -m flask"
    env = {name: value for name, value in os.environ.items() if name != "FLASK_MAIL_INCOMING_DOMAIN"}
    env.update(FLASK_SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
               FLASK_SECRET_KEY=app.config["SECRET_KEY"], FLASK_SEARCH_BACKEND=app.config["SEARCH_BACKEND"],
               FLASK_SEARCH_INDEX_DIR=app.config["SEARCH_INDEX_DIR"], FLASK_SINGLE_SERVER="1")
    for command in (f"{made} > {shlex.quote(str(saved))}", f"{kept} < {shlex.quote(str(saved))}"):
        done = subprocess.run(command.replace(".venv/bin/flask", ours), shell=True, cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, (command, done.stdout + done.stderr)
    assert [status for status, _ in incoming(app)] == [WAITING]  # kept, for the worker to post
