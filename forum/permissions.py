"""Who may do what: the only home of access rules.

Each rule answers None when the action is allowed, or a sentence that
says why not, which views show to the person as it is. `may()` is the
yes/no form, `require()` aborts with 403. Anonymous users are
Flask-Login's AnonymousUserMixin.
"""
from __future__ import annotations

from typing import Any, Callable

from flask import current_app

from .core.errors import abort_with
from .models import ARCHIVED, ROLES, UPCOMING
from .models.panel import PUBLISHABLE, PUBLISHED, QUEUED, SCHEDULED
from .core.timefmt import date_only

ROLE_RANK = {role: rank for rank, role in enumerate(ROLES)}

LOG_IN = "Log in or join to take part in the discussion."
NOT_YOURS = "You can only change your own posts."
MODERATORS_ONLY = "Only moderators can do that."
# A visitor's only obstacle to asking the panel: pages offer the login there.
ASK_LOG_IN = "Log in or join to ask the panel a question."


def role_of(user: Any) -> str | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user.role


def has_role(user: Any, role: str) -> bool:
    """True when the user holds this role or a higher one."""
    current = role_of(user)
    return current is not None and ROLE_RANK[current] >= ROLE_RANK[role]


def _role(role: str, message: str) -> Callable[[Any, Any], str | None]:
    return lambda user, obj: None if has_role(user, role) else message


def _edit_profile(user, member) -> str | None:
    if role_of(user) is None or member is None or member.id != user.id:
        return "You can only edit your own profile."
    return None


def _theme_closed(theme) -> str | None:
    state = theme.state()
    if state == UPCOMING:
        return f"The discussion of “{theme.title}” opens on {date_only(theme.opens_at)}."
    if state == ARCHIVED:
        return f"The discussion of “{theme.title}” is archived: it can be read but takes no new posts."
    return None


def _start_thread(user, theme) -> str | None:
    # A closed theme is closed to everyone: "log in" would promise what nobody can do.
    return _theme_closed(theme) or (LOG_IN if role_of(user) is None else None)


def _reply(user, thread) -> str | None:
    # What closes a discussion to everyone comes first: a visitor asked to log in
    # to an archived thread would find they still could not reply.
    closed = _theme_closed(thread.theme)
    if closed:
        return closed
    if thread.locked and not has_role(user, "moderator"):
        return "This thread is locked by a moderator: it takes no new replies."
    if role_of(user) is None:
        return LOG_IN
    return None


def _reply_to(user, post) -> str | None:
    """Replying under a given post, on top of the thread's own rule."""
    if post.is_deleted:
        return "That post was deleted, so it can't take replies."
    if post.is_hidden:
        return "That post was hidden by a moderator, so it can't take replies."
    return _reply(user, post.thread)


def _edit_post(user, post) -> str | None:
    """An author's own post, or a moderator's edit of anyone's (audited, and shown as a moderator's)."""
    if role_of(user) is None:
        return LOG_IN
    moderator = has_role(user, "moderator")
    if post.author_id != user.id and not moderator:
        return NOT_YOURS
    return _post_changeable(post, moderator)


def _delete_post(user, post) -> str | None:
    """Only an author deletes: a moderator hides instead, which keeps the text for moderators."""
    if role_of(user) is None:
        return LOG_IN
    if post.author_id != user.id:
        return NOT_YOURS
    return _post_changeable(post, False)


def _post_changeable(post, moderator: bool) -> str | None:
    if post.is_deleted:
        return "That post was deleted."
    # A hidden post is out of the discussion as it was when hidden, for the
    # record of why; a moderator unhides it first, then edits.
    if post.is_hidden:
        return "That post was hidden by a moderator and can no longer be edited."
    # The archive stays as it was read, for moderators too; they may still hide a post.
    if post.thread.theme.state() == ARCHIVED:
        return "This discussion is archived: its posts stay as they were written."
    # Moderators lock a thread to stop the discussion, not their own corrections.
    if post.thread.locked and not moderator:
        return "This thread is locked by a moderator: its posts stay as they are."
    return None


def _view_post_history(user, post) -> str | None:
    """A post's earlier versions: whoever sees the post, but a deleted post's text is gone for members."""
    if post.is_deleted and not has_role(user, "moderator"):
        return "That post was deleted: its text and its earlier versions are gone."
    return _view_post(user, post)


def _view_thread(user, thread) -> str | None:
    """A theme's prepared discussion waits for the theme to open, except for moderators."""
    if thread.facilitated and thread.theme.state() == UPCOMING and not has_role(user, "moderator"):
        return "This discussion opens with its theme."
    return None


def _view_post(user, post) -> str | None:
    if post.is_hidden and not has_role(user, "moderator"):
        return "That post was hidden by a moderator."
    return None


def _moderator(rule: Callable[[Any, Any], str | None]) -> Callable[[Any, Any], str | None]:
    """A rule for moderators only, with its own object checks on top."""
    return lambda user, obj: MODERATORS_ONLY if not has_role(user, "moderator") else rule(user, obj)


def _edit_question(user, question) -> str | None:
    if question.status == PUBLISHED:
        return "This question is already published: edit or hide its post instead."
    if question.status not in PUBLISHABLE:
        return "Return this question to the queue before changing it."
    return None


