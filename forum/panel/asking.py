"""Members ask the panel ahead: a question typed on the theme or panel page, before the panel,
lands in the moderators' queue as "asked on the forum", credited to the member."""
from __future__ import annotations

from .. import throttle
from ..core.extensions import db
from ..core.text import clean_text
from ..discussions.posting import POSTING_TOO_FAST, Refused, clean_body, PostingError
from ..models import PanelQuestion, Theme, User
from ..models.panel import FORUM, QUEUED
from ..permissions import why_not
from .paste import QUESTION_MAX
from .queue import next_position


def ask(theme: Theme, member: User, text: str | None) -> PanelQuestion:
    """A member's question for the panel, queued and committed; Refused, with nothing written and the
    message for the form, when it may not be (after the panel's time, for visitors, empty, too long,
    past the posting limit)."""
    refusal = why_not(member, "ask_panel", theme)
    if refusal:
        raise Refused(refusal, 403)
    typed = clean_text(text)
    try:
        # A post's rules (cleaning, emptiness), then the queue's shorter limit for a question.
        question = clean_body(typed)
    except PostingError as error:
        raise Refused(error.message if typed else "Write your question before sending it.", 200, "question") from None
    if len(question) > QUESTION_MAX:
        raise Refused(f"A question can be at most {QUESTION_MAX:,} characters; this one has {len(question):,}. "
                      "Shorten it.", 200, "question")
    # Counted with the member's posts: asking is posting, for the limit.
    if not throttle.take("post", member.id):
        db.session.rollback()
        raise Refused(POSTING_TOO_FAST, 429)
    asked = PanelQuestion(theme_id=theme.id, question=question, asked_by="", asked_by_id=member.id,
                          source=FORUM, status=QUEUED, position=next_position(theme.id))
    db.session.add(asked)
    db.session.commit()
    return asked
