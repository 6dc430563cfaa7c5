"""Replies from many members at once on PostgreSQL, and how long they wait for each other's locks.

    .venv/bin/python -m bench.concurrent_writes                          # this tree, 20,000 posts
    .venv/bin/python -m bench.concurrent_writes --compare-with 7592866   # that commit beside this tree
    .venv/bin/python -m bench.run --database postgresql --parts concurrent

Twenty logged-in members post replies through HTTP to gunicorn with four
sync workers for a fixed time, in two shapes: all to one thread, and
spread over twenty threads of the current theme. For each: replies a
second, latency, failed replies (bench/reply_load.py), and the time
backends waited for locks, from PostgreSQL's log (bench/lock_waits.py). With --compare-with, a git
ref is checked out beside this tree and served the same way on the same
data, the two taking turns. docs/benchmark.md says what each column means.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from . import lock_waits
from .reply_load import Member, post_for
from .run import BENCH_PASSWORD, POSTGRES, PYTHON, ROOT, environment, gunicorn, machine, measured, percentile, \
    table, throwaway_postgres

SETUP = Path(__file__).with_name("concurrent_setup.py")  # run in each side's tree: see its docstring
ONE_THREAD = "one thread"  # the other shape: "N threads", each member replying to one of them
SQLITE_REFUSAL = ("concurrent writes are measured on PostgreSQL only: SQLite serialises writers by design (one "
                  "write lock for the whole file, BEGIN IMMEDIATE), so many writers at once would measure that "
                  "queue and nothing else; add --database postgresql")
# Each worker says which forum package it imported, into gunicorn.log: proof of the code served.
PROBE = """def post_worker_init(worker):
    import sys, forum
    print(f"concurrent-writes: worker {worker.pid} serves {forum.__file__}", file=sys.stderr, flush=True)
