"""A visitor's cached thread page beside its anchor: the same bytes sent by `send_file` (issue 36).

The anchor is a minimal Flask app that sends the forum's own cached page
of the thread nearest 200 posts, saved once to a file, with `send_file`:
what serving those bytes costs with nothing of the forum around them. Both
run under gunicorn with two sync workers and are measured with wrk (10 s,
16 connections), taking turns three times, so the ratio of each round is
measured under the same load on a shared machine; the spread of the three
is printed with their median. CPU per request is the gunicorn workers' own
CPU time (/proc/<pid>/stat) over the requests wrk counted.

Beside them, what does not depend on the machine: the SQL statements and
the Python function calls (cProfile) of one cached view, in the process.

    make bench                                     # a part of every run
    .venv/bin/python -m bench.cached_page --data /work/benchdata/<name> --posts 100000 \\
        [--before /path/to/another/checkout] [--database-url postgresql+psycopg://...]

`--before TREE` also serves the forum from another checkout's code on the
same data (its visitor page taking its turn beside ours and the anchor's),
which is how the before/after figures of bench/RESULTS.md are made.
"""
from __future__ import annotations

import argparse
import contextlib
import cProfile
import os
import pstats
import re
import signal
import socket
import statistics
import subprocess
import time
from pathlib import Path

ROUNDS = 3
SECONDS = 10
CONNECTIONS = 16
WORKERS = 2
TARGET = 0.8


def anchor():
    """The anchor app (gunicorn 'bench.cached_page:anchor()'): the saved page by send_file, at the thread's address."""
    from flask import Flask, send_file

    app = Flask(__name__)
    page = os.environ["BENCH_CACHED_PAGE_FILE"]

    @app.get("/threads/<int:thread_id>")
    def thread(thread_id: int):
        return send_file(page, mimetype="text/html")

    return app


def _thread_near_200(app) -> int:
    from sqlalchemy import func, select

    from forum.core.extensions import db
    from forum.models import Thread

    with app.app_context():
        return db.session.scalar(select(Thread.id).order_by(func.abs(Thread.reply_count + 1 - 200), Thread.id)
                                 .limit(1))


@contextlib.contextmanager
def _served(spec: str, root: Path, env: dict, log: Path):
    """gunicorn with two sync workers on a free port: (base URL, its master's pid)."""
    from .run import PYTHON, wait_until_serving

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "-w", str(WORKERS), "-b", f"127.0.0.1:{port}", "--log-level", "warning", spec],
        cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=log.open("a"))
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_serving(base) if spec == "app:app" else _wait(base)
        yield base, process.pid
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=20)


def _wait(base: str) -> None:
    import urllib.error
    import urllib.request

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{base}/", timeout=2)
        except urllib.error.HTTPError:
            return  # answering (404 at /): it is up
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"{base} never answered")


def _cpu_seconds(master: int) -> float:
    """User and system CPU of the master's workers so far."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:  # ppid
            total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return total


def _load(url: str, master: int, seconds: int = SECONDS) -> tuple[float, float]:
    """wrk against url: (requests a second, CPU ms per request of the server's workers)."""
    before = _cpu_seconds(master)
    done = subprocess.run(["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", url],
                          capture_output=True, text=True, check=True)
    cpu = _cpu_seconds(master) - before
    requests = int(re.search(r"(\d+) requests in", done.stdout).group(1))
    if re.search(r"Non-2xx or 3xx responses: (\d+)", done.stdout):
        raise SystemExit(f"{url} answered errors under load:\n{done.stdout}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", done.stdout).group(1)), cpu * 1000 / max(requests, 1)


def per_hit(app, url: str, hits: int = 200) -> tuple[int, int]:
    """SQL statements and Python function calls of one cached view, called as gunicorn calls the app
    (a WSGI environ, no test client around it)."""
    import io

    from werkzeug.test import EnvironBuilder

    from forum.core.database import recorded_statements
    from forum.core.extensions import db

    environ = EnvironBuilder(path=url, headers={"Host": "127.0.0.1", "User-Agent": "wrk"}).get_environ()

    def view() -> None:
        answer = app({**environ, "wsgi.input": io.BytesIO()}, lambda status, headers, exc_info=None: None)
        b"".join(answer)
        getattr(answer, "close", lambda: None)()

    view(), view()  # made and kept, then sent from the cache
    with app.app_context():
        engine = db.engine
    with recorded_statements(engine) as statements:
        view()
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(hits):
        view()
    profile.disable()
    return len(statements), round(pstats.Stats(profile).total_calls / hits)


