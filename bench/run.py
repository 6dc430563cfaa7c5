"""The benchmark: speed, memory and scale, side by side in one run.

    make bench                                  # 10,000 posts, quick
    .venv/bin/python -m bench.run --posts 100000
    .venv/bin/python -m bench.run --posts 10000 --posts 100000 --posts 1000000

For each size: generate an archive (fixed seed), load it through
`flask archive import` (which builds the search index once at the end),
rebuild the index, then measure the thread page, search and writing.
Prints one Markdown table per part and writes them to bench/RESULTS.md.
Nothing here is asserted: the figures are for people to read.
"""
from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlencode

from forum.core.config import default_config

from .queries import QUERIES, named, search_request

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SECRET = "benchmark only: never used to serve anyone"
THREAD_SIZES = (10, 100, 1000, 5000)
WRITING_WORKERS = (1, 2, 4)
BENCH_PASSWORD = "benchmark password"


# Helpers ------------------------------------------------------------------------

def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def timed_turns(functions, repeat: int) -> list[list[float]]:
    """Milliseconds per call of each function, the functions taking turns, so that
    their ratios are not skewed by the machine being slower during one of them."""
    for function in functions:
        function()
    samples: list[list[float]] = [[] for _ in functions]
    for _ in range(repeat):
        for function, kept in zip(functions, samples):
            started = time.perf_counter()
            function()
            kept.append((time.perf_counter() - started) * 1000)
    return samples


def timed(function, repeat: int) -> list[float]:
    """Milliseconds per call, after one warm-up call."""
    function()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


# The search engines of the run (--search), and the one being measured now.
SEARCH = {"backends": ["whoosh"], "backend": "whoosh"}
ENGINE_NAMES = {"whoosh": "Whoosh", "postgres": "PostgreSQL full-text search"}
# The PostgreSQL server the run uses (--database postgresql), else None: SQLite.
POSTGRES: dict[str, str] = {}


def database_uri(workdir: Path) -> str:
    """Each size's database: a file in its folder, or a database on the server named after the folder."""
    if not POSTGRES:
        return f"sqlite:///{workdir / 'forum.sqlite3'}"
    from sqlalchemy.engine import make_url

    return make_url(POSTGRES["server"]).set(database=f"bench_{workdir.name}").render_as_string(hide_password=False)


