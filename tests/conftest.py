"""Fixtures: a fresh app on a real, migrated database and index folder per test."""
from __future__ import annotations

import multiprocessing
import os
import re
from pathlib import Path
from datetime import datetime, timedelta, timezone

import pytest

from forum import create_app
from forum.discussions import posting
import search
from forum.core.database import recorded_statements
from forum.core.extensions import db
from forum.models import Post, Theme, Thread, User
from forum.models.post_events import EDITED, post_changed
from forum.accounts.passwords import hash_password
from tests.databases import PostgresDatabases, SQLiteDatabases
from tests.shared_work import TEMPLATE_CODE, share_compiled_sql, share_url_builders, share_url_parsing
from tests.mailserver import MailServer
from tests.postgres import PostgresUnavailable
from tests.redisserver import RedisServer, RedisUnavailable

share_url_builders()  # tests/shared_work.py
share_url_parsing()
share_compiled_sql()


def other_processes():
    """Processes that run the forum beside the test's, each with its own app and connections.

    Started from a fork server that imported the forum once: a child started afresh ("spawn")
    spent 1.5 s of CPU importing it again. The four tests that start them took 32 s on SQLite
    and 39 s on PostgreSQL on a busy machine, now 13 s and 17 s. Each child is still a process
    of its own, forked from a server that opened no connection and started no thread.
    """
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["tests.conftest"])
    return context


# The repository: where `flask --app app` and the README are.
ROOT = Path(__file__).resolve().parent.parent

# Cheap hashing keeps the suite fast; the production method is tested on its own.
FAST_HASH = "pbkdf2:sha256:1000"
PASSWORD = "correct horse battery"


def seed_thread(theme, author, title: str, body: str):
    """A thread written as data for a test, as the archive import writes one: no permission asked,
    no posting limit counted (a month long archived has threads too). Members' posts in tests go
    through the pages, or posting.start_thread and posting.reply, as in production."""
    from forum.discussions import posting

    thread = posting.add_thread(theme, author, title, body)
    db.session.commit()
    return thread


def seed_reply(thread, author, body: str, parent=None):
    """A reply written as data for a test (see seed_thread)."""
    from forum.discussions import posting

    post = posting.add_reply(thread, author, body, parent)
    db.session.commit()
    return post


@pytest.fixture(autouse=True)
def _close_every_engine():
    """Close the connections of every app a test made, not just the `app` fixture's.

    Tests make extra apps (a second worker, other settings); on PostgreSQL a
    connection left to the garbage collector warns in whichever test runs next.
    """
    yield
    for engines in list(db._app_engines.values()):  # Flask-SQLAlchemy's engines, by app
        for engine in engines.values():
            engine.dispose()


def pytest_configure(config):
    # Each test's forum is one app server, its worker processes included: Whoosh beside
    # PostgreSQL is allowed (forum/core/config.py refuses it otherwise).
    os.environ.setdefault("FLASK_SINGLE_SERVER", "true")


def pytest_runtest_setup(item):
    on_postgres = os.environ.get("TEST_DATABASE") == "postgresql"
    if item.get_closest_marker("sqlite_only") and on_postgres:
        pytest.skip("tests a mechanism SQLite has and PostgreSQL does not need")
    if item.get_closest_marker("postgres_only") and not on_postgres:
        pytest.skip("needs a PostgreSQL server; runs under TEST_DATABASE=postgresql")


def _on_postgres() -> bool:
    return os.environ.get("TEST_DATABASE") == "postgresql"


def pytest_generate_tests(metafunc):
    """Tests marked every_search_backend run once per engine: Whoosh's in the SQLite run,
    PostgreSQL's in the PostgreSQL run.

    Running Whoosh's again in the PostgreSQL run repeated 109 tests whose
    engine never reads the database differently (its documents come from
    the same queries), about a minute of a suite that must stay under ten.
    Whoosh beside a PostgreSQL database is still run there by the
    whoosh_only tests (its worker, its outbox, its files).
    """
    if "search_backend" not in metafunc.fixturenames or \
            not metafunc.definition.get_closest_marker("every_search_backend"):
        return
    engines = ["postgres"] if _on_postgres() else ["whoosh"]
    if metafunc.definition.get_closest_marker("whoosh_only"):
        engines = ["whoosh"]
    metafunc.parametrize("search_backend", engines, indirect=True)


@pytest.fixture
def search_backend(request):
    """The search engine of the test's app: on PostgreSQL, PostgreSQL's own unless a test says otherwise.

    TEST_SEARCH_BACKEND chooses another for a whole run.
    """
    if hasattr(request, "param"):
        return request.param
    if request.node.get_closest_marker("whoosh_only"):
        return "whoosh"
    return os.environ.get("TEST_SEARCH_BACKEND") or ("postgres" if _on_postgres() else "whoosh")