"""
MEASURED_DB = "concurrent_measured"
# The PostgreSQL server ("url") and, when it is the benchmark's own cluster, its log file ("log").
SERVER: dict[str, str] = {}


@dataclass
class Side:
    """One version of the code: its tree, and its loaded database to copy for each measurement."""
    name: str
    label: str
    root: Path
    template: str = ""
    threads: list[int] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)


@dataclass
class Measurement:
    side: Side
    shape: str
    turn: int
    latencies: list[float]  # ms, of the replies that were posted
    failed: Counter
    seconds: float
    waits: lock_waits.Waits | None

    @property
    def replies(self) -> int:
        return len(self.latencies)


# The database ----------------------------------------------------------------------

def database_url(name: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(SERVER["url"]).set(database=name).render_as_string(hide_password=False)


def admin(*statements: str) -> None:
    """Statements run on the server outside any transaction (CREATE DATABASE can't be in one)."""
    from sqlalchemy import create_engine

    engine = create_engine(SERVER["url"], isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            for statement in statements:
                connection.exec_driver_sql(statement)
    finally:
        engine.dispose()


def side_environment(side: Side, workdir: Path, database: str) -> dict[str, str]:
    """The benchmark's environment, pointed at one side's tree and a database; search on PostgreSQL,
    so that a reply's search document is written with it and no worker is needed."""
    (workdir / side.name).mkdir(parents=True, exist_ok=True)
    probe = workdir / "gunicorn_probe.py"
    probe.write_text(PROBE)
    return {**environment(workdir / side.name), "FLASK_SQLALCHEMY_DATABASE_URI": database_url(database),
            "FLASK_SEARCH_BACKEND": "postgres", "PYTHONPATH": str(side.root), "PGAPPNAME": f"bench-{side.name}",
            "GUNICORN_CMD_ARGS": f"--config {probe}"}


def run_in(side: Side, command: list[str], env: dict[str, str]) -> str:
    """A command run from the side's tree, so that `forum` and `app` are that tree's; its output."""
    done = subprocess.run(command, cwd=side.root, env=env, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"{' '.join(command[:5])} in {side.root} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def prepare(side: Side, archive: Path, workdir: Path, members: int, threads: int) -> None:
    """The side's own code migrates a database, imports the archive and adds the run's members and
    threads; each measurement starts from a copy of it."""
    side.template = f"concurrent_{side.name}"
    admin(f'DROP DATABASE IF EXISTS "{side.template}" WITH (FORCE)', f'CREATE DATABASE "{side.template}"')
    env = side_environment(side, workdir, side.template)
    print(f"[{side.name}: {side.label}] loading {archive.name} into {side.template}", flush=True)
    run_in(side, [PYTHON, "-m", "flask", "--app", "app", "db", "upgrade"], env)
    run_in(side, [PYTHON, "-m", "flask", "--app", "app", "archive", "import", str(archive)], env)
    made = json.loads(run_in(side, [PYTHON, "-c", SETUP.read_text(), str(members), str(threads),
                                    BENCH_PASSWORD], env).strip().splitlines()[-1])
    if not Path(made["forum"]).is_relative_to(side.root):
        raise SystemExit(f"{side.label}: the setup imported {made['forum']}, not {side.root}'s forum")
    side.threads, side.emails = made["threads"], made["emails"]


def fresh_copy(side: Side) -> None:
    """The measured database, copied from the side's loaded one: every measurement starts equal."""
    admin(f'DROP DATABASE IF EXISTS "{MEASURED_DB}" WITH (FORCE)',
          f'CREATE DATABASE "{MEASURED_DB}" TEMPLATE "{side.template}" STRATEGY FILE_COPY',
          *(lock_waits.log_waits_sql(MEASURED_DB) if SERVER.get("log") else []))


# The code of a git ref ------------------------------------------------------------------

@contextlib.contextmanager
def checked_out(ref: str):
    """The ref in a temporary git worktree, removed afterwards (even after Ctrl-C)."""
    folder = Path(tempfile.mkdtemp(prefix="bench-compare-"))
    try:
        subprocess.run(["git", "worktree", "add", "--detach", str(folder), ref], cwd=ROOT, check=True,
                       capture_output=True, text=True)
    except subprocess.CalledProcessError as error:
        shutil.rmtree(folder, ignore_errors=True)
        raise SystemExit(f"git worktree add {ref} failed: {error.stderr.strip()}") from None
    try:
        yield folder
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(folder)], cwd=ROOT, capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)
        subprocess.run(["git", "worktree", "prune"], cwd=ROOT, capture_output=True)


def label(root: Path) -> str:
    """The commit a tree is at, with "+ changes" when its code differs from the commit."""
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True,
                            text=True).stdout.strip()
    changed = subprocess.run(["git", "status", "--porcelain", "--", "forum", "search", "app.py"], cwd=root,
                             capture_output=True, text=True).stdout.strip()
    return f"{commit} + changes" if changed else commit


# A measurement, the comparison, the tables ------------------------------------------

def measure(side: Side, shape: str, turn: int, workdir: Path, clients: int, workers: int,
            seconds: float) -> Measurement:
    """One shape on one side: a fresh copy of its data, its own gunicorn, the members' replies."""
    fresh_copy(side)
    env = side_environment(side, workdir, MEASURED_DB)
    served_log = workdir / side.name / "gunicorn.log"
    served_from = served_log.stat().st_size if served_log.exists() else 0
    watch = lock_waits.LogWatch(Path(SERVER["log"]) if SERVER.get("log") else None)
    with gunicorn(workdir / side.name, workers, root=side.root, env=env) as base:
        targets = [side.threads[0 if shape == ONE_THREAD else n % len(side.threads)] for n in range(clients)]
        members = [Member(base, side.emails[n % len(side.emails)], targets[n]) for n in range(clients)]
        watch.start()
        latencies, failed, elapsed = post_for(members, seconds)
        waits = watch.stop()
        served = check_served(side, served_log, served_from)
    result = Measurement(side, shape, turn, latencies, failed, elapsed, waits)
    print(f"[{side.name}: {side.label}] {shape}: {result.replies / elapsed:.1f} replies/s, {sum(failed.values())} "
          f"failed, lock wait {_per_reply(waits.total_ms if waits else None, result)} ms a reply; served from "
          f"{served}", flush=True)
    return result