def _publish_question(user, question) -> str | None:
    if question.status == PUBLISHED:
        return "This question is already published."
    if question.status not in PUBLISHABLE:
        return "Return this question to the queue before publishing it."
    closed = _theme_closed(question.theme)
    if closed and question.theme.state() == UPCOMING:
        return f"{closed} Schedule the question for a time after that instead."
    return closed


def _ask_panel(user, theme) -> str | None:
    """Members ask the panel ahead while the theme is upcoming and its panel still to come: before
    the discussion opens and before the panel's time (a panel with no time yet is to come). After
    that, questions go in the discussion."""
    if theme.state() == ARCHIVED:
        return f"“{theme.title}” is archived: its panel is over and takes no more questions."
    if theme.state() != UPCOMING or not theme.panel_ahead():
        return ("The panel has begun, so it takes no more questions from the forum. "
                "Ask yours in the discussion instead.")
    return ASK_LOG_IN if role_of(user) is None else None


def _invite_guest_expert(user, theme) -> str | None:
    # A guest expert's role ends with their theme: an archived one takes no new guests.
    if theme.state() == ARCHIVED:
        return (f"“{theme.title}” is archived: its panelists can no longer be invited as guest experts "
                "(those who were keep their badge on what they wrote).")
    return None


def _reorder_question(user, question) -> str | None:
    if question.status in (QUEUED, SCHEDULED):
        return None
    return "Only queued and scheduled questions can be reordered."


def _hide_post(user, post) -> str | None:
    return "That post was deleted by its author." if post.is_deleted else None


def _report_post(user, post) -> str | None:
    if role_of(user) is None:
        return LOG_IN
    if post.author_id == user.id:
        return "That is your own post: edit or delete it instead."
    if not post.is_visible:
        return "That post is already gone from the discussion."
    return None


def _view_members(user, _member) -> str | None:
    if role_of(user) is None and not current_app.config["MEMBER_PAGES_PUBLIC"]:
        return "Log in to see the members of the community."
    return None


def _see_affiliation(user, member) -> str | None:
    """A member may keep their school and location to themselves (admins still see them)."""
    if member.show_affiliation or (role_of(user) is not None and user.id == member.id) or has_role(user, "admin"):
        return None
    return "This member keeps their school and location to themselves."


def _attach_file(user, _obj) -> str | None:
    return LOG_IN if role_of(user) is None else None


def _delete_upload(user, upload) -> str | None:
    if role_of(user) is not None and upload.owner_id == user.id:
        return None
    return "You can only delete files you attached."


def _move_thread(user, thread) -> str | None:
    if thread.facilitated:
        return "The facilitated discussion belongs to its theme and can't be moved."
    return None


_MODERATOR = _role("moderator", MODERATORS_ONLY)

# Every moderator route asks its own rule, on top of the /moderate guard
# ("moderate"), so that a rule can later grow conditions (a theme's own
# facilitators, say) in this file alone.
RULES: dict[str, Callable[[Any, Any], str | None]] = {
    "edit_profile": _edit_profile,
    "view_admin": _role("admin", "Only admins can manage members."),
    "change_role": _role("admin", "Only admins can change roles."),
    "moderate": _MODERATOR,
    "view_audit": _MODERATOR,
    "edit_theme": _MODERATOR,  # a theme, its panelists and resources (None: a new theme)
    "manage_questions": _MODERATOR,  # a theme's queue: add, paste, schedule
    "change_question_status": _MODERATOR,
    "pin_thread": _MODERATOR,
    "lock_thread": _MODERATOR,
    "unhide_post": _MODERATOR,
    "handle_reports": _MODERATOR,  # the queue of reported posts: hide, or keep up
    "remove_attached_file": _MODERATOR,  # a file another member attached to a post
    "report_post": _report_post,
    "view_members": _view_members,  # the directory and profiles (MEMBER_PAGES_PUBLIC)
    "see_affiliation": _see_affiliation,
    "edit_question": _moderator(_edit_question),
    "publish_question": _moderator(_publish_question),
    "reorder_question": _moderator(_reorder_question),
    "invite_guest_expert": _moderator(_invite_guest_expert),  # a theme's panelist, as a member with a badge
    "remove_guest_expert": _MODERATOR,
    "hide_post": _moderator(_hide_post),
    "move_thread": _moderator(_move_thread),
    "start_thread": _start_thread,
    "ask_panel": _ask_panel,  # a member's question for an upcoming theme's panel
    "reply": _reply,
    "reply_to": _reply_to,
    "edit_post": _edit_post,
    "attach_file": _attach_file,  # an image or PDF, for a post
    "delete_upload": _delete_upload,
    "delete_post": _delete_post,
    "view_post": _view_post,
    "view_post_history": _view_post_history,
    "view_thread": _view_thread,
}


def why_not(user: Any, action: str, obj: Any = None) -> str | None:
    """None when `user` may perform `action` on `obj`, else the reason why not."""
    rule = RULES.get(action)
    if rule is None:
        raise KeyError(f"no permission rule named {action!r}")
    return rule(user, obj)


def may(user: Any, action: str, obj: Any = None) -> bool:
    return why_not(user, action, obj) is None


def require(user: Any, action: str, obj: Any = None) -> None:
    """Abort with 403 (and the reason) unless the user may perform the action."""
    reason = why_not(user, action, obj)
    if reason is not None:
        abort_with(403, reason)
