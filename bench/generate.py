"""A synthetic community of a chosen size, with a fixed seed, written straight to the database.

    .venv/bin/python -m bench.generate --posts 100000 --database /tmp/bench.sqlite3

Members, monthly themes and threads of realistic shapes: most small, a
few with hundreds or thousands of posts, nesting up to eight levels.
Posts are 20 to 150 words from bench/vocabulary.py, with some Markdown.
Rows go in with batched core inserts (the write path's per-post cost is
measured elsewhere); run `flask --app app search rebuild` afterwards.
"""
from __future__ import annotations

import argparse
import html
import random
import time
from datetime import datetime, timedelta, timezone

from sqlalchemy import insert

from forum.core.extensions import db
from forum.core.markup import MARKUP_VERSION
from forum.models import Post, Theme, Thread, User
from forum.models.discussions import path_segment

from .vocabulary import GLUE, SUBJECTS

FIRST = "Ana Ben Carla Dev Elena Femi Grace Hiro Ines Jamal Kai Lena Marco Nadia Omar Priya Quinn Rosa Sam Tara".split()
LAST = "Adeyemi Brennan Chen Delgado Eriksen Fontaine Garcia Huang Ibrahim Jensen Kowalski Lopez Mensah Novak Okafor Patel Quist Rossi Silva Tanaka".split()
BATCH = 5000


def sentence(rng: random.Random, words: int) -> str:
    chosen = [rng.choice(SUBJECTS) if rng.random() < 0.35 else rng.choice(GLUE) for _ in range(words)]
    return " ".join(chosen).capitalize() + "."


def body(rng: random.Random) -> str:
    length = int(rng.triangular(20, 150, 55))
    sentences, left = [], length
    while left > 0:
        n = min(left, rng.randint(6, 18))
        sentences.append(sentence(rng, n))
        left -= n
    text = " ".join(sentences)
    roll = rng.random()
    if roll < 0.1:
        text += "\n\n- " + rng.choice(SUBJECTS) + "\n- " + rng.choice(SUBJECTS)
    elif roll < 0.18:
        text = "> " + sentence(rng, 8) + "\n\n" + text
    elif roll < 0.25:
        text += f" See https://www.example.org/{rng.choice(SUBJECTS).lower()} for more."
    return text


def rendered(text: str) -> str:
    """Close enough to the real renderer for benchmark data, and a hundred times cheaper."""
    return "".join(f"<p>{html.escape(part)}</p>" for part in text.split("\n\n"))


def thread_sizes(rng: random.Random, total: int) -> list[int]:
    """Most threads small, a few large, one or two very large when the total allows."""
    sizes = []
    if total >= 20000:
        sizes += [5000, 1000]
    if total >= 2000:
        sizes += [100, 100]
    left = total - sum(sizes)
    while left > 0:
        size = min(left, int(rng.paretovariate(1.3) * 6))
        sizes.append(max(1, size))
        left -= sizes[-1]
    rng.shuffle(sizes)
    return sizes


def generate(posts: int, seed: int = 20261124, progress=None) -> dict:
    """Write the community into the app's database; returns counts."""
    rng = random.Random(seed)
    now = datetime.now(timezone.utc).replace(microsecond=0)
    members = max(12, posts // 200)
    db.session.execute(insert(User), [
        {"email": f"member{n}@example.org", "display_name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
         "role": "member", "position": rng.choice(["physics teacher", "science coach", "principal",
                                                    "math specialist", "STEM coordinator"]),
         "organisation": "", "location": "", "bio": "", "password_hash": None,
         "joined_at": now - timedelta(days=2000), "session_token": f"bench{n}"}
        for n in range(members)
    ])
    sizes = thread_sizes(rng, posts)
    months = max(3, min(120, len(sizes) // 8 or 3))
    themes = []
    for m in range(months):
        opens = (now - timedelta(days=30 * (months - m))).replace(day=1, hour=0, minute=0, second=0)
        themes.append({"slug": f"theme-{m:03d}", "title": f"{sentence(rng, 4)[:-1]} ({opens:%B %Y})",
                       "month": opens.strftime("%Y-%m"), "summary": sentence(rng, 20),
                       "blog_post": "", "blog_post_html": "", "panel_title": "", "recording_url": "",
                       "opens_at": opens, "closes_at": opens + timedelta(days=28), "created_at": opens})
    db.session.execute(insert(Theme), themes)
    db.session.commit()
    theme_ids = list(db.session.scalars(db.select(Theme.id).order_by(Theme.id)))
    theme_opens = {tid: t["opens_at"] for tid, t in zip(theme_ids, themes)}

    next_post_id = (db.session.scalar(db.select(db.func.max(Post.id))) or 0) + 1
    next_thread_id = (db.session.scalar(db.select(db.func.max(Thread.id))) or 0) + 1
    pending_threads, pending_posts, written = [], [], 0
    for size in sizes:
        theme_id = rng.choice(theme_ids)
        started = theme_opens[theme_id] + timedelta(hours=rng.randint(1, 400))
        thread_id, next_thread_id = next_thread_id, next_thread_id + 1
        author = rng.randint(1, members)
        nodes = []  # (id, path, depth)
        at = started
        for n in range(size):
            post_id, next_post_id = next_post_id, next_post_id + 1
            if n == 0:
                parent = None
            elif rng.random() < 0.45 or len(nodes) < 2:
                parent = nodes[0]
            else:
                parent = rng.choice(nodes[-20:])
                if parent[2] >= 8:
                    parent = nodes[0]
            path = path_segment(post_id) if parent is None else f"{parent[1]}.{path_segment(post_id)}"
            depth = 0 if parent is None else parent[2] + 1
            nodes.append((post_id, path, depth))
            text = body(rng)
            at += timedelta(minutes=rng.randint(3, 600))
            pending_posts.append({
                "id": post_id, "thread_id": thread_id, "parent_id": parent[0] if parent else None,
                "author_id": author if n == 0 else rng.randint(1, members), "path": path, "depth": depth,
                "body": text, "html": rendered(text), "markup_version": MARKUP_VERSION, "created_at": at,
                "hidden_reason": "",
            })
        pending_threads.append({
            "id": thread_id, "theme_id": theme_id, "title": sentence(rng, rng.randint(4, 9))[:-1],
            "author_id": author, "created_at": started, "facilitated": False, "pinned": False,
            "locked": False, "reply_count": size - 1, "last_post_at": at,
        })
        if len(pending_posts) >= BATCH:
            written += _flush(pending_threads, pending_posts)
            if progress:
                progress(written)
    written += _flush(pending_threads, pending_posts)
    return {"members": members, "themes": months, "threads": len(sizes), "posts": written}


def _flush(threads: list, posts: list) -> int:
    if threads:
        db.session.execute(insert(Thread), threads)
    if posts:
        db.session.execute(insert(Post), posts)
    db.session.commit()
    count = len(posts)
    threads.clear()
    posts.clear()
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=20261124)
    parser.add_argument("--database", required=True, help="path of a new SQLite file")
    parser.add_argument("--index", help="search index folder (default: beside the database)")
    args = parser.parse_args()
    from forum import create_app, schema

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{args.database}",
                      "SEARCH_INDEX_DIR": args.index or f"{args.database}.index",
                      "SECRET_KEY": "benchmark only, never served"})
    with app.app_context():
        schema.upgrade()
        started = time.perf_counter()
        counts = generate(args.posts, args.seed)
        print(f"generated {counts} in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
