"""The worker's job: each message received becomes a reply, an answer saying why not, or nothing.

A message is claimed with its row locked (skipping rows another worker
holds, on PostgreSQL; SQLite's worker holds the database from BEGIN
IMMEDIATE), then read, checked and posted through posting.reply, the web's
own use case: its permission, locked and archived threads, posting limit
and sanitising. The message's status is written by reply()'s `along` hook,
inside the transaction that writes the post, so the two are committed
together or not at all: a worker killed mid-message leaves the message
waiting and no post, and the next run posts it once. A message refused
or ignored is closed in a transaction of its own, with its answer email.
"""
from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr
from io import BytesIO

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from werkzeug.datastructures import FileStorage

from ..core.database import utcnow
from ..core.extensions import db
from ..discussions import posting
from ..models import IncomingMessage, Post, User
from ..models.incoming import IGNORED, POSTED, REFUSED, WAITING
from ..permissions import why_not
from ..uploads import files
from . import addresses, extracting, refusals

BATCH = 20
IMAGES_MAX = 10
_AUTOMATIC_PRECEDENCE = {"bulk", "junk", "list", "auto_reply"}
_HEADERS_WITH_ADDRESS = ("Delivered-To", "X-Original-To", "To", "Cc")


def waiting() -> bool:
    return db.session.scalar(select(IncomingMessage.id).where(IncomingMessage.status == WAITING).limit(1)) is not None


def handle_waiting() -> int:
    """Handle the messages waiting, one transaction each; how many."""
    done = 0
    while done < BATCH and (message := _claim()) is not None:
        message_id = message.id
        try:
            _handle(message)
        except OperationalError:
            raise  # the database is away: the worker waits, the message stays for the next try
        except Exception as error:
            # A message no rule foresaw must not be tried first forever, holding up those behind it.
            db.session.rollback()
            current_app.logger.exception("reply by email: message %s could not be handled", message_id)
            if (message := _claim(message_id)) is not None:
                _close(message, IGNORED, f"could not be handled: {type(error).__name__}")
        done += 1
    return done


def _claim(message_id: int | None = None) -> IncomingMessage | None:
    """The oldest waiting message (or this one, if still waiting), its row locked to the commit."""
    query = select(IncomingMessage).where(IncomingMessage.status == WAITING)
    if message_id is not None:
        query = query.where(IncomingMessage.id == message_id)
    return db.session.scalar(query.order_by(IncomingMessage.id).limit(1)
                             .with_for_update(skip_locked=message_id is None)
                             .execution_options(populate_existing=True))


def _handle(message: IncomingMessage) -> None:
    parsed = email.message_from_bytes(message.raw, policy=email.policy.default)
    automatic = automatic_reason(parsed, message.sender)
    if automatic:
        return _close(message, IGNORED, automatic)
    token = _token(parsed, message.recipient)
    if token is None:
        return _close(message, IGNORED, "no reply address among its recipients")
    try:
        claim = addresses.read(token)
        expired = False
    except addresses.AddressInvalid:
        return _close(message, IGNORED, "a reply address the forum did not make, or for an address since changed")
    except addresses.AddressExpired as old:
        claim, expired = old.claim, True
    member, post = claim.user, claim.post
    message.user_id = member.id
    if not member.can_log_in:
        return _close(message, IGNORED, "the member's account cannot log in")
    wrote = extracting.new_text(extracting.body_text(parsed))
    sender = parseaddr(str(parsed.get("From", "")))[1]
    images = extracting.images(parsed)[:IMAGES_MAX]  # decoded once: the check and the uploads both read them
    refusal = _refusal(message, member, sender, expired, wrote, bool(images))
    if refusal:
        return _refuse(message, member, post, refusal, wrote)
    message_id = message.id
    body, refusal = _with_images(member, images, wrote)
    if body != wrote or refusal:
        # Files were kept, each committed on its own (files.store): the message's row was let go.
        message = _claim(message_id)
        if message is None:
            return  # handled by another worker meanwhile
    if refusal:
        return _refuse(message, member, post, refusal, wrote)

    def posted(new_post: Post) -> None:
        message.status, message.post_id, message.handled_at = POSTED, new_post.id, utcnow()
        message.reason = ""

    try:
        posting.reply(post.thread, member, body, parent=post, along=posted)
    except posting.Refused as refused:
        message = _claim(message_id)  # the rollback let the row go: take it again
        if message is not None:
            _refuse(message, db.session.get(User, member.id), db.session.get(Post, post.id),
                    _in_words(refused), wrote)


