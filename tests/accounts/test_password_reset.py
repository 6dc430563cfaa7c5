"""Account recovery: reset links by email, invitations, and the command line."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from forum.mail import emails
from forum.accounts import tokens
from forum.worker import loop as worker
from forum.core.extensions import db
from forum.models import OutgoingMail, User
from tests.conftest import PASSWORD, Auth, Forms, csrf_from

NEW_PASSWORD = "a brand new sentence to log in"
SENT = "an email with a link to choose a new password is on its way"


def ask_for_link(client, email: str):
    return Forms(client).post("/password/forgot", {"email": email}, page="/password/forgot")


def deliver(app) -> None:
    with app.app_context():
        worker.run_once()


def link_in(message) -> str:
    text = message.get_body(preferencelist=("plain",)).get_content()
    return urlsplit(re.search(r"(http://\S+/password/reset/\S+)", text).group(1)).path


def choose_password(client, path: str, password: str = NEW_PASSWORD):
    landing = client.get(path)
    assert landing.status_code == 302 and landing.location == "/password/reset"
    return Forms(client).post("/password/reset", {"new_password": password, "confirm_password": password},
                              page="/password/reset")


def test_the_whole_journey_through_a_real_mail_server(app, client, mail_server, make_user):
    make_user()
    elsewhere = app.test_client()
    Auth(Forms(elsewhere)).login()  # a session on another device
    assert "Log out" in elsewhere.get("/").get_data(as_text=True)

    assert client.get("/login").get_data(as_text=True).count("Forgot your password?") == 1
    page = ask_for_link(client, "Member@Example.org")
    assert page.status_code == 200 and SENT in page.get_data(as_text=True)
    deliver(app)
    [message] = mail_server.to("member@example.org")
    assert message["Subject"] == "Reset your password for STEM Teacher Leaders"
    assert "30 minutes" in message.get_body(preferencelist=("html",)).get_content()
    path = link_in(message)

    done = choose_password(client, path)
    assert done.status_code == 302
    assert "Log out" in client.get("/").get_data(as_text=True)  # logged in with the new password
    assert "Log out" not in elsewhere.get("/").get_data(as_text=True)  # every other session ended
    fresh = app.test_client()
    assert Auth(Forms(fresh)).login(password=NEW_PASSWORD).status_code == 302

    again = app.test_client()
    used = again.get(path)
    refused = again.get(used.location)
    assert refused.status_code == 400 and "already used" in refused.get_data(as_text=True)


def test_the_answer_is_the_same_for_an_address_without_an_account(app, client, mail_server, make_user):
    make_user()
    known = ask_for_link(client, "member@example.org").get_data(as_text=True)
    unknown = ask_for_link(app.test_client(), "nobody@example.org").get_data(as_text=True)
    assert SENT in known and SENT in unknown
    deliver(app)
    assert mail_server.to("nobody@example.org") == [] and len(mail_server.to("member@example.org")) == 1


def test_a_newer_link_supersedes_the_older_one(app, client, mail_server, make_user):
    make_user()
    ask_for_link(client, "member@example.org")
    ask_for_link(client, "member@example.org")
    deliver(app)
    older, newer = mail_server.to("member@example.org")
    stale = app.test_client()
    response = stale.get(stale.get(link_in(older)).location)
    assert response.status_code == 400 and "newer one was sent" in response.get_data(as_text=True)
    assert choose_password(app.test_client(), link_in(newer)).status_code == 302


def test_an_expired_or_damaged_link_says_so_and_offers_a_new_one(app, client, mail_server, make_user):
    make_user()
    ask_for_link(client, "member@example.org")
    deliver(app)
    path = link_in(mail_server.to("member@example.org")[0])
    app.config["PASSWORD_RESET_MINUTES"] = -1
    response = client.get(client.get(path).location)
    assert response.status_code == 400 and "expired" in response.get_data(as_text=True)
    assert "Email me a new link" in response.get_data(as_text=True)
    app.config["PASSWORD_RESET_MINUTES"] = 30
    damaged = client.get(client.get(path[:-6]).location)
    assert damaged.status_code == 400 and "not valid" in damaged.get_data(as_text=True)
    assert client.get("/password/reset").status_code == 400  # no link at all


def test_a_weak_new_password_is_refused_and_the_link_still_works(app, client, mail_server, make_user):
    make_user()
    ask_for_link(client, "member@example.org")
    deliver(app)
    path = link_in(mail_server.to("member@example.org")[0])
    weak = choose_password(client, path, password="member@example.org")
    assert weak.status_code == 200 and "field__error" in weak.get_data(as_text=True)
    mismatch = Forms(client).post("/password/reset", {"new_password": NEW_PASSWORD, "confirm_password": "other"},
                                  page="/password/reset")
    assert "The two new passwords don&#39;t match." in mismatch.get_data(as_text=True)
    assert choose_password(client, path).status_code == 302


def test_reset_requests_are_throttled_per_address(app, client, make_user):
    make_user()
    for _ in range(3):
        assert ask_for_link(client, "member@example.org").status_code == 200
    throttled = ask_for_link(client, "member@example.org")
    assert throttled.status_code == 429 and "wait an hour" in throttled.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(OutgoingMail.id))) == 3


def test_links_use_the_configured_site_address_not_the_host_header(app, client, mail_server, make_user):
    make_user()
    evil = {"Host": "evil.example.com"}
    token = csrf_from(client.get("/password/forgot", headers=evil).get_data(as_text=True))
    sent = client.post("/password/forgot", data={"email": "member@example.org", "csrf_token": token}, headers=evil)
    assert SENT in sent.get_data(as_text=True)
    deliver(app)
    text = mail_server.to("member@example.org")[0].get_body(preferencelist=("plain",)).get_content()
    assert "evil.example.com" not in text and "http://127.0.0.1:5000/password/reset/" in text


def test_an_admin_invites_an_imported_member_who_has_no_password(app, mail_server, make_user, auth):
    make_user(email="admin@example.org", display_name="Sam Admin", role="admin")
    imported = make_user(email="imported@example.org", display_name="Imported Member", password=None)
    auth.login(email="admin@example.org")
    response = auth.forms.post(f"/admin/members/{imported}/password-link", {}, page="/admin/members")
    assert response.status_code == 302
    deliver(app)
    [message] = mail_server.to("imported@example.org")
    assert message["Subject"] == "You're invited to STEM Teacher Leaders" and "7 days" in str(message)
    invited = app.test_client()
    assert choose_password(invited, link_in(message)).status_code == 302
    with app.app_context():
        assert db.session.get(User, imported).can_log_in


def test_only_admins_send_password_links(app, make_user, auth):
    other = make_user(email="other@example.org", display_name="Other Member")
    make_user()
    auth.login()
    assert auth.forms.post(f"/admin/members/{other}/password-link", {}, page="/").status_code == 403


def test_set_password_and_invite_on_the_command_line(app, runner, mail_server, make_user):
    make_user()
    result = runner.invoke(args=["users", "set-password", "member@example.org"],
                           input=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert "Password set for Maria Lopez" in result.output
    assert Auth(Forms(app.test_client())).login(password=NEW_PASSWORD).status_code == 302
    assert Auth(Forms(app.test_client())).login(password=PASSWORD).status_code == 200

    weak = runner.invoke(args=["users", "set-password", "member@example.org"], input="short\nshort\n")
    assert weak.exit_code != 0 and "Password rejected" in weak.output
    missing = runner.invoke(args=["users", "set-password", "nobody@example.org"])
    assert missing.exit_code != 0 and "No account uses nobody@example.org" in missing.output

    make_user(email="imported@example.org", display_name="Imported Member", password=None)
    invited = runner.invoke(args=["users", "invite", "imported@example.org"])
    assert invited.exit_code == 0 and "Sent an invitation" in invited.output
    assert len(mail_server.to("imported@example.org")) == 1


def test_without_a_mail_server_messages_are_kept_as_files(app, client, runner, make_user, tmp_path, caplog):
    make_user()
    ask_for_link(client, "member@example.org")
    level = app.logger.level
    try:
        runner.invoke(args=["worker", "--once"])
    finally:
        app.logger.setLevel(level)  # the logger outlives this app
    [kept] = (tmp_path / "mail").glob("*.eml")
    assert "Reset your password" in kept.read_text()
    assert f"mail to member@example.org kept in {kept}" in caplog.text  # the worker says where


def change_request(client, new_email: str, password: str = PASSWORD):
    return Forms(client).post("/settings/email-address", {"new_email": new_email, "password": password},
                              page="/settings")


def confirm_link(message) -> str:
    text = message.get_body(preferencelist=("plain",)).get_content()
    return urlsplit(re.search(r"(http://\S+/settings/email-address/confirm/\S+)", text).group(1)).path


def test_a_new_email_address_is_used_only_once_it_confirms(app, client, auth, mail_server, make_user):
    make_user()
    auth.login()
    assert change_request(client, "maria@newschool.org").status_code == 302
    with app.app_context():
        assert User.by_email("member@example.org") is not None  # nothing changed yet
    deliver(app)
    [message] = mail_server.to("maria@newschool.org")
    path = confirm_link(message)
    scanner = app.test_client().get(path)  # a link scanner's GET only asks
    assert scanner.status_code == 200 and "Use maria@newschool.org?" in scanner.get_data(as_text=True)
    confirmed = Forms(client).post(path, {}, page=path)
    assert confirmed.status_code == 302
    with app.app_context():
        assert User.by_email("maria@newschool.org") is not None and User.by_email("member@example.org") is None
    deliver(app)
    [notice] = mail_server.to("member@example.org")  # the old address is told
    assert "now uses maria@newschool.org" in notice.get_body(preferencelist=("plain",)).get_content()
    used = client.get(path)
    assert used.status_code == 400 and "already used" in used.get_data(as_text=True)


def test_an_email_change_needs_the_password_and_a_free_address(app, client, auth, mail_server, make_user):
    make_user()
    make_user(email="taken@example.org", display_name="Someone Else")
    auth.login()
    wrong = change_request(client, "maria@newschool.org", password="not my password")
    assert wrong.status_code == 200 and "That isn&#39;t your password." in wrong.get_data(as_text=True)
    assert 'value="maria@newschool.org"' in wrong.get_data(as_text=True)  # what was typed is kept
    assert change_request(client, "taken@example.org").status_code == 302  # says nothing about who is a member
    deliver(app)
    path = confirm_link(mail_server.to("taken@example.org")[0])
    refused = Forms(client).post(path, {}, page=path)
    assert refused.status_code == 409 and "Another account uses taken@example.org" in refused.get_data(as_text=True)
    with app.app_context():
        assert User.by_email("member@example.org") is not None


@pytest.mark.parametrize("purpose", [tokens.RESET, tokens.INVITATION])
def test_an_email_change_ends_links_to_the_old_address_and_other_sessions(app, client, auth, mail_server,
                                                                         make_user, purpose):
    user_id = make_user()
    auth.login()
    elsewhere = app.test_client()
    Auth(Forms(elsewhere)).login()  # a session on another device
    with app.app_context():  # the link an admin's "send a password link" mails
        emails.queue_password_link(db.session.get(User, user_id), purpose)
        db.session.commit()
    deliver(app)
    old_link = link_in(mail_server.to("member@example.org")[0])
    before = app.test_client()
    before.get(old_link)
    assert before.get("/password/reset").status_code == 200  # good until the address changes

    assert change_request(client, "maria@newschool.org").status_code == 302
    deliver(app)
    path = confirm_link(mail_server.to("maria@newschool.org")[0])
    confirmed = Forms(client).post(path, {}, page=path)
    assert confirmed.status_code == 302
    assert "Other devices have been signed out" in client.get(confirmed.location).get_data(as_text=True)
    assert "Log out" in client.get("/").get_data(as_text=True)  # who changed it stays in
    assert "Log out" not in elsewhere.get("/").get_data(as_text=True)

    after = app.test_client()
    after.get(old_link)
    refused = after.get("/password/reset")
    assert refused.status_code == 400
    assert "This link was sent to an address the account no longer uses" in refused.get_data(as_text=True)
    assert Auth(Forms(app.test_client())).login("maria@newschool.org").status_code == 302  # the password is as it was


def test_an_email_change_confirmed_elsewhere_signs_every_session_out(app, client, auth, mail_server, make_user):
    make_user()
    auth.login()
    assert change_request(client, "maria@newschool.org").status_code == 302
    deliver(app)
    path = confirm_link(mail_server.to("maria@newschool.org")[0])
    phone = app.test_client()  # the mail opened on a phone that is not signed in
    confirmed = Forms(phone).post(path, {}, page=path)
    assert confirmed.status_code == 302 and confirmed.location == "/login"
    assert "Log out" not in client.get("/").get_data(as_text=True)
    assert "Log out" not in phone.get("/").get_data(as_text=True)
