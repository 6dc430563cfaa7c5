"""Personal API tokens through the settings pages: made, shown once, kept hashed, revoked; and what ends them."""
from __future__ import annotations

import hashlib
import re

from forum.core.extensions import db
from forum.models import ApiToken, AuditEntry
from tests.api.conftest import bearer, make_token
from tests.conftest import csrf_from

TOKEN_RE = re.compile(r'id="new-token-value"[^>]*value="(fk_[\w-]+)"')


def _make(forms, name="Newsletter", scope="read"):
    return forms.post("/settings/api-tokens", {"name": name, "scope": scope})


def test_a_token_is_shown_once_and_kept_only_as_a_hash(app, client, auth, forms, make_user):
    make_user()
    auth.login()
    response = _make(forms, scope="read+write")
    assert response.status_code == 201
    html = response.get_data(as_text=True)
    secret = TOKEN_RE.search(html).group(1)
    assert "shown only this once" in html
    assert response.headers["Cache-Control"].startswith("no-store")
    with app.app_context():
        row = db.session.scalar(db.select(ApiToken))
        assert row.token_hash == hashlib.sha256(secret.encode()).hexdigest()
        assert row.scope == "read+write" and row.name == "Newsletter"
        # No column holds the secret.
        assert secret not in repr([getattr(row, c.name) for c in ApiToken.__table__.columns])
    listing = client.get("/settings/api-tokens").get_data(as_text=True)
    assert secret not in listing and secret[:7] in listing and "Newsletter" in listing and "never" in listing
    me = client.get("/api/v1/me", headers=bearer(secret))
    assert me.get_json()["token"] == {"name": "Newsletter", "scope": "read+write"}
    assert "used" in client.get("/settings/api-tokens").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(ApiToken.last_used_at)) is not None
        actions = db.session.scalars(db.select(AuditEntry.action)).all()
    assert "account.api_token_create" in actions


def test_a_token_needs_a_name_and_a_scope(app, client, auth, forms, make_user):
    make_user()
    auth.login()
    response = _make(forms, name="  ", scope="read")
    assert response.status_code == 400
    assert "Give the token a name" in response.get_data(as_text=True)
    response = _make(forms, name="Dashboard", scope="admin")
    assert response.status_code == 400
    assert "Not a valid choice" in response.get_data(as_text=True)
    assert 'value="Dashboard"' in response.get_data(as_text=True)  # what was typed is kept
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(ApiToken.id))) == 0


def test_making_a_token_needs_the_forms_csrf_token(app, client, auth, make_user):
    make_user()
    auth.login()
    response = client.post("/settings/api-tokens", data={"name": "x", "scope": "read"})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(ApiToken.id))) == 0


def test_revoking_in_settings_stops_the_token_at_once(app, client, auth, forms, make_user):
    member = make_user()
    secret = make_token(app, member)
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 200
    auth.login()
    page = client.get("/settings/api-tokens").get_data(as_text=True)
    token_id = re.search(r'/settings/api-tokens/(\d+)/revoke', page).group(1)
    # Without the form's CSRF token nothing is revoked.
    assert client.post(f"/settings/api-tokens/{token_id}/revoke").status_code == 400
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 200
    response = client.post(f"/settings/api-tokens/{token_id}/revoke", data={"csrf_token": csrf_from(page)})
    assert response.status_code == 302
    refused = client.get("/api/v1/me", headers=bearer(secret))
    assert refused.status_code == 401
    assert refused.get_json()["error"]["code"] == "invalid_token"
    assert refused.headers["WWW-Authenticate"].startswith("Bearer")
    with app.app_context():
        assert "account.api_token_revoke" in db.session.scalars(db.select(AuditEntry.action)).all()


def test_a_member_cannot_revoke_another_members_token(app, client, auth, forms, make_user):
    make_user()
    other = make_user(email="other@example.org", display_name="Omar Diaz")
    secret = make_token(app, other)
    with app.app_context():
        token_id = db.session.scalar(db.select(ApiToken.id))
    auth.login()
    page = client.get("/settings/api-tokens").get_data(as_text=True)
    client.post(f"/settings/api-tokens/{token_id}/revoke", data={"csrf_token": csrf_from(page)})
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 200


def test_closing_the_account_ends_its_tokens(app, client, auth, forms, make_user):
    member = make_user()
    secret = make_token(app, member, "read+write")
    auth.login()
    response = forms.post("/settings/delete-account", {"password": "correct horse battery", "posts": "keep"},
                          page="/settings")
    assert response.status_code == 302, response.get_data(as_text=True)
    assert app.test_client().get("/api/v1/me", headers=bearer(secret)).status_code == 401
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(ApiToken.id))) == 0


def test_the_members_data_download_names_tokens_without_their_hash(app, client, auth, make_user):
    member = make_user()
    secret = make_token(app, member, name="Dashboard")
    with app.app_context():
        digest = db.session.scalar(db.select(ApiToken.token_hash))
    auth.login()
    download = client.get("/settings/my-data.json")
    assert download.get_json()["api_tokens"][0]["name"] == "Dashboard"
    text = download.get_data(as_text=True)
    assert digest not in text and secret not in text


def test_a_mangled_or_unknown_token_is_refused(client, community):
    for header in ("Bearer fk_not-a-token", "Bearer nothing", "Basic dXNlcjpwYXNz", "Bearer "):
        response = client.get("/api/v1/themes", headers={"Authorization": header})
        assert response.status_code == 401, header
        assert response.get_json()["error"]["code"] == "invalid_token"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
