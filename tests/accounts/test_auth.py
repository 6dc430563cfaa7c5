"""Joining, logging in and out, throttling, sessions and CSRF."""
from __future__ import annotations

import pytest

from forum.core.extensions import db
from forum.models import ThrottleEvent, User
from tests.conftest import PASSWORD, Auth, Forms, csrf_from


def _user(app, email="member@example.org"):
    with app.app_context():
        return db.session.scalar(db.select(User).where(User.email == email))


def join(forms, follow_redirects=False, **fields):
    data = {"display_name": "Jackie Wheeler", "email": "jackie@example.org",
            "password": "a long enough passphrase"}
    data.update(fields)
    return forms.post("/join", data, follow_redirects=follow_redirects)


# Joining -----------------------------------------------------------------

def test_join_creates_member_and_logs_in(app, client, forms):
    response = join(forms, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Welcome, Jackie Wheeler" in html
    assert 'class="user-name"' in html
    user = _user(app, "jackie@example.org")
    assert user.role == "member"
    assert user.password_hash.startswith("pbkdf2:sha256:")
    assert "a long enough passphrase" not in user.password_hash


def test_join_rejects_duplicate_email_case_insensitively(app, client, forms, make_user):
    make_user(email="jackie@example.org")
    response = join(forms, email="  Jackie@Example.ORG ")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "already uses this email" in html
    assert 'value="Jackie Wheeler"' in html  # what was typed is kept
    assert "a long enough passphrase" not in html  # except the password
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(User.id))) == 1


@pytest.mark.parametrize("password, message", [
    ("shortpw", "at least 10 characters"),
    ("1234567890", "too easy to guess"),
    ("aaaaaaaaaaaa", "too easy to guess"),
    ("x" * 129, "at most 128"),
])
def test_join_rejects_weak_passwords(client, forms, password, message):
    response = join(forms, password=password)
    html = response.get_data(as_text=True)
    assert message in html
    assert 'value="jackie@example.org"' in html
    assert password not in html


def test_join_accepts_a_64_character_password(client, forms, app):
    password = "p" * 30 + "assphrase with spaces and more letters!!"[:34]
    assert len(password) == 64
    join(forms, password=password)
    assert _user(app, "jackie@example.org") is not None
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/").get_data(as_text=True))})
    response = client.get("/login")
    response = client.post("/login", data={"csrf_token": csrf_from(response.get_data(as_text=True)),
                                           "email": "jackie@example.org", "password": password})
    assert response.status_code == 302


@pytest.mark.parametrize("fields, message", [
    ({"display_name": ""}, "Tell us your name"),
    ({"email": "not-an-email"}, "Enter an email address like"),
    ({"email": ""}, "Enter your email address"),
])
def test_join_validation_messages(client, forms, fields, message):
    assert message in join(forms, **fields).get_data(as_text=True)


def test_join_strips_control_and_bidi_characters_from_names(app, forms):
    join(forms, display_name="Evil\u202eName\x00 Here")
    assert _user(app, "jackie@example.org").display_name == "Evil Name Here"


def test_join_ignores_extra_fields(app, forms):
    join(forms, role="admin", id="1")
    assert _user(app, "jackie@example.org").role == "member"


# Logging in ----------------------------------------------------------------

def test_login_and_logout(client, auth, make_user):
    make_user()
    response = auth.login()
    assert response.status_code == 302
    assert "Maria Lopez" in client.get("/").get_data(as_text=True)
    response = auth.logout()
    assert response.status_code == 302
    assert "Maria Lopez" not in client.get("/").get_data(as_text=True)


def test_unknown_email_and_wrong_password_give_the_same_error(client, auth, make_user):
    make_user()
    wrong_password = auth.login(password="not the password at all").get_data(as_text=True)
    unknown_email = auth.login(email="nobody@example.org").get_data(as_text=True)
    message = "That email and password don&#39;t match an account"
    assert message in wrong_password and message in unknown_email
    assert 'value="nobody@example.org"' in unknown_email