def check_served(side: Side, log: Path, offset: int) -> str:
    """Every worker that started imported the side's own forum package, not another tree's."""
    with log.open("rb") as file:
        file.seek(offset)
        served = re.findall(r"concurrent-writes: worker \d+ serves (\S+)", file.read().decode(errors="replace"))
    wrong = [path for path in served if not Path(path).is_relative_to(side.root)]
    if not served or wrong:
        raise SystemExit(f"{side.label}: gunicorn served {wrong or 'no forum it reported'}, not {side.root}; "
                         f"see {log}")
    return f"{', '.join(sorted(set(served)))} ({len(served)} workers)"


def compare(sides: list[Side], workdir: Path, rounds: int, clients: int, workers: int,
            seconds: float) -> list[Measurement]:
    """Each shape on each side in turn (before, after, before, after), `rounds` times."""
    shapes = (ONE_THREAD, f"{len(sides[0].threads)} threads")
    return [measure(side, shape, turn, workdir, clients, workers, seconds)
            for turn in range(1, rounds + 1) for shape in shapes for side in sides]


def _per_reply(total: float | None, measurement: Measurement | list[Measurement]) -> str:
    measurements = measurement if isinstance(measurement, list) else [measurement]
    replies = sum(found.replies for found in measurements)
    return "–" if total is None else f"{total / replies:.2f}" if replies else "∞"


def _waits(measurements: list[Measurement], what) -> str:
    if any(found.waits is None for found in measurements):
        return "–"
    return _per_reply(sum(what(found.waits) for found in measurements), measurements)


def _figures(measurements: list[Measurement]) -> dict[str, str]:
    replies = sum(found.replies for found in measurements)
    latencies = [ms for found in measurements for ms in found.latencies]
    failed = sum((found.failed for found in measurements), Counter())
    return {
        "replies/s": f"{replies / sum(found.seconds for found in measurements):.1f}",
        "p50 ms": f"{statistics.median(latencies):.0f}" if latencies else "–",
        "p95 ms": f"{percentile(latencies, 0.95):.0f}" if latencies else "–",
        "failed": ", ".join(f"{count} × {status}" for status, count in failed.items()) or "0",
        "lock wait ms/reply": _waits(measurements, lambda waits: waits.total_ms),
        "advisory ms/reply": _waits(measurements, lambda waits: waits.ms["advisory"]),
        "row ms/reply": _waits(measurements, lambda waits: waits.ms["row"]),
        "waits/reply": _waits(measurements, lambda waits: waits.count),
    }


def report(measurements: list[Measurement], sides: list[Side], title: str) -> str:
    """Every measurement, then (with two sides) each shape's figures side by side with the ratio."""
    header = ["run", "shape", "code", "replies", *_figures(measurements[:1])]
    rows = [[found.turn, found.shape, f"{found.side.name}: {found.side.label}", found.replies,
             *_figures([found]).values()] for found in measurements]
    out = [table(f"{title}: each run", header, rows)]
    if len(sides) == 2:
        before, after = sides
        compared = []
        for shape in dict.fromkeys(found.shape for found in measurements):
            runs = [[found for found in measurements if found.side is side and found.shape == shape] for side in sides]
            figures = [_figures(found) for found in runs]
            compared.append([shape, "replies/s, each run (the machine's noise)",
                             *(", ".join(_figures([one])["replies/s"] for one in found) for found in runs), ""])
            for name in ("replies/s", "p50 ms", "p95 ms", "lock wait ms/reply", "advisory ms/reply", "row ms/reply",
                         "failed"):
                ratio = _ratio(figures[0][name], figures[1][name])
                compared.append([shape, name, figures[0][name], figures[1][name], ratio])
        out.append(table(f"{title}: before and after (all runs of each)",
                         ["shape", "measure", f"before: {before.label}", f"after: {after.label}", "after/before"],
                         compared))
    return "\n".join(out)


