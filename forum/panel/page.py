"""The panel page: a theme's webinar questions by fate, as members and visitors see them.

Everything the page shows is built here, in one function (panel_page), in a fixed number of
queries whatever the number of questions: the questions with their askers and posts in one, the
visible replies under every posted question in one grouped count, and the guest experts' answers
under them in two more (guests.answered_by_panel).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import aliased, joinedload

from . import guests, minutes
from .questions import credit
from ..core.extensions import db
from ..core.text import shortened
from ..core.timefmt import Clock
from ..models import PanelQuestion, Post, Theme
from ..models.panel import ANSWERED_LIVE, DISMISSED, FORUM, PUBLISHED, QUEUED, SCHEDULED
from ..permissions import may


# How much of a guest expert's answer the page shows under its question; the link leads to the rest.
ANSWER_EXCERPT = 200


@dataclass
class AnsweredLive:
    id: int
    text: str
    credit: str
    minute: str = ""       # "12:30", or "" when the moderator gave none
    link: str | None = None  # the recording at that minute, once there is a recording


@dataclass
class Coming:
    id: int
    day: str                 # "On Tuesday, December 8"
    text: str | None = None  # only when the moderator shows it ahead
    credit: str | None = None


@dataclass
class PanelAnswer:
    """A guest expert's reply under a posted question: the panel answering in the discussion."""
    post_id: int
    author: str
    excerpt: str


@dataclass
class Posted:
    id: int
    text: str | None        # None when its post is hidden or deleted, for whoever may not see it
    credit: str
    post_id: int | None     # the permalink's post; None when the reader may not see it
    replies: int = 0
    answered_by_panel: list[PanelAnswer] = field(default_factory=list)


@dataclass
class PanelPage:
    theme: Theme
    answered_live: list[AnsweredLive] = field(default_factory=list)
    coming: list[Coming] = field(default_factory=list)
    more_to_come: int = 0    # queued, with no day yet
    posted: list[Posted] = field(default_factory=list)
    set_aside: int = 0       # dismissed: counted, never shown
    mine: list[PanelQuestion] = field(default_factory=list)  # the reader's own questions still waiting

    @property
    def empty(self) -> bool:
        return not (self.answered_live or self.coming or self.more_to_come or self.posted or self.set_aside)


def _questions(theme: Theme) -> list[PanelQuestion]:
    return db.session.scalars(
        select(PanelQuestion)
        .options(joinedload(PanelQuestion.asked_by_member), joinedload(PanelQuestion.post))
        .where(PanelQuestion.theme_id == theme.id)
        .order_by(PanelQuestion.position, PanelQuestion.id)
    ).all()


def reply_counts(theme: Theme) -> dict[int, int]:
    """Question id -> visible replies under its post, at any depth: one grouped query for the theme."""
    question_post, reply = aliased(Post), aliased(Post)
    return dict(db.session.execute(
        select(PanelQuestion.id, func.count(reply.id))
        .join(question_post, question_post.id == PanelQuestion.post_id)
        # A post's replies are the posts whose path starts with its own and a dot ("/" follows "."):
        # a range on the thread's path index.
        .join(reply, (reply.thread_id == question_post.thread_id) & (reply.path > question_post.path + ".")
              & (reply.path < question_post.path + "/") & reply.is_visible)
        .where(PanelQuestion.theme_id == theme.id, PanelQuestion.status == PUBLISHED)
        .group_by(PanelQuestion.id)).all())


def panel_page(theme: Theme, reader: Any) -> PanelPage:
    """What `reader` (a member, a moderator, or an anonymous visitor) sees of the theme's panel."""
    questions = _questions(theme)
    page = PanelPage(theme)
    clock = Clock()
    any_posted = any(q.status == PUBLISHED for q in questions)
    replies = reply_counts(theme) if any_posted else {}
    answers = guests.answered_by_panel(theme) if any_posted else {}
    # Coming ones in the order they will be posted, posted ones in the order they were.
    for question in sorted(questions, key=_order):
        if question.status == ANSWERED_LIVE:
            page.answered_live.append(_answered_live(question, theme))
        elif question.status == SCHEDULED:
            shown = question.show_ahead
            page.coming.append(Coming(question.id, f"On {clock.day(question.publish_at, weekday=True)}",
                                      question.question if shown else None, credit(question) if shown else None))
        elif question.status == QUEUED:
            page.more_to_come += 1
        elif question.status == PUBLISHED:
            page.posted.append(_posted(question, reader, replies.get(question.id, 0), answers.get(question.id, [])))
        elif question.status == DISMISSED:
            page.set_aside += 1
    if getattr(reader, "is_authenticated", False):
        page.mine = [q for q in questions if q.source == FORUM and q.asked_by_id == reader.id
                     and q.status in (QUEUED, SCHEDULED)]
    return page


def _order(question: PanelQuestion) -> tuple:
    moment = question.publish_at if question.status == SCHEDULED else question.published_at
    return (moment is not None, moment or question.created_at, question.position, question.id)


def _answered_live(question: PanelQuestion, theme: Theme) -> AnsweredLive:
    at = question.answered_at_second
    link = minutes.link(theme.recording_url, at) if at is not None and theme.recording_url else None
    return AnsweredLive(question.id, question.question, credit(question), minutes.label(at), link)


def _posted(question: PanelQuestion, reader: Any, replies: int, answers: list[Post]) -> Posted:
    post = question.post
    # A hidden or deleted post is neither linked nor quoted, except a hidden one for moderators.
    readable = post is not None and not post.is_deleted and may(reader, "view_post", post)
    if not readable:
        return Posted(question.id, None, credit(question), None)
    return Posted(question.id, question.question, credit(question), post.id, replies,
                  [PanelAnswer(answer.id, answer.author.display_name, shortened(answer.body, ANSWER_EXCERPT)) for answer in answers])
