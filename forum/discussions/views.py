"""Thread pages, replies, permalinks, editing and deleting posts."""
from __future__ import annotations

from flask import (Blueprint, flash, jsonify, redirect, render_template, request,
                   url_for)
from flask_login import current_user, login_required

import search
from search.documents import plain_text

from ..page_cache import freshness
from .. import throttle
from ..moderation import actions, reports
from ..panel import questions
from ..notifications import watching
from . import page_posts, posting, reading, revisions, tracking
from ..core.database import id_from, takes_row_locks
from ..core.errors import abort_with
from .forms import EditForm, ReplyForm, ReportForm
from ..moderation.forms import HideForm
from ..models import Post, Thread
from ..page_cache.cache import cached_page
from ..core.pagination import page_arg
from ..permissions import LOG_IN, may, require, why_not
from ..core.security import form_checks_csrf, takes_files
from .urls import ID_SLOT, address_parts, post_url, redirect_once_committed, thread_url
from .composing import (PREVIEWING_TOO_FAST, attach_from_form, preview_allowed, preview_html,
                        render_preview)
from ..views.lookups import get_post_or_404, get_thread_or_404, id_arg

bp = Blueprint("threads", __name__)


def render_thread(thread: Thread, page: int = 1, form: ReplyForm | None = None,
                  reply_to: int | None = None, preview: str | None = None,
                  refusal: str | None = None, status: int = 200):
    """The thread page, optionally with a reply form open under one post."""
    moderator = may(current_user, "moderate")
    view = reading.load_page(thread, page, show_hidden=moderator)
    if page > view.pages and request.method == "GET":
        return redirect(thread_url(thread, view.pages))
    context = thread_page_context(thread, view, moderator, form, reply_to, preview, refusal)
    return render_template("threads/show.html", **context), status


def thread_page_context(thread: Thread, view: reading.ThreadPage, moderator: bool,
                        form: ReplyForm | None = None, reply_to: int | None = None,
                        preview: str | None = None, refusal: str | None = None) -> dict:
    """What the thread template needs, all computed before the post loop starts.

    Separate from the rendering so the benchmark can render the same page
    from posts already in memory (its "ceiling").
    """
    member = current_user if current_user.is_authenticated else None
    state = reading.member_state(member, thread) if member else None
    last_read, first_new = (state.last_read, state.first_new) if state else (None, None)
    reply_refusal = why_not(current_user, "reply", thread)
    archived = thread.theme.state() == "archived"
    on_page, post_actions = page_posts.prepare(view, thread.theme.title, archived, moderator,
                                               member.id if member else None, last_read,
                                               _reply_link(thread, view, reply_refusal))
    # A form makes a CSRF token, which writes the session: only for those who may reply.
    can_reply = reply_refusal is None
    blank = ReplyForm(formdata=None) if can_reply else None
    return dict(
        # The highest post id the page shows: how far a member has read once they saw it.
        last_read=last_read, first_new=first_new, newest_on_page=max(on_page, default=None),
        first_new_here=first_new in on_page,
        thread=thread, theme=thread.theme, view=view,
        form=(form or blank) if can_reply else None, blank=blank,
        # Refused after it was written (the thread was locked meanwhile): the text stays to copy.
        unsent=form.body.data if form and not can_reply else None,
        reply_to=reply_to, preview=preview, refusal=refusal, reply_refusal=reply_refusal,
        log_in_to_reply=reply_refusal == LOG_IN,
        viewer_id=current_user.id if current_user.is_authenticated else None,
        moderator=moderator, page_url=lambda p: thread_url(thread, p), post_actions=post_actions,
        branches=page_posts.branches(view, reply_to if can_reply else None), post_zone=page_posts.zone_data(),
        archived=archived,
        # Moderators' tools: one more query, for the themes a thread can move to.
        move_targets=actions.move_targets(thread) if moderator else None,
        hide_form=HideForm(formdata=None) if moderator else None,
        watch_level=state.watch_level if state else None,
        watch_labels=watching.LABELS, watch_help=watching.THREAD_HELP,
        marked_words=_words_to_mark(view),
    )


