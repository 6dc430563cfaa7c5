"""The lean page: the anchor the member's thread page is measured against (issue 36).

A plain blog's comment page, as one would write it without trying to be
slow or clever: a small Flask app renders 200 comments, held in memory,
with Jinja (author, date, a paragraph of already-sanitised HTML each,
replies nested under the comment they answer), inside a site layout of a
blog's weight (a header, a nav, a footer, one stylesheet). No database,
no session, no permissions: what is left is what Flask and Jinja cost for
a page of that many comments, the least the forum's page can cost.

    gunicorn -w 2 bench.lean_page:app      # then GET /

`pages_part()` (called by bench/run.py's "pages" part) serves it beside
the forum under the same gunicorn and takes turns with wrk between the
member's page of a 200-post thread and this page.
"""
from __future__ import annotations

import contextlib
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from flask import Flask, render_template_string

COMMENTS = 200
ROOT = Path(__file__).resolve().parent.parent

# One paragraph of sanitised-looking HTML per comment, from these words (fixed seed).
_WORDS = ("students planning time coaching lesson science teachers collaboration labs maths "
          "feedback grade inquiry district colleagues schedule engineering makerspace practice "
          "reflection data classroom leaders unit shared norms department").split()
_NAMES = ("Ana Ruiz", "Brett Criswell", "Chen Wei", "Dana Okafor", "Eli Novak", "Fatima Haddad",
          "Grace Lin", "Hugo Petit", "Ines Duarte", "Jackie Wheeler")

PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }} · A teaching blog</title><link rel="stylesheet" href="/static/blog.css"></head>
<body>
<header class="site"><a class="brand" href="/">A teaching blog</a>
<nav><a href="/">Home</a> <a href="/archive">Archive</a> <a href="/about">About</a></nav></header>
<main>
<h1>{{ title }}</h1>
<section class="comments"><h2>{{ count }} comments</h2>
<ol class="comments">
{%- for comment in comments recursive %}
<li id="c{{ comment.id }}"><article><header><b>{{ comment.author }}</b> <time datetime="{{ comment.iso }}">{{ comment.date }}</time></header>
{{ comment.html|safe }}
<a href="#c{{ comment.id }}">Link</a></article>
{%- if comment.replies %}<ol>{{ loop(comment.replies) }}</ol>{% endif %}</li>
{%- endfor %}
</ol></section>
</main>
<footer class="site"><p>A teaching blog · <a href="/feed">Feed</a></p></footer>
</body>
</html>
"""


@dataclass
class Comment:
    id: int
    author: str
    created: datetime
    html: str
    in_reply_to: int | None
    replies: list["Comment"] = field(default_factory=list)

    # The template reads these; a blog formats its dates as it renders, and so does this page.
    @property
    def iso(self) -> str:
        return self.created.isoformat(timespec="seconds")

    @property
    def date(self) -> str:
        return f"{self.created:%B} {self.created.day}, {self.created.year}"


def comments(count: int = COMMENTS, seed: int = 36) -> list[Comment]:
    """`count` comments, each a reply to an earlier one or to the post (a third of them), as a tree."""
    chance = random.Random(seed)
    start = datetime(2026, 3, 2, 15, 0, tzinfo=timezone.utc)
    made: list[Comment] = []
    for n in range(1, count + 1):
        words = chance.choices(_WORDS, k=chance.randint(11, 19))
        text = " ".join(words).capitalize()
        html = f"<p>{text}, <em>{chance.choice(_WORDS)}</em>.</p>"
        parent = chance.choice(made).id if made and chance.random() > 0.33 else None
        made.append(Comment(n, chance.choice(_NAMES), start + timedelta(minutes=17 * n), html, parent))
    by_id = {comment.id: comment for comment in made}
    top = []
    for comment in made:
        (by_id[comment.in_reply_to].replies if comment.in_reply_to else top).append(comment)
    return top


def create_app(count: int = COMMENTS) -> Flask:
    lean = Flask(__name__)
    tree = comments(count)

    @lean.get("/")
    def page():
        return render_template_string(PAGE, title="What we learned from a year of shared planning time",
                                      count=count, comments=tree)

    @lean.get("/empty")
    def empty():
        # The same page with no comment: what a comment adds is (page - empty) / count.
        return render_template_string(PAGE, title="What we learned from a year of shared planning time",
                                      count=0, comments=[])

    return lean


app = create_app()


# Measuring: the member's page beside the lean page ------------------------------------------

WRK_SECONDS, WRK_CONNECTIONS, ROUNDS = 10, 16, 3


@contextlib.contextmanager
def served(spec: str, env: dict, log: Path, workers: int = 2):
    """`spec` (module:app) under gunicorn with sync workers on a free port: (base URL, master pid)."""
    from .run import wait_until_serving

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}",
                                "--log-level", "warning", spec], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=log.open("a"))
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_serving(base)
        yield base, process.pid
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=20)


def workers_cpu_seconds(master: int) -> float:
    """User and system CPU of the master's worker processes (/proc/<pid>/stat, fields 14 and 15)."""
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            text = stat.read_text()
            fields = text[text.rindex(")") + 2:].split()  # after the command's name, which may hold spaces
            if int(fields[1]) == master:
                ticks += int(fields[11]) + int(fields[12])
    return ticks / _CLOCK_TICKS


