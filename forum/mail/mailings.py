"""Emails to many members: digests, and the emails that follow the month.

- Digests (daily or weekly, each member's choice; weekly by default):
  new threads, the most-replied posts, new panel questions and the
  upcoming theme, for the last whole day or week in the community's
  time zone, sent from 7 am. A period with nothing new sends nothing.
- The month's emails, for members who opted in: a theme's discussion
  opens (with the panel, the resources and the kick-off question); a
  panel question is published ("Question 3 of 5 from the webinar
  panel"); a week before a theme closes, what is still unanswered.

schedule() makes the Mailing rows whose time has come (idempotent by
key); a published question makes its own in the publishing transaction.
compose_batch() writes a mailing's messages into the mail outbox, a
batch of members at a time; forum.mail.mailer sends them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, joinedload

from . import emails
from ..searching import indexing
from ..themes import months
from ..notifications import notify
from ..core.database import utcnow
from ..core.extensions import db
from ..models import GuestExpert, Mailing, PanelQuestion, Post, Theme, Thread, User
from ..models.panel import DISMISSED, PUBLISHED
from ..core.timefmt import Clock

DIGEST_DAILY, DIGEST_WEEKLY = "digest-daily", "digest-weekly"
THEME_OPEN, QUESTION, CLOSING = "theme-open", "question", "closing"
KINDS = (DIGEST_DAILY, DIGEST_WEEKLY, THEME_OPEN, QUESTION, CLOSING)
DIGEST_CHOICES = {"weekly": "Weekly", "daily": "Daily", "none": "None"}
# What an unsubscribe link leaves: notification emails, digests, or the month's emails.
DIGEST_MAILING, MONTH_MAILING = "digest", "month"

MEMBERS_PER_BATCH = 200
DIGEST_HOUR = 7  # local time: a digest is in inboxes before school starts
ANNOUNCE_WITHIN = timedelta(days=2)  # a theme that opened longer ago (an import) is not announced
CLOSING_NOTICE = timedelta(days=7)
DIGEST_ITEMS = 8


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["DISPLAY_TIMEZONE"])


def digest_period(kind: str, now: datetime) -> tuple[str, datetime, datetime]:
    """The last whole day (or Monday-to-Sunday week) that may be sent at `now`: key, start, end (UTC)."""
    local = now.astimezone(_zone())
    today = datetime.combine(local.date(), time(), tzinfo=local.tzinfo)
    if kind == DIGEST_DAILY:
        end = today if local.hour >= DIGEST_HOUR else today - timedelta(days=1)
        start = end - timedelta(days=1)
        label = start.strftime("%Y-%m-%d")
    else:
        monday = today - timedelta(days=local.weekday())
        ready = local >= monday.replace(hour=DIGEST_HOUR)
        end = monday if ready else monday - timedelta(days=7)
        start = end - timedelta(days=7)
        year, week, _ = start.isocalendar()
        label = f"{year}-W{week:02d}"
    # Local midnights, as instants: right across a change of daylight saving time.
    start = start.replace(tzinfo=None).replace(tzinfo=_zone())
    end = end.replace(tzinfo=None).replace(tzinfo=_zone())
    return f"{kind}:{label}", start, end


def _create(key: str, **values) -> bool:
    """Make a mailing unless one with this key exists; no commit."""
    if db.session.scalar(select(Mailing.id).where(Mailing.key == key)) is not None:
        return False
    db.session.add(Mailing(key=key, **values))
    return True


def schedule(now: datetime | None = None) -> int:
    """Make the mailings whose time has come; commit. How many were made."""
    now = now or utcnow()
    made = 0
    for kind in (DIGEST_DAILY, DIGEST_WEEKLY):
        key, start, end = digest_period(kind, now)
        made += _create(key, kind=kind, period_start=start, period_end=end)
    for theme in db.session.scalars(select(Theme).where(Theme.opens_at <= now, Theme.opens_at > now - ANNOUNCE_WITHIN,
                                                        Theme.closes_at > now)):
        if _create(f"{THEME_OPEN}:{theme.id}", kind=THEME_OPEN, theme_id=theme.id):
            made += 1
            indexing.mark_theme(theme)  # its prepared discussion becomes searchable now
    for theme in db.session.scalars(select(Theme).where(Theme.closes_at > now,
                                                        Theme.closes_at <= now + CLOSING_NOTICE,
                                                        Theme.opens_at < now)):
        made += _create(f"{CLOSING}:{theme.id}", kind=CLOSING, theme_id=theme.id)
    try:
        db.session.commit()
    except IntegrityError:  # another worker made the same mailing first
        db.session.rollback()
        return 0
    return made


def question_published(question: PanelQuestion) -> None:
    """Announce a published question to members who asked for the month's emails; no commit."""
    _create(f"{QUESTION}:{question.id}", kind=QUESTION, theme_id=question.theme_id, question_id=question.id)