def create_database(workdir: Path) -> None:
    """On PostgreSQL, an empty database for this size (dropped first if a run left one)."""
    if not POSTGRES:
        return
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    name = make_url(database_uri(workdir)).database
    engine = create_engine(POSTGRES["server"], isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    engine.dispose()


def environment(workdir: Path) -> dict[str, str]:
    return {**os.environ,
            "FLASK_SQLALCHEMY_DATABASE_URI": database_uri(workdir),
            "FLASK_SEARCH_INDEX_DIR": str(workdir / "search-index"),
            "FLASK_SEARCH_BACKEND": SEARCH["backend"],
            "FLASK_SINGLE_SERVER": "true",  # the benchmark is one app server, whichever engine
            "FLASK_MAIL_FOLDER": str(workdir / "mail"), "FLASK_CACHE_DIR": str(workdir / "page-cache"),
            "FLASK_WORKER_HEARTBEAT_FILE": str(workdir / "worker.alive"),
            # Four writers post far faster than any member may: lift the posting limit.
            "FLASK_RATE_LIMITS": json.dumps({**default_config(str(workdir))["RATE_LIMITS"], "post": [10**9, 600]}),
            "FLASK_SECRET_KEY": SECRET, "FLASK_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"}


def measured(command: list[str], env: dict) -> tuple[float, int, str]:
    """Run a command under /usr/bin/time -v when present: (seconds, peak RSS in MB, output)."""
    timer = ["/usr/bin/time", "-v"] if Path("/usr/bin/time").exists() else []
    started = time.perf_counter()
    done = subprocess.run(timer + command, env=env, cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
    peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    return seconds, int(peak.group(1)) // 1024 if peak else -1, done.stdout


def machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}"


def table(title: str, header: list[str], rows: list[list]) -> str:
    lines = [f"### {title}", "", "| " + " | ".join(header) + " |",
             "| " + " | ".join("---" if i == 0 else "---:" for i in range(len(header))) + " |"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


# 1. Generate and load -------------------------------------------------------------

def load(size: int, workdir: Path) -> dict:
    """Generate, import and rebuild, once per folder: a kept folder is measured again as it is,
    its database brought up to the code's migrations first."""
    figures = workdir / "load.json"
    if figures.exists():
        loaded = json.loads(figures.read_text())
        if loaded["posts"] != size:
            raise SystemExit(f"{workdir} holds {loaded['posts']:,} posts, not {size:,}")
        measured([PYTHON, "-m", "flask", "--app", "app", "db", "upgrade"], environment(workdir))
        return loaded
    workdir.mkdir(parents=True, exist_ok=True)
    archive = workdir / "archive.json"
    SEARCH["backend"] = SEARCH["backends"][0]
    env = environment(workdir)
    gen_seconds, _, _ = measured([PYTHON, "-m", "bench.generate_archive", "--posts", str(size),
                                  "--out", str(archive)], env)
    create_database(workdir)
    measured([PYTHON, "-m", "flask", "--app", "app", "db", "upgrade"], env)
    import_seconds, import_mb, _ = measured([PYTHON, "-m", "flask", "--app", "app", "archive", "import",
                                             str(archive)], env)
    rebuilt = {}
    for backend in SEARCH["backends"]:  # every engine's index, each built the same way
        SEARCH["backend"] = backend
        seconds, peak_mb, _ = measured([PYTHON, "-m", "flask", "--app", "app", "search", "rebuild"],
                                       environment(workdir))
        rebuilt[backend] = {"rebuild_s": seconds, "rebuild_mb": peak_mb}
    loaded = {"posts": size, "file_mb": archive.stat().st_size / 1e6, "generate_s": gen_seconds,
              "import_s": import_seconds, "import_mb": import_mb, "rebuilt": rebuilt}
    figures.write_text(json.dumps(loaded))
    return loaded


def index_mb(workdir: Path, backend: str) -> float:
    """The engine's live index on disk (Whoosh's files; PostgreSQL's tables with their indexes)."""
    import search

    SEARCH["backend"], chosen = backend, SEARCH["backend"]
    try:
        with make_app(workdir).app_context():
            return search.index_bytes() / 1e6
    finally:
        SEARCH["backend"] = chosen


def make_app(workdir: Path):
    """The app as a server runs it: start-up's objects frozen out of the collector's walks (app.py)."""
    from forum import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_uri(workdir),
                       "SEARCH_INDEX_DIR": str(workdir / "search-index"), "SECRET_KEY": SECRET,
                       "SEARCH_BACKEND": SEARCH["backend"],
                       "SINGLE_SERVER": True,
                       "MAIL_FOLDER": str(workdir / "mail"), "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
                       "CACHE_DIR": str(workdir / "page-cache"),
                       "WORKER_HEARTBEAT_FILE": str(workdir / "worker.alive")})
    gc.freeze()
    return app


# 2. Thread page -------------------------------------------------------------------

def pick_threads(app) -> list[tuple[int, int]]:
    """For each target size, the thread closest to it: (thread id, posts)."""
    from sqlalchemy import func, select

    from forum.core.extensions import db
    from forum.models import Thread

    chosen = []
    with app.app_context():
        for target in THREAD_SIZES:
            row = db.session.execute(
                select(Thread.id, Thread.reply_count + 1)
                .order_by(func.abs(Thread.reply_count + 1 - target), Thread.id).limit(1)
            ).first()
            if row and row not in chosen:
                chosen.append(tuple(row))
    return chosen