_CLOCK_TICKS = 100
with contextlib.suppress(ValueError, AttributeError):
    import os

    _CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def load(url: str, master: int, headers: dict[str, str] | None = None) -> tuple[float, float]:
    """wrk for WRK_SECONDS with WRK_CONNECTIONS: (requests a second, worker CPU ms per request)."""
    if not shutil.which("wrk"):
        raise SystemExit("the pages part needs wrk (Debian's package wrk)")
    before = workers_cpu_seconds(master)
    done = subprocess.run(["wrk", "-t2", f"-c{WRK_CONNECTIONS}", f"-d{WRK_SECONDS}s",
                           *(f"-H{name}: {value}" for name, value in (headers or {}).items()), url],
                          capture_output=True, text=True)
    cpu = workers_cpu_seconds(master) - before
    rate = re.search(r"Requests/sec:\s+([\d.]+)", done.stdout)
    count = re.search(r"(\d+) requests in", done.stdout)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", done.stdout)
    if not rate or not count or errors:
        raise SystemExit(f"wrk on {url} failed or answered errors:\n{done.stdout}\n{done.stderr}")
    return float(rate.group(1)), cpu * 1000 / max(1, int(count.group(1)))


def thread_near(app, posts: int) -> tuple[int, int]:
    """The thread whose size is nearest `posts`: (id, posts)."""
    from sqlalchemy import func, select

    from forum.core.extensions import db
    from forum.models import Thread

    with app.app_context():
        return tuple(db.session.execute(
            select(Thread.id, Thread.reply_count + 1)
            .order_by(func.abs(Thread.reply_count + 1 - posts), Thread.id).limit(1)).one())


def bytes_per_post(app, thread_id: int, role: str | None) -> tuple[float, float, int]:
    """(bytes of HTML each post adds to the page, bytes of its text's HTML, posts shown), for a
    visitor (None) or the first user of `role`: the page, less the same page with no post, over
    the posts it shows."""
    from flask import render_template
    from flask_login import login_user
    from sqlalchemy import select

    from forum.core.extensions import db
    from forum.discussions import reading
    from forum.discussions.views import thread_page_context
    from forum.models import User
    from forum.permissions import may

    with app.test_request_context(f"/threads/{thread_id}"):
        if role:
            login_user(db.session.scalar(select(User).where(User.role == role).order_by(User.id).limit(1)))
        from flask_login import current_user

        moderator = may(current_user, "moderate")
        thread = reading.load_thread(thread_id)
        view = reading.load_page(thread, 1, show_hidden=moderator)
        nodes = list(_walk(view))
        full = render_template("threads/show.html", **thread_page_context(thread, view, moderator))
        bare = reading.ThreadPage(thread, None, [], 1, 1, 0)
        empty = render_template("threads/show.html", **thread_page_context(thread, bare, moderator))
    shown = len(nodes)
    text = sum(len(node.post.html.encode()) for node in nodes if not node.gone) / shown
    return (len(full.encode()) - len(empty.encode())) / shown, text, shown


