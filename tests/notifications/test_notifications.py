"""Notifications: who is told of what, the bell, watch levels, and the emails that follow."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from datetime import timedelta
from urllib.parse import urlsplit

import pytest

from forum.notifications import notify
from forum.worker import loop as worker
from forum.core.database import utcnow
from forum.core.extensions import db
from forum.models import Notification, OutgoingMail, PanelQuestion, Theme, User, Watch
from tests.conftest import ROOT, notifications_of, reply_as, signed_in_as

BRETT = "brett@example.org"
MARIA = "member@example.org"
JACKIE = "jackie@example.org"


@pytest.fixture
def people(make_user):
    return {
        "maria": make_user(),
        "brett": make_user(email=BRETT, display_name="Brett Criswell"),
        "jackie": make_user(email=JACKIE, display_name="Jackie Wheeler"),
        "rosa": make_user(email="rosa@example.org", display_name="Rosa Delgado", role="moderator"),
    }


@pytest.fixture
def thread(people, make_theme, make_thread):
    """A thread Brett started, in an open theme."""
    make_theme()
    thread_id, opening_id = make_thread("finding-time", people["brett"])
    return {"id": thread_id, "opening": opening_id}


def run_worker(app) -> dict[str, int]:
    with app.app_context():
        return worker.run_once()


def bell(client) -> str:
    page = client.get("/").get_data(as_text=True)
    match = re.search(r'class="bell__count">([^<]+)<', page)
    return match.group(1) if match else "0"


# Who is told ------------------------------------------------------------------------------

def test_a_reply_tells_the_author_of_the_post_it_answers(app, people, thread):
    reply_id = reply_as(app, MARIA, thread["id"], "Our team meets before school.")
    assert notifications_of(app, people["brett"]) == []  # nothing until the worker runs
    run_worker(app)
    assert notifications_of(app, people["brett"]) == [("reply", reply_id)]
    assert notifications_of(app, people["maria"]) == []  # never told of one's own post


def test_posting_in_a_thread_watches_it(app, people, thread):
    reply_as(app, MARIA, thread["id"], "We use a shared calendar.")
    later = reply_as(app, JACKIE, thread["id"], "Ours is on paper, on the staffroom door.")
    run_worker(app)
    assert notifications_of(app, people["maria"]) == [("watched_post", later)]
    # Brett started the thread: he watches it, and Jackie's reply answers his opening post.
    assert ("reply", later) in notifications_of(app, people["brett"])


def test_a_muted_thread_tells_nothing_even_of_replies(app, people, thread):
    client, forms = signed_in_as(app, BRETT)
    assert forms.post(f"/threads/{thread['id']}/watch", {"level": "muted"},
                      page=f"/threads/{thread['id']}").status_code == 302
    assert 'value="muted" selected' in client.get(f"/threads/{thread['id']}").get_data(as_text=True)
    reply_as(app, MARIA, thread["id"], "A reply Brett asked not to hear about.")
    run_worker(app)
    assert notifications_of(app, people["brett"]) == []


def test_a_watched_theme_tells_of_new_threads_and_panel_questions(app, people, thread, make_thread, make_due_question):
    client, forms = signed_in_as(app, JACKIE)
    assert forms.post("/themes/finding-time/watch", {"level": "watching"},
                      page="/themes/finding-time").status_code == 302
    new_thread, new_opening = make_thread("finding-time", people["maria"], title="Coverage for release time")
    make_due_question()
    run_worker(app)  # publishes the due question, then tells who watches
    with app.app_context():
        question = db.session.scalar(db.select(PanelQuestion))
        question_post, facilitated_opening = question.post_id, question.post.parent_id
    kinds = dict((post, kind) for kind, post in notifications_of(app, people["jackie"]))
    # The first question also starts the theme's facilitated discussion: a new thread too.
    assert kinds == {new_opening: "new_thread", facilitated_opening: "new_thread", question_post: "question"}
    page = client.get("/notifications").get_data(as_text=True)
    assert "Maria Lopez started “Coverage for release time” in Finding time to collaborate" in page
    assert "A panel question is open in Finding time to collaborate" in page


def test_a_post_hidden_before_or_after_the_worker_tells_no_one(app, people, thread):
    first = reply_as(app, MARIA, thread["id"], "Spam that a moderator hides at once.")
    _, forms = signed_in_as(app, "rosa@example.org")
    hide = lambda post: forms.post(f"/moderate/posts/{post}/hide", {"reason": "spam"},  # noqa: E731
                                   page=f"/threads/{thread['id']}")
    assert hide(first).status_code == 302
    run_worker(app)
    assert notifications_of(app, people["brett"]) == []

    second = reply_as(app, MARIA, thread["id"], "Spam that is hidden after Brett was told.")
    run_worker(app)
    assert notifications_of(app, people["brett"]) == [("reply", second)]
    assert hide(second).status_code == 302
    assert notifications_of(app, people["brett"]) == []


def test_a_deleted_post_is_no_longer_in_anyones_notifications(app, people, thread):
    post = reply_as(app, MARIA, thread["id"], "Posted too soon.")
    run_worker(app)
    _, forms = signed_in_as(app, MARIA)
    assert forms.post(f"/posts/{post}/delete", {}, page=f"/threads/{thread['id']}").status_code == 302
    assert notifications_of(app, people["brett"]) == []


# The bell and the notifications page -------------------------------------------------------

def test_the_bell_counts_unread_and_opening_one_lands_on_the_post(app, people, thread):
    reply_id = reply_as(app, MARIA, thread["id"], "We protect Wednesday afternoons.")
    reply_as(app, JACKIE, thread["id"], "We meet at lunch, twice a month.")
    run_worker(app)
    client, forms = signed_in_as(app, BRETT)
    assert bell(client) == "2"
    page = client.get("/notifications").get_data(as_text=True)
    assert "Maria Lopez replied to your post in “How do you find time?”" in page
    assert "We protect Wednesday afternoons." in page
    with app.app_context():
        mine = db.session.scalar(db.select(Notification.id).where(Notification.post_id == reply_id))
    opened = forms.post(f"/notifications/{mine}/open", {}, page="/notifications")
    assert opened.status_code == 302 and opened.location.endswith(f"/posts/{reply_id}")
    landing = client.get(opened.location)
    assert landing.location.endswith(f"#post-{reply_id}")
    assert bell(client) == "1"

    assert forms.post("/notifications/read-all", {}, page="/notifications").status_code == 302
    assert bell(client) == "0"


def test_nobody_opens_or_reads_another_members_notification(app, people, thread):
    reply_as(app, MARIA, thread["id"], "For Brett only.")
    run_worker(app)
    with app.app_context():
        brett_s = db.session.scalar(db.select(Notification.id))
    _, forms = signed_in_as(app, JACKIE)
    assert forms.post(f"/notifications/{brett_s}/open", {}, page="/notifications").status_code == 404
    forms.post(f"/notifications/{brett_s}/read", {}, page="/notifications")
    forms.post("/notifications/read-all", {}, page="/notifications")
    client, _ = signed_in_as(app, BRETT)
    assert bell(client) == "1"


def test_each_notification_is_a_link_that_marks_only_its_owner_s_read(app, client, people, thread):
    # A link, so it opens in a new tab; the GET marks read that one notification of whoever owns it.
    first = reply_as(app, MARIA, thread["id"], "We protect Wednesday afternoons.")
    reply_as(app, JACKIE, thread["id"], "We meet at lunch, twice a month.")
    run_worker(app)
    with app.app_context():
        mine = db.session.scalar(db.select(Notification.id).where(Notification.post_id == first))
    brett, _ = signed_in_as(app, BRETT)
    page = brett.get("/notifications").get_data(as_text=True)
    assert f'<a href="/notifications/{mine}/open" class="notification__sentence">' in page

    # Someone else's link, or a visitor's, changes nothing.
    jackie, _ = signed_in_as(app, JACKIE)
    assert jackie.get(f"/notifications/{mine}/open").status_code == 404
    visitor = client.get(f"/notifications/{mine}/open")
    assert visitor.status_code == 302 and "/login" in visitor.location
    assert client.head(f"/notifications/{mine}/open").status_code == 302
    assert bell(brett) == "2"

    for _ in range(2):  # and a second visit lands in the same place, changing nothing more
        opened = brett.get(f"/notifications/{mine}/open")
        assert opened.status_code == 302 and opened.location.endswith(f"/posts/{first}")
        assert bell(brett) == "1"
    with app.app_context():
        unread = db.session.scalars(db.select(Notification.post_id).where(
            Notification.read_at.is_(None), Notification.user_id == people["brett"])).all()
    assert first not in unread and len(unread) == 1


def test_notification_pages_need_a_login_and_a_csrf_token(app, client, people, thread):
    assert client.get("/notifications").status_code == 302
    assert client.post("/notifications/read-all").status_code == 400  # the token is checked before the login
    signed, _ = signed_in_as(app, BRETT)
    assert signed.post("/notifications/read-all").status_code == 400
    assert signed.post(f"/threads/{thread['id']}/watch", data={"level": "muted"}).status_code == 400


def test_an_unknown_watch_level_is_refused(app, people, thread):
    _, forms = signed_in_as(app, BRETT)
    response = forms.post(f"/threads/{thread['id']}/watch", {"level": "everything"}, page=f"/threads/{thread['id']}")
    assert response.status_code == 400


def test_the_bell_costs_one_query_and_settings_list_what_is_followed(app, people, thread):
    reply_as(app, MARIA, thread["id"], "A reply that makes Maria watch the thread.")
    client, _ = signed_in_as(app, MARIA)
    page = client.get("/settings").get_data(as_text=True)
    assert "How do you find time?" in page and "Watching" in page


# Email ---------------------------------------------------------------------------------------

def test_a_notification_email_goes_through_a_real_smtp_server(app, mail_server, people, thread):
    reply_id = reply_as(app, MARIA, thread["id"], "Our team meets before school, <b>every</b> Tuesday.")
    done = run_worker(app)
    assert done.get("mail") == 1
    [message] = mail_server.to(BRETT)
    assert message["Subject"] == "Maria Lopez replied to your post in “How do you find time?”"
    assert "STEM Teacher Leaders" in message["From"]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Message-ID"]
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "<b>every</b> Tuesday" in text  # as written, in the text part
    assert "&lt;b&gt;every&lt;/b&gt;" in html and "<b>every</b>" not in html  # escaped in HTML
    link = re.search(r"Read it in the discussion: (\S+)", text).group(1)
    assert link == f"http://127.0.0.1:5000/posts/{reply_id}"
    assert app.test_client().get(urlsplit(link).path).location.endswith(f"#post-{reply_id}")


def test_notifications_arriving_close_together_share_one_email(app, mail_server, people, thread):
    reply_as(app, MARIA, thread["id"], "First reply.")
    reply_as(app, JACKIE, thread["id"], "Second reply.")
    run_worker(app)
    [message] = mail_server.to(BRETT)
    assert message["Subject"] == "2 new notifications in STEM Teacher Leaders"
    reply_as(app, MARIA, thread["id"], "Third reply, a minute later.")
    run_worker(app)
    assert len(mail_server.to(BRETT)) == 1  # the next waits for NOTIFICATION_EMAIL_MINUTES
    with app.app_context():
        notify.compose_emails(now=utcnow() + timedelta(minutes=16))
    run_worker(app)
    later = mail_server.to(BRETT)[1]
    assert "Third reply, a minute later." in later.get_body(preferencelist=("plain",)).get_content()


def test_a_notification_read_in_the_forum_is_not_emailed(app, mail_server, people, thread):
    reply_as(app, MARIA, thread["id"], "Read before the email went.")
    with app.app_context():
        notify.handle_events()
    client, forms = signed_in_as(app, BRETT)
    forms.post("/notifications/read-all", {}, page="/notifications")
    run_worker(app)
    assert mail_server.to(BRETT) == []


def test_one_click_unsubscribe_works_without_logging_in(app, mail_server, people, thread):
    reply_as(app, MARIA, thread["id"], "Something to email about.")
    run_worker(app)
    [message] = mail_server.to(BRETT)
    url = re.fullmatch(r"<(.+)>", message["List-Unsubscribe"]).group(1)
    path = urlsplit(url).path
    anonymous = app.test_client()
    page = anonymous.get(path)  # a link scanner's visit changes nothing
    assert page.status_code == 200 and "Stop emails about notifications?" in page.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, people["brett"]).email_notifications
    # What a mail program sends (RFC 8058): a POST with no cookie and no CSRF token.
    done = anonymous.post(path, data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200 and "You are unsubscribed" in done.get_data(as_text=True)
    with app.app_context():
        assert not db.session.get(User, people["brett"]).email_notifications
    reply_as(app, JACKIE, thread["id"], "No email for Brett now.")
    run_worker(app)
    assert len(mail_server.to(BRETT)) == 1
    assert bell(signed_in_as(app, BRETT)[0]) == "2"  # still told in the forum


def test_a_forged_or_cut_unsubscribe_link_is_refused_with_a_page(app, client, people):
    response = client.post("/unsubscribe/not-a-real-token")
    assert response.status_code == 400 and "not valid" in response.get_data(as_text=True)


def test_email_setting_can_be_turned_off_and_on(app, people):
    client, forms = signed_in_as(app, BRETT)
    forms.post("/settings/email", {"digest": "daily"}, page="/settings")
    with app.app_context():
        brett = db.session.get(User, people["brett"])
        assert not brett.email_notifications and brett.digest == "daily" and not brett.month_emails
    forms.post("/settings/email", {"email_notifications": "y", "digest": "none", "month_emails": "y"}, page="/settings")
    with app.app_context():
        brett = db.session.get(User, people["brett"])
        assert brett.email_notifications and brett.digest == "none" and brett.month_emails
    forms.post("/settings/email", {"digest": "hourly"}, page="/settings")  # not a choice: nothing changes
    with app.app_context():
        assert db.session.get(User, people["brett"]).email_notifications


def test_names_and_titles_cannot_break_a_header(app, mail_server, people, thread):
    with app.app_context():
        maria = db.session.get(User, people["maria"])
        maria.display_name = "Maria\r\nBcc: everyone@example.org\u202e"  # as an old import might hold
        db.session.commit()
    reply_as(app, MARIA, thread["id"], "Hello.")
    run_worker(app)
    [message] = mail_server.to(BRETT)
    assert "Bcc" not in message and "everyone@example.org" not in str(message["To"])
    assert "\n" not in message["Subject"] and "\u202e" not in message["Subject"]


def test_a_failing_server_is_retried_with_backoff_and_shown_to_admins(app, mail_server, make_user, people, thread):
    mail_server.stop()
    reply_as(app, MARIA, thread["id"], "Sent while the mail server is down.")
    run_worker(app)
    with app.app_context():
        mail = db.session.scalar(db.select(OutgoingMail))
        assert mail.status == "pending" and mail.attempts == 1 and mail.last_error
        assert mail.next_attempt_at > utcnow() + timedelta(seconds=50)
    make_user(email="admin@example.org", display_name="Sam Admin", role="admin")
    admin, _ = signed_in_as(app, "admin@example.org")
    page = admin.get("/admin/mail").get_data(as_text=True)
    assert BRETT in page and "mail server unavailable" in page

    mail_server.start()
    run_worker(app)
    assert mail_server.to(BRETT) == []  # not before its time
    with app.app_context():
        db.session.execute(db.update(OutgoingMail).values(next_attempt_at=utcnow()))
        db.session.commit()
    run_worker(app)
    assert len(mail_server.to(BRETT)) == 1


def test_a_refused_address_is_given_up_without_holding_up_the_others(app, mail_server, people, thread):
    mail_server.refuse(BRETT)
    reply_as(app, MARIA, thread["id"], "Brett's address bounces.")
    reply_as(app, JACKIE, thread["id"], "Maria still hears of this.")
    run_worker(app)
    assert mail_server.to(BRETT) == [] and len(mail_server.to(MARIA)) == 1
    with app.app_context():
        failed = db.session.scalar(db.select(OutgoingMail).where(OutgoingMail.to_address == BRETT))
        assert failed.status == "failed" and failed.last_error.startswith("550")


def test_a_worker_killed_between_sending_and_recording_loses_and_doubles_nothing(
        app, mail_server, people, thread, make_user, tmp_path):
    """SIGKILL lands after the server took a message and before the worker recorded it."""
    readers = [make_user(email=f"reader{n}@example.org", display_name=f"Reader {n}") for n in range(4)]
    with app.app_context():
        theme = db.session.scalar(db.select(Theme))
        for reader in readers:
            db.session.add(Watch(user_id=reader, theme_id=theme.id, level="watching",
                                 created_at=utcnow() - timedelta(days=1)))
        db.session.commit()
    reply_as(app, MARIA, thread["id"], "Five people hear of this one.")
    expected = {BRETT} | {f"reader{n}@example.org" for n in range(4)}

    env = _worker_env(app, mail_server, tmp_path, claim_seconds=LEASE_SECONDS)
    process = subprocess.Popen(WORKER, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    killed = threading.Event()

    def kill_on_third(_message):
        if len(mail_server.received) == 3 and not killed.is_set():
            process.kill()  # the server has the message; the worker never hears "250"
            killed.set()

    mail_server.on_message = kill_on_third
    try:
        assert killed.wait(timeout=60), "the worker never sent three messages"
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    mail_server.on_message = None
    # Started again once its hold on the batch has ended, it finishes what was left.
    time.sleep(LEASE_SECONDS)
    finished = subprocess.run(WORKER + ["--once"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert finished.returncode == 0, finished.stderr

    by_id: dict[str, set[str]] = {}
    for message in mail_server.received:
        by_id.setdefault(message["Message-ID"], set()).add(message["To"])
    assert {to for tos in by_id.values() for to in tos} == expected  # nobody lost
    assert all(len(tos) == 1 for tos in by_id.values()) and len(by_id) == len(expected)  # one message each
    # The message in flight when the worker died arrived twice, under one Message-ID.
    assert len(mail_server.received) == len(expected) + 1
    with app.app_context():
        statuses = db.session.scalars(db.select(OutgoingMail.status)).all()
    assert sorted(statuses) == ["sent"] * len(expected)


WORKER = [sys.executable, "-m", "flask", "--app", "app", "worker"]
# A worker's hold on its batch, short so that a killed worker's rows are due again soon.
LEASE_SECONDS = 2


def _worker_env(app, mail_server, tmp_path, claim_seconds: int) -> dict[str, str]:
    """A worker process of this forum, sending through the test's mail server."""
    return {**os.environ,
            "FLASK_SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "FLASK_SEARCH_BACKEND": app.config["SEARCH_BACKEND"],
            "FLASK_SEARCH_INDEX_DIR": app.config["SEARCH_INDEX_DIR"],
            "FLASK_SECRET_KEY": app.config["SECRET_KEY"],
            "FLASK_MAIL_SERVER": "127.0.0.1", "FLASK_MAIL_PORT": str(mail_server.port),
            "FLASK_MAIL_CLAIM_SECONDS": str(claim_seconds),
            "FLASK_MAIL_FOLDER": str(tmp_path / "mail"),
            "FLASK_WORKER_HEARTBEAT_FILE": app.config["WORKER_HEARTBEAT_FILE"],
            "FLASK_CACHE_DIR": app.config["CACHE_DIR"]}


def test_two_workers_send_each_message_once(app, mail_server, people, thread, make_user, tmp_path):
    """Two workers, as on two app servers, take the same waiting mail at the same moment."""
    readers = [make_user(email=f"reader{n}@example.org", display_name=f"Reader {n}") for n in range(30)]
    with app.app_context():
        theme = db.session.scalar(db.select(Theme))
        db.session.add_all(Watch(user_id=reader, theme_id=theme.id, level="watching",
                                 created_at=utcnow() - timedelta(days=1)) for reader in readers)
        db.session.commit()
    reply_as(app, MARIA, thread["id"], "Thirty-one people hear of this one.")
    with app.app_context():
        notify.handle_events()
        notify.compose_emails()  # the mail waits before either worker starts
    mail_server.on_message = lambda _message: time.sleep(0.02)  # a server that takes its time

    env = _worker_env(app, mail_server, tmp_path, claim_seconds=600)
    workers = [subprocess.Popen(WORKER + ["--once"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True) for _ in range(2)]
    for process in workers:
        _, errors = process.communicate(timeout=120)
        assert process.returncode == 0, errors

    sent = [message["To"] for message in mail_server.received]
    assert sorted(sent) == sorted({BRETT} | {f"reader{n}@example.org" for n in range(30)})