# The second ceiling: a page of the same posts with nothing but each post's
# author, time and text, rendered from memory (what Jinja itself costs).
MINIMAL_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title></head>
<body><main><h1>{{ title }}</h1>
{% for post in posts %}<article class="post" id="post-{{ post.id }}"><header><a href="/members/{{ post.author_id }}">
{{- post.author.display_name }}</a> <time datetime="{{ post.created_at.isoformat() }}">{{ post.created_at.date() }}</time>
</header><div class="post__body">{{ post.html|safe }}</div></article>
{% endfor %}</main></body></html>"""
WRITES = ("INSERT", "UPDATE", "DELETE")


def reader(app) -> tuple[int, str]:
    """A member to read as: (id, the value of a session cookie that signs them in)."""
    from sqlalchemy import select

    from forum.core.extensions import db
    from forum.models import User

    with app.app_context():
        user = db.session.scalar(select(User).where(User.role == "member").order_by(User.id).limit(1))
        session = {"_user_id": f"{user.id}:{user.session_token}", "_fresh": True, "seen": int(time.time())}
        return user.id, app.session_interface.get_signing_serializer(app).dumps(session)


def thread_page(app, thread_id: int, repeat: int) -> dict:
    """A signed-in member's view (never cached), its two ceilings from memory, and a visitor's."""
    from flask import render_template
    from flask_login import login_user

    from forum.discussions import reading
    from forum.core.database import recorded_statements
    from forum.core.extensions import db
    from forum.models import User
    from forum.discussions.views import thread_page_context

    url = f"/threads/{thread_id}"
    user_id, cookie = reader(app)
    member, visitor = app.test_client(), app.test_client()
    member.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie)
    with app.app_context():
        engine = db.engine
    member.get(url)
    with recorded_statements(engine) as statements:
        member.get(url)
    with recorded_statements(engine) as visitor_statements:
        visitor.get(f"{url}?first-view")  # an address not cached yet: the whole page is made
    writes = [s for s, _ in statements + visitor_statements if s.lstrip().upper().startswith(WRITES)]

    # The ceilings: the same posts rendered from memory, no database at all. In a
    # request context of their own: requests made inside one would share its `g`.
    with app.test_request_context(url):
        login_user(db.session.get(User, user_id))
        thread = reading.load_thread(thread_id)
        view = reading.load_page(thread, 1, show_hidden=False)
        context = thread_page_context(thread, view, moderator=False)
        posts = [node.post for node in _walk(view)]
        minimal = app.jinja_env.from_string(MINIMAL_PAGE)
        db.session.expunge_all()  # any lazy load would now fail loudly
        size = len(render_template("threads/show.html", **context).encode())
        ceiling, bare = timed_turns([lambda: render_template("threads/show.html", **context),
                                     lambda: minimal.render(title=thread.title, posts=posts)], repeat)
    etag = visitor.get(url).headers["ETag"]
    server, cached, not_modified = timed_turns([
        lambda: member.get(url), lambda: visitor.get(url),
        lambda: visitor.get(url, headers={"If-None-Match": etag})], repeat)
    return {"queries": len(statements), "visitor_queries": len(visitor_statements), "writes": len(writes),
            "p50": statistics.median(server), "p95": percentile(server, 0.95),
            "ceiling_p50": statistics.median(ceiling), "minimal_p50": statistics.median(bare),
            "cached_p50": statistics.median(cached), "not_modified_p50": statistics.median(not_modified),
            "bytes": size, "shown": len(posts) + 1, "cookie": cookie}


def _walk(view):
    stack = list(view.branches)
    while stack:
        node = stack.pop()
        yield node
        stack.extend(node.children)


@contextlib.contextmanager
def gunicorn(workdir: Path, workers: int, root: Path = ROOT, env: dict | None = None):
    """The app under gunicorn on 127.0.0.1, on a free port; from another tree's `app` with `root`."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}", "--log-level", "warning",
         "app:app"], cwd=root, env=env or environment(workdir), stdout=subprocess.DEVNULL,
        stderr=(workdir / "gunicorn.log").open("a"))  # errors under load are read there
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_serving(base)
        yield base
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=20)


def wait_until_serving(base: str, seconds: float = 60.0) -> None:
    """Until the front page answers 200: an open port alone may still be a worker starting up."""
    import urllib.request

    deadline = time.monotonic() + seconds
    while True:
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(f"{base}/", timeout=2) as response:
                if response.status == 200:
                    return
        if time.monotonic() > deadline:
            raise SystemExit(f"gunicorn at {base} never answered 200: see gunicorn.log")
        time.sleep(0.1)


def requests_per_second(url: str, seconds: float = 8.0, connections: int = 4,
                        headers: dict[str, str] | None = None) -> tuple[float, str]:
    """wrk from Debian's packages when present, else a small threaded Python client."""
    headers = headers or {}
    if shutil.which("wrk"):
        done = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{int(seconds)}s",
                               *(f"-H{name}: {value}" for name, value in headers.items()), url],
                              capture_output=True, text=True)
        found = re.search(r"Requests/sec:\s+([\d.]+)", done.stdout)
        return (float(found.group(1)) if found else 0.0), "wrk"
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    deadline = time.monotonic() + seconds
    counts = [0] * connections

    def worker(n: int) -> None:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        while time.monotonic() < deadline:
            connection.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""), headers=headers)
            connection.getresponse().read()
            counts[n] += 1

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / seconds, "Python http.client, 4 connections"


# 3. Search ------------------------------------------------------------------------

