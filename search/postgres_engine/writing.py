"""Keeping search_documents in step with the posts: in the writer's own transaction.

forum.indexing calls apply_rows() just before a transaction that wrote
outbox rows commits, so a post and its search document commit together
and can never disagree. rebuild() rewrites every document a batch at a
time (each batch its own short transaction, its posts held FOR SHARE so
an edit waits for the batch instead of being overwritten by it).
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Callable

from sqlalchemy import bindparam, delete, text
from sqlalchemy.dialects.postgresql import ARRAY, INTEGER, TEXT

from forum.extensions import db
from forum.models import SearchOutbox

from .. import analysis, documents, outbox

# Bump when what goes into a document changes: `init-db` rebuilds when the
# version search_built records is another (so does a new analyser).
VERSION = f"2.{analysis.VERSION}"

_UPSERT = text("""
    INSERT INTO search_documents (post_id, thread_id, theme_slug, year, created_at,
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
    WHERE (search_documents.thread_id, search_documents.theme_slug, search_documents.year,
           search_documents.created_at, search_documents.author_id, search_documents.asked_by,
           search_documents.thread_title, search_documents.body, search_documents.words)
          IS DISTINCT FROM (excluded.thread_id, excluded.theme_slug, excluded.year, excluded.created_at,
                            excluded.author_id, excluded.asked_by, excluded.thread_title, excluded.body,
                            excluded.words)
""")
# Sorted, so two writers adding the same new words take their row locks in
# the same order and never wait for each other in a circle.
_ADD_WORDS = text("""
    INSERT INTO search_words (word) SELECT word FROM unnest(:words) AS word ORDER BY word
    ON CONFLICT DO NOTHING
""").bindparams(bindparam("words", type_=ARRAY(TEXT)))
_DROP = text("DELETE FROM search_documents WHERE post_id = ANY(:ids)").bindparams(
    bindparam("ids", type_=ARRAY(INTEGER)))
# In a rebuild: the documents of a batch's posts that are no longer shown.
_DROP_UNSHOWN = text("DELETE FROM search_documents WHERE post_id > :low AND post_id <= :high "
                     "AND NOT (post_id = ANY(:shown))").bindparams(bindparam("shown", type_=ARRAY(INTEGER)))
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


def write(docs: list[dict], dropped: list[int]) -> None:
    """Store these documents and drop these posts' documents, in the session's transaction."""
    if dropped:
        db.session.execute(_DROP, {"ids": sorted(dropped)})
    if not docs:
        return
    db.session.execute(_UPSERT, sorted((_row(doc) for doc in docs), key=lambda row: row["post_id"]))
    words = set()
    for doc in docs:
        words.update(analysis.spellings(f"{doc['thread_title']} {doc['body']}"))
    db.session.execute(_ADD_WORDS, {"words": sorted(words)})


def apply_rows(rows: list[SearchOutbox]) -> None:
    """Index what these outbox rows name and delete them, in the session's transaction."""
    if not rows:
        return
    write(*outbox.changes(outbox.post_ids_for(rows)))
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
    """Write every post's document again; returns how many posts are searchable.

    Searches keep answering meanwhile, from documents old and new.
    """
    db.session.execute(text("DELETE FROM search_words"))
    db.session.commit()
    count, last_id = 0, 0
    while posts := documents.posts_after(last_id, batch_size, locked=True):
        docs = documents.documents(posts)
        shown = [int(doc["post_id"]) for doc in docs]
        db.session.execute(_DROP_UNSHOWN, {"low": last_id, "high": posts[-1].id, "shown": shown})
        write(docs, [])
        last_id = posts[-1].id
        db.session.commit()
        db.session.expunge_all()
        count += len(docs)
        if progress:
            progress(len(posts))
    db.session.execute(text("DELETE FROM search_built"))
    db.session.execute(text("INSERT INTO search_built (version, built_at) VALUES (:version, :at)"),
                       {"version": VERSION, "at": datetime.now(timezone.utc).replace(tzinfo=None)})
    db.session.commit()
    return count


def is_built() -> bool:
    return db.session.scalar(text("SELECT version FROM search_built")) == VERSION
