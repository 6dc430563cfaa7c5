"""The panel questions' queue: reading it, adding and editing questions, their order, scheduling
them in a batch, and pasting many at once. A question's status and its publishing: questions."""
from __future__ import annotations

from dataclasses import dataclass

from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import joinedload

from ..moderation import audit
from ..core.database import utcnow
from ..core.extensions import db
from ..models import PanelQuestion, Theme, User
from ..models.panel import PUBLISHED, QUEUED, SCHEDULED
from .paste import Pasted, PastedQuestion, flag_duplicates, parse
from .questions import STATUS_LABELS, summary
from ..core.timefmt import date_and_time, to_local_naive


class SchedulingError(ValueError):
    """Times the discussion window can't take; the message says why."""


def _audit_detail(question: PanelQuestion) -> str:
    when = f" (for {date_and_time(question.publish_at)})" if question.status == SCHEDULED else ""
    return summary(question) + when


# Reading ----------------------------------------------------------------------

def queue_of(theme: Theme) -> dict[str, list[PanelQuestion]]:
    """A theme's questions by status, each list in the order the queue page shows."""
    questions = db.session.scalars(
        select(PanelQuestion)
        .options(joinedload(PanelQuestion.published_by), joinedload(PanelQuestion.scheduled_by))
        .where(PanelQuestion.theme_id == theme.id)
        .order_by(PanelQuestion.position, PanelQuestion.id)
    ).all()
    groups: dict[str, list[PanelQuestion]] = {status: [] for status in STATUS_LABELS}
    for question in questions:
        groups[question.status].append(question)
    groups[SCHEDULED].sort(key=lambda q: (q.publish_at, q.id))
    groups[PUBLISHED].sort(key=lambda q: q.published_at, reverse=True)
    return groups


def window_problem(theme: Theme, moment: datetime) -> str | None:
    """Why a question can't go out at `moment`, or None when it falls in the discussion window."""
    if theme.opens_at <= moment < theme.closes_at:
        return None
    return (f"Choose a time within the discussion window, from {date_and_time(theme.opens_at)} "
            f"to {date_and_time(theme.closes_at)}.")


# The queue --------------------------------------------------------------------

def next_position(theme_id: int) -> int:
    last = db.session.scalar(
        select(func.max(PanelQuestion.position)).where(PanelQuestion.theme_id == theme_id)
    )
    return (last or 0) + 1


def _apply(question: PanelQuestion, data: dict, moderator: User) -> None:
    """Copy validated form data onto a question; a publish time schedules it."""
    question.question = data["question"]
    question.asked_by = data["asked_by"] or ""
    question.source = data["source"]
    question.framing = data["framing"] or ""
    question.show_ahead = bool(data.get("show_ahead"))
    if data.get("publish_at") is not None:
        question.status, question.publish_at = SCHEDULED, data["publish_at"]
        question.scheduled_by_id = moderator.id
    elif question.status == SCHEDULED:
        question.status, question.publish_at = QUEUED, None


def add(theme: Theme, moderator: User, data: dict) -> PanelQuestion:
    """Queue one question (or schedule it, given a time); commit."""
    question = PanelQuestion(theme_id=theme.id, created_by_id=moderator.id,
                             position=next_position(theme.id))
    _apply(question, data, moderator)
    db.session.add(question)
    audit.record(moderator, "question.add", question, _audit_detail(question))
    db.session.commit()
    return question


def edit(question: PanelQuestion, moderator: User, data: dict) -> None:
    """Change a question that is not yet published; commit."""
    _apply(question, data, moderator)
    audit.record(moderator, "question.edit", question, _audit_detail(question))
    db.session.commit()


def reorder(question: PanelQuestion, direction: str, moderator: User) -> bool:
    """Swap a question with its neighbour "up" or "down" its list; commit. In the queue they
    swap places; scheduled ones swap publish times, so the slots stay and nothing is unscheduled."""
    scheduled = question.status == SCHEDULED
    order = PanelQuestion.publish_at if scheduled else PanelQuestion.position
    mine = question.publish_at if scheduled else question.position
    stmt = select(PanelQuestion).where(PanelQuestion.theme_id == question.theme_id,
                                       PanelQuestion.status == question.status)
    if direction == "up":
        stmt = stmt.where(or_(order < mine, and_(order == mine, PanelQuestion.id < question.id)))
        stmt = stmt.order_by(order.desc(), PanelQuestion.id.desc())
    else:
        stmt = stmt.where(or_(order > mine, and_(order == mine, PanelQuestion.id > question.id)))
        stmt = stmt.order_by(order, PanelQuestion.id)
    neighbour = db.session.scalar(stmt.limit(1))
    if neighbour is None:
        return False
    if scheduled:
        question.publish_at, neighbour.publish_at = neighbour.publish_at, question.publish_at
    else:
        question.position, neighbour.position = neighbour.position, question.position
    audit.record(moderator, "question.reorder", question, f"{direction}: {summary(question)}")
    db.session.commit()
    return True