def test_unknown_email_checks_a_dummy_hash(app, client, auth, monkeypatch):
    import forum.accounts.passwords as passwords

    calls = []
    original = passwords.check_password_hash
    monkeypatch.setattr(passwords, "check_password_hash",
                        lambda h, p: calls.append(h) or original(h, p))
    auth.login(email="nobody@example.org")
    assert len(calls) == 1


def test_imported_user_without_password_cannot_log_in(client, auth, make_user):
    make_user(password=None)
    response = auth.login(password="anything at all here")
    assert "don&#39;t match" in response.get_data(as_text=True)


@pytest.mark.parametrize("target, expected", [
    ("/members", "/members"),
    ("/settings?tab=1", "/settings?tab=1"),
    ("https://evil.example/", "/"),
    ("//evil.example/", "/"),
    ("/\\evil.example", "/"),
    ("javascript:alert(1)", "/"),
    ("http:/evil.example", "/"),
    ("/%0d%0aSet-Cookie:x", "/%0d%0aSet-Cookie:x"),
])
def test_login_next_only_goes_to_paths_on_this_site(client, auth, make_user, target, expected):
    make_user()
    response = auth.login(next=target)
    assert response.status_code == 302
    assert response.headers["Location"] == expected


def test_login_required_page_comes_back_after_login(client, auth, make_user):
    make_user()
    response = client.get("/settings")
    assert response.status_code == 302
    assert "/login?next=" in response.headers["Location"]
    login_page = client.get(response.headers["Location"]).get_data(as_text=True)
    response = client.post("/login", data={"csrf_token": csrf_from(login_page),
                                           "email": "member@example.org", "password": PASSWORD,
                                           "next": "/settings"})
    assert response.headers["Location"] == "/settings"


def test_login_renews_the_session(client, auth, make_user):
    make_user()
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    auth.login()
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"].startswith("1:")


def test_old_password_hashes_are_upgraded_on_login(app, client, auth, make_user):
    make_user()
    app.config["PASSWORD_HASH_METHOD"] = "pbkdf2:sha256:2000"
    auth.login()
    assert _user(app).password_hash.startswith("pbkdf2:sha256:2000$")
    auth.logout()
    assert auth.login().status_code == 302


def test_default_hash_method_meets_asvs(app):
    from forum.core.config import default_config

    method = default_config("/tmp")["PASSWORD_HASH_METHOD"]
    name, digest, rounds = method.split(":")
    assert (name, digest) == ("pbkdf2", "sha256") and int(rounds) >= 600_000


def test_logout_is_post_only(client, auth, make_user):
    make_user()
    auth.login()
    assert client.get("/logout").status_code == 405
    assert "Maria Lopez" in client.get("/").get_data(as_text=True)


def test_logout_without_csrf_token_is_rejected(client, auth, make_user):
    make_user()
    auth.login()
    response = client.post("/logout")
    assert response.status_code == 400
    assert "expired or did not come from this site" in response.get_data(as_text=True)
    assert "Maria Lopez" in client.get("/").get_data(as_text=True)