def search_part(app, repeat: int, workdir: Path) -> list[list]:
    """Each query end to end through /search, the engine's own part of it alone, and its anchor
    (bench/anchors.py), the three taking turns so that their ratios hold on a busy machine."""
    from sqlalchemy import select

    import search
    from forum.core.database import read_transaction
    from forum.core.extensions import db
    from forum.models import Post, Theme, User
    from forum.searching.finding import bodies_into

    from . import anchors

    client = app.test_client()
    rows = []
    fts5 = anchors.build_fts5(app, workdir) if SEARCH["backend"] == "whoosh" else None

    def first_time(params):
        # As the first search for these words in a worker: nothing of the engine's kept yet.
        search.forget_caches()
        client.get("/search", query_string=params)

    # A read transaction: outside a request a session writes (BEGIN IMMEDIATE, forum.core.database),
    # which would hold SQLite's write lock for the whole phase against every other writer.
    with app.app_context(), read_transaction():
        themes = dict(db.session.execute(select(Theme.slug, Theme.title)).all())
        # The first member with posts of the archive (the writing part's members come later).
        member = db.session.scalar(select(User.display_name).where(
            select(Post.id).where(Post.author_id == User.id).exists()).order_by(User.id).limit(1)) or ""
        chosen = [query for n, query in enumerate(QUERIES, 1) if not SEARCH.get("queries") or n in SEARCH["queries"]]
        for params in (named(params, themes, member) for params in chosen):
            cold = timed(lambda: first_time(params), max(3, repeat // 5))
            request = search_request(params)
            resolved = search.resolve(request).request
            anchor = None
            if params["q"] != QUERIES[-1]["q"]:  # the refused one runs nothing to compare with
                anchor = anchors.fts5_anchor(fts5, resolved) if fts5 else anchors.postgres_anchor(resolved)
            # Our engine as /search calls it (parse, match, count, facets, the page's snippets from the
            # posts' text), without the page around it: what the issue's targets compare with the anchor.
            def ours_alone(resolved=resolved):
                with contextlib.suppress(search.SearchTimedOut, search.TooManyAlternatives):
                    search.query(resolved, bodies_into({}))
            with search.bare(request) as engine_alone:  # the engine alone has no limits: what they save
                turns = [lambda: client.get("/search", query_string=params), ours_alone, engine_alone]
                ours, query, raw, *anchored = timed_turns(turns + ([anchor] if anchor else []), repeat)
            try:
                total = f"{search.query(request, lambda ids: {}).total:,}"
            except search.SearchTimedOut:
                total = "stopped"
            except search.TooManyAlternatives:
                total = "refused"
            base = statistics.median(anchored[0]) if anchored else None
            rows.append([f"`{urlencode(params)}`", total, f"{statistics.median(ours):.1f}",
                         f"{percentile(ours, .95):.1f}", f"{statistics.median(cold):.1f}",
                         f"{statistics.median(raw):.1f}", f"{percentile(raw, .95):.1f}",
                         f"{percentile(ours, .95) / max(percentile(raw, .95), 0.01):.2f}×",
                         f"{base:.2f}" if base else "–",
                         f"{statistics.median(ours) / base:.1f}×" if base else "–",
                         f"{statistics.median(query):.1f}",
                         f"{statistics.median(query) / base:.1f}×" if base else "–",
                         f"{statistics.median(raw) / base:.1f}×" if base else "–"])
    return rows


ANCHORS = {"whoosh": "FTS5", "postgres": "raw statement"}


def search_tables(size: int, workdir: Path, repeat: int) -> str:
    """One table per engine, then (with two) the p95 of each query side by side."""
    out, p95 = [], {}
    for backend in SEARCH["backends"]:
        SEARCH["backend"] = backend
        engine, anchor = ENGINE_NAMES[backend], ANCHORS[backend]
        print(f"[{size:,} posts] search on {engine}", flush=True)
        rows = search_part(make_app(workdir), repeat, workdir)
        p95[backend] = {row[0]: (row[1], row[3]) for row in rows}
        out.append(table(f"Search at {size:,} posts on {engine} (end to end beside {engine} alone, "
                         f"and both beside the anchor: {anchor}, bench/anchors.py)",
                         ["query", "matches", "/search p50 ms", "/search p95 ms", "first time p50 ms",
                          f"{engine} p50 ms", f"{engine} p95 ms", "p95 ratio", f"{anchor} p50 ms",
                          f"/search ÷ {anchor} (p50)", "search.query p50 ms", f"search.query ÷ {anchor} (p50)",
                          f"{engine} ÷ {anchor} (p50)"], rows))
    if len(p95) > 1:
        queries = list(next(iter(p95.values())))
        out.append(table(f"Search at {size:,} posts, the engines side by side (/search p95 ms, matches)",
                         ["query", *(ENGINE_NAMES[b] for b in p95)],
                         [[q, *(f"{p95[b][q][1]} ({p95[b][q][0]})" for b in p95)] for q in queries]))
    return "\n".join(out)


# 4. Writing -----------------------------------------------------------------------

def writing_part(app, workdir: Path, seconds: float) -> list[list]:
    from forum.core.extensions import db
    from forum.models import Theme, User
    from forum.accounts.passwords import hash_password
    from forum.core.database import utcnow
    from datetime import timedelta

    with app.app_context():
        theme = Theme(slug=f"bench-{int(time.time())}", title="Benchmark writing", month=utcnow().strftime("%Y-%m"),
                      opens_at=utcnow() - timedelta(days=1), closes_at=utcnow() + timedelta(days=30))
        writers = [User(email=f"bench-writer-{n}-{time.time_ns()}@example.org", display_name=f"Writer {n}",
                        password_hash=hash_password(BENCH_PASSWORD)) for n in range(4)]
        db.session.add_all([theme, *writers])
        db.session.commit()
        from forum.discussions import posting
        thread = posting.start_thread(theme, writers[0], "Benchmark thread", "Opening post")
        thread_id, emails = thread.id, [w.email for w in writers]
    rows = []
    for workers in WRITING_WORKERS:
        with search_worker(workdir), gunicorn(workdir, workers) as base:
            rate, findable = _post_replies(base, thread_id, emails, seconds)
        rows.append([workers, f"{rate:.1f}", f"{percentile(findable, 0.5):.0f}",
                     f"{percentile(findable, 0.95):.0f}", len(findable)])
    return rows


@contextlib.contextmanager
def search_worker(workdir: Path):
    """`flask worker` beside the web server, as `make run` and a deployment run it.

    It also notifies: the four writers watch the thread they post in, so
    each reply tells three members and queues their emails.
    """
    process = subprocess.Popen([PYTHON, "-m", "flask", "--app", "app", "worker"], cwd=ROOT,
                               env=environment(workdir), stdout=subprocess.DEVNULL,
                               stderr=(workdir / "worker.log").open("a"))
    try:
        yield
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)


def _post_replies(base: str, thread_id: int, emails: list[str], seconds: float) -> tuple[float, list[float]]:
    """Replies per second from four logged-in clients, and ms until a reply is findable, under that load.

    A fifth client posts a reply with a unique word, searches for it until
    it is found, and starts again, for as long as the load lasts.
    """
    import http.cookiejar
    import urllib.request

    def session(email: str):
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        page = opener.open(f"{base}/login").read().decode()
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        opener.open(f"{base}/login", data=urlencode({"csrf_token": token, "email": email,
                                                      "password": BENCH_PASSWORD}).encode())
        page = opener.open(f"{base}/threads/{thread_id}").read().decode()
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        return opener, token

    sessions = [session(email) for email in emails]
    deadline = time.monotonic() + seconds
    counts = [0] * len(sessions)
    findable: list[float] = []

    def writer(n: int) -> None:
        opener, token = sessions[n]
        while time.monotonic() < deadline:
            opener.open(f"{base}/threads/{thread_id}/posts",
                        data=urlencode({"csrf_token": token, "body": f"Load reply {n}-{counts[n]}"}).encode())
            counts[n] += 1

    def prober() -> None:
        opener, token = session(emails[0])
        while time.monotonic() < deadline:
            marker = f"findable{time.time_ns()}"
            started = time.perf_counter()
            opener.open(f"{base}/threads/{thread_id}/posts",
                        data=urlencode({"csrf_token": token, "body": f"Marker {marker}"}).encode())
            while marker not in opener.open(f"{base}/search?{urlencode({'q': marker})}").read().decode():
                if time.perf_counter() - started > 30:  # never found: the table shows inf
                    findable.append(float("inf"))
                    return
                time.sleep(0.02)
            findable.append((time.perf_counter() - started) * 1000)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(len(sessions))]
    threads.append(threading.Thread(target=prober))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return (sum(counts) + len(findable)) / seconds, findable