def _postgres_databases() -> PostgresDatabases:
    try:
        return PostgresDatabases(os.environ.get("TEST_POSTGRES_URL"))
    except PostgresUnavailable as missing:
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail(f"REQUIRE_POSTGRES=1 but {missing}", pytrace=False)
        pytest.skip(f"TEST_DATABASE=postgresql, but {missing} (REQUIRE_POSTGRES=1 makes this a failure)")


@pytest.fixture(scope="session")
def databases(tmp_path_factory):
    """Where each test's database comes from (see tests/databases.py)."""
    wanted = os.environ.get("TEST_DATABASE", "sqlite")
    if wanted == "postgresql":
        made = _postgres_databases()
    elif wanted == "sqlite":
        made = SQLiteDatabases(tmp_path_factory.mktemp("template"))
    else:
        pytest.fail(f"TEST_DATABASE={wanted!r}: use sqlite or postgresql", pytrace=False)
    yield made
    made.close()


@pytest.fixture
def database_uri(databases, tmp_path):
    """A migrated, empty database of the test's own."""
    uri = databases.fresh(tmp_path)
    yield uri
    databases.discard(uri)


@pytest.fixture
def app(tmp_path, database_uri, search_backend):
    app = create_app(
        {
            "TESTING": True,
            "SEARCH_BACKEND": search_backend,
            "SECRET_KEY": "test secret key, long enough for the checks here",
            "SQLALCHEMY_DATABASE_URI": database_uri,
            "SEARCH_INDEX_DIR": str(tmp_path / "search-index"),
            "MAIL_FOLDER": str(tmp_path / "mail"),
            "CACHE_DIR": str(tmp_path / "page-cache"),
            "UPLOAD_FOLDER": str(tmp_path / "uploads"),
            "WORKER_HEARTBEAT_FILE": str(tmp_path / "worker.alive"),
            "PASSWORD_HASH_METHOD": FAST_HASH,
            # Most tests search right after posting; tests/worker/test_worker.py covers the worker.
            "SEARCH_INDEX_IN_REQUEST": True,
        }
    )
    app.jinja_env.bytecode_cache = TEMPLATE_CODE
    yield app
    search.close()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session")
def redis_server():
    """A redis-server of the run's own (see tests/redisserver.py); skipped, with the reason, without one."""
    try:
        server = RedisServer()
    except RedisUnavailable as missing:
        if os.environ.get("REQUIRE_REDIS") == "1":
            pytest.fail(f"REQUIRE_REDIS=1 but {missing}", pytrace=False)
        pytest.skip(f"{missing} (REQUIRE_REDIS=1 makes this a failure)")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def _mail_server():
    server = MailServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def mail_server(_mail_server, app):
    """A real SMTP server on 127.0.0.1 that the app sends through (see tests/mailserver.py)."""
    _mail_server.reset()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=_mail_server.port, MAIL_TIMEOUT_SECONDS=5)
    yield _mail_server
    _mail_server.reset()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