# Composing.

def _audience(mailing: Mailing):
    """Who receives a mailing: members who can log in and chose it."""
    chosen = {DIGEST_DAILY: User.digest == "daily", DIGEST_WEEKLY: User.digest == "weekly"}.get(
        mailing.kind, User.month_emails.is_(True))
    return select(User).where(chosen, User.password_hash.is_not(None), User.id > mailing.cursor).order_by(User.id)


def compose_batch() -> int:
    """Compose the next batch of the oldest unfinished mailing; commit. How many messages."""
    # Claimed: a second worker composes the next mailing meanwhile, never the same batch.
    mailing = db.session.scalar(select(Mailing).where(Mailing.finished_at.is_(None))
                                .order_by(Mailing.id).limit(1).with_for_update(skip_locked=True))
    if mailing is None:
        return 0
    content = _content(mailing)
    members = db.session.scalars(_audience(mailing).limit(MEMBERS_PER_BATCH)).all() if content else []
    for member in members:
        subject, template, unsubscribe = content.subject, content.template, content.unsubscribe
        emails.queue(f"{mailing.key}:{member.id}", member, subject, template, unsubscribe=unsubscribe,
                     reply_post=content.reply_post, **content.context)
    mailing.sent += len(members)
    if len(members) < MEMBERS_PER_BATCH:
        mailing.finished_at = utcnow()  # everyone is done, or there was nothing to say
    else:
        mailing.cursor = members[-1].id
    db.session.commit()
    return max(len(members), 1)


@dataclass
class Content:
    subject: str
    template: str
    unsubscribe: str
    context: dict = field(default_factory=dict)
    # The one post the email is about, which a reply by email answers; None for a digest of many.
    reply_post: Post | None = None


def _content(mailing: Mailing) -> Content | None:
    """What a mailing says, the same for every member; None when there is nothing to send."""
    if mailing.kind in (DIGEST_DAILY, DIGEST_WEEKLY):
        return _digest(mailing)
    theme = db.session.get(Theme, mailing.theme_id) if mailing.theme_id else None
    if theme is None:
        return None
    if mailing.kind == THEME_OPEN:
        return _theme_open(theme)
    if mailing.kind == QUESTION:
        return _question(db.session.get(PanelQuestion, mailing.question_id))
    return _closing(theme)


def _digest(mailing: Mailing) -> Content | None:
    start, end = mailing.period_start, mailing.period_end
    in_period = (Post.created_at >= start, Post.created_at < end, Post.is_visible)
    opening = aliased(Post)
    new_threads = db.session.scalars(
        select(Thread).join(opening, (opening.thread_id == Thread.id) & opening.parent_id.is_(None))
        .where(Thread.created_at >= start, Thread.created_at < end, opening.is_visible)
        .options(joinedload(Thread.theme), joinedload(Thread.author))
        .order_by(Thread.reply_count.desc(), Thread.id).limit(DIGEST_ITEMS)).all()
    reply = aliased(Post)
    busiest = db.session.execute(
        select(Post, func.count(reply.id).label("replies")).join(reply, reply.parent_id == Post.id)
        .where(Post.depth > 0, Post.is_visible, reply.created_at >= start, reply.created_at < end,
               reply.is_visible)
        .options(joinedload(Post.author), joinedload(Post.thread))
        .group_by(Post.id).order_by(func.count(reply.id).desc(), Post.id).limit(5)).all()
    questions = db.session.scalars(
        select(Post).join(PanelQuestion, PanelQuestion.post_id == Post.id).where(*in_period)
        .options(joinedload(Post.thread).joinedload(Thread.theme)).order_by(Post.created_at)).all()
    if not (new_threads or busiest or questions):
        return None  # never an empty digest
    clock = Clock(community=True)  # one email for every member: the community's dates
    # With its preposition: "in the week of November 23", but "on Tuesday, December 1".
    period = (f"in the week of {clock.day(start)}" if mailing.kind == DIGEST_WEEKLY
              else f"on {clock.day(start, weekday=True)}")
    community = current_app.config["COMMUNITY_NAME"]
    link = lambda post: emails.absolute_url("threads.permalink", post_id=post.id)  # noqa: E731
    return Content(
        f"{community}: what happened {period}", "digest", DIGEST_MAILING, dict(
            period=period,
            threads=[(t.title, t.author.display_name, t.theme.title, t.reply_count,
                      emails.absolute_url("threads.show", thread_id=t.id)) for t in new_threads],
            busiest=[(p.author.display_name, p.thread.title, count, notify.excerpt(p, 200), link(p))
                     for p, count in busiest],
            questions=[(notify.excerpt(p, 300), p.thread.theme.title, link(p)) for p in questions],
            upcoming=_upcoming(), frequency="daily" if mailing.kind == DIGEST_DAILY else "weekly",
        ))