DIGEST_MEMBERS = 10_000


def digest_part(app, workdir: Path, members: int = DIGEST_MEMBERS) -> list[list]:
    """A weekly digest to `members` members: composing it, then writing every message out.

    Messages go to .eml files (no MAIL_SERVER in the benchmark), which
    costs what building each MIME message does, without a mail server's
    own speed in the figure.
    """
    from datetime import timedelta

    from sqlalchemy import delete, func, insert, select, update

    from forum.mail import mailer, mailings
    from forum.discussions import posting
    from forum.core.database import utcnow
    from forum.core.extensions import db
    from forum.models import Mailing, OutgoingMail, Post, Theme, Thread, User

    with app.test_request_context():
        now = utcnow()
        _, start, _ = mailings.digest_period(mailings.DIGEST_WEEKLY, now)
        stamp = time.time_ns()
        db.session.execute(insert(User), [
            {"email": f"reader-{n}-{stamp}@example.org", "display_name": f"Reader {n}", "password_hash": "x",
             "digest": "weekly"} for n in range(members)])
        theme = db.session.scalar(select(Theme).order_by(Theme.opens_at.desc()).limit(1))
        author = db.session.scalar(select(User).order_by(User.id).limit(1))
        # Data for the digest, written as an import writes it: the newest theme may not be open yet.
        thread = posting.add_thread(theme, author, "A thread for the digest", "Something new this week.")
        posting.add_reply(thread, author, "And a reply to it.")
        moment = start + timedelta(days=2)
        db.session.execute(update(Post).where(Post.thread_id == thread.id).values(created_at=moment))
        db.session.execute(update(Thread).where(Thread.id == thread.id).values(created_at=moment))
        db.session.commit()
        weekly = db.session.scalar(select(func.count(User.id)).where(User.digest == "weekly",
                                                                      User.password_hash.is_not(None)))
        # The worker of the writing part already sent this period's digest, empty: start it again.
        db.session.execute(delete(Mailing).where(Mailing.kind == mailings.DIGEST_WEEKLY))
        db.session.commit()
        started = time.perf_counter()
        mailings.schedule(now)
        while mailings.compose_batch():
            pass
        compose_s = time.perf_counter() - started
        composed = db.session.scalar(select(func.count(OutgoingMail.id)).where(OutgoingMail.key.like("digest-%")))
        started = time.perf_counter()
        sent = 0
        while did := mailer.send_due():
            sent += did
        send_s = time.perf_counter() - started
    return [[f"{weekly:,}", f"{composed:,}", f"{compose_s:.1f}", f"{composed / compose_s:.0f}",
             f"{sent:,}", f"{send_s:.1f}", f"{sent / send_s:.0f}" if send_s else "-"]]


