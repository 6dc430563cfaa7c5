"""A post's history: each edit keeps the text it replaced; the history page shows every version and what changed.

An edit keeps the old Markdown in its own transaction (keep(), called by
posting.edit). Versions are rendered again when the history is read,
through the one renderer, so an old version never shows HTML a later
sanitising policy would refuse. What changed between two versions is
worked out on words, as plain text: the template escapes it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from difflib import SequenceMatcher

from sqlalchemy import delete, func, select
from sqlalchemy.orm import joinedload

from ..core.extensions import db
from ..models import Post, PostRevision, User
from . import mentions
from ..core.markup import render_markdown

# Words and the spaces between them, kept apart so that a diff joined again reads as the text did.
_TOKENS = re.compile(r"\s+|\S+")
# An unchanged stretch longer than this many tokens is cut to its ends: the changes are the point.
_UNCHANGED_KEPT = 40
SAME, ADDED, REMOVED, CUT = "same", "added", "removed", "cut"


@dataclass
class Version:
    """One text a post has had: who wrote it (the author, or the editor who replaced the one before) and when."""

    number: int
    body: str
    written_by: User | None  # None: edited before the forum kept versions, by nobody it knows
    written_at: datetime | None
    by_moderator: bool
    current: bool
    html: str = ""
    # What changed from the version before, as (SAME|ADDED|REMOVED|CUT, text); empty for the first.
    changes: list[tuple[str, str]] = field(default_factory=list)


def keep(post: Post, editor: User, at) -> None:
    """Keep the post's text, about to be replaced by `editor` at `at`; no commit.

    The caller holds the post's thread's row lock (posting.edit), so the
    next number is read with no other edit of the post in between.
    """
    number = db.session.scalar(select(func.coalesce(func.max(PostRevision.number), 0))
                               .where(PostRevision.post_id == post.id)) + 1
    db.session.add(PostRevision(post_id=post.id, number=number, body=post.body, edited_by_id=editor.id,
                                edited_at=at))


def history(post: Post) -> list[Version]:
    """Every version of the post, newest first, each rendered and with what changed from the one before."""
    revisions = db.session.scalars(
        select(PostRevision).options(joinedload(PostRevision.edited_by))
        .where(PostRevision.post_id == post.id).order_by(PostRevision.number)).all()
    versions = []
    written_by, written_at = post.author, post.created_at
    for revision in revisions:
        versions.append(Version(revision.number, revision.body, written_by, written_at,
                                _by_moderator(post, written_by), current=False))
        written_by, written_at = revision.edited_by, revision.edited_at
    if post.edited_at is not None and not revisions:
        # Edited before versions were kept (or their text was erased): the last edit is all there is.
        written_by, written_at = post.edited_by, post.edited_at
    versions.append(Version(len(revisions) + 1, post.body, written_by, written_at,
                            _by_moderator(post, written_by), current=True))
    for older, newer in zip([None, *versions], versions):
        # The current text as the thread shows it; older ones rendered again, by today's policy.
        newer.html = post.html if newer.current else render_markdown(newer.body, mentions.find(newer.body))
        newer.changes = changes(older.body, newer.body) if older else []
    return list(reversed(versions))


def _by_moderator(post: Post, writer: User | None) -> bool:
    return writer is not None and writer.id != post.author_id


def changes(old: str, new: str) -> list[tuple[str, str]]:
    """What became of `old` in `new`, word by word: unchanged, added and removed stretches in order."""
    before, after = _TOKENS.findall(old), _TOKENS.findall(new)
    found: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
        if op == "equal":
            found.extend(_unchanged(before[i1:i2], first=not found, last=i2 == len(before)))
            continue
        if op in ("delete", "replace"):
            found.append((REMOVED, "".join(before[i1:i2])))
        if op in ("insert", "replace"):
            found.append((ADDED, "".join(after[j1:j2])))
    return found


def _unchanged(tokens: list[str], first: bool, last: bool) -> list[tuple[str, str]]:
    """An unchanged stretch, its middle cut when long (and its start or end, at the text's ends)."""
    if len(tokens) <= _UNCHANGED_KEPT:
        return [(SAME, "".join(tokens))]
    half = _UNCHANGED_KEPT // 2
    head = [] if first else [(SAME, "".join(tokens[:half]))]
    tail = [] if last else [(SAME, "".join(tokens[-half:]))]
    return [*head, (CUT, "…"), *tail]


def forget_posts_of(user: User) -> None:
    """Erase every earlier version of the member's posts (their account is closing); no commit.

    Earlier versions are text the member replaced: whether their posts stay
    or go, what they took back goes with the account.
    """
    db.session.execute(delete(PostRevision).where(
        PostRevision.post_id.in_(select(Post.id).where(Post.author_id == user.id))))
