"""A new post's row and the thread counters it moves, whoever writes it.

Posting writes one post at a time; an archive import (the demo is one)
writes thousands, a batch at a time. Both take a post's columns from
post_row() and count a thread's replies with counts_as_reply(), so a
field added to posts gets its value in one place, and the reply count
has one rule. Where a post sits (its ids, path and depth) is the
caller's: posting learns the id at the flush, the import chooses it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Mapping

from ..core.markup import MARKUP_VERSION, render_markdown


def text_columns(body: str, mentions: dict[str, tuple[int, str]] | None = None) -> dict:
    """What a post's text gives its row, when it is written, edited or re-rendered: the text as
    written, its HTML under the current sanitising policy (`mentions`, from forum.discussions.mentions.find,
    become links). A column worked out from the text belongs here."""
    return {"body": body, "html": render_markdown(body, mentions), "markup_version": MARKUP_VERSION}


def post_row(*, body: str, created_at: datetime, mentions: dict[str, tuple[int, str]] | None = None,
             edited_at: datetime | None = None, edited_by_id: int | None = None,
             deleted_at: datetime | None = None, hidden_at: datetime | None = None) -> dict:
    """Every column of a new post but its place: its text_columns() and its times."""
    return {
        **text_columns(body, mentions), "created_at": created_at, "edited_at": edited_at,
        "edited_by_id": edited_by_id,
        "deleted_at": deleted_at, "hidden_at": hidden_at, "hidden_reason": "", "hidden_by_id": None,
    }


def counts_as_reply(row: Mapping) -> bool:
    """A thread's reply_count counts the replies members can see (moderating moves it by one
    when a reply is hidden, unhidden or deleted)."""
    return row["parent_id"] is not None and row["deleted_at"] is None and row["hidden_at"] is None


@dataclass
class ThreadCounters:
    """A thread's reply_count and last_post_at, counted over its post rows as posting keeps them:
    last_post_at is its newest post's time, whatever became of the post."""

    reply_count: int = 0
    last_post_at: datetime | None = None

    def add(self, row: Mapping) -> None:
        self.reply_count += counts_as_reply(row)
        if self.last_post_at is None or row["created_at"] > self.last_post_at:
            self.last_post_at = row["created_at"]

    def columns(self) -> dict:
        return {"reply_count": self.reply_count, "last_post_at": self.last_post_at}