def _upcoming() -> tuple[str, str, str] | None:
    theme = months.next_theme()
    if theme is None:
        return None
    return (theme.title, Clock(community=True).day(theme.opens_at),
            emails.absolute_url("themes.show", slug=theme.slug))


def _theme_open(theme: Theme) -> Content:
    from ..themes.months import facilitated_thread

    kickoff = facilitated_thread(theme)
    opening = db.session.scalar(select(Post).where(Post.thread_id == kickoff.id, Post.parent_id.is_(None))) \
        if kickoff else None
    return Content(
        f"The discussion of “{theme.title}” is open", "theme-open", MONTH_MAILING, dict(
            theme=theme, theme_url=emails.absolute_url("themes.show", slug=theme.slug),
            panel_at=Clock(community=True).day_and_time(theme.panel_at) if theme.panel_at else "",
            panelists=[(p.name, p.bio) for p in theme.panelists],
            resources=[(r.title, r.url, r.note) for r in theme.resources],
            kickoff=notify.excerpt(opening, 600) if opening else "",
            kickoff_url=emails.absolute_url("threads.show", thread_id=kickoff.id) if kickoff else "",
        ))


def question_number(question: PanelQuestion) -> tuple[int, int]:
    """(this question's place among the theme's published ones, how many there will be)."""
    counts = dict(db.session.execute(select(PanelQuestion.status, func.count()).where(
        PanelQuestion.theme_id == question.theme_id).group_by(PanelQuestion.status)).all())
    before = db.session.scalar(select(func.count()).select_from(PanelQuestion).where(
        PanelQuestion.theme_id == question.theme_id, PanelQuestion.status == PUBLISHED,
        PanelQuestion.published_at <= question.published_at, PanelQuestion.id != question.id))
    total = sum(count for status, count in counts.items() if status not in (DISMISSED,))
    return before + 1, total - counts.get("answered_live", 0)


def _question(question: PanelQuestion | None) -> Content | None:
    if question is None or question.status != PUBLISHED or question.post is None:
        return None
    post = question.post
    if not post.is_visible:
        return None
    number, total = question_number(question)
    return Content(
        f"Question {number} of {total} from the webinar panel is open", "question", MONTH_MAILING, dict(
            number=number, total=total, question=question.question, asked_by=question.asked_by,
            theme=question.theme.title, url=emails.absolute_url("threads.permalink", post_id=post.id),
        ), reply_post=post)


def _closing(theme: Theme) -> Content | None:
    reply = aliased(Post)
    answered = select(reply.id).where(reply.parent_id == PanelQuestion.post_id, reply.is_visible).exists()
    unanswered = db.session.execute(
        select(PanelQuestion.question, PanelQuestion.post_id).join(Post, Post.id == PanelQuestion.post_id)
        .where(PanelQuestion.theme_id == theme.id, PanelQuestion.status == PUBLISHED, Post.is_visible,
               ~answered)
        .order_by(PanelQuestion.published_at)).all()
    quiet = db.session.scalars(select(Thread).where(Thread.theme_id == theme.id, Thread.reply_count == 0,
                                                    Thread.facilitated.is_(False)).order_by(Thread.id)).all()
    if not (unanswered or quiet):
        return None
    return Content(
        f"One week left in “{theme.title}”: questions still waiting for answers", "closing", MONTH_MAILING, dict(
            theme=theme, closes=Clock(community=True).day(theme.closes_at, weekday=True),
            theme_url=emails.absolute_url("themes.show", slug=theme.slug),
            questions=[(text, emails.absolute_url("threads.permalink", post_id=post_id)) for text, post_id in unanswered],
            threads=[(t.title, emails.absolute_url("threads.show", thread_id=t.id)) for t in quiet],
        ))


def unsubscribe(user: User, mailing: str) -> None:
    """Stop one kind of email for a member; commit."""
    if mailing == DIGEST_MAILING:
        user.digest = "none"
    elif mailing == MONTH_MAILING:
        user.month_emails = False
    elif mailing == notify.PANEL_MAILING:
        # A guest expert declines the panel's questions by email, in every theme they are a guest of;
        # the notices under the bell go on.
        db.session.execute(update(GuestExpert).where(GuestExpert.user_id == user.id,
                                                     GuestExpert.emails_declined_at.is_(None))
                           .values(emails_declined_at=utcnow()))
    else:
        notify.stop_notification_emails(user)
    db.session.commit()