def spread_times(theme: Theme, start: datetime, every_days: int, count: int) -> list[datetime]:
    """`count` times `every_days` apart from `start`, or SchedulingError outside the window."""
    times = [start + timedelta(days=every_days * n) for n in range(count)]
    if times[0] < theme.opens_at or times[0] >= theme.closes_at:
        raise SchedulingError(
            f"The first question would go out on {date_and_time(times[0])}, outside the discussion "
            f"window ({date_and_time(theme.opens_at)} to {date_and_time(theme.closes_at)}). "
            "Choose a start within it."
        )
    if times[-1] >= theme.closes_at:
        raise SchedulingError(
            f"At one every {every_days} day{'s' if every_days != 1 else ''}, the last of the {count} "
            f"queued questions would go out on {date_and_time(times[-1])}, after the discussion "
            f"closes on {date_and_time(theme.closes_at)}. Choose a shorter interval or an earlier "
            "start, or dismiss some questions first."
        )
    return times


@dataclass
class Clash:
    """A time for a queued question on a day that already has a scheduled one."""

    new: datetime
    scheduled: PanelQuestion


class ScheduleClashes(SchedulingError):
    """Times that fall on days already scheduled; refused unless the moderator says to go ahead."""

    def __init__(self, clashes: list[Clash], count: int) -> None:
        if count == 1:
            which = "The queued question"
        elif len(clashes) == count:
            which = f"All {count} queued questions"
        else:
            which = f"{len(clashes)} of the {count} queued questions"
        super().__init__(f"{which} would go out on a day that already has a scheduled one.")
        self.clashes = clashes


def _scheduled(theme: Theme) -> list[PanelQuestion]:
    return db.session.scalars(
        select(PanelQuestion).where(PanelQuestion.theme_id == theme.id, PanelQuestion.status == SCHEDULED)
        .order_by(PanelQuestion.publish_at, PanelQuestion.id)
    ).all()


def default_start(theme: Theme, every_days: int) -> datetime:
    """Where a batch starts unless the moderator says otherwise: one interval after the last
    scheduled question, so a second batch follows the first instead of landing on its days;
    with none scheduled, now, or the opening of a discussion still to come."""
    start = max(utcnow(), theme.opens_at)
    last = db.session.scalar(select(func.max(PanelQuestion.publish_at)).where(
        PanelQuestion.theme_id == theme.id, PanelQuestion.status == SCHEDULED))
    return start if last is None else max(start, last + timedelta(days=every_days))


def clashes(theme: Theme, times: list[datetime]) -> list[Clash]:
    """Each of `times` that falls on a day (in the community's zone) with a question already scheduled."""
    by_day: dict = {}
    for question in _scheduled(theme):
        by_day.setdefault(to_local_naive(question.publish_at).date(), question)
    return [Clash(moment, by_day[day]) for moment in times
            if (day := to_local_naive(moment).date()) in by_day]


def schedule_queue(theme: Theme, moderator: User, start: datetime, every_days: int,
                   allow_clashes: bool = False) -> int:
    """Schedule every queued question, in queue order, `every_days` apart; commit.

    ScheduleClashes, and nothing saved, when one would share a day with a question
    already scheduled, unless `allow_clashes`.
    """
    queued = db.session.scalars(
        select(PanelQuestion)
        .where(PanelQuestion.theme_id == theme.id, PanelQuestion.status == QUEUED)
        .order_by(PanelQuestion.position, PanelQuestion.id)
    ).all()
    if not queued:
        raise SchedulingError("There are no queued questions to schedule.")
    times = spread_times(theme, start, every_days, len(queued))
    found = [] if allow_clashes else clashes(theme, times)
    if found:
        raise ScheduleClashes(found, len(queued))
    for question, moment in zip(queued, times):
        question.status, question.publish_at, question.scheduled_by_id = SCHEDULED, moment, moderator.id
    audit.record(moderator, "question.schedule_queue", theme,
                 f"{len(queued)} in “{theme.title}”, every {every_days} days from {date_and_time(start)}")
    db.session.commit()
    return len(queued)


# Pasting many -----------------------------------------------------------------

def preview_paste(theme: Theme, text: str) -> Pasted:
    """A pasted list read into questions, with likely duplicates of the theme's own flagged."""
    pasted = parse(text)
    existing = db.session.execute(
        select(PanelQuestion.question, PanelQuestion.status).where(PanelQuestion.theme_id == theme.id)
    ).all()
    flag_duplicates(pasted.questions, [(text, STATUS_LABELS[status]) for text, status in existing])
    return pasted


def add_pasted(theme: Theme, moderator: User, questions: list[PastedQuestion], source: str) -> int:
    """Queue pasted questions, in the order given; commit."""
    position = next_position(theme.id)
    for offset, item in enumerate(questions):
        db.session.add(PanelQuestion(
            theme_id=theme.id, question=item.question, asked_by=item.asked_by, source=source,
            position=position + offset, created_by_id=moderator.id,
        ))
    audit.record(moderator, "question.add_many", theme, f"{len(questions)} into “{theme.title}”")
    db.session.commit()
    return len(questions)
