"""Guest experts: a theme's panelists, invited to answer in its discussion.

A guest expert is a member (role "member": no moderator's rights) with a
row in guest_experts for one theme. The row gives a badge ("Panelist,
<theme>") on their posts in that theme's threads, and word of each panel
question the theme publishes (forum.notifications.notify). The theme's
state, from the clock, ends the role: an archived theme takes no new
guests and publishes no questions, but its rows stay, so the posts its
guests wrote keep their badge.

Inviting makes the account when the address has none (no password: the
invitation's link chooses one, as the admins' invitations do) or reuses
the member who has it, and emails the invitation. Each change is audited
and commits here; a refusal is a posting.Refused that changes nothing.
A thread page's badges are not read here: its one query of posts joins
guest_experts (forum.discussions.reading), so guests cost it nothing.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, joinedload

from ..core.database import utcnow
from ..core.extensions import db
from ..discussions.posting import Refused
from ..mail import emails
from ..models import GuestExpert, PanelQuestion, Post, Theme, User
from ..models.panel import PUBLISHED
from ..moderation import audit
from ..permissions import why_not


def of_theme(theme: Theme) -> list[GuestExpert]:
    """A theme's guest experts with their accounts, in the order they were invited."""
    return db.session.scalars(select(GuestExpert).where(GuestExpert.theme_id == theme.id)
                              .options(joinedload(GuestExpert.user))
                              .order_by(GuestExpert.invited_at, GuestExpert.id)).all()


def get(guest_id: int) -> GuestExpert | None:
    return db.session.get(GuestExpert, guest_id)


def is_guest_expert(user: User, theme: Theme) -> bool:
    """Whether this member is a guest expert of this theme (archived or not)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return db.session.scalar(select(GuestExpert.id).where(GuestExpert.user_id == user.id,
                                                          GuestExpert.theme_id == theme.id)) is not None


def current_badges(user: User) -> list[tuple[str, Theme]]:
    """(panelist, theme) for each theme this member is a guest of that is not archived: their profile's badges."""
    now = utcnow()
    return db.session.execute(
        select(GuestExpert.panelist, Theme).join(Theme, Theme.id == GuestExpert.theme_id)
        .where(GuestExpert.user_id == user.id, Theme.closes_at > now).order_by(Theme.opens_at)).all()


def _refuse(reason: str | None, status: int = 403, field: str | None = None) -> None:
    if reason is not None:
        db.session.rollback()
        raise Refused(reason, status, field)


def invite(theme: Theme, moderator: User, *, email: str, panelist: str, display_name: str = "") -> GuestExpert:
    """Make a panelist a guest expert of this theme and email them the invitation; commit.

    `display_name` names a new account (the panelist's name when empty); an
    existing member keeps theirs. Refused, with nothing written, when the
    theme is archived or the member is already a guest of it.
    """
    _refuse(why_not(moderator, "invite_guest_expert", theme))
    email = User.normalise_email(email)
    user = User.by_email(email)
    if user is not None and is_guest_expert(user, theme):
        _refuse(f"{user.display_name} ({email}) is already a guest expert of “{theme.title}”. "
                "Use “Send again” beside their name to resend the invitation.", 400, "email")
    if user is None:
        # No password: the invitation's link chooses one. A member by role, whatever the panel.
        user = User(email=email, display_name=display_name or panelist, role="member", password_hash=None)
        db.session.add(user)
    guest = GuestExpert(theme=theme, user=user, panelist=panelist, invited_by_id=moderator.id, invited_at=utcnow())
    db.session.add(guest)
    try:
        db.session.flush()  # a second moderator inviting the same address at once: one of them wins
    except IntegrityError:
        db.session.rollback()
        raise Refused(f"{email} was just invited by someone else: reload the page to see it.", 409, "email") from None
    emails.queue_guest_invitation(user, theme, panelist)
    audit.record(moderator, "guest.invite", guest, f"{panelist} <{email}>, {theme.title}")
    db.session.commit()
    return guest


def send_again(guest: GuestExpert, moderator: User) -> None:
    """Email the invitation again (a new link: older ones stop working); commit.

    A guest who declined the panel's emails gets them again: being sent the
    invitation anew is how they ask for them back (the decline page says so).
    """
    _refuse(why_not(moderator, "invite_guest_expert", guest.theme))
    guest.emails_declined_at = None
    emails.queue_guest_invitation(guest.user, guest.theme, guest.panelist)
    audit.record(moderator, "guest.reinvite", guest, f"{guest.panelist} <{guest.user.email}>, {guest.theme.title}")
    db.session.commit()


def remove(guest: GuestExpert, moderator: User) -> None:
    """They are a guest expert no more: their badge goes from every post, their account stays; commit."""
    _refuse(why_not(moderator, "remove_guest_expert", guest.theme))
    audit.record(moderator, "guest.remove", guest, f"{guest.panelist} <{guest.user.email}>, {guest.theme.title}")
    db.session.delete(guest)  # forum.page_cache.freshness sees it go: the theme's thread pages change
    db.session.commit()


def answered_by_panel(theme: Theme) -> dict[int, list[Post]]:
    """For each published question of the theme (by PanelQuestion.id), the visible replies its guest
    experts wrote anywhere under the question's post, in thread order: one query for the whole theme.

    Every published question has an entry, [] when no guest has answered it. A question whose post
    is hidden or deleted has none: the panel page shows no answers to a question members cannot read.
    """
    question_post, reply = aliased(Post), aliased(Post)
    questions = db.session.execute(
        select(PanelQuestion.id).join(question_post, question_post.id == PanelQuestion.post_id)
        .where(PanelQuestion.theme_id == theme.id, PanelQuestion.status == PUBLISHED, question_post.is_visible)
        .order_by(PanelQuestion.id)).scalars().all()
    answers: dict[int, list[Post]] = {question_id: [] for question_id in questions}
    if not answers:
        return answers
    rows = db.session.execute(
        select(PanelQuestion.id, reply)
        .join(question_post, question_post.id == PanelQuestion.post_id)
        # The question's subtree: paths that start with its own and a dot ("~" sorts after every digit).
        .join(reply, (reply.thread_id == question_post.thread_id) & (reply.path > question_post.path + ".")
              & (reply.path < question_post.path + ".~"))
        .join(GuestExpert, (GuestExpert.user_id == reply.author_id) & (GuestExpert.theme_id == theme.id))
        .where(PanelQuestion.id.in_(list(answers)), reply.is_visible)
        .options(joinedload(reply.author))
        .order_by(PanelQuestion.id, reply.path)).all()
    for question_id, post in rows:
        answers[question_id].append(post)
    return answers