# The run ------------------------------------------------------------------------

def thread_tables(size: int, app, workdir: Path, repeat: int) -> str:
    """The thread page for a signed-in member (made for each view) and for visitors (cached),
    beside its ceilings, for threads of 10 to 5,000 posts; then the ~200-post thread's targets."""
    print(f"[{size:,} posts] thread pages", flush=True)
    rows, pages, tool = [], [], ""
    # A worker runs beside the server, as deployed: page views leave due panel questions to it.
    with search_worker(workdir):
        time.sleep(1)  # its first heartbeat
        for thread_id, posts in pick_threads(app):
            page = thread_page(app, thread_id, repeat)
            with gunicorn(workdir, 2) as base:
                member_rps, tool = requests_per_second(
                    f"{base}/threads/{thread_id}",
                    headers={"Cookie": f"{app.config['SESSION_COOKIE_NAME']}={page['cookie']}"})
                visitor_rps, _ = requests_per_second(f"{base}/threads/{thread_id}")
            pages.append((posts, page, member_rps, visitor_rps))
            rows.append([f"{posts:,}", page["shown"], page["queries"], page["visitor_queries"], page["writes"],
                         f"{page['p50']:.1f}", f"{page['p95']:.1f}", f"{member_rps:.0f}",
                         f"{page['ceiling_p50']:.2f}", f"{page['ceiling_p50'] / page['p50']:.2f}",
                         f"{page['minimal_p50']:.2f}", f"{page['minimal_p50'] / page['p50']:.2f}",
                         f"{visitor_rps:.0f}", f"{page['cached_p50']:.2f}", f"{page['not_modified_p50']:.2f}",
                         f"{page['bytes'] // 1024}", f"{page['bytes'] / page['shown']:.0f}"])
        targets = reading_targets(app, workdir, pages)
    return table(f"Thread page at {size:,} posts (load: {tool})",
                 ["thread posts", "posts on page 1", "SQL queries, member", "SQL queries, visitor (not cached)",
                  "writes", "member p50 ms", "member p95 ms", "member req/s gunicorn ×2",
                  "ceiling p50 ms (full template)", "ours/ceiling", "minimal page p50 ms", "ours/minimal",
                  "visitor req/s (cached)", "visitor p50 ms (cached)", "304 p50 ms", "KB", "bytes/post"],
                 rows) + "\n" + targets


