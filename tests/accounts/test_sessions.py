"""Sessions: logging out ends them everywhere, idle ones expire, and account events are audited."""
from __future__ import annotations

import time

from forum import create_app
from forum.core.extensions import db
from forum.models import AuditEntry
from tests.conftest import FAST_HASH, Auth, Forms


def signed_in(client) -> bool:
    return client.get("/settings").status_code == 200


def test_log_out_ends_a_keep_me_logged_in_session(app, client, auth, make_user):
    make_user()
    auth.login(remember="y")
    assert client.get_cookie("remember_token") is not None
    auth.logout()
    assert client.get_cookie("remember_token") is None  # the cookie is deleted ...
    assert not signed_in(client)  # ... and nothing signs the member back in


def test_cookies_copied_before_log_out_no_longer_work(app, client, auth, make_user):
    make_user()
    auth.login(remember="y")
    session_cookie = client.get_cookie("session").value
    remember_cookie = client.get_cookie("remember_token").value
    auth.logout()
    thief = app.test_client()
    thief.set_cookie("session", session_cookie)
    assert not signed_in(thief)
    thief = app.test_client()
    thief.set_cookie("remember_token", remember_cookie)
    assert not signed_in(thief)


def test_an_idle_session_expires_but_a_remembered_one_lasts(app, make_user, monkeypatch):
    make_user()
    plain, remembered = app.test_client(), app.test_client()
    Auth(Forms(plain)).login()
    Auth(Forms(remembered)).login(remember="y")
    assert signed_in(plain) and signed_in(remembered)
    later = time.time() + 13 * 3600  # past the 12 hours a session may sit idle
    monkeypatch.setattr("forum.core.security.time.time", lambda: later)
    assert not signed_in(plain)
    assert signed_in(remembered)  # its remember cookie signs it in again, for 14 idle days
    assert app.config["REMEMBER_COOKIE_DURATION"].days == 14
    assert plain.get_cookie("remember_token") is None  # never given one: the box was not ticked


def test_production_cookies_carry_the_host_prefix(database_uri, tmp_path, make_user):
    app = create_app({"PRODUCTION": True, "SECRET_KEY": "a production secret key that is long enough",
                      "SQLALCHEMY_DATABASE_URI": database_uri, "SEARCH_INDEX_DIR": str(tmp_path / "index"),
                      "MAIL_FOLDER": str(tmp_path / "mail"), "PASSWORD_HASH_METHOD": FAST_HASH})
    client = app.test_client()
    client.environ_base.update({"wsgi.url_scheme": "https", "HTTP_HOST": "forum.example.org"})
    with app.app_context():
        from forum.models import User
        from forum.accounts.passwords import hash_password
        db.session.add(User(email="member@example.org", display_name="Maria Lopez",
                            password_hash=hash_password("correct horse battery")))
        db.session.commit()
    response = Auth(Forms(client)).login(remember="y")
    cookies = response.headers.getlist("Set-Cookie")
    assert any(c.startswith("__Host-session=") and "Secure" in c and "Path=/" in c and "Domain" not in c
               for c in cookies)
    assert any(c.startswith("__Host-remember_token=") and "Secure" in c for c in cookies)
    with app.app_context():
        db.engine.dispose()


def account_events(app) -> list[tuple[str, str | None]]:
    with app.app_context():
        return [(e.action, e.client_address) for e in db.session.scalars(
            db.select(AuditEntry).where(AuditEntry.action.like("account.%")).order_by(AuditEntry.id))]


def test_account_events_are_audited_with_the_client_address(app, client, auth, forms, make_user):
    make_user()
    auth.login(password="not the password")
    auth.login()
    forms.post("/settings/sign-out-everywhere", {}, page="/settings")
    forms.post("/settings/password", {"current_password": "correct horse battery",
                                      "new_password": "a new sentence to remember",
                                      "confirm_password": "a new sentence to remember"}, page="/settings")
    auth.logout()
    assert account_events(app) == [
        ("account.login_failed", "127.0.0.1"), ("account.login", "127.0.0.1"),
        ("account.sign_out_everywhere", "127.0.0.1"), ("account.password_change", "127.0.0.1"),
        ("account.logout", "127.0.0.1"),
    ]
    with app.app_context():
        details = " ".join(db.session.scalars(db.select(AuditEntry.detail)))
    assert "correct horse" not in details and "not the password" not in details


def test_admins_read_account_activity_and_moderators_do_not(app, client, auth, make_user):
    make_user(email="admin@example.org", display_name="Sam Admin", role="admin")
    make_user(email="mod@example.org", display_name="Rosa Delgado", role="moderator")
    auth.login(email="mod@example.org")
    assert client.get("/admin/activity").status_code == 403
    assert "127.0.0.1" not in client.get("/moderate/audit").get_data(as_text=True)
    auth.logout()
    auth.login(email="admin@example.org")
    page = client.get("/admin/activity").get_data(as_text=True)
    assert "logged in" in page and "127.0.0.1" in page and "Rosa Delgado" in page
