"""Chromium from Debian's packages, driven by Playwright, against a live server.

Browser tests are skipped with a message when Chromium or Playwright is
missing, unless REQUIRE_BROWSER=1 (set by .ci/run), where that is a failure.
"""
from __future__ import annotations

import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server
from werkzeug.wrappers import Response

from forum import create_app
from forum.core.extensions import db
from forum.models import Theme, User
from forum.accounts.passwords import hash_password
import search
from tests.conftest import FAST_HASH, PASSWORD, seed_reply, seed_thread
from tests.shared_work import TEMPLATE_CODE

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
REQUIRED = os.environ.get("REQUIRE_BROWSER") == "1"
# Without the background-networking switches Chromium keeps trying to reach
# Google's hosts, which this sandbox refuses.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
    "--no-first-run", "--disable-background-networking", "--disable-component-update",
    "--disable-sync",
]


def _unavailable(reason: str):
    message = f"browser tests need {reason}"
    if REQUIRED:
        pytest.fail(message + " (REQUIRE_BROWSER=1)")
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser():
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        _unavailable(f"Chromium at {CHROMIUM}: install it with `sudo apt-get install -y chromium`")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright for Python: run `make test`, which installs it")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def live_app(tmp_path, database_uri):
    app = create_app(
        {
            "SECRET_KEY": "browser test secret key, long enough to pass",
            "SQLALCHEMY_DATABASE_URI": database_uri,
            "SEARCH_INDEX_DIR": str(tmp_path / "search-index"),
            "MAIL_FOLDER": str(tmp_path / "mail"),
            "CACHE_DIR": str(tmp_path / "page-cache"),
            "UPLOAD_FOLDER": str(tmp_path / "uploads"),
            "WORKER_HEARTBEAT_FILE": str(tmp_path / "worker.alive"),
            "PASSWORD_HASH_METHOD": FAST_HASH,
            "SEARCH_INDEX_IN_REQUEST": True,
        }
    )
    app.jinja_env.bytecode_cache = TEMPLATE_CODE
    return app


def whole_bodies(app):
    """The app, each response read whole (and closed) before it is sent.

    A page the browser leaves mid-load (a form sent while the stylesheet was
    on its way) otherwise left that file open in the server's thread, and the
    suite, which treats warnings as errors, failed one run in three.
    """
    def wsgi(environ, start_response):
        return Response.from_app(app, environ, buffered=True)(environ, start_response)
    return wsgi


@pytest.fixture
def live_server(live_app):
    """The app served on 127.0.0.1 on a free port, in a background thread."""
    server = make_server("127.0.0.1", 0, whole_bodies(live_app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)
    search.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
    page.js_errors = errors
    yield page
    context.close()


@pytest.fixture
def discussion(live_app):
    """An open theme with a thread: opening post, a reply, and a reply to that."""
    from datetime import timedelta

    from forum.core.database import utcnow

    with live_app.test_request_context():
        people = [User(email=f"{key}@example.org", display_name=name, password_hash=hash_password(PASSWORD))
                  for key, name in [("maria", "Maria Lopez"), ("brett", "Brett Criswell")]]
        theme = Theme(slug="finding-time", title="Finding time to collaborate", month="2026-11",
                      opens_at=utcnow() - timedelta(days=3), closes_at=utcnow() + timedelta(days=20))
        db.session.add_all([*people, theme])
        db.session.commit()
        thread = seed_thread(theme, people[1], "Where does the time come from?", "Opening question")
        first = seed_reply(thread, people[1], "A first answer")
        nested = seed_reply(thread, people[0], "A nested answer", first)
        return {"thread": thread.id, "first": first.id, "nested": nested.id}


def log_in(page, email="maria@example.org"):
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
