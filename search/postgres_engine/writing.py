"""Keeping search_documents in step with the posts: in the writer's own transaction.

forum.searching.indexing calls apply_changes() just before a transaction that
changed posts commits, so a post and its search document commit together
and can never disagree; apply_rows() applies outbox rows left from a
time Whoosh was the engine.

rebuild() writes every document into new tables beside the live ones
(search_documents_next, search_words_next), a batch at a time, builds
their indexes, then swaps them in with renames in one short transaction:
searches answer from the old documents until then, which matters when
the analyser changed and old and new terms don't mix. While the new
tables exist, every writer writes to them too (write() checks after
writing the live table; see _start_next for why that order closes the
gap), and each batch holds its posts FOR SHARE, so an edit waits for
the batch instead of being overwritten by it.
"""
from __future__ import annotations

import logging
import re
from datetime import datetime, timezone
from functools import cache
from typing import Callable

from sqlalchemy import bindparam, delete, event, text
from sqlalchemy.dialects.postgresql import ARRAY, INTEGER, TEXT
from sqlalchemy.orm import Session

from forum.core.database import read_transaction
from forum.core.extensions import db
from forum.models import SearchOutbox

from .. import analysis, documents, outbox
from ..request import RebuildRunning

# Bump when what goes into a document changes: `init-db` rebuilds when the
# version search_built records is another (so does a new analyser).
VERSION = f"2.{analysis.VERSION}"

_UPSERT = """
    INSERT INTO {documents} (post_id, thread_id, theme_slug, year, created_at,
                                  author_id, asked_by, thread_title, body, words)
    VALUES (:post_id, :thread_id, :theme_slug, :year, :created_at,
            :author_id, :asked_by, :thread_title, :body, CAST(:words AS tsvector))
    ON CONFLICT (post_id) DO UPDATE SET
        thread_id = excluded.thread_id, theme_slug = excluded.theme_slug, year = excluded.year,
        created_at = excluded.created_at, author_id = excluded.author_id,
        asked_by = excluded.asked_by, thread_title = excluded.thread_title, body = excluded.body,
        words = excluded.words
    -- A document that has not changed is not rewritten: a rebuild of a million
    -- unchanged posts left the table twice its size in dead rows.
    WHERE ({documents}.thread_id, {documents}.theme_slug, {documents}.year, {documents}.created_at,
           {documents}.author_id, {documents}.asked_by, {documents}.thread_title, {documents}.body,
           {documents}.words)
          IS DISTINCT FROM (excluded.thread_id, excluded.theme_slug, excluded.year, excluded.created_at,
                            excluded.author_id, excluded.asked_by, excluded.thread_title, excluded.body,
                            excluded.words)
"""
# Sorted, so two writers adding the same new words take their row locks in
# the same order and never wait for each other in a circle.
_ADD_WORDS = """
    INSERT INTO {words} (word) SELECT word FROM unnest(:words) AS word ORDER BY word
    ON CONFLICT DO NOTHING
"""
_DROP = "DELETE FROM {documents} WHERE post_id = ANY(:ids)"
LIVE = {"documents": "search_documents", "words": "search_words"}
NEXT = {kind: f"{table}_next" for kind, table in LIVE.items()}
KEYS = {"documents": "post_id", "words": "word"}  # each table's primary key
_TABLES = tuple((kind, LIVE[kind], NEXT[kind]) for kind in LIVE)  # (kind, live name, rebuild's name)
REBUILD_LOCK_KEY = 0x666F72756E  # one rebuild at a time, across machines
DOCUMENT_POST_KEY = "search_documents_post_id_fkey"  # the name migration 0009 gave it
# tsvector's limits: later positions count as the last, and a term keeps
# its first 256 positions.
LAST_POSITION = 16383
POSITIONS_PER_TERM = 256
# Where each field's words go, and their weight in ts_rank: the thread's
# title above the body, above who asked a panel question.
WEIGHTED_FIELDS = (("asked_by", "C"), ("thread_title", "A"), ("body", "B"))


def tsvector(doc: dict) -> str:
    """A document's terms (search.analysis) as tsvector text, each with its places and weight.

    Each field starts one place after the last one ends, so no phrase
    matches across the end of a title and the start of a body.
    """
    places: dict[str, dict[int, str]] = {}
    offset = 1
    for name, weight in WEIGHTED_FIELDS:
        tokens = analysis.analyse(doc[name])
        for token in tokens:
            places.setdefault(token.term, {}).setdefault(min(offset + token.position, LAST_POSITION), weight)
        if tokens:
            offset += tokens[-1].position + 2
    return " ".join(f"{quoted(term)}:" + ",".join(f"{place}{weight}" for place, weight in
                                                  sorted(at.items())[:POSITIONS_PER_TERM])
                    for term, at in places.items())