def reading_targets(app, workdir: Path, pages: list) -> str:
    """The targets of issue 17, for the thread nearest 200 posts and the 10-post one."""
    posts, page, member_rps, visitor_rps = min(pages, key=lambda found: abs(found[0] - 200))
    thread_id = next(thread_id for thread_id, size in pick_threads(app) if size == posts)
    # The same page as a static file, served by the same server: the limit of a cached page.
    static = ROOT / "static" / f"bench-thread-{os.getpid()}.html"
    static.write_bytes(app.test_client().get(f"/threads/{thread_id}").get_data())
    try:
        with gunicorn(workdir, 2) as base:
            static_rps, _ = requests_per_second(f"{base}/static/{static.name}")
            cached_rps, _ = requests_per_second(f"{base}/threads/{thread_id}")
    finally:
        static.unlink()
    small = min(pages, key=lambda found: found[0])[1]
    short_ceiling = small["ceiling_p50"] / small["p50"]
    per_post_us = _render_per_post_us(pages)
    rows = [
        ["visitor, repeat view (cached) req/s, against the same page as a static file",
         f"{cached_rps:.0f} of {static_rps:.0f}", f"{cached_rps / static_rps:.2f}×", "≥ 0.5×"],
        ["visitor, conditional request answered 304 (server time, p50)", f"{page['not_modified_p50']:.2f} ms",
         "", "< 1 ms"],
        ["member, render time per post (full template from memory)", f"{per_post_us:.0f} µs", "", "≤ 40 µs"],
        ["member, not cached, against the minimal page of the same posts from memory",
         f"{page['p50']:.1f} ms vs {page['minimal_p50']:.1f} ms", f"{page['minimal_p50'] / page['p50']:.2f}×",
         "≥ 0.5×"],
        ["member, 10-post thread, against its ceiling (full template from memory)",
         f"{small['p50']:.2f} ms vs {small['ceiling_p50']:.2f} ms", f"{short_ceiling:.2f}×", "≥ 0.6×"],
        ["SQL queries per member view, 10 to 5,000 posts",
         ", ".join(str(found[1]["queries"]) for found in pages), "", "constant"],
        ["writes during GETs", str(sum(found[1]["writes"] for found in pages)), "", "0"],
    ]
    return table(f"Reading a {posts:,}-post thread: where the targets stand",
                 ["measure", "measured", "ratio", "target"], rows)


def _render_per_post_us(pages: list) -> float:
    """The slope of render time over posts shown, between the smallest and the largest page."""
    first, last = min(pages, key=lambda found: found[1]["shown"]), max(pages, key=lambda found: found[1]["shown"])
    shown = last[1]["shown"] - first[1]["shown"]
    return (last[1]["ceiling_p50"] - first[1]["ceiling_p50"]) / shown * 1000 if shown else 0.0


PARTS = ("threads", "pages", "cached-page", "search", "writing", "digest")


