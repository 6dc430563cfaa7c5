"""The JSON the API answers with: one function per kind of object, the only place its fields are chosen.

Private fields (email, settings, password, tokens) are never in them. Times are ISO 8601 in UTC.
"""
from __future__ import annotations

from datetime import datetime

from flask import url_for

from ..models import Theme, Thread, User
from ..permissions import may
from ..discussions.reading import Node


def when(moment: datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment is not None else None


def author(user_id: int, name: str, panelist: str | None = None) -> dict:
    """`panelist`: the panelist a guest expert is in the post's theme (their badge on the page)."""
    shown = {"id": user_id, "name": name, "profile_url": url_for("members.profile", user_id=user_id, _external=True)}
    return {**shown, "panelist": panelist} if panelist else shown


def theme(item: Theme) -> dict:
    return {
        "slug": item.slug, "title": item.title, "month": item.month, "state": item.state(),
        "summary": item.summary, "opens_at": when(item.opens_at), "closes_at": when(item.closes_at),
        "panel": {"title": item.panel_title or None, "at": when(item.panel_at),
                  "recording_url": item.recording_url or None},
        "url": url_for("themes.show", slug=item.slug, _external=True),
        "threads_url": url_for("api.theme_threads", slug=item.slug, _external=True),
    }


def thread(item: Thread) -> dict:
    return {
        "id": item.id, "title": item.title,
        "theme": {"slug": item.theme.slug, "title": item.theme.title},
        "author": author(item.author_id, item.author.display_name),
        "created_at": when(item.created_at), "last_post_at": when(item.last_post_at),
        "reply_count": item.reply_count, "facilitated": item.facilitated, "pinned": item.pinned,
        "locked": item.locked,
        "url": url_for("threads.show", thread_id=item.id, _external=True),
        "posts_url": url_for("api.thread_posts", thread_id=item.id, _external=True),
    }


def post_fields(*, post_id: int, thread_id: int, parent_id: int | None, author_id: int, author_name: str,
                body: str, html: str, created_at, edited_at, gone: str | None, hidden: bool, viewer,
                replies: int | None = None, panelist: str | None = None) -> dict:
    """A post; a placeholder's text and author are left out, as its page leaves them out."""
    shown = gone is None
    mine = getattr(viewer, "id", None) == author_id
    fields = {
        "id": post_id, "thread_id": thread_id, "in_reply_to": parent_id,
        "author": author(author_id, author_name, panelist) if shown else None,
        "body_html": html if shown else None,
        "created_at": when(created_at), "edited_at": when(edited_at) if shown else None,
        "deleted": gone == "deleted", "hidden": hidden,
        "url": url_for("threads.permalink", post_id=post_id, _external=True),
    }
    # The Markdown as written, for whom the pages show it (the edit form): its author, and moderators.
    if shown and (mine or may(viewer, "moderate")):
        fields["body_markdown"] = body
    if replies is not None:
        fields["reply_count"] = replies
    return fields


def tree_post(node: Node, thread_id: int, viewer) -> dict:
    """A post of reads.tree (its row is the node's post) with its replies, nested."""
    row = node.post
    fields = post_fields(post_id=row.id, thread_id=thread_id, parent_id=row.parent_id, author_id=row.author_id,
                         author_name=row.display_name, body=row.body, html=row.html, created_at=row.created_at,
                         edited_at=row.edited_at, gone=node.placeholder, hidden=row.hidden_at is not None,
                         viewer=viewer, replies=len(node.children), panelist=row.panelist)
    fields["replies"] = [tree_post(reply, thread_id, viewer) for reply in node.children]
    return fields


def member(user: User, viewer, post_count: int) -> dict:
    """What the profile page shows of a member, and no more."""
    affiliation = may(viewer, "see_affiliation", user)
    return {
        "id": user.id, "name": user.display_name, "role": user.role, "position": user.position or None,
        "organisation": (user.organisation or None) if affiliation else None,
        "location": (user.location or None) if affiliation else None,
        "bio": user.bio or None, "joined_at": when(user.joined_at), "post_count": post_count,
        "url": url_for("members.profile", user_id=user.id, _external=True),
    }