def quoted(term: str) -> str:
    """A term as a tsvector or tsquery lexeme: quoted, so no character in it is syntax."""
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def _row(doc: dict) -> dict:
    return {"post_id": int(doc["post_id"]), "thread_id": doc["thread_id"], "theme_slug": doc["theme"],
            "year": int(doc["year"]), "created_at": doc["created"], "author_id": int(doc["author_id"]),
            "asked_by": doc["asked_by"], "thread_title": doc["thread_title"], "body": doc["body"],
            "words": tsvector(doc)}


@cache
def _statements(documents: str, words: str):
    return (text(_DROP.format(documents=documents)).bindparams(bindparam("ids", type_=ARRAY(INTEGER))),
            text(_UPSERT.format(documents=documents)),
            text(_ADD_WORDS.format(words=words)).bindparams(bindparam("words", type_=ARRAY(TEXT))))


def _write_into(tables: dict[str, str], rows: list[dict], dropped: list[int], words: list[str]) -> None:
    drop, upsert, add_words = _statements(tables["documents"], tables["words"])
    if dropped:
        db.session.execute(drop, {"ids": dropped})
    if rows:
        db.session.execute(upsert, rows)
    if words:
        db.session.execute(add_words, {"words": words})


def write(docs: list[dict], dropped: list[int], *, into: dict[str, str] | None = None) -> None:
    """Store these documents and drop these posts' documents, in the session's transaction.

    Into the live tables, and into a rebuild's new ones while they exist;
    `into` names the tables for a rebuild's own batches. A writer's new
    words go in once it has committed (_add_words_after_commit).
    """
    rows = sorted((_row(doc) for doc in docs), key=lambda row: row["post_id"])
    words = set()
    for doc in docs:
        words.update(analysis.spellings(f"{doc['thread_title']} {doc['body']}"))
    if into is not None:
        _write_into(into, rows, sorted(dropped), sorted(words))
        return
    _write_into(LIVE, rows, sorted(dropped), [])
    rebuilding = _rebuilding()  # only after the live table is written: see _start_next
    if rebuilding:
        _write_into(NEXT, rows, sorted(dropped), [])
    new_words = words if rebuilding else words - _known(words)  # a rebuild's new table knows none yet
    if new_words:
        db.session.info.setdefault(_WORDS_AFTER_COMMIT, set()).update(new_words)


_KNOWN = text("SELECT word FROM search_words WHERE word = ANY(:words)").bindparams(
    bindparam("words", type_=ARRAY(TEXT)))


def _known(words: set[str]) -> set[str]:
    """Which of these words search_words has: most of a post's, whose insert after the commit is then saved."""
    return set(db.session.scalars(_KNOWN, {"words": sorted(words)})) if words else set()


def _rebuilding() -> bool:
    return db.session.scalar(text("SELECT to_regclass(:next) IS NOT NULL"), {"next": NEXT["documents"]})


# Words are only "did you mean" candidates, so a writer adds its new ones
# in a short transaction of its own after its commit: two posts bringing
# the same new word would otherwise each wait, the whole of the other's
# transaction, on that word's key. A writer that dies in between leaves
# the word out until the next post that has it, or the next rebuild.
_WORDS_AFTER_COMMIT = "search_words_after_commit"


def _add_words_after_commit(session) -> None:
    words = session.info.pop(_WORDS_AFTER_COMMIT, None)
    if not words:
        return
    try:
        connection = session.get_bind().raw_connection()  # the session's transaction is over
        try:
            cursor = connection.cursor()
            cursor.execute("SET LOCAL synchronous_commit = off")  # a word lost in a crash costs nothing
            cursor.execute("SELECT to_regclass(%(next)s) IS NOT NULL", {"next": NEXT["words"]})
            tables = (LIVE["words"], NEXT["words"]) if cursor.fetchone()[0] else (LIVE["words"],)
            for table in tables:
                cursor.execute(_ADD_WORDS.format(words=table).replace(":words", "%(words)s::text[]"),
                               {"words": sorted(words)})
            connection.commit()
        finally:
            connection.close()
    except Exception:  # the post is committed: say so; its words come with the next post or rebuild
        logging.getLogger(__name__).exception("new words for 'did you mean' not stored")


def _forget_words(session, _previous=None) -> None:
    session.info.pop(_WORDS_AFTER_COMMIT, None)


event.listen(Session, "after_commit", _add_words_after_commit)
event.listen(Session, "after_soft_rollback", _forget_words)


def apply_changes(changes) -> None:
    """Index what these changes (outbox rows, or forum.searching.indexing.Change) name, in the session's transaction."""
    write(*outbox.changes(outbox.post_ids_for(changes)))


def apply_rows(rows: list[SearchOutbox]) -> None:
    """Index what these outbox rows name and delete them, in the session's transaction."""
    if not rows:
        return
    apply_changes(rows)
    db.session.execute(delete(SearchOutbox).where(SearchOutbox.id.in_([row.id for row in rows])))


