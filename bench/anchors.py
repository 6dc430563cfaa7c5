"""What each search is measured against: the same search done by a bare engine on the same texts.

A figure in milliseconds says little on a shared machine; a ratio to an
anchor timed in turns with it says how far the forum is from what the
work needs (issue 36):

- Whoosh, the embedded engine, beside SQLite's FTS5 (in Python's own
  sqlite3) over the same texts: each post's searchable document (its
  text, its thread's title, who asked it) with its theme, author and
  time. The anchor does what a results page needs bar the facets: the
  first page in order (bm25, or newest first) and the number of matches.
  Its table is built once per data folder (`fts5-anchor.sqlite`).
- PostgreSQL's engine beside the raw statement on the same tsvector
  column: the page's posts by ts_rank or by time, LIMIT 20, with the
  same conditions, and nothing else (no count, facets or snippets).
"""
from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from search import PER_PAGE, SearchRequest

FTS5_FILE = "fts5-anchor-2.sqlite"  # -2: the theme became an indexed column
_TYPED = re.compile(r'-?"[^"]*"|\S+')
_FTS5_OPERATORS = {"OR", "AND", "NOT"}


def fts5_match(text: str) -> str | None:
    """What people type as an FTS5 query: each word quoted (so K-2 is FTS5's phrase "k 2"), a leading
    minus as NOT, OR and phrases as they are; None when nothing is left to match."""
    parts = []
    for token in _TYPED.findall(text):
        if token in _FTS5_OPERATORS:
            parts.append(token)
            continue
        excluded = token.startswith("-")
        words = token.lstrip("-").strip('"').replace('"', " ")
        if not words.strip("()"):
            continue
        parts += ["NOT"] if excluded and parts else []
        parts.append('"' + words.strip("()") + '"')
    while parts and parts[-1] in _FTS5_OPERATORS:
        parts.pop()
    return " ".join(parts) if parts else None


def build_fts5(app, workdir: Path) -> Path:
    """The FTS5 table of every searchable post, once per folder (a minute or so at 100,000 posts)."""
    path = workdir / FTS5_FILE
    if path.exists():
        return path
    from forum.core.database import read_transaction
    from search.documents import documents, iter_all_posts

    building = path.with_suffix(".building")
    building.unlink(missing_ok=True)
    fts = sqlite3.connect(building)
    # The theme is an indexed column, matched by a column filter: as an UNINDEXED column filtered
    # with `theme IN (...)`, FTS5 ranked every match of the words before dropping the other themes
    # (112 ms for "feedback" in one theme at 100,000 posts), which no FTS5 user would settle for.
    fts.execute("CREATE VIRTUAL TABLE docs USING fts5(body, thread_title, asked_by, theme, "
                "author_id UNINDEXED, created UNINDEXED, tokenize='porter unicode61')")
    with app.app_context(), read_transaction():
        for batch in iter_all_posts():
            fts.executemany("INSERT INTO docs (rowid, body, thread_title, asked_by, theme, author_id, created) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?)",
                            [(int(doc["post_id"]), doc["body"], doc["thread_title"], doc["asked_by"],
                              doc["theme"], int(doc["author_id"]), doc["created"].isoformat(sep=" "))
                             for doc in documents(batch)])
    fts.execute("INSERT INTO docs (docs) VALUES ('optimize')")
    fts.commit()
    fts.close()
    building.rename(path)
    return path


def fts5_anchor(path: Path, request: SearchRequest):
    """A function running this (resolved) search on FTS5: its first page and its count. None for a search
    FTS5 can't say the same way (no words)."""
    match = fts5_match(request.text)
    if match is None:
        return None
    match = "{body thread_title asked_by} : (" + match + ")"
    if request.theme_slugs:
        match += " AND theme : (" + " OR ".join('"' + slug.replace("-", " ") + '"'
                                                for slug in request.theme_slugs) + ")"
    where, params = ["docs MATCH ?"], [match]
    if request.author_ids:
        where.append(f"author_id IN ({','.join('?' * len(request.author_ids))})")
        params += list(request.author_ids)
    if request.date_from:
        where.append("created >= ?")
        params.append(request.date_from.isoformat())
    if request.date_to:
        where.append("created < date(?, '+1 day')")
        params.append(request.date_to.isoformat())
    condition = " AND ".join(where)
    order = "created DESC, rowid DESC" if request.newest_first else "rank"
    page = f"SELECT rowid FROM docs WHERE {condition} ORDER BY {order} LIMIT ? OFFSET ?"
    count = f"SELECT count(*) FROM docs WHERE {condition}"
    offset = (max(request.page, 1) - 1) * PER_PAGE
    connection = sqlite3.connect(path, check_same_thread=False)

    def run() -> None:
        connection.execute(page, [*params, PER_PAGE, offset]).fetchall()
        connection.execute(count, params).fetchone()
    return run


def postgres_anchor(request: SearchRequest):
    """A function sending the raw statement of this (resolved) search on search_documents' tsvector
    through the driver: the page's post ids in the engine's order, nothing else."""
    from forum.core.extensions import db
    from search.postgres_engine.querying import _RANK, _Plan

    plan = _Plan.of(request)
    if not plan.where.sql or plan.node is None:
        return None
    order = f"{_RANK} DESC, created_at DESC, post_id DESC" if plan.ranked else "created_at DESC, post_id DESC"
    statement = (f"SELECT post_id FROM search_documents WHERE {plan.where} ORDER BY {order} "
                 f"LIMIT {PER_PAGE} OFFSET {plan.offset}")
    # psycopg's own placeholders, as the driver receives what SQLAlchemy sends.
    statement = re.sub(r":(\w+)", r"%(\1)s", statement)
    params = dict(plan.where.params)
    driver = db.session.connection().connection.driver_connection

    def run() -> None:
        with driver.cursor() as cursor:
            cursor.execute(statement, params)
            cursor.fetchall()
    return run