def _refusal(message: IncomingMessage, member: User, sender: str, expired: bool, wrote: str,
             has_images: bool) -> str | None:
    """Why the message can't be posted, before the rules of posting are asked; None when it may be."""
    config = current_app.config
    if expired:
        return (f"The reply address you wrote to works for {config['REPLY_BY_EMAIL_DAYS']} days after its "
                "email was sent, and this one is older. Reply from the discussion's page instead.")
    if User.normalise_email(sender) != member.email:
        return (f"It came from {sender or 'an address not given'}, which is not your account's address. "
                "Replies by email are taken only from the address the forum writes to.")
    if message.byte_size > config["REPLY_BY_EMAIL_MAX_BYTES"]:
        return (f"It was larger ({files.size_text(message.byte_size)}) than replies by email can be "
                f"({files.size_text(config['REPLY_BY_EMAIL_MAX_BYTES'])}). Send smaller images, or fewer.")
    if not wrote and not has_images:
        return ("We found no words of yours above the quoted message. Write your reply at the top "
                "of the email, above the message you answer.")
    return None


def _with_images(member: User, found: list, wrote: str) -> tuple[str, str | None]:
    """The post's text with the message's images attached as the web's composer does; or why not.

    Each image is kept by the uploads' own rules (size, pixels, format,
    quota, the hourly limit), in a transaction of its own (files.store
    commits), so the caller claims the message again afterwards. A worker
    killed between the two keeps an unused file, never a second post.
    """
    if not found:
        return wrote, None
    refusal = why_not(member, "attach_file")
    if refusal:
        return wrote, refusal
    links = []
    for name, data in found:
        try:
            upload = files.store(member, FileStorage(stream=BytesIO(data), filename=name))
        except files.UploadError as error:
            db.session.rollback()
            return wrote, f"The image “{name}” could not be attached: {error.message}"
        # The path the web's composer writes (discussions.urls.upload_url), built without a request.
        path = current_app.url_map.bind("localhost").build(
            "uploads.serve", {"key": upload.key, "extension": upload.extension})
        links.append(files.markdown_for(upload, path))
    return "\n\n".join(part for part in (wrote, *links) if part), None


def _in_words(refused: posting.Refused) -> str:
    if refused.status == 429:  # the page's words say the text is kept below the form
        return ("You have posted a lot in the last few minutes. Wait a few minutes, then send your "
                "reply again.")
    return refused.message


def _refuse(message: IncomingMessage, member: User, post: Post, reason: str, wrote: str) -> None:
    told = refusals.tell(message, member, post, reason, wrote)
    _close(message, REFUSED, reason if told else f"{reason} (not told: answered within the hour)")


def _close(message: IncomingMessage, status: str, reason: str) -> None:
    message.status, message.reason, message.handled_at = status, reason[:500], utcnow()
    db.session.commit()


def automatic_reason(parsed: EmailMessage, envelope_sender: str) -> str | None:
    """Why a message was sent by a machine (RFC 3834 and what common systems do), never to be answered.

    `envelope_sender` is "<>" for the empty MAIL FROM of a bounce, "" when the way in did not say.
    """
    auto_submitted = str(parsed.get("Auto-Submitted", "no")).split(";")[0].strip().lower()
    if auto_submitted != "no":
        return f"an automatic message (Auto-Submitted: {auto_submitted})"
    precedence = str(parsed.get("Precedence", "")).strip().lower()
    if precedence in _AUTOMATIC_PRECEDENCE:
        return f"an automatic message (Precedence: {precedence})"
    if "X-Autoreply" in parsed or "X-Autorespond" in parsed:
        return "an automatic message (X-Autoreply)"
    if parsed.get_content_type() == "multipart/report":
        return "a delivery report (a bounce)"
    paths = [envelope_sender] if envelope_sender else []
    paths += [str(value) for value in parsed.get_all("Return-Path", [])]
    for path in paths:
        address = parseaddr(path)[1]
        if not address or address.lower().startswith("mailer-daemon@") or address.lower() == "mailer-daemon":
            return "a bounce (an empty or MAILER-DAEMON return path)"
    return None


def _token(parsed: EmailMessage, recipient: str) -> str | None:
    """The reply address's token: the envelope's recipient first, else the headers that may name it."""
    candidates = [recipient] + [address for _, address in getaddresses(
        [str(value) for name in _HEADERS_WITH_ADDRESS for value in parsed.get_all(name, [])])]
    for address in candidates:
        token = addresses.token_in(address or "")
        if token:
            return token
    return None
