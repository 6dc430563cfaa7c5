"""A reply by email as a member's mail client writes it, for trying reply by email on a laptop."""
from __future__ import annotations

from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr

from flask import current_app
from sqlalchemy import select

from ..core.database import utcnow
from ..core.extensions import db
from ..core.text import shortened
from ..models import Post, Theme, Thread, User
from . import addresses


def try_it() -> str:
    """`make run`'s words on trying reply by email on a laptop; "" when it is off or there is no post."""
    if not addresses.enabled():
        return ""
    now = utcnow()
    post_id = db.session.scalar(  # the newest post one may answer: in an open theme, an unlocked thread
        select(Post.id).join(Thread, Thread.id == Post.thread_id).join(Theme, Theme.id == Thread.theme_id)
        .where(Post.is_visible, Thread.locked.is_(False), Theme.opens_at <= now, Theme.closes_at > now)
        .order_by(Post.created_at.desc(), Post.id.desc()).limit(1))
    if post_id is None:
        return ""
    # The commands run in another terminal, outside `make run`'s environment: they name the domain.
    flask = f"FLASK_MAIL_INCOMING_DOMAIN={current_app.config['MAIL_INCOMING_DOMAIN']} .venv/bin/flask --app app"
    return (f"Reply by email: {flask} mail sample-reply --to-post {post_id} > reply.eml, then\n"
            f"  {flask} mail deliver < reply.eml   (the worker posts it under post {post_id}).")


def reply_message(post_id: int, from_email: str = "") -> str:
    """The message, as text; ValueError saying what is missing."""
    if not addresses.enabled():
        raise ValueError("Reply by email is off: set MAIL_INCOMING_DOMAIN (make run sets it to localhost).")
    post = db.session.get(Post, post_id)
    if post is None:
        raise ValueError(f"There is no post {post_id}.")
    member = User.by_email(from_email) if from_email else db.session.scalar(
        select(User).where(User.id != post.author_id, User.password_hash.is_not(None)).order_by(User.id).limit(1))
    if member is None:
        raise ValueError(f"No member {from_email or 'other than the post’s author'} to reply as.")
    message = EmailMessage()
    message["From"] = f"{member.display_name} <{member.email}>"
    message["To"] = addresses.address_for(member, post)
    message["Subject"] = f"Re: {post.thread.title}"
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = make_msgid(domain="sample.invalid")
    author = post.author.display_name
    community, forum_address = parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])
    quoted = "\n".join(f"> {line}" for line in shortened(post.body, 400).splitlines())
    message.set_content(
        f"Thank you, {author.split()[0]}: this reply was written in a mail client and sent by email.\n\n"
        f"On {format_datetime(post.created_at)}, {community} <{forum_address}> wrote:\n"
        f"{quoted}\n")
    return message.as_string()
