"""Reports: a member flags a post for moderators, who hide it or keep it up; the reporter is told.

A post's open reports are resolved together, whoever reported it, and
hiding a reported post from the moderator tools resolves them too.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from . import audit
from .. import throttle
from ..core.database import utcnow
from ..core.extensions import db
from ..models import Notification, Post, Report, Thread, User
from ..models.notifications import REPORT_HIDDEN, REPORT_KEPT
from ..models.reports import HIDDEN, KEPT

REASON_MAX = 300
TOLD = {HIDDEN: REPORT_HIDDEN, KEPT: REPORT_KEPT}


class AlreadyReported(Exception):
    """This member has reported this post before."""


class TooManyReports(Exception):
    """Past the member's limit of reports for now (RATE_LIMITS["report"])."""


def report(post: Post, member: User, reason: str) -> Report:
    """File a member's report of a post; commit. AlreadyReported, TooManyReports."""
    if db.session.scalar(select(Report.id).where(Report.post_id == post.id, Report.reporter_id == member.id)):
        raise AlreadyReported()
    if not throttle.take("report", member.id):
        raise TooManyReports()
    filed = Report(post_id=post.id, reporter_id=member.id, reason=reason[:REASON_MAX])
    db.session.add(filed)
    try:
        db.session.commit()
    except IntegrityError:  # the same member's second click, at the same moment
        db.session.rollback()
        raise AlreadyReported() from None
    return filed


@dataclass
class ReportedPost:
    """One post in the moderators' queue, with every open report of it."""

    post: Post
    reports: list[Report] = field(default_factory=list)


def open_reports() -> list[ReportedPost]:
    """Posts with open reports, the longest waiting first."""
    rows = db.session.scalars(
        select(Report).where(Report.resolved_at.is_(None))
        .options(joinedload(Report.reporter),
                 joinedload(Report.post).joinedload(Post.author),
                 joinedload(Report.post).joinedload(Post.thread).joinedload(Thread.theme))
        .order_by(Report.created_at, Report.id)).all()
    by_post: dict[int, ReportedPost] = {}
    for row in rows:
        by_post.setdefault(row.post_id, ReportedPost(row.post)).reports.append(row)
    return list(by_post.values())


def open_count() -> int:
    return db.session.scalar(select(func.count(func.distinct(Report.post_id))).where(Report.resolved_at.is_(None)))


def close(post: Post, moderator: User, outcome: str) -> int:
    """Resolve a post's open reports with `outcome` (HIDDEN or KEPT) and tell each reporter; no
    commit. How many were open."""
    reporters = db.session.scalars(
        select(Report.reporter_id).where(Report.post_id == post.id, Report.resolved_at.is_(None))).all()
    if not reporters:
        return 0
    now = utcnow()
    db.session.execute(
        update(Report).where(Report.post_id == post.id, Report.resolved_at.is_(None))
        .values(resolved_at=now, resolved_by_id=moderator.id, outcome=outcome)
        .execution_options(synchronize_session=False))
    wants_email = dict(db.session.execute(
        select(User.id, User.email_notifications).where(User.id.in_(reporters))).all())
    # One notification per member and post: an earlier one about this post
    # (a reply, say) becomes the outcome, unread again.
    earlier = {n.user_id: n for n in db.session.scalars(
        select(Notification).where(Notification.post_id == post.id, Notification.user_id.in_(reporters)))}
    for reporter_id in reporters:
        told = earlier.get(reporter_id) or Notification(user_id=reporter_id, post_id=post.id)
        told.kind, told.actor_id, told.created_at, told.read_at = TOLD[outcome], None, now, None
        told.email_pending = wants_email.get(reporter_id, False)
        db.session.add(told)
    return len(reporters)


def keep(post: Post, moderator: User) -> int:
    """The post stays up: its reports are closed and the reporters told; audited; commit."""
    closed = close(post, moderator, KEPT)
    if closed:
        audit.record(moderator, "post.keep", post, f"{closed} report{'s' if closed != 1 else ''} closed")
    db.session.commit()
    return closed
