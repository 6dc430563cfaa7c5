"""Configuration: defaults in code, then instance/config.py, then FLASK_* variables."""
from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

from flask import Flask

MIN_SECRET_KEY_LENGTH = 32


class ConfigurationError(RuntimeError):
    """Raised when the app is configured in a way that is unsafe to run."""


def default_config(instance_path: str) -> dict:
    """The settings a fresh checkout runs with."""
    instance = Path(instance_path)
    return {
        "COMMUNITY_NAME": "STEM Teacher Leaders",
        "COMMUNITY_TAGLINE": "Theme of the Month: a community of practice",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'forum.sqlite3'}",
        # "whoosh": an index of files in SEARCH_INDEX_DIR (one machine). "postgres":
        # PostgreSQL's full-text search in the forum's database (search/postgres_engine).
        "SEARCH_BACKEND": "whoosh",
        "SEARCH_INDEX_DIR": str(instance / "search-index"),
        # PostgreSQL with Whoosh's index (on this machine's disk) is refused unless
        # the operator says this is the forum's only app server.
        "SINGLE_SERVER": False,
        # PostgreSQL only: a search running longer is stopped and the member told.
        "SEARCH_STATEMENT_TIMEOUT_MS": 3000,
        # Whoosh only: a search still reading postings or ranking past this is stopped and the member
        # told, as PostgreSQL's statement timeout does (20 common words OR'ed took 4.3 s at 100,000 posts).
        "SEARCH_TIME_LIMIT_MS": 200,
        # PostgreSQL only: a search matching more posts is counted from a sample ("about")
        # and ranks its newest 1,000 matches (search/postgres_engine/querying.py).
        "SEARCH_EXACT_COUNT_UP_TO": 10_000,
        "SQLITE_BUSY_TIMEOUT_MS": 5000,
        "SEARCH_REBUILD_PROCESSES": 2,
        # Whoosh only (PostgreSQL indexes a change in its own transaction).
        # False: the worker (`flask --app app worker`) updates the index and
        # requests return after their commit. True: each writing request
        # updates it before responding (one process and no worker; tests).
        "SEARCH_INDEX_IN_REQUEST": False,
        # How often an idle worker looks for new outbox rows.
        "WORKER_POLL_SECONDS": 0.25,
        # Touched by a running worker; page views leave due panel questions to it (forum/worker/heartbeat.py).
        "WORKER_HEARTBEAT_FILE": str(instance / "worker.alive"),
        # Pages for visitors who are not signed in (forum/page_cache/cache.py), kept
        # by Flask-Caching: "FileSystemCache" in CACHE_DIR on one machine;
        # "RedisCache" with CACHE_REDIS_URL, or "MemcachedCache", to share
        # between servers; "NullCache" to keep nothing.
        "CACHE_TYPE": "FileSystemCache",
        "CACHE_DIR": str(instance / "page-cache"),
        "CACHE_THRESHOLD": 2000,  # pages kept on disk at most; the oldest go first
        "CACHE_DEFAULT_TIMEOUT": 24 * 3600,  # a changed page is never read again: this only frees room
        # How long browsers and shared proxies may keep such a page without asking again.
        "PAGE_CACHE_PUBLIC_SECONDS": 60,
        # A kept page is sent again without asking the database while no commit has changed any page
        # (forum/page_cache/change_token.py), for this long at most: the bound on a writer that died
        # between its commit and telling the cache.
        "PAGE_CACHE_TRUSTED_SECONDS": 60,
        # Werkzeug's default scrypt cost is below what ASVS 5.0 asks for.
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:600000",
        "PASSWORD_MIN_LENGTH": 10,
        "PASSWORD_MAX_LENGTH": 128,
        "LOGIN_FAILURE_WINDOW_SECONDS": 300,
        # See forum/throttle.py: an address and an account together, an account
        # from anywhere, and an address (whose right passwords still get in).
        "LOGIN_FAILURES_PER_PAIR": 5,
        "LOGIN_FAILURES_PER_ACCOUNT": 10,
        "LOGIN_FAILURES_PER_IP": 100,
        # action -> [attempts, window in seconds], counted per address (join) or
        # per member (the rest); past it, 429 with what was typed kept.
        "RATE_LIMITS": {
            "join": [10, 3600],             # accounts made from one address in an hour
            "preview": [60, 60],            # previews a member asks for in a minute
            "post": [30, 600],              # replies and new threads a member writes in 10 minutes
            "current-password": [5, 900],   # wrong current passwords in settings, per account
            "report": [10, 3600],           # posts a member reports in an hour
            "upload": [30, 3600],           # files a member attaches in an hour
            "api": [120, 60],               # JSON API requests per token in a minute (forum/api)
            "api-visitor": [30, 60],        # JSON API requests without a token, per address, in a minute
        },
        # The JSON API (forum/api): web pages on these origins may call it from the browser
        # (CORS), e.g. ["https://lms.example.edu"]. Empty: none may (tools on servers always can).
        "API_CORS_ORIGINS": [],
        "MEMBERS_PER_PAGE": 24,
        # The member directory and profiles: False shows them to signed-in members only.
        "MEMBER_PAGES_PUBLIC": False,
        "POST_MAX_LENGTH": 20_000,
        "THREAD_BRANCHES_PER_PAGE": 50,
        # Thread pages whose rows each process keeps for members' views, by the thread's page version
        # (forum/discussions/held_pages.py); 0 reads every page from the database.
        "THREAD_PAGES_HELD": 64,
        "AUDIT_ENTRIES_PER_PAGE": 50,
        # Times are stored in UTC and shown in the community's time zone.
        "DISPLAY_TIMEZONE": "America/New_York",
        # How dates read: "month-first" (December 23, 2026, as US date pickers write
        # them) or "day-first" (23 December 2026). Members may choose their own.
        "DATE_ORDER": "month-first",
        # Images and PDFs attached to posts (forum/uploads/files.py): files in UPLOAD_FOLDER,
        # each at most UPLOAD_MAX_BYTES as sent, and UPLOAD_QUOTA_BYTES in all per member.
        # Images are re-encoded, at most UPLOAD_IMAGE_MAX_SIDE pixels wide or high.
        # "folder": files in UPLOAD_FOLDER (one machine); "database": in the forum's
        # database, which every app server shares (forum/uploads/stores.py).
        "UPLOAD_STORE": "folder",
        "UPLOAD_FOLDER": str(instance / "uploads"),
        "UPLOAD_MAX_BYTES": 8 * 1024 * 1024,
        "UPLOAD_QUOTA_BYTES": 200 * 1024 * 1024,
        # A JPEG is decoded at a fraction of its size, so it may have UPLOAD_MAX_PIXELS;
        # the others (and a progressive JPEG's coefficients) are decoded whole, so their
        # caps are lower (forum/uploads/files.py, _check_pixels, says what each cap costs).
        "UPLOAD_MAX_PIXELS": 50_000_000,
        "UPLOAD_MAX_PIXELS_BY_FORMAT": {"PNG": 16_000_000, "GIF": 16_000_000, "WEBP": 9_000_000,
                                        "progressive JPEG": 16_000_000},
        "UPLOAD_IMAGE_MAX_SIDE": 2560,
        # Any request's body; a form that carries a file may add UPLOAD_MAX_BYTES (forum/core/security.py).
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        "MAX_FORM_MEMORY_SIZE": 512 * 1024,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        # "Keep me logged in" lasts 14 days from the last visit; without it, a
        # session ends after 12 hours without a request (forum.core.security).
        # (Not REMEMBER_COOKIE_REFRESH_EACH_REQUEST: Flask-Login would then
        # give every session a remember cookie, ticked or not.)
        "REMEMBER_COOKIE_DURATION": timedelta(days=14),
        "SESSION_IDLE_MINUTES": 12 * 60,
        "PERMANENT_SESSION_LIFETIME": timedelta(days=14),
        "WTF_CSRF_TIME_LIMIT": 3600 * 8,
        # Checked by our own before_request so that forms can re-show what was typed.
        "WTF_CSRF_CHECK_DEFAULT": False,
        # Number of proxies in front of the app whose X-Forwarded-For we trust.
        "PROXY_FIX_X_FOR": 0,
        # The public address of the forum: links in emails start with it. Never
        # taken from a request's Host header, which a reset link must not trust.
        "SITE_URL": "http://127.0.0.1:5000",
        # Outgoing mail (forum.mail.mailer). With no MAIL_SERVER, messages are kept
        # as .eml files in MAIL_FOLDER instead of being sent.
        "MAIL_SERVER": "",
        "MAIL_PORT": 25,
        "MAIL_USE_TLS": False,  # STARTTLS after connecting (port 587)
        "MAIL_USE_SSL": False,  # TLS from the start (port 465)
        "MAIL_USERNAME": "",
        "MAIL_PASSWORD": "",
        "MAIL_DEFAULT_SENDER": "STEM Teacher Leaders <forum@localhost>",
        "MAIL_FOLDER": str(instance / "mail"),
        "MAIL_TIMEOUT_SECONDS": 30,
        # A worker's hold on the batch it sends: no other worker takes those rows
        # meanwhile; a killed worker's unsent rows wait this long to be sent.
        "MAIL_CLAIM_SECONDS": 600,
        # A message the server keeps refusing for a while is given up on,
        # and shown to admins at /admin/mail (retries back off up to 6 hours).
        "MAIL_MAX_ATTEMPTS": 8,
        # At most one notification email per member this often; what arrives
        # meanwhile waits for the next one.
        "NOTIFICATION_EMAIL_MINUTES": 15,
        # Reply by email (forum/replies_by_email): an email about one post carries the address
        # reply+<token>@MAIL_INCOMING_DOMAIN, and what is sent to it becomes a reply. Empty: off
        # (no reply address, no "Reply to this email" line). Mail for that domain must reach
        # `flask mail receive` or `flask mail deliver` (README, "Reply by email").
        "MAIL_INCOMING_DOMAIN": "",
        # How long a reply address works after its email was sent.
        "REPLY_BY_EMAIL_DAYS": 60,
        # A larger message is refused (and the SMTP listener says so in its SIZE).
        "REPLY_BY_EMAIL_MAX_BYTES": 10 * 1024 * 1024,
        "PASSWORD_RESET_MINUTES": 30,
        "INVITATION_DAYS": 7,
        # Reset emails asked for per address and per client within the window.
        "RESET_WINDOW_SECONDS": 3600,
        "RESET_REQUESTS_PER_ACCOUNT": 3,
        "RESET_REQUESTS_PER_IP": 20,
        # Turn on for a real deployment: requires a real secret key, secure cookies.
        "PRODUCTION": False,
    }


