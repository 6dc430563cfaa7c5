"""A synthetic archive file of a chosen size, with a fixed seed, for `flask --app app archive import`.

    .venv/bin/python -m bench.generate_archive --posts 100000 --out /tmp/archive.json

Members, monthly themes (panel, panelists, resources, panel questions)
and threads of realistic shapes: most small, a few with hundreds or
thousands of posts, chains of replies nesting up to eight levels; some
posts edited, deleted or hidden. Written in export's own layout (post
keys "p<n>", times in UTC), so importing it into an empty forum and
exporting again gives the same document. The same seed gives the same
bytes; the file is written as it is made, so memory stays flat.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import datetime, timedelta, timezone
from typing import Iterator, TextIO

from forum.archive.exporting import ArchiveWriter
from forum.archive.fields import format_time
from forum.models.panel import ANSWERED_LIVE, DISMISSED, PUBLISHED, QUEUED, SCHEDULED, SOURCES
from forum.themes.forms import RESOURCE_KINDS

from .generate import FIRST, LAST, body, sentence, thread_sizes
from .vocabulary import SUBJECTS

START = datetime(2016, 9, 1, tzinfo=timezone.utc)  # fixed, so the same seed gives the same file
MAX_DEPTH = 8
POSITIONS = ["physics teacher", "science coach", "principal", "math specialist", "STEM coordinator",
             "biology teacher", "district science lead", "teacher educator"]


class Generator:
    def __init__(self, posts: int, seed: int):
        self.rng = random.Random(seed)
        self.posts = posts
        self.next_key = 1
        self.members = max(12, posts // 200)
        self.moderators = [self.email(n) for n in range(3)]

    def email(self, n: int) -> str:
        return f"member{n}@example.org"

    def users(self) -> Iterator[dict]:
        rng = self.rng
        for n in range(self.members):
            user = {
                "email": self.email(n), "display_name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                "role": "admin" if n == 0 else "moderator" if n < 3 else "member",
                "position": rng.choice(POSITIONS), "organisation": f"{rng.choice(LAST)} School District",
                "location": rng.choice(["Denver, CO", "Madison, WI", "Leeds", "Toronto, ON", "Austin, TX"]),
                "bio": sentence(rng, rng.randint(12, 30)),
                "joined_at": format_time(START - timedelta(days=rng.randint(30, 900))),
            }
            if n % 3 == 0:  # some members have set a password; not a hash of anything known
                user["password_hash"] = f"pbkdf2:sha256:600000${rng.randbytes(8).hex()}${rng.randbytes(32).hex()}"
            yield user

    def author(self) -> str:
        return self.email(self.rng.randrange(self.members))

    def key(self) -> str:
        key, self.next_key = f"p{self.next_key}", self.next_key + 1
        return key

    def marks(self, at: datetime, record: dict, edited: float, deleted: float, hidden: float) -> None:
        rng = self.rng
        if rng.random() < edited:
            record["edited_at"] = format_time(at + timedelta(minutes=rng.randint(1, 2000)))
        roll = rng.random()
        if roll < deleted:
            record["deleted"] = True
        elif roll < deleted + hidden:
            record["hidden"] = True

    def thread(self, size: int, opens: datetime, facilitated: bool,
               questions: list[dict]) -> tuple[dict, list[dict]]:
        """A thread of `size` posts (the opening one included), in the order they were written."""
        rng = self.rng
        at = opens + timedelta(hours=rng.randint(1, 400))
        opening_key = self.key()
        thread = {"title": sentence(rng, rng.randint(4, 9))[:-1], "key": opening_key,
                  "author": rng.choice(self.moderators) if facilitated else self.author(),
                  "created_at": format_time(at), "body": body(rng)}
        self.marks(at, thread, edited=0.05, deleted=0.01, hidden=0.01)
        thread.update(facilitated=facilitated, pinned=facilitated or rng.random() < 0.03,
                      locked=rng.random() < 0.05)
        posts, depths = [], {opening_key: 0}
        published = [q for q in questions if q["status"] == PUBLISHED] if facilitated else []
        for n in range(1, size):
            at += timedelta(minutes=rng.randint(3, 600))
            key = self.key()
            post = {"key": key}
            if n <= len(published):  # the panel questions moderators posted, as replies to the opening post
                question = published[n - 1]
                question["post"] = key
                post.update(author=rng.choice(self.moderators), created_at=format_time(at),
                            body=f"> {question['question']}\n\n— Posed by {question['asked_by']}")
            else:
                roll = rng.random()
                if roll < 0.4 or not posts:
                    parent = opening_key
                elif roll < 0.7:
                    parent = posts[-1]["key"]  # a conversation going deeper
                else:
                    parent = rng.choice(posts[-20:])["key"]
                if depths[parent] >= MAX_DEPTH:
                    parent = opening_key
                if parent != opening_key:
                    post["parent"] = parent
                post.update(author=self.author(), created_at=format_time(at), body=body(rng))
                self.marks(at, post, edited=0.08, deleted=0.03, hidden=0.01)
            depths[key] = depths[post.get("parent", opening_key)] + 1
            posts.append(post)
        return thread, posts

    def questions(self, opens: datetime, closes: datetime, facilitated_size: int) -> list[dict]:
        rng = self.rng
        found = []
        for n in range(rng.randint(3, 6)):
            status = [PUBLISHED, PUBLISHED, SCHEDULED, QUEUED, DISMISSED, ANSWERED_LIVE][n]
            if status == PUBLISHED and n + 1 >= facilitated_size:
                status = QUEUED  # no room for the post in a tiny discussion
            publish_at = {PUBLISHED: opens + timedelta(days=n + 1), SCHEDULED: closes - timedelta(days=2)}
            found.append({
                "question": f"How do you handle {rng.choice(SUBJECTS)} when {sentence(rng, 8)[:-1].lower()}?",
                "asked_by": f"{rng.choice(FIRST)} {rng.choice(LAST)}, {rng.choice(POSITIONS)}",
                "source": rng.choice(list(SOURCES)), "status": status,
                "publish_at": format_time(publish_at.get(status)),
            })
        return found

    def theme(self, month: int, sizes: list[int]) -> tuple[dict, Iterator[tuple[dict, list[dict]]]]:
        rng = self.rng
        opens = (START + timedelta(days=31 * month)).replace(day=1)
        closes = opens + timedelta(days=28)
        slug = f"theme-{month:03d}-{rng.choice(SUBJECTS).lower()}"
        questions = self.questions(opens, closes, sizes[0] if sizes else 0)
        theme = {
            "slug": slug, "title": f"{sentence(rng, 4)[:-1]} ({opens:%B %Y})", "month": opens.strftime("%Y-%m"),
            "summary": sentence(rng, 30), "blog_post": f"## {sentence(rng, 5)[:-1]}\n\n{body(rng)}\n\n{body(rng)}",
            "panel": {
                "title": sentence(rng, 7)[:-1], "at": format_time(opens + timedelta(days=1, hours=23)),
                "recording_url": f"https://videos.example.org/panels/{slug}",
                "panelists": [{"name": f"{rng.choice(FIRST)} {rng.choice(LAST)}", "bio": sentence(rng, 15)}
                              for _ in range(rng.randint(2, 4))],
            },
            "opens_at": format_time(opens), "closes_at": format_time(closes),
            "resources": [{"title": sentence(rng, 6)[:-1], "url": f"https://resources.example.org/{slug}/{n}",
                           "kind": rng.choice(RESOURCE_KINDS), "note": sentence(rng, 12)}
                          for n in range(rng.randint(1, 4))],
            # Published questions learn their post's key as the facilitated thread is made;
            # the writer reads this list after the threads, so it is complete by then.
            "panel_questions": questions,
        }
        threads = (self.thread(size, opens, n == 0, questions) for n, size in enumerate(sizes))
        return theme, threads

    def write(self, out: TextIO) -> None:
        sizes = thread_sizes(self.rng, self.posts)
        months = max(3, min(120, len(sizes) // 8 or 3))
        by_month: list[list[int]] = [[] for _ in range(months)]
        for size in sizes:
            by_month[self.rng.randrange(months)].append(size)
        writer = ArchiveWriter(out)
        writer.users(self.users())
        for month, month_sizes in enumerate(by_month):
            writer.theme(*self.theme(month, month_sizes))
        writer.finish()


def generate(out: TextIO, posts: int = 100_000, seed: int = 20261124) -> None:
    """Write an archive of about `posts` posts (opening posts included) to `out`."""
    Generator(posts, seed).write(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20261124)
    parser.add_argument("--out", required=True, help="path of the JSON file to write (- for standard output)")
    args = parser.parse_args()
    started = time.perf_counter()
    if args.out == "-":
        generate(sys.stdout, args.posts, args.seed)
    else:
        with open(args.out, "w", encoding="utf-8") as out:
            generate(out, args.posts, args.seed)
    print(f"wrote {args.posts} posts in {time.perf_counter() - started:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