CSRF_RE = re.compile(r'name="(?:[\w-]*-)?csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def audit_actions(app) -> list[str]:
    """Moderators' and admins' actions, oldest first (account events such as logins are kept apart)."""
    from forum.models import AuditEntry

    with app.app_context():
        return db.session.scalars(db.select(AuditEntry.action).where(AuditEntry.action.not_like("account.%"))
                                  .order_by(AuditEntry.id)).all()


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


@pytest.fixture
def make_theme(app):
    """Create a theme whose discussion is open (or upcoming/archived) and return its slug."""
    from datetime import timedelta

    from forum.core.database import utcnow
    from forum.models import Theme

    def make(slug="finding-time", title="Finding time to collaborate", state="open", **fields):
        now = utcnow()
        opens, closes = {
            "open": (now - timedelta(days=5), now + timedelta(days=20)),
            "upcoming": (now + timedelta(days=10), now + timedelta(days=38)),
            "archived": (now - timedelta(days=60), now - timedelta(days=30)),
        }[state]
        with app.app_context():
            theme = Theme(slug=slug, title=title, summary="A summary.", opens_at=opens, closes_at=closes,
                          **{"month": opens.strftime("%Y-%m"), **fields})
            db.session.add(theme)
            db.session.commit()
        return slug

    return make


@pytest.fixture
def kiln_thread(app, make_user, make_theme, make_thread):
    """An admin (admin@example.org), and a member's thread about kilns that search has."""
    make_user(email="admin@example.org", display_name="Ada Admin", role="admin")
    make_user()
    make_theme()
    make_thread("finding-time", 2, title="Kiln schedules", body="Firing clay twice")
    with app.app_context():
        search.apply_pending()


@pytest.fixture
def make_thread(app):
    """Create a thread with an opening post directly; returns (thread_id, opening_post_id)."""
    from forum.discussions import posting
    from forum.models import Theme

    def make(slug, author_id, title="How do you find time?", body="Opening post body."):
        with app.test_request_context():
            theme = db.session.scalar(db.select(Theme).where(Theme.slug == slug))
            thread = seed_thread(theme, db.session.get(User, author_id), title, body)
            return thread.id, posting.opening_post(thread).id

    return make


@pytest.fixture
def add_reply(app):
    """Add a reply directly (no HTTP); returns the new post id."""
    from forum.models import Post, Thread

    def add(thread_id, author_id, body="A reply.", parent_id=None):
        with app.test_request_context():
            thread = db.session.get(Thread, thread_id)
            parent = db.session.get(Post, parent_id) if parent_id else None
            return seed_reply(thread, db.session.get(User, author_id), body, parent).id

    return add


@pytest.fixture
def make_due_question(app):
    """A panel question of the (only) theme, scheduled a minute ago: due for the worker."""
    from datetime import timedelta

    from forum.core.database import utcnow
    from forum.models import PanelQuestion, Theme

    def make(question="How do you protect planning time?"):
        with app.app_context():
            db.session.add(PanelQuestion(theme=db.session.scalar(db.select(Theme).order_by(Theme.id).limit(1)),
                                         question=question,
                                         asked_by="A. Guest", status="scheduled",
                                         publish_at=utcnow() - timedelta(minutes=1)))
            db.session.commit()

    return make


def signed_in_as(app, email: str) -> tuple:
    """A fresh browser-like client logged in as `email`: (client, forms)."""
    client = app.test_client()
    forms = Forms(client)
    Auth(forms).login(email=email)
    return client, forms


def reply_as(app, email: str, thread_id: int, body: str, parent_id: int | None = None) -> int:
    """Reply through HTTP as `email`; returns the new post's id."""
    _, forms = signed_in_as(app, email)
    data = {"body": body, **({"parent_id": str(parent_id)} if parent_id else {})}
    response = forms.post(f"/threads/{thread_id}/posts", data, page=f"/threads/{thread_id}")
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(re.search(r"#post-(\d+)", response.location).group(1))


def notifications_of(app, user_id: int) -> list[tuple[str, int]]:
    """(kind, post id) of a member's notifications, oldest first."""
    from forum.models import Notification

    with app.app_context():
        return [(n.kind, n.post_id) for n in db.session.scalars(
            db.select(Notification).where(Notification.user_id == user_id).order_by(Notification.id))]


# Helpers more than one test module uses ------------------------------------------

XSS_PAYLOADS = {
    "script tag": "<script>alert('x')</script>",
    "script in code span escape": "`</code><script>alert(1)</script>`",
    "event handler": '<img src=x onerror="alert(1)">',
    "event handler on allowed tag": '<p onmouseover="alert(1)">hover</p>',
    "javascript link": "[click](javascript:alert(1))",
    "javascript link, entity-encoded": "[click](&#106;avascript:alert(1))",
    "javascript link, mixed case and whitespace": "[click]( JaVaScRiPt:alert(1))",
    "data URL link": "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "vbscript link": "[click](vbscript:msgbox(1))",
    "autolink javascript": "<javascript:alert(1)>",
    "svg": '<svg onload="alert(1)"><circle r="1"/></svg>',
    "math": "<math><mtext><script>alert(1)</script></mtext></math>",
    "style tag": "<style>body{display:none}</style>",
    "style attribute": '<a href="https://example.org" style="position:fixed;top:0">x</a>',
    "iframe": '<iframe src="https://evil.example/"></iframe>',
    "form": '<form action="https://evil.example/"><input name=x></form>',
    "noscript mXSS": '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "malformed tag": "<<script>script>alert(1)<</script>/script>",
    "unclosed attribute": '<a href="https://example.org" onclick="alert(1)',
    "comment": "<!--<script>alert(1)</script>-->",
    "entity tricks": "&lt;script&gt;alert(1)&lt;/script&gt; &#x3C;script&#x3E;",
    "markdown image with handler": '![x" onerror="alert(1)](https://example.org/a.png)',
    "reference link to javascript": "[x][evil]\n\n[evil]: javascript:alert(1)",
    "html block": '<div onclick="alert(1)">block</div>',
    "object and embed": '<object data="x.swf"></object><embed src="x.swf">',
    "base tag": '<base href="https://evil.example/">',
    "meta refresh": '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
    "link with quote breakout": '[x](https://example.org/"onmouseover="alert(1))',
}


def count_queries(app, client, url):
    """The SQL statements one page view runs."""
    with app.app_context():
        engine = db.engine
    with recorded_statements(engine) as statements:
        assert client.get(url).status_code == 200
    return [statement for statement, _ in statements]


def build_thread(app, thread_id, opening_id, authors, size):
    """A thread of `size` replies in a realistic shape, inserted directly."""
    from forum.discussions import posting
    from forum.models import User

    with app.test_request_context():
        thread = db.session.get(Thread, thread_id)
        users = [db.session.get(User, a) for a in authors]
        parents = [db.session.get(Post, opening_id)]
        for n in range(size):
            parent = parents[(n * 7) % len(parents)] if n % 3 else parents[0]
            post = posting.new_post(thread, users[n % len(users)], f"Reply number {n}", parent)
            if post.depth < 8:
                parents.append(post)
        db.session.commit()


# A small archive written for these tests: (theme, author, thread title, body).
ARCHIVE = {
    "themes": [
        ("leading", "Leading without leaving the classroom", "2024-10"),
        ("makers", "Makerspaces in every grade", "2024-11"),
        ("time", "Finding time to collaborate", "2025-12"),
    ],
    "members": [
        ("julie", "Julie Ortiz", "Alternative high school science teacher"),
        ("brett", "Brett Criswell", "Chemistry teacher educator"),
        ("ana", "Ana Martínez", "Principal"),
        ("sam", "Sam Okafor", "District STEM coordinator"),
    ],
    "posts": [
        ("leading", "sam", "Hybrid roles", "Our district adopted Opportunity Culture last year: multi-classroom leaders teach part time and lead a small team."),
        ("leading", "julie", "Hybrid roles", "At an alternative school the hybrid role looks different: our students need continuity more than anything."),
        ("leading", "brett", "Hybrid roles", "Teacher leaders who keep a classroom keep their credibility with colleagues."),
        ("leading", "julie", "Alternative schools", "Alternative schools rarely get teacher leadership positions; we had to invent ours with a grant."),
        ("makers", "ana", "Starting a makerspace", "We turned the old library annex into a makerspace with a laser cutter and sewing machines."),
        ("makers", "sam", "Starting a makerspace", "Makerspaces need a maintenance budget, not just a ribbon cutting."),
        ("makers", "brett", "Engineering design", "The engineering design cycle fits chemistry labs if you let students redesign the procedure."),
        ("makers", "julie", "Engineering design", "My students built water filters; the design brief mattered more than the materials."),
        ("time", "ana", "Master schedule", "I rebuilt the master schedule so every science team shares common planning time on Tuesdays."),
        ("time", "brett", "Master schedule", "Common planning time is wasted when the agenda is announcements; protect it with a protocol."),
        ("time", "sam", "Release time", "We pay stipends for release time and hire a pool of substitutes who know our classrooms."),
        ("time", "julie", "Lesson study", "Lesson study took three release days a semester but changed how we plan together."),
        ("time", "ana", "Lesson study", "Instructional rounds are a lighter way to start before committing to full lesson study."),
        ("time", "sam", "Finding minutes", "We found twenty minutes a week by moving morning duty to the counseling team: collaboration time!"),
    ],
}


@pytest.fixture
def archive(app):
    """Load ARCHIVE through the posting functions (outbox and all), then sync."""
    with app.test_request_context():
        themes = {}
        for slug, title, month in ARCHIVE["themes"]:
            opens = datetime.strptime(month, "%Y-%m").replace(tzinfo=timezone.utc)
            themes[slug] = Theme(slug=slug, title=title, month=month, opens_at=opens,
                                 closes_at=opens + timedelta(days=28))
        people = {key: User(email=f"{key}@example.org", display_name=name, position=position)
                  for key, name, position in ARCHIVE["members"]}
        db.session.add_all([*themes.values(), *people.values()])
        db.session.commit()
        threads: dict[str, Thread] = {}
        ids = []
        for n, (slug, author, title, body) in enumerate(ARCHIVE["posts"]):
            if title not in threads:
                threads[title] = seed_thread(themes[slug], people[author], title, body)
                post = posting.opening_post(threads[title])
            else:
                post = seed_reply(threads[title], people[author], body)
            post.created_at = themes[slug].opens_at + timedelta(days=1, hours=n)
            post_changed(post, EDITED)  # its date changed after it was written
            ids.append(post.id)
        db.session.commit()
        search.apply_pending()
        return ids


def results(client, **params):
    html = client.get("/search", query_string=params).get_data(as_text=True)
    block = re.search(r'<ol id="results"[^>]*>(.*?)</ol>', html, re.S)
    # A result links its post from its thread's title (the first of a thread's hits) and its byline.
    found = re.findall(r'href="/posts/(\d+)[?"]', block.group(1)) if block else []
    ids = [int(i) for i in dict.fromkeys(found)]
    return ids, html