def load_config(app: Flask, test_config: dict | None) -> None:
    """Apply the configuration layers in order and check the result is safe."""
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_mapping(default_config(app.instance_path))
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
    else:
        app.config.from_mapping(test_config)
    app.config.from_prefixed_env()
    _settle_secret_key(app)
    _check_dates(app)
    _check_one_search_index(app)
    if str(app.config["SQLALCHEMY_DATABASE_URI"]).startswith("postgresql"):
        # A server restart or failover leaves dead connections in the pool;
        # test each one as it is taken so the first request after comes through.
        app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {}).setdefault("pool_pre_ping", True)
    if app.config["PRODUCTION"]:
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True
        # __Host-: browsers accept these cookies only over HTTPS, for this
        # host and path /, so no other subdomain can set or read them.
        if app.config["SESSION_COOKIE_NAME"] == "session":  # Flask's default: not chosen by the operator
            app.config["SESSION_COOKIE_NAME"] = "__Host-session"
        app.config.setdefault("REMEMBER_COOKIE_NAME", "__Host-remember_token")


def _check_dates(app: Flask) -> None:
    """A misspelt zone or order would otherwise fail on the first page that shows a date."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(app.config["DISPLAY_TIMEZONE"])
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigurationError(f"DISPLAY_TIMEZONE {app.config['DISPLAY_TIMEZONE']!r} is not a time zone; "
                                 "use a name such as America/New_York or Europe/London.") from None
    if app.config["DATE_ORDER"] not in ("month-first", "day-first"):
        raise ConfigurationError(f"DATE_ORDER {app.config['DATE_ORDER']!r}: use month-first or day-first.")


def _check_one_search_index(app: Flask) -> None:
    """Whoosh's index is files on one machine: beside PostgreSQL, the database for several app
    servers, each server would keep an index of its own, and they drift apart (one worker
    takes the outbox rows the others never see)."""
    on_postgres = str(app.config["SQLALCHEMY_DATABASE_URI"]).startswith("postgresql")
    if on_postgres and app.config["SEARCH_BACKEND"] == "whoosh" and not app.config["SINGLE_SERVER"]:
        raise ConfigurationError(
            "The database is PostgreSQL but SEARCH_BACKEND is \"whoosh\", whose index is kept on this "
            "machine's disk: with more than one app server each would search an index of its own, "
            "missing the others' posts. Set SEARCH_BACKEND = \"postgres\" (search in the shared "
            "database; run `flask --app app search rebuild` once), or SINGLE_SERVER = True if this is "
            "the forum's only app server.")


def _settle_secret_key(app: Flask) -> None:
    key = app.config.get("SECRET_KEY")
    if app.config["PRODUCTION"]:
        if not key or len(str(key)) < MIN_SECRET_KEY_LENGTH:
            raise ConfigurationError(
                "PRODUCTION is set but SECRET_KEY is missing or shorter than "
                f"{MIN_SECRET_KEY_LENGTH} characters: set FLASK_SECRET_KEY or "
                "SECRET_KEY in instance/config.py."
            )
        return
    if not key:
        app.config["SECRET_KEY"] = _instance_secret(Path(app.instance_path))


def _instance_secret(instance: Path) -> str:
    """Read the generated key from instance/, creating it on first run."""
    path = instance / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    # Write the whole key aside, then link it into place: a racing worker
    # either wins the link or reads a complete key, never a half-written one.
    key = secrets.token_hex(32)
    tmp = instance / f".secret_key.{os.getpid()}.{secrets.token_hex(4)}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    try:
        os.link(tmp, path)
    except FileExistsError:
        key = path.read_text().strip()
    finally:
        tmp.unlink()
    return key