def _reply_link(thread: Thread, view: reading.ThreadPage, reply_refusal: str | None) -> list[str] | None:
    """A post's Reply address, cut where the post's id goes (urls.address_parts); None: no Reply.

    A member's is relative, this page again with the post's reply box open
    (`?reply_to=<id>#reply-<id>`, `page=` kept): a third of the bytes of the
    thread's whole address, on every post. A visitor's goes through the
    login and back to the same place.
    """
    slot = str(ID_SLOT)
    if reply_refusal is None:
        page = f"page={view.page}&" if view.page > 1 else ""
        return f"?{page}reply_to={slot}#reply-{slot}".split(slot)
    if reply_refusal == LOG_IN:
        here = thread_url(thread, view.page)
        back = f"{here}{'&' if '?' in here else '?'}reply_to={slot}#reply-{slot}"
        return address_parts("auth.login", next=back)
    return None


def _words_to_mark(view: reading.ThreadPage) -> list[str]:
    """The words a search that led here matched in the page's posts, for the page script to mark."""
    typed = _marked_arg()
    if not typed:
        return []
    return search.words_to_mark(typed, [plain_text(node.post.html) for node in page_posts.nodes(view)
                                        if not node.placeholder])


@bp.route("/threads/<int:thread_id>")
@bp.route("/threads/<int:thread_id>/<slug>")
@cached_page(lambda thread_id, slug=None: freshness.thread_page(thread_id, questions.publish_due_on_view),
             args=("page", "hl"))
def show(thread_id: int, slug: str | None = None):
    """A thread: the opening post and the reply tree, one page of branches."""
    thread = get_thread_or_404(thread_id)
    if questions.publish_due_on_view(thread.theme_id):
        thread = get_thread_or_404(thread_id)  # a question just joined the discussion
    reply_to = id_arg("reply_to")
    return render_thread(thread, page_arg(), reply_to=reply_to)


@bp.route("/threads/<int:thread_id>/posts", methods=["POST"])
@takes_row_locks
@form_checks_csrf
@takes_files
def reply(thread_id: int):
    """Add a reply to the thread or under one of its posts."""
    thread = get_thread_or_404(thread_id)
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=thread_url(thread)))
    form = ReplyForm()
    parent = None
    if form.parent_id.data:
        parent = reading.post_in(thread, id_from(form.parent_id.data))
        if parent is None:
            return render_thread(thread, form=form, refusal="You can only reply to posts in this thread.",
                                 status=400)
    reply_to = parent.id if parent else None  # the form it came from: under its post, or at the bottom
    page = reading.page_of_post(parent) if parent else 1
    # Asked before the form is read, so that a refused member is not shown its errors.
    refusal = why_not(current_user, "reply_to", parent) if parent else why_not(current_user, "reply", thread)
    if refusal:
        return render_thread(thread, page, form=form, reply_to=reply_to, refusal=refusal, status=403)
    if not form.validate_on_submit():
        return render_thread(thread, page, form=form, reply_to=reply_to)
    if not attach_from_form(form):
        return render_thread(thread, page, form=form, reply_to=reply_to, status=400)
    if form.preview.data:
        return render_thread(thread, page, form=form, reply_to=reply_to,
                             preview=render_preview(form.body.data))
    try:
        post = posting.reply(thread, current_user._get_current_object(), form.body.data, parent)
    except posting.Refused as refused:
        if refused.field:
            getattr(form, refused.field).errors.append(refused.message)
        return render_thread(thread, page, form=form, reply_to=reply_to,
                             refusal=None if refused.field else refused.message, status=refused.status)
    flash("Your reply is posted.", "success")
    return redirect_once_committed(post)


@bp.route("/posts/<int:post_id>/report", methods=["GET", "POST"])
@login_required
@form_checks_csrf
def report(post_id: int):
    """Report a post to the moderators, with what is wrong with it."""
    post = get_post_or_404(post_id)
    require(current_user, "report_post", post)
    form = ReportForm()
    status = 200
    if form.validate_on_submit():
        try:
            reports.report(post, current_user._get_current_object(), form.reason.data)
        except reports.AlreadyReported:
            flash("You reported this post already; moderators will look at it.", "info")
        except reports.TooManyReports:
            form.reason.errors.append("You have reported many posts in the last hour: please wait a while, "
                                      "then report this one. What you wrote is kept below.")
            status = 429
        else:
            flash("Thank you: moderators will look at the post, and you will be told what they decide.",
                  "success")
        if status == 200:
            return redirect(post_url(post))
    return render_template("threads/report.html", post=post, form=form, back=post_url(post)), status


