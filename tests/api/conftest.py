"""A small community for the API's tests: members of each role, themes in each state, threads, and tokens."""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from forum.core.extensions import db
from forum.models import Post, Theme, User
from tests.conftest import seed_reply, seed_thread


@dataclass
class Community:
    member: int
    other: int
    moderator: int
    open_thread: int
    opening: int
    reply: int
    hidden: int  # a reply hidden by a moderator
    archived_thread: int
    tokens: dict  # name -> secret


def make_token(app, user_id: int, scope: str = "read", name: str = "tool") -> str:
    """A token made by the service the settings page calls (its own test goes through the page)."""
    from forum.api import tokens

    with app.test_request_context():
        return tokens.create(db.session.get(User, user_id), name, scope)[1]


@pytest.fixture
def community(app, make_user, make_theme) -> Community:
    from forum.moderation import actions

    member = make_user(email="member@example.org", display_name="Maria Lopez", position="Physics teacher",
                       organisation="Lincoln High", bio="I teach physics.")
    other = make_user(email="other@example.org", display_name="Omar Diaz", organisation="Hidden School",
                      location="Somewhere", show_affiliation=False)
    moderator = make_user(email="mod@example.org", display_name="Mona Moderator", role="moderator")
    make_theme()
    make_theme(slug="old-month", title="An archived month", state="archived")
    make_theme(slug="next-month", title="An upcoming month", state="upcoming")
    with app.test_request_context():
        users = {u.id: u for u in db.session.scalars(db.select(User))}
        themes = {t.slug: t for t in db.session.scalars(db.select(Theme))}
        thread = seed_thread(themes["finding-time"], users[member], "Common planning time",
                             "How do you **protect** planning time?")
        opening = db.session.scalar(db.select(Post).where(Post.thread_id == thread.id))
        reply = seed_reply(thread, users[other], "We use Tuesdays.")
        hidden = seed_reply(thread, users[other], "Something rude, with a secret.", reply)
        seed_reply(thread, users[member], "A reply under the hidden one.", hidden)
        actions.hide(hidden, users[moderator], "Rude")
        archived = seed_thread(themes["old-month"], users[member], "An old discussion", "From long ago.")
        ids = (thread.id, opening.id, reply.id, hidden.id, archived.id)
    return Community(member, other, moderator, *ids, tokens={
        "read": make_token(app, member, "read"),
        "write": make_token(app, member, "read+write", "writer"),
        "moderator": make_token(app, moderator, "read+write", "mod tool"),
        "other": make_token(app, other, "read"),
    })


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}
