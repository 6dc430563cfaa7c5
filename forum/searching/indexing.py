"""Recording, in the writer's transaction, what the search index must catch up with.

A post's own changes (written, edited, hidden, shown, deleted) are read
from its PostEvent row as it is flushed (forum.models.post_events);
writers call mark_thread and mark_theme where a post's context (thread
title, theme) changes, before the commit. Then, by engine:
- Whoosh: the worker (forum.worker.loop) applies the rows to the index within
  a moment of the commit, so a reply never waits for the index. With
  SEARCH_INDEX_IN_REQUEST set, a request whose commit carried such rows
  applies them itself before its response leaves instead.
- PostgreSQL: the changes are applied just before the commit, in the same
  transaction, so a post and its search document commit together. No
  outbox row is written for them: it would be inserted and deleted again
  in that transaction, two statements a post for nothing.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app, g, has_app_context
from sqlalchemy import event, select
from sqlalchemy.orm import Session

import search

from ..page_cache import freshness
from ..core.extensions import db
from ..models import PostEvent
from ..models.search import SearchOutbox


@dataclass(frozen=True)
class Change:
    """What an engine indexing in the writer's transaction is handed, as it would be an outbox row."""

    kind: str  # post, thread or theme, as SearchOutbox.kind
    ref_id: int


def _mark(kind: str, ref_id: int) -> None:
    freshness.marked_for_search(kind, ref_id)  # what search must catch up with shows on pages too
    _queue(kind, ref_id)


def _queue(kind: str, ref_id: int) -> None:
    if search.applies_in_transaction():
        db.session.info.setdefault("search_changes", []).append(Change(kind, ref_id))
    else:
        db.session.add(SearchOutbox(kind=kind, ref_id=ref_id))


def mark_thread(thread) -> None:
    """Every post of a thread: its title changed, or it moved to another theme."""
    _mark("thread", thread.id)


def mark_theme(theme) -> None:
    """Every post of a theme: its title or slug changed."""
    _mark("theme", theme.id)


def changes_waiting() -> bool:
    """Outbox rows not applied yet: a moment's lag, or a worker that is down."""
    return db.session.scalar(select(SearchOutbox.id).limit(1)) is not None


def _note_outbox_rows(session: Session, _flush_context, _instances) -> None:
    for post_event in [obj for obj in session.new if isinstance(obj, PostEvent)]:
        # Whatever the kind, the post's document changes (its pages learn of it from the event too).
        _queue("post", post_event.post_id)
    rows = [obj for obj in session.new if isinstance(obj, SearchOutbox)]
    if rows:
        session.info.setdefault("search_outbox", []).extend(rows)


def _index_in_transaction(session: Session) -> None:
    if not session.info.get("search_changes") or not has_app_context():
        return
    session.flush()  # what the changed posts' documents are read from
    search.apply_in_transaction(session.info.pop("search_changes"))


def _after_commit(session: Session) -> None:
    if session.info.pop("search_outbox", False) and has_app_context():
        g.search_outbox_pending = True


def _after_rollback(session: Session, previous) -> None:
    if previous.nested:  # a savepoint: the transaction's other changes still commit
        return
    session.info.pop("search_outbox", None)
    session.info.pop("search_changes", None)


def _apply_after_request(response):
    if g.pop("search_outbox_pending", False) and current_app.config["SEARCH_INDEX_IN_REQUEST"]:
        try:
            search.apply_pending()
        except search.IndexMissing as missing:  # the post is saved; its row waits for a rebuild
            current_app.logger.error("search index not updated: %s. %s", missing, search.INDEX_MISSING)
            db.session.rollback()
        except Exception:  # the post is saved; its outbox row waits for the next writer
            current_app.logger.exception("search index not updated; outbox rows kept")
            db.session.rollback()
    return response


_listening = False


def init_app(app: Flask) -> None:
    global _listening
    app.after_request(_apply_after_request)
    if not _listening:  # session events are global: attach them once per process
        event.listen(Session, "before_flush", _note_outbox_rows)
        event.listen(Session, "before_commit", _index_in_transaction)
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_soft_rollback", _after_rollback)
        _listening = True