def run(sizes: list[int], repeat: int, keep: bool, data: Path | None, parts: tuple[str, ...] = PARTS) -> str:
    engines = " and ".join(ENGINE_NAMES[backend] for backend in SEARCH["backends"])
    database = f"{'PostgreSQL (durable settings)' if POSTGRES else 'SQLite'}, search on {engines}"
    out = [f"# Benchmark results\n\nRun on {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC; {machine()}; "
           f"{database}.\n"
           "Produced by `bench/run.py`; re-run with `make bench` (10,000 posts) or "
           "`.venv/bin/python -m bench.run --posts N ...`.\n"]
    bulk_rows = []
    for size in sizes:
        workdir = data / str(size) if data else Path(tempfile.mkdtemp(prefix=f"bench-{size}-"))
        print(f"[{size:,} posts] generating and importing in {workdir}", flush=True)
        loaded = load(size, workdir)
        for backend, rebuilt in loaded["rebuilt"].items():
            bulk_rows.append([f"{size:,}", f"{loaded['file_mb']:.0f}", f"{loaded['import_s']:.1f}",
                              f"{size / loaded['import_s']:.0f}", loaded["import_mb"], ENGINE_NAMES[backend],
                              f"{rebuilt['rebuild_s']:.1f}", f"{size / rebuilt['rebuild_s']:.0f}",
                              rebuilt["rebuild_mb"], f"{index_mb(workdir, backend):.1f}"])
        SEARCH["backend"] = SEARCH["backends"][0]
        app = make_app(workdir)
        if "threads" in parts:
            out.append(thread_tables(size, app, workdir, repeat))
        if "pages" in parts:  # the member's page beside the lean page (bench/lean_page.py)
            from .lean_page import pages_part

            out.append(pages_part(size, app, workdir, environment(workdir)))
        if "cached-page" in parts:
            from . import cached_page

            out.append(cached_page.part(size, app, workdir))
        if "search" in parts:
            out.append(search_tables(size, workdir, repeat))
        if "writing" in parts:
            for backend in SEARCH["backends"]:
                SEARCH["backend"] = backend
                print(f"[{size:,} posts] writing, search on {ENGINE_NAMES[backend]}", flush=True)
                how = "the worker keeps the index in step" if backend == "whoosh" else \
                    "each reply's search document is written in its own transaction"
                out.append(table(
                    f"Writing at {size:,} posts, search on {ENGINE_NAMES[backend]} (HTTP replies; {how})",
                    ["gunicorn workers", "replies/s", "findable p50 ms", "findable p95 ms", "samples"],
                    writing_part(make_app(workdir), workdir, seconds=8.0)))
            SEARCH["backend"] = SEARCH["backends"][0]
        if "digest" in parts:
            print(f"[{size:,} posts] a weekly digest to {DIGEST_MEMBERS:,} members", flush=True)
            out.append(table(
                f"A weekly digest at {size:,} posts (composed into the outbox, then written out as .eml)",
                ["members with weekly digests", "messages composed", "compose s", "composed/s",
                 "messages sent", "send s", "sent/s"], digest_part(app, workdir)))
        if "concurrent" in parts:  # PostgreSQL only, so not in PARTS
            from . import concurrent_writes  # which imports this module

            out.append(concurrent_writes.part(size, workdir, POSTGRES))
        if not keep and not data:
            shutil.rmtree(workdir, ignore_errors=True)
    out.append(table("Bulk: archive import (search index built once at the end) and search rebuild",
                     ["posts", "file MB", "import s", "import posts/s", "import peak MB", "engine",
                      "rebuild s", "rebuild posts/s", "rebuild peak MB", "index MB"], bulk_rows))
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description="Measure the forum at one or more sizes.")
    parser.add_argument("--posts", type=int, action="append", help="archive size; repeat for several")
    parser.add_argument("--repeat", type=int, default=25, help="timed requests per measurement")
    parser.add_argument("--keep", action="store_true", help="keep the generated databases and indexes")
    parser.add_argument("--data", type=Path, help="keep each size's database and index in DATA/<posts>, "
                        "and measure one already loaded there again without loading it")
    parser.add_argument("--load-only", action="store_true", help="generate and load, measure nothing")
    parser.add_argument("--parts", default=",".join(PARTS),
                        help=f"what to measure, comma-separated, of {','.join(PARTS)} (the bulk table always)")
    parser.add_argument("--results", default=str(ROOT / "bench" / "RESULTS.md"))
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite",
                        help="postgresql: on a throwaway cluster (Debian's postgresql), or the server "
                        "at --database-url")
    parser.add_argument("--database-url", help="a PostgreSQL server whose user may create databases, "
                        "e.g. postgresql+psycopg://bench@127.0.0.1/postgres")
    parser.add_argument("--search", choices=sorted(ENGINE_NAMES), action="append",
                        help="a search engine to measure (default whoosh); repeat for both, side by side "
                        "(postgres needs --database postgresql)")
    parser.add_argument("--queries", help="the search part's queries to measure, by their number in "
                        "bench/queries.py from 1, comma-separated (default: all)")
    args = parser.parse_args()
    SEARCH["queries"] = [int(n) for n in args.queries.split(",")] if args.queries else None
    backends = list(dict.fromkeys(args.search or ["whoosh"]))
    if "postgres" in backends and args.database != "postgresql":
        parser.error("--search postgres searches the forum's PostgreSQL database: add --database postgresql")
    SEARCH["backends"] = backends
    with contextlib.ExitStack() as stack:
        if args.database == "postgresql":
            if args.data and not args.database_url:
                parser.error("--data keeps databases between runs: give --database-url with it")
            POSTGRES["server"] = args.database_url or stack.enter_context(throwaway_postgres())
        elif args.database_url:
            parser.error("--database-url goes with --database postgresql")
        measure(parser, args)


@contextlib.contextmanager
def throwaway_postgres():
    """The tests' own cluster (tests/postgres.py), for the length of the run."""
    from tests.postgres import Cluster

    cluster = Cluster(durable=True)
    POSTGRES["log"] = str(cluster.log)  # its lock waits, for bench/concurrent_writes.py
    try:
        yield cluster.uri("postgres")
    finally:
        cluster.remove()


def measure(parser, args) -> None:
    if args.load_only:
        if not args.data:
            parser.error("--load-only needs --data")
        for size in args.posts or [10_000]:
            print(json.dumps(load(size, args.data / str(size))), flush=True)
        return
    parts = tuple(part.strip() for part in args.parts.split(",") if part.strip())
    unknown = set(parts) - {*PARTS, "concurrent"}
    if unknown:
        parser.error(f"--parts: unknown {', '.join(sorted(unknown))}; choose from {', '.join(PARTS)},concurrent")
    if "concurrent" in parts and not POSTGRES:
        from .concurrent_writes import SQLITE_REFUSAL

        parser.error(SQLITE_REFUSAL)
    report = run(args.posts or [10_000], args.repeat, args.keep, args.data, parts)
    Path(args.results).write_text(report)
    print(report)


if __name__ == "__main__":
    main()
