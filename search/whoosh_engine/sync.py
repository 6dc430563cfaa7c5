"""Keeping the Whoosh index in step with the database: outbox rows and rebuilds.

After a change commits, the worker (or, with SEARCH_INDEX_IN_REQUEST, the
request itself) calls apply_pending(), which applies the outbox rows to
the index and then deletes them. Rows left behind (a crash, a lock held
too long) are applied by the next pass or by `flask --app app search sync`.
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import Callable

from flask import current_app
from sqlalchemy import delete, func, select
from whoosh.writing import LockError

from forum.core.database import read_transaction
from forum.core.extensions import db
from forum.models import Post, SearchOutbox

from .. import documents, outbox
from ..request import IndexMissing
from . import docsets
from .index import (REBUILDING, WRITER_SETTINGS, create_generation, open_or_create, rebuild_running,
                    remove_old_generations, swap_in, writer)


def index_root() -> Path:
    return Path(current_app.config["SEARCH_INDEX_DIR"])


def empty_index_misses_nothing() -> bool:
    """Whether an index may be made empty: every post (none, in a new forum) waits in the outbox."""
    return outbox.every_post_waiting()


def apply_pending(timeout: float = 5.0, *, keep_rows_during_rebuild: bool = True) -> int:
    """Apply outbox rows to the index; returns how many rows were applied.

    Gives up quietly (rows stay for the next writer) if another process
    holds the index's write lock for longer than `timeout` seconds, or if
    there is no index while a rebuild makes one (it applies every row once
    live). With no index otherwise, raises IndexMissing and the rows stay.
    """
    root = index_root()
    applied = 0
    while True:
        # Rows are read before the index is opened: see rebuild() for why.
        rows = outbox.waiting()
        if not rows:
            break
        row_ids = [row.id for row in rows]
        docs, dropped = outbox.changes(outbox.post_ids_for(rows))
        # Never hold SQLite's lock while waiting for the index's, or two
        # workers could each wait for what the other holds.
        db.session.rollback()
        try:
            ix = open_or_create(root, empty_index_misses_nothing)
        except IndexMissing as missing:
            if missing.rebuilding:
                break
            raise
        try:
            with writer(ix, timeout=timeout) as w:
                for post_id in dropped:
                    w.delete_by_term("post_id", str(post_id))
                for doc in docs:
                    w.update_document(**doc)
        except LockError:
            current_app.logger.info("search index busy: %d outbox rows left for later", len(row_ids))
            break
        if keep_rows_during_rebuild and rebuild_running(root):
            break  # the rebuild applies every row to its new index once that is live
        db.session.execute(delete(SearchOutbox).where(SearchOutbox.id.in_(row_ids)))
        db.session.commit()
        applied += len(row_ids)
    return applied


def _writer_processes() -> int:
    """Two writer processes on big archives (1.6x faster on this 2-core machine), one on small."""
    posts = db.session.scalar(select(func.count(Post.id)))
    return current_app.config["SEARCH_REBUILD_PROCESSES"] if posts >= 5000 else 1


def rebuild(progress: Callable[[int], None] | None = None, batch_size: int = 2000) -> int:
    """Build a fresh index from the database and swap it in; returns posts indexed.

    Searches use the old index until the swap. While the marker file is
    present, writers apply changes to the old index but keep their outbox
    rows; after the swap every row is applied to the new index, and only
    then is the marker removed. A writer that read its rows before the swap
    either finds the marker (and keeps them) or finds its rows already
    applied to the new index by the pass after the swap.
    """
    root = index_root()
    root.mkdir(parents=True, exist_ok=True)
    marker = root / REBUILDING
    marker.write_text(str(time.time()))
    try:
        generation, ix = create_generation(root)
        count = 0
        procs = _writer_processes()
        w = ix.writer(procs=procs, multisegment=True, compound=False, **WRITER_SETTINGS) \
            if procs > 1 else ix.writer(compound=False, **WRITER_SETTINGS)
        try:
            # One snapshot, read without SQLite's write lock: members keep
            # posting meanwhile, and their outbox rows reach the new index below.
            with read_transaction():
                for batch in documents.iter_all_posts(batch_size):
                    for doc in documents.documents(batch):
                        w.add_document(**doc)
                        count += 1
                    if progress:
                        progress(len(batch))
        except BaseException:
            w.cancel()
            raise
        w.commit()
        with ix.searcher() as searcher:
            docsets.precompute_facets(searcher)
        swap_in(root, generation)
        apply_pending(keep_rows_during_rebuild=False)
    finally:
        marker.unlink(missing_ok=True)
    apply_pending()
    remove_old_generations(root)
    return count
