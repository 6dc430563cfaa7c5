"""Fixtures: a fresh app on a real SQLite file and index folder per test."""
from __future__ import annotations

import re

import pytest

from forum import create_app
from forum.extensions import db
from forum.models import User
from forum.passwords import hash_password

# Cheap hashing keeps the suite fast; the production method is tested on its own.
FAST_HASH = "pbkdf2:sha256:1000"
PASSWORD = "correct horse battery"


@pytest.fixture
def app(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test secret key, long enough for the checks here",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'forum.sqlite3'}",
            "SEARCH_INDEX_DIR": str(tmp_path / "search-index"),
            "PASSWORD_HASH_METHOD": FAST_HASH,
        }
    )
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


CSRF_RE = re.compile(r'name="(?:[\w-]*-)?csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def csrf_from(html: str) -> str:
    """The first CSRF token on a page."""
    match = CSRF_RE.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1) or match.group(2)


class Forms:
    """Posting forms the way a browser does: GET the page, then POST with its token."""

    def __init__(self, client):
        self.client = client

    def post(self, url: str, data: dict, *, page: str | None = None, **kwargs):
        html = self.client.get(page or url).get_data(as_text=True)
        return self.client.post(url, data={"csrf_token": csrf_from(html), **data}, **kwargs)


@pytest.fixture
def forms(client):
    return Forms(client)


@pytest.fixture
def make_user(app):
    """Create a user directly in the database and return its id."""

    def make(email="member@example.org", display_name="Maria Lopez", role="member",
             password=PASSWORD, **fields):
        with app.app_context():
            user = User(email=email.lower(), display_name=display_name, role=role,
                        password_hash=hash_password(password) if password else None, **fields)
            db.session.add(user)
            db.session.commit()
            return user.id

    return make


class Auth:
    def __init__(self, forms):
        self.forms = forms

    def login(self, email="member@example.org", password=PASSWORD, **extra):
        return self.forms.post("/login", {"email": email, "password": password, **extra},
                               page="/login")

    def logout(self):
        return self.forms.post("/logout", {}, page="/")


@pytest.fixture
def auth(forms):
    return Auth(forms)
