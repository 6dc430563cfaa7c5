"""A member's own data, to download: their profile and settings, every post they wrote (with the
earlier versions it keeps), the questions they asked the panel, their files' addresses.

The records use the archive format's fields and times (docs/archive-format.md):
the profile is a `users` record, and each post carries its thread and theme
by title, since the threads themselves hold other members' posts.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..uploads import files
from ..archive.exporting import post_marks, user_record
from ..archive.fields import format_time
from ..core.database import utcnow
from ..mail.emails import absolute_url
from ..core.extensions import db
from ..models import ApiToken, PanelQuestion, Post, PostRevision, Thread, User, Watch


def member_data(user: User) -> dict:
    posts = db.session.scalars(
        select(Post).where(Post.author_id == user.id)
        .options(joinedload(Post.thread).joinedload(Thread.theme)).order_by(Post.id)).all()
    watches = db.session.scalars(select(Watch).where(Watch.user_id == user.id).order_by(Watch.id)).all()
    revisions = _revisions(user)
    return {
        "format": 1, "kind": "member data", "exported_at": format_time(utcnow()),
        "user": {**user_record(user, with_password_hash=False),
                 "settings": {"email_notifications": user.email_notifications, "digest": user.digest,
                              "month_emails": user.month_emails, "time_zone": user.time_zone,
                              "date_order": user.date_order, "show_affiliation": user.show_affiliation}},
        "posts": [_post(post, revisions.get(post.id)) for post in posts],
        "panel_questions": [{"theme": q.theme.title, "question": q.question, "status": q.status,
                             "created_at": format_time(q.created_at)} for q in _questions(user)],
        "watching": [{"level": w.level, "thread_id": w.thread_id, "theme_id": w.theme_id} for w in watches],
        # The files themselves are at their addresses (the download stays one small file).
        "attached_files": [{"name": upload.name, "url": absolute_url("uploads.serve", key=upload.key,
                                                                      extension=upload.extension),
                            "bytes": upload.byte_size, "created_at": format_time(upload.created_at)}
                           for upload in reversed(files.member_uploads(user))],
        # What a token is called and may do, never its hash (forum/api/tokens.py).
        "api_tokens": [{"name": token.name, "scope": token.scope, "created_at": format_time(token.created_at),
                        "last_used_at": format_time(token.last_used_at) if token.last_used_at else None}
                       for token in db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)
                                                       .order_by(ApiToken.id))],
    }


def _revisions(user: User) -> dict[int, list[dict]]:
    """The earlier versions of the member's posts, oldest first; who edited them only as "a moderator"
    or not (other members' emails are not theirs to download)."""
    found: dict[int, list[dict]] = {}
    for revision, author_id in db.session.execute(
            select(PostRevision, Post.author_id).join(Post, PostRevision.post_id == Post.id)
            .where(Post.author_id == user.id).order_by(PostRevision.post_id, PostRevision.number)):
        found.setdefault(revision.post_id, []).append({
            "body": revision.body, "edited_at": format_time(revision.edited_at),
            "edited_by_moderator": revision.edited_by_id != author_id})
    return found


def _questions(user: User) -> list[PanelQuestion]:
    return db.session.scalars(select(PanelQuestion).where(PanelQuestion.asked_by_id == user.id)
                              .options(joinedload(PanelQuestion.theme)).order_by(PanelQuestion.id)).all()


def _post(post: Post, revisions: list[dict] | None) -> dict:
    found = {"key": f"p{post.id}", "url": absolute_url("threads.permalink", post_id=post.id),
             "theme": post.thread.theme.title, "thread": post.thread.title,
             "opening_post": post.parent_id is None, "created_at": format_time(post.created_at),
             "body": post.body}
    if post.parent_id is not None:
        found["parent"] = f"p{post.parent_id}"
    if revisions:
        found["revisions"] = revisions
    return {**found, **post_marks(post)}