def measure(app, workdir: Path, env: dict, before: Path | None = None, seconds: int = SECONDS) -> dict:
    """The alternated rounds: ours, the anchor's (and the other tree's), ROUNDS times."""
    from .run import ROOT

    thread_id = _thread_near_200(app)
    url_path = f"/threads/{thread_id}"
    statements, calls = per_hit(app, url_path)
    log = workdir / "gunicorn.log"
    servers = {"ours": ("app:app", ROOT)}
    if before:
        servers["before"] = ("app:app", before)
    with contextlib.ExitStack() as stack:
        bases = {name: stack.enter_context(_served(spec, root, env, log)) for name, (spec, root) in servers.items()}
        page = workdir / "cached-page.html"
        import urllib.request

        with urllib.request.urlopen(bases["ours"][0] + url_path) as response:
            page.write_bytes(response.read())
        bases["send_file"] = stack.enter_context(_served("bench.cached_page:anchor()", ROOT,
                                                         {**env, "BENCH_CACHED_PAGE_FILE": str(page)}, log))
        rounds = []
        for _ in range(ROUNDS):
            rounds.append({name: _load(base + url_path, pid, seconds) for name, (base, pid) in bases.items()})
    return {"thread": thread_id, "bytes": page.stat().st_size, "statements": statements, "calls": calls, "seconds": seconds,
            "rounds": rounds}


def _spread(values: list[float], digits: int = 2) -> str:
    return f"{statistics.median(values):.{digits}f} ({min(values):.{digits}f}–{max(values):.{digits}f})"


def rows(found: dict) -> list[list]:
    """One row per server: requests a second and CPU ms per request (median and spread), ratio to send_file."""
    out = []
    for name in [name for name in ("ours", "before", "send_file") if name in found["rounds"][0]]:
        rps = [one[name][0] for one in found["rounds"]]
        cpu = [one[name][1] for one in found["rounds"]]
        ratio = [one[name][0] / one["send_file"][0] for one in found["rounds"]]
        cpu_ratio = [one["send_file"][1] / one[name][1] for one in found["rounds"]]
        label = {"ours": "forum, visitor's cached page", "before": "forum before (--before tree)",
                 "send_file": "anchor: the same bytes by send_file"}[name]
        out.append([label, _spread(rps, 0), _spread(cpu, 3), _spread(ratio), _spread(cpu_ratio),
                    f"≥ {TARGET}×" if name == "ours" else ""])
    return out


def table(found: dict, size: int, database: str) -> str:
    from .run import table as markdown

    title = (f"Visitor's cached {found['bytes'] // 1024} KB page of thread {found['thread']} at {size:,} posts "
             f"against send_file of the same bytes ({database}; gunicorn ×{WORKERS}, wrk {found['seconds']} s × "
             f"{CONNECTIONS} connections, {ROUNDS} alternated rounds: median (min–max))")
    header = ["server", "req/s", "CPU ms/request", "req/s ratio to send_file", "CPU ratio (send_file/ours)",
              "target"]
    per_view = (f"\nOne cached view in the process: {found['statements']} SQL statements, "
                f"{found['calls']:,} Python function calls (cProfile).\n")
    return markdown(title, header, rows(found)) + per_view


def part(size: int, app, workdir: Path) -> str:
    """For bench/run.py's run(): the table at this size, on the run's database."""
    from .run import POSTGRES, environment

    print(f"[{size:,} posts] visitor's cached page against send_file", flush=True)
    return table(measure(app, workdir, environment(workdir)), size, "PostgreSQL" if POSTGRES else "SQLite")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="a folder bench.run --data loaded (DATA/<posts>)")
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--before", type=Path, help="another checkout whose forum takes its turn too")
    parser.add_argument("--database-url", help="a PostgreSQL server the data was loaded on (bench.run's)")
    parser.add_argument("--redis-url", help="the page cache in Redis (CACHE_TYPE RedisCache) for every server")
    parser.add_argument("--seconds", type=int, default=SECONDS, help="each wrk run (a quick look: 2)")
    args = parser.parse_args()
    from . import run

    if args.database_url:
        run.POSTGRES["server"] = args.database_url
    workdir = args.data / str(args.posts)
    env = run.environment(workdir)
    if args.redis_url:
        env = {**env, "FLASK_CACHE_TYPE": "RedisCache", "FLASK_CACHE_REDIS_URL": args.redis_url}
        os.environ.update({"FLASK_CACHE_TYPE": "RedisCache", "FLASK_CACHE_REDIS_URL": args.redis_url})
    app = run.make_app(workdir)
    database = ("PostgreSQL" if args.database_url else "SQLite") + (", Redis page cache" if args.redis_url
                                                                   else ", file page cache")
    print(table(measure(app, workdir, env, args.before, args.seconds), args.posts, database))


if __name__ == "__main__":
    main()