def _walk(view):
    todo = [view.opening] if view.opening else list(view.branches)  # the branches are its replies
    while todo:
        node = todo.pop()
        yield node
        todo.extend(node.children)


def lean_bytes_per_comment() -> tuple[float, float]:
    """(bytes each comment adds to the lean page, bytes of its paragraph)."""
    client = create_app().test_client()
    full, empty = client.get("/").get_data(), client.get("/empty").get_data()
    texts, todo = [], comments()
    while todo:
        comment = todo.pop()
        texts.append(len(comment.html.encode()))
        todo.extend(comment.replies)
    return (len(full) - len(empty)) / COMMENTS, sum(texts) / COMMENTS


def python_calls(app, thread_id: int, cookie: str, requests: int = 10) -> dict[str, int]:
    """Python calls of `requests` member page views under cProfile: in all, markupsafe's escape,
    Jinja's attribute lookups (Environment.getattr), per request."""
    import cProfile
    import pstats

    client = app.test_client()
    client.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie)
    client.get(f"/threads/{thread_id}")
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(requests):
        client.get(f"/threads/{thread_id}")
    profile.disable()
    stats = pstats.Stats(profile)
    counted = {"calls": stats.total_calls, "escape": 0, "getattr": 0}
    for (filename, _, name), (_, calls, *_) in stats.stats.items():
        if "escape" in name and ("markupsafe" in filename or "markupsafe" in name):
            counted["escape"] += calls
        elif name == "getattr" and "jinja2" in filename:
            counted["getattr"] += calls
    return {key: value // requests for key, value in counted.items()}


FIRST_VIEW_ROUNDS = 150


def first_views(app, workdir: Path, thread_id: int, cookie: str) -> list[list]:
    """CPU ms of a view in this process, the cases interleaved so the machine's other load falls on
    each alike: the lean page, a member's repeat view, a member's first view of a new version of the
    thread (its page_version raised, as a reply's commit raises it: the rows are read again and each
    post's markup kept where it did not change), and the same view from an app of the same folder that
    holds nothing (THREAD_PAGES_HELD = 0)."""
    import statistics
    import time

    from sqlalchemy import text

    from forum.core.extensions import db

    from .run import make_app

    def signed_in(forum):
        client = forum.test_client()
        client.set_cookie(forum.config["SESSION_COOKIE_NAME"], cookie)
        return client

    unheld = make_app(workdir)
    unheld.config["THREAD_PAGES_HELD"] = 0
    member, member_unheld = signed_in(app), signed_in(unheld)
    lean = create_app().test_client()
    url = f"/threads/{thread_id}"

    def new_version():
        with app.app_context():
            db.session.execute(text("UPDATE threads SET page_version = page_version + 1 WHERE id = :thread"),
                               {"thread": thread_id})
            db.session.commit()

    cases = {"the lean page": (None, lambda: lean.get("/")),
             "member, a repeat view": (None, lambda: member.get(url)),
             "member, the first view after a change": (new_version, lambda: member.get(url)),
             "member, nothing held in the process": (None, lambda: member_unheld.get(url))}
    for client, address in ((member, url), (member_unheld, url), (lean, "/")):
        client.get(address)
    spent = {name: [] for name in cases}
    for _ in range(FIRST_VIEW_ROUNDS):
        for name, (before, view) in cases.items():
            if before:
                before()
            started = time.process_time()
            view()
            spent[name].append((time.process_time() - started) * 1000)
    lean_ms = statistics.median(spent["the lean page"])
    return [[name, f"{statistics.median(times):.2f}", f"{lean_ms / statistics.median(times):.2f}×"]
            for name, times in spent.items()]


def pages_part(size: int, app, workdir: Path, environment: dict) -> str:
    """The member's page of the thread nearest 200 posts beside the lean page, in turns; their weights."""
    from .run import reader, table

    thread_id, posts = thread_near(app, COMMENTS)
    print(f"[{size:,} posts] the member's page of a {posts}-post thread beside the lean page", flush=True)
    _, cookie = reader(app)
    headers = {"Cookie": f"{app.config['SESSION_COOKIE_NAME']}={cookie}"}
    calls = python_calls(app, thread_id, cookie)
    first = first_views(app, workdir, thread_id, cookie)
    weights = {role or "visitor": bytes_per_post(app, thread_id, role) for role in (None, "member", "moderator")}
    lean_post, lean_text = lean_bytes_per_comment()
    log = workdir / "gunicorn.log"
    turns = []
    with served("app:app", environment, log) as (forum, forum_master), \
            served("bench.lean_page:app", environment, log) as (lean, lean_master):
        for _ in range(ROUNDS):
            ours = load(f"{forum}/threads/{thread_id}", forum_master, headers)
            anchor = load(f"{lean}/", lean_master)
            turns.append((ours, anchor))
    rows = [[n + 1, f"{ours[0]:.0f}", f"{ours[1]:.2f}", f"{anchor[0]:.0f}", f"{anchor[1]:.2f}",
             f"{ours[0] / anchor[0]:.2f}×", f"{anchor[1] / ours[1]:.2f}×"]
            for n, (ours, anchor) in enumerate(turns)]
    ratios = sorted(ours[0] / anchor[0] for ours, anchor in turns)
    cpu = sorted(anchor[1] / ours[1] for ours, anchor in turns)
    rows.append(["median (spread)", "", "", "", "",
                 f"{ratios[len(ratios) // 2]:.2f}× ({ratios[0]:.2f}–{ratios[-1]:.2f})",
                 f"{cpu[len(cpu) // 2]:.2f}× ({cpu[0]:.2f}–{cpu[-1]:.2f})"])
    shown = weights["member"][2]
    weight_rows = [[who, f"{per_post:.0f}", f"{text:.0f}", f"{per_post - text:.0f}"]
                   for who, (per_post, text, _) in weights.items()]
    weight_rows.append([f"lean page ({COMMENTS} comments)", f"{lean_post:.0f}", f"{lean_text:.0f}",
                        f"{lean_post - lean_text:.0f}"])
    return (table(f"The member's page of a {posts}-post thread ({shown} on its first page) beside the lean page "
                  f"at {size:,} posts (gunicorn ×2 sync, wrk {WRK_SECONDS} s × {WRK_CONNECTIONS} connections, "
                  "in turns)",
                  ["turn", "member req/s", "member CPU ms/req", "lean req/s", "lean CPU ms/req",
                   "req/s ratio (target ≥ 0.8×)", "CPU ratio (lean/ours)"], rows)
            + "\n" + table(f"HTML per post of that page (page less the same page with no post, over {shown} "
                           "posts; target ≤ 600 for a member)",
                           ["viewer", "bytes per post", "of which the post's text", "markup per post"],
                           weight_rows)
            + "\n" + table(f"A member's first view of a new version of the page, in process (Flask's test client, "
                           f"median CPU of {FIRST_VIEW_ROUNDS} rounds, the cases interleaved)",
                           ["view", "CPU ms", "lean/ours (target ≥ 0.8×)"], first)
            + "\n" + table("Python calls per member page view (cProfile, 10 views)",
                           ["calls in all", "markupsafe escape", "Jinja getattr"],
                           [[f"{calls['calls']:,}", f"{calls['escape']:,}", f"{calls['getattr']:,}"]]))