def _ratio(before: str, after: str) -> str:
    with contextlib.suppress(ValueError, ZeroDivisionError):
        return f"{float(after) / float(before):.2f}×"
    return ""


def part(size: int, workdir: Path, postgres: dict[str, str], seconds: float = 10.0) -> str:
    """bench/run.py's part: this tree alone, once per shape, on the archive its load() generated.
    `postgres` is bench.run's POSTGRES: run as a script, bench.run is another module than ours."""
    SERVER.update(url=postgres["server"], log=postgres.get("log", ""))
    side = Side("after", label(ROOT), ROOT)
    try:
        prepare(side, workdir / "archive.json", workdir / "concurrent", 20, 20)
        found = compare([side], workdir / "concurrent", 1, 20, 4, seconds)
    finally:  # on a server of the run's own they would go with it; not on one given with --database-url
        admin(*(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)' for name in (side.template, MEASURED_DB) if name))
    return report(found, [side], f"Concurrent replies at {size:,} posts, PostgreSQL, gunicorn ×4, 20 members")


def main() -> None:
    parser = argparse.ArgumentParser(description="Replies from many members at once on PostgreSQL, "
                                     "with the time they wait for locks; optionally beside another commit.")
    parser.add_argument("--posts", type=int, default=20_000, help="archive size (the issue's figures: 100000)")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each measurement")
    parser.add_argument("--rounds", type=int, default=2, help="times each shape is measured on each side")
    parser.add_argument("--clients", type=int, default=20, help="members replying at once")
    parser.add_argument("--threads", type=int, default=20, help="threads the replies are spread over")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--compare-with", metavar="REF", help="a git ref to measure beside this tree, in turns")
    parser.add_argument("--database", choices=["postgresql", "sqlite"], default="postgresql",
                        help="always postgresql (a throwaway cluster): sqlite is refused")
    parser.add_argument("--out", type=Path, help="also write the tables to this file")
    args = parser.parse_args()
    if args.database == "sqlite":
        parser.error(SQLITE_REFUSAL)
    # A plain `kill` cleans up as Ctrl-C does: gunicorn, the worktree and the cluster.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped by SIGTERM"))
    workdir = Path(tempfile.mkdtemp(prefix="bench-concurrent-"))
    with contextlib.ExitStack() as stack:
        stack.callback(shutil.rmtree, workdir, ignore_errors=True)
        SERVER["url"] = POSTGRES["server"] = stack.enter_context(throwaway_postgres())
        SERVER["log"] = POSTGRES["log"]
        sides = [Side("after", label(ROOT), ROOT)]
        if args.compare_with:
            tree = stack.enter_context(checked_out(args.compare_with))
            sides.insert(0, Side("before", label(tree), tree))
        print(f"[{args.posts:,} posts] generating the archive in {workdir}", flush=True)
        archive = workdir / "archive.json"
        measured([PYTHON, "-m", "bench.generate_archive", "--posts", str(args.posts), "--out", str(archive)],
                 environment(workdir))
        for side in sides:
            prepare(side, archive, workdir, args.clients, args.threads)
        found = compare(sides, workdir, args.rounds, args.clients, args.workers, args.seconds)
    title = f"Concurrent replies at {args.posts:,} posts"
    tables = report(found, sides, title)
    print(f"\nRun on {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC; {machine()}; PostgreSQL (durable "
          f"settings); gunicorn ×{args.workers}, {args.clients} members, {args.seconds:g} s each.\n\n{tables}")
    if args.out:
        args.out.write_text(tables)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit("interrupted: gunicorn, the git worktree and the PostgreSQL cluster are removed")