def apply_pending(timeout: float = 5.0) -> int:
    """Rows no transaction applied (written while Whoosh was the engine, say); returns how many."""
    applied = 0
    while True:
        rows = outbox.waiting(claim=True)
        if not rows:
            db.session.rollback()
            return applied
        apply_rows(rows)
        db.session.commit()
        applied += len(rows)


def rebuild(progress: Callable[[int], None] | None = None, batch_size: int = 2000) -> int:
    """Write every post's document into new tables and swap them in; returns how many posts are searchable.

    Searches keep answering from the old documents until the swap.
    """
    with db.engine.connect() as holder:  # a session-level lock needs one connection throughout
        # The holder only reads: were it to begin as a writer it would hold
        # forum's write lock (forum.core.database) that every batch below waits for.
        with read_transaction():
            taken = holder.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": REBUILD_LOCK_KEY})
            holder.commit()
        if not taken:
            raise RebuildRunning("Another `search rebuild` is running; let it finish.")
        try:
            _start_next()
            count, last_id = 0, 0
            while posts := documents.posts_after(last_id, batch_size, locked=True):
                docs = documents.documents(posts)
                write(docs, [], into=NEXT)
                last_id = posts[-1].id
                db.session.commit()
                db.session.expunge_all()
                count += len(docs)
                if progress:
                    progress(len(posts))
            _index_next()
            _swap_in_next()
        finally:
            with read_transaction():
                holder.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": REBUILD_LOCK_KEY})
                holder.commit()
    return count


def _start_next() -> None:
    """Empty new tables shaped like the live ones, which writers then fill too.

    The SHARE lock waits for every transaction that has written the live
    table and not yet committed, and holds off new ones until the new
    tables are committed. A writer checks for them only after writing the
    live table, so it either committed its post before this (and a batch
    reads it) or sees the new tables and writes them too.
    """
    db.session.execute(text(f"LOCK TABLE {LIVE['documents']} IN SHARE MODE"))
    for kind, live, new in _TABLES:
        db.session.execute(text(f"DROP TABLE IF EXISTS {new}"))  # left by a rebuild that stopped
        db.session.execute(text(f"CREATE TABLE {new} (LIKE {live} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)"))
        db.session.execute(text(f"ALTER TABLE {new} ADD CONSTRAINT {new}_pkey PRIMARY KEY ({KEYS[kind]})"))
    db.session.commit()


def _other_indexes(table: str) -> list[tuple[str, str]]:
    """(name, definition) of a table's indexes other than its primary key's."""
    return db.session.execute(text(
        "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
        "AND tablename = :table AND indexname <> :table || '_pkey' ORDER BY indexname"), {"table": table}).all()


def _index_next() -> None:
    """The live tables' indexes on the new ones, built once they are full (faster than kept up row by row)."""
    for _, live, new in _TABLES:
        for name, definition in _other_indexes(live):
            made = re.sub(rf"^CREATE (UNIQUE )?INDEX {name} ON (\S+\.)?{live} ",
                          lambda m: f"CREATE {m.group(1) or ''}INDEX {name}_next ON {new} ", definition)
            db.session.execute(text(made))
        db.session.execute(text(f"ANALYZE {new}"))
    db.session.commit()


def _swap_in_next() -> None:
    """The new tables take the live ones' names, indexes and foreign key, in one short transaction."""
    db.session.execute(text(f"LOCK TABLE {', '.join(LIVE.values())} IN ACCESS EXCLUSIVE MODE"))
    for _, live, new in _TABLES:
        names = [name for name, _ in _other_indexes(live)]
        db.session.execute(text(f"DROP TABLE {live}"))
        db.session.execute(text(f"ALTER TABLE {new} RENAME TO {live}"))
        db.session.execute(text(f"ALTER TABLE {live} RENAME CONSTRAINT {new}_pkey TO {live}_pkey"))
        for name in names:
            db.session.execute(text(f"ALTER INDEX {name}_next RENAME TO {name}"))
    # NOT VALID: checking every row would hold the lock; it is checked just after.
    db.session.execute(text(f"ALTER TABLE {LIVE['documents']} ADD CONSTRAINT {DOCUMENT_POST_KEY} FOREIGN KEY "
                            "(post_id) REFERENCES posts (id) ON DELETE CASCADE NOT VALID"))
    db.session.execute(text("DELETE FROM search_built"))
    db.session.execute(text("INSERT INTO search_built (version, built_at) VALUES (:version, :at)"),
                       {"version": VERSION, "at": datetime.now(timezone.utc).replace(tzinfo=None)})
    db.session.commit()
    db.session.execute(text(f"ALTER TABLE {LIVE['documents']} VALIDATE CONSTRAINT {DOCUMENT_POST_KEY}"))
    db.session.commit()


def table_bytes() -> int:
    """The live tables with their indexes and TOAST: what the documents cost on disk."""
    return sum(db.session.scalar(text("SELECT pg_total_relation_size(:table)"), {"table": table})
               for table in LIVE.values())


def is_built() -> bool:
    return db.session.scalar(text("SELECT version FROM search_built")) == VERSION
