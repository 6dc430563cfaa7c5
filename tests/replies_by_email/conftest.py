"""A forum with reply by email on: José replies by email to a post of Brett's."""
from __future__ import annotations

from pathlib import Path

import pytest

from forum.core.extensions import db
from forum.models import IncomingMessage, OutgoingMail, Post, User
from forum.mail import mailer
from forum.replies_by_email import addresses
from forum.worker import loop

DOMAIN = "reply.example.org"
JOSE = "jose@example.org"
BRETT = "brett@example.org"
MESSAGES = Path(__file__).parent / "messages"


@pytest.fixture
def forum(app, make_user, make_theme, make_thread):
    """Reply by email on; José (a member), Brett (the post's author), Rosa (a moderator), Brett's thread."""
    app.config["MAIL_INCOMING_DOMAIN"] = DOMAIN
    people = {"jose": make_user(email=JOSE, display_name="José Martínez"),
              "brett": make_user(email=BRETT, display_name="Brett Criswell"),
              "rosa": make_user(email="rosa@example.org", display_name="Rosa Delgado", role="moderator")}
    make_theme()
    thread_id, opening_id = make_thread("finding-time", people["brett"], body="We moved our PLC to Tuesdays.")
    return {**people, "thread": thread_id, "post": opening_id}


def reply_address(app, user_id: int, post_id: int, today=None) -> str:
    with app.app_context():
        user, post = db.session.get(User, user_id), db.session.get(Post, post_id)
        if today is None:
            return addresses.address_for(user, post)
        return f"reply+{addresses.token_for(user, post, today)}@{DOMAIN}"


def message(name: str, to: str, sender: str = JOSE, **headers: str) -> bytes:
    """A fixture message (messages/<name>.eml) sent from `sender` to `to`, with headers put first."""
    raw = (MESSAGES / f"{name}.eml").read_bytes().replace(b"{sender}", sender.encode()).replace(b"{to}", to.encode())
    extra = "".join(f"{name.replace('_', '-')}: {value}\r\n" for name, value in headers.items()).encode()
    return (extra + raw).replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")  # on the wire, lines end in CRLF


def deliver(app, raw: bytes, *args: str):
    """`flask mail deliver`, as an MTA's pipe runs it, with the message on stdin."""
    return app.test_cli_runner().invoke(args=["mail", "deliver", *args], input=raw)


def run_worker(app) -> dict[str, int]:
    with app.app_context():
        return loop.run_once()


def replies_to(app, post_id: int) -> list[tuple[int, str]]:
    """(author id, body) of each reply under a post, oldest first."""
    with app.app_context():
        return [(p.author_id, p.body) for p in db.session.scalars(
            db.select(Post).where(Post.parent_id == post_id).order_by(Post.id))]


def incoming(app) -> list[tuple[str, str]]:
    """(status, reason) of each message received, oldest first."""
    with app.app_context():
        return [(m.status, m.reason) for m in db.session.scalars(db.select(IncomingMessage).order_by(IncomingMessage.id))]


def answers(app) -> list[OutgoingMail]:
    """The refusals the forum wrote back, oldest first (detached, read-only)."""
    with app.app_context():
        rows = db.session.scalars(db.select(OutgoingMail).where(OutgoingMail.key.startswith(mailer.ANSWER_KEY))
                                  .order_by(OutgoingMail.id)).all()
        for row in rows:
            row.built = mailer.build_message(row)
        db.session.expunge_all()
        return rows