def test_post_without_csrf_token_reshows_form_with_what_was_typed(app, client):
    response = client.post("/join", data={"display_name": "Jackie Wheeler",
                                          "email": "jackie@example.org",
                                          "password": "a long enough passphrase"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "This form had expired" in html
    assert 'value="Jackie Wheeler"' in html
    assert _user(app, "jackie@example.org") is None


def test_expired_csrf_token_reshows_login_form(app, client, make_user):
    make_user()
    token = csrf_from(client.get("/login").get_data(as_text=True))
    app.config["WTF_CSRF_TIME_LIMIT"] = -1  # every token is now expired
    response = client.post("/login", data={"csrf_token": token, "email": "member@example.org",
                                           "password": PASSWORD})
    html = response.get_data(as_text=True)
    assert "This form had expired" in html and 'value="member@example.org"' in html


# Throttling ----------------------------------------------------------------

def test_login_throttled_per_account(app, client, auth, make_user):
    make_user()
    for n in range(10):  # from ten different addresses: no one address is over its limit
        client.environ_base["REMOTE_ADDR"] = f"10.0.0.{n}"
        assert auth.login(password="wrong password here").status_code == 200
    client.environ_base["REMOTE_ADDR"] = "10.0.0.99"
    response = auth.login()  # even the right password waits now
    assert response.status_code == 429
    assert "Too many failed attempts to log in to this account" in response.get_data(as_text=True)
    assert "Forgot your password?" in response.get_data(as_text=True)


def test_one_address_guessing_one_account_is_stopped_without_locking_the_owner_out(app, client, auth, make_user):
    make_user()
    for _ in range(5):
        assert auth.login(password="wrong password here").status_code == 200
    assert auth.login().status_code == 429  # this address may not try this account for now
    owner = app.test_client()
    owner.environ_base["REMOTE_ADDR"] = "192.0.2.7"
    assert Auth(Forms(owner)).login().status_code == 302  # from elsewhere, the owner gets in


def test_a_shared_school_address_slows_wrong_guesses_but_lets_right_passwords_in(app, client, auth, make_user):
    app.config["LOGIN_FAILURES_PER_IP"] = 5
    make_user()
    for n in range(5):
        auth.login(email=f"guess{n}@example.org")
    response = auth.login(email="another@example.org")  # a wrong guess from the busy address
    assert response.status_code == 429 and "from your network" in response.get_data(as_text=True)
    assert auth.login().status_code == 302  # a colleague behind the same address, right password


def test_a_reset_link_gets_a_locked_out_owner_in(app, client, auth, make_user, mail_server):
    import re
    from urllib.parse import urlsplit

    from forum.worker import loop as worker

    make_user()
    for n in range(10):
        client.environ_base["REMOTE_ADDR"] = f"10.0.0.{n}"
        auth.login(password="wrong password here")
    assert auth.login().status_code == 429
    auth.forms.post("/password/forgot", {"email": "member@example.org"}, page="/password/forgot")
    with app.app_context():
        worker.run_once()
    text = mail_server.to("member@example.org")[0].get_body(preferencelist=("plain",)).get_content()
    path = urlsplit(re.search(r"(http://\S+/password/reset/\S+)", text).group(1)).path
    client.get(path)
    done = auth.forms.post("/password/reset", {"new_password": "a fresh sentence to use",
                                               "confirm_password": "a fresh sentence to use"}, page="/password/reset")
    assert done.status_code == 302
    auth.logout()
    assert auth.login(password="a fresh sentence to use").status_code == 302


def test_throttle_is_shared_through_the_database(app, tmp_path, make_user):
    """A second app (another worker process) on the same database sees the failures."""
    from forum import create_app

    make_user()
    auth_one = Auth(Forms(app.test_client()))
    for _ in range(5):
        auth_one.login(password="wrong password here")
    other = create_app(dict(app.config))
    assert Auth(Forms(other.test_client())).login().status_code == 429


def test_old_failures_expire(app, client, auth, make_user):
    from datetime import timedelta

    from forum.core.database import utcnow

    make_user()
    for _ in range(10):
        auth.login(password="wrong password here")
    with app.app_context():
        for failure in db.session.scalars(db.select(ThrottleEvent)):
            failure.at = utcnow() - timedelta(minutes=10)
        db.session.commit()
    assert auth.login().status_code == 302


def test_successful_login_clears_account_failures(app, client, auth, make_user):
    make_user()
    for _ in range(4):
        auth.login(password="wrong password here")
    auth.login()
    with app.app_context():
        keys = db.session.scalars(db.select(ThrottleEvent.key)).all()
    assert not any(key.startswith(("login-account:", "login-pair:")) for key in keys)
    assert any(key.startswith("login-ip:") for key in keys)  # the address's count stays


def test_a_stored_hash_the_forum_does_not_write_never_answers_500(app, client, auth, make_user):
    """An older import may hold one: the login says no, quickly, instead of an error or a long hang."""
    member = make_user()
    with app.app_context():
        user = db.session.get(User, member)
        user.password_hash = "pbkdf2:sha256:900000000$salt$" + "ab" * 32
        db.session.commit()
    assert auth.login().status_code == 200
    with app.app_context():
        db.session.get(User, member).password_hash = "md5$x$y"
        db.session.commit()
    assert auth.login().status_code == 200