@bp.route("/posts/<int:post_id>")
def permalink(post_id: int):
    """The permanent address of a post: on to its thread, page and place (with a search's words, from a result)."""
    return redirect(post_url(get_post_or_404(post_id), _marked_arg()))


def _marked_arg() -> str:
    """The words of the search a reader came from (?hl=), cut to a search's length."""
    return " ".join(request.args.get("hl", "").split())[:search.MAX_QUERY_LENGTH]


@bp.route("/posts/<int:post_id>/history")
def history(post_id: int):
    """A post's versions, newest first, with what each edit changed.

    Never kept in the page cache: it is a page few read, and a kept copy
    would outlive a hiding that must take the post's text away at once.
    """
    post = get_post_or_404(post_id)  # a hidden post is not there for members, as on every page
    refusal = why_not(current_user, "view_post_history", post)
    if refusal:
        abort_with(404, refusal)
    return render_template("threads/history.html", post=post, versions=revisions.history(post),
                           back=post_url(post))


@bp.route("/posts/<int:post_id>/edit", methods=["GET", "POST"])
@takes_row_locks
@login_required
@form_checks_csrf
@takes_files
def edit(post_id: int):
    """Edit one's own post (or, for a moderator, anyone's), with a preview."""
    post = get_post_or_404(post_id)
    if request.method == "GET":
        require(current_user, "edit_post", post)
        return render_edit(post, EditForm(data={"body": post.body}))
    form = EditForm()
    # Asked before the form is read, so that a refused member is not shown its errors.
    refusal = why_not(current_user, "edit_post", post)
    if refusal:
        form.form_errors.append(refusal)
        return render_edit(post, form, status=403)
    if not (form.validate_on_submit() and attach_from_form(form)):
        return render_edit(post, form)
    if form.preview.data:
        return render_edit(post, form, preview=render_preview(form.body.data))
    try:
        posting.edit(post, current_user._get_current_object(), form.body.data)
    except posting.Refused as refused:
        refused.show_on(form)
        return render_edit(post, form, status=refused.status)
    flash("Your changes are saved.", "success")
    return redirect_once_committed(post)


def render_edit(post: Post, form: EditForm, preview: str | None = None, status: int = 200):
    """The edit form, with what the member typed and why it was not saved, if it was not."""
    return render_template("threads/edit.html", post=post, form=form, preview=preview,
                           back=post_url(post), theirs=post.author_id != current_user.id), status


@bp.route("/posts/<int:post_id>/delete", methods=["POST"])
@takes_row_locks
@login_required
def delete(post_id: int):
    """Delete one's own post; it stays as a placeholder while it has replies."""
    post = get_post_or_404(post_id)
    try:
        posting.delete(post, current_user._get_current_object())
    except posting.Refused as refused:
        abort_with(refused.status, refused.message)
    flash("Your post is deleted.", "success")
    return redirect_once_committed(post)


@bp.route("/threads/<int:thread_id>/read", methods=["POST"])
@login_required
def mark_read(thread_id: int):
    """Remember how far the member has read (sent by the page once shown, or its button)."""
    thread = get_thread_or_404(thread_id)
    post_id = id_from(request.form.get("post_id"))
    moved = tracking.mark_read(current_user, thread, post_id) if post_id else False
    if request.accept_mimetypes.best == "application/json" or request.form.get("beacon"):
        return jsonify(moved=moved)
    return redirect(thread_url(thread))


@bp.route("/preview", methods=["POST"])
@login_required
def preview():
    """Markdown rendered as it will be posted, for the live preview."""
    if not preview_allowed():
        response = jsonify(html=f"<p class=\"muted\">{PREVIEWING_TOO_FAST}</p>")
        response.status_code, response.headers["Retry-After"] = 429, str(throttle.retry_after("preview"))
        return response
    return jsonify(html=preview_html(request.form.get("body", "")))
