"""Moderators' pages: themes, panelists, resources, panel questions, threads, the audit log."""
from __future__ import annotations

from flask import (Blueprint, abort, current_app, flash, redirect, render_template, request,
                   url_for)
from flask_login import current_user
from markupsafe import Markup

from . import audit, actions as moderating, reports
from ..themes import months as themes
from ..panel import questions as panel
from ..uploads import files as uploads
from ..core import timefmt
from ..core.database import READ_ONLY_METHODS
from ..core.extensions import db, login_manager
from ..accounts.forms import EmptyForm
from .forms import HideForm, MoveThreadForm
from ..panel.forms import PasteForm, QuestionForm, ReorderForm, SpreadForm
from ..themes.forms import NewThemeForm, PanelistForm, ResourceForm, ThemeForm
from ..models import PanelQuestion, Panelist, Post, Resource, Theme, Thread, User
from ..models.panel import PUBLISHED
from ..core.pagination import page_arg
from ..panel.paste import digest
from ..permissions import require
from ..core.security import form_checks_csrf
from ..discussions.urls import post_url, redirect_once_committed, upload_url

bp = Blueprint("moderation", __name__, url_prefix="/moderate")


@bp.before_request
def _moderators_only():
    """Visitors asking for a page are sent to log in; any other request, and members, get 403."""
    if not current_user.is_authenticated and request.method in READ_ONLY_METHODS:
        return login_manager.unauthorized()
    require(current_user, "moderate")


def _moderator() -> User:
    return current_user._get_current_object()


def _theme_or_404(slug: str, action: str) -> Theme:
    """The theme, once the moderator may do `action` to it (a rule of forum.permissions)."""
    theme = themes.get_by_slug(slug)
    if theme is None:
        abort(404)
    require(current_user, action, theme)
    return theme


@bp.route("/")
def index():
    """Every theme, with links to edit it."""
    require(current_user, "edit_theme")
    return render_template("moderation/index.html", themes=themes.newest_first(), reported=reports.open_count())


def _save_theme(form: ThemeForm, theme: Theme | None):
    """Create or update from a validated form; None when the slug is taken."""
    try:
        if theme is None:
            return themes.create_theme(form.data, _moderator())
        return themes.save_theme(theme, form.data, _moderator())
    except themes.SlugTaken:
        form.slug.errors.append("Another theme already uses this address. Choose another slug.")
        return None


@bp.route("/themes/new", methods=["GET", "POST"])
@form_checks_csrf
def new_theme():
    """Create next month's theme."""
    require(current_user, "edit_theme")
    form = NewThemeForm()
    if form.validate_on_submit():
        theme = _save_theme(form, None)
        if theme is not None:
            flash(f"“{theme.title}” is created. Add its panelists and resources below.", "success")
            return redirect(url_for("moderation.edit_theme", slug=theme.slug))
    return render_template("moderation/theme_form.html", form=form, theme=None)


@bp.route("/themes/<slug>/edit", methods=["GET", "POST"])
@form_checks_csrf
def edit_theme(slug: str):
    """Edit a theme, and manage its panelists and resources."""
    theme = _theme_or_404(slug, "edit_theme")
    form = ThemeForm() if request.method == "POST" else ThemeForm(data=_theme_data(theme))
    if form.validate_on_submit() and _save_theme(form, theme) is not None:
        flash("The theme is saved.", "success")
        return redirect(url_for("moderation.edit_theme", slug=theme.slug))
    return _theme_page(theme, form)


def _theme_page(theme: Theme, form: ThemeForm, panelist_form=None, resource_form=None):
    return render_template(
        "moderation/theme_form.html", form=form, theme=theme,
        panelist_form=panelist_form or PanelistForm(formdata=None),
        resource_form=resource_form or ResourceForm(formdata=None),
        delete_form=EmptyForm(),
    )


def _theme_data(theme: Theme) -> dict:
    to_local = timefmt.to_local_naive
    return {
        "title": theme.title, "slug": theme.slug, "month": theme.month, "summary": theme.summary,
        "blog_post": theme.blog_post, "panel_title": theme.panel_title,
        "panel_at": to_local(theme.panel_at), "recording_url": theme.recording_url,
        "panel_join_url": theme.panel_join_url,
        "opens_at": to_local(theme.opens_at), "closes_at": to_local(theme.closes_at),
    }


@bp.route("/themes/<slug>/panelists", methods=["POST"])
@form_checks_csrf
def add_panelist(slug: str):
    """Add a panelist to a theme's expert panel."""
    theme = _theme_or_404(slug, "edit_theme")
    form = PanelistForm()
    if not form.validate_on_submit():
        return _theme_page(theme, ThemeForm(formdata=None, data=_theme_data(theme)), panelist_form=form)
    themes.add_panelist(theme, form.name.data, form.bio.data or "", _moderator())
    flash(f"{form.name.data} is added to the panel.", "success")
    return redirect(url_for("moderation.edit_theme", slug=slug, _anchor="panelists"))


@bp.route("/themes/<slug>/resources", methods=["POST"])
@form_checks_csrf
def add_resource(slug: str):
    """Add a resource to a theme."""
    theme = _theme_or_404(slug, "edit_theme")
    form = ResourceForm()
    if not form.validate_on_submit():
        return _theme_page(theme, ThemeForm(formdata=None, data=_theme_data(theme)), resource_form=form)
    themes.add_resource(theme, _moderator(), title=form.title.data, url=form.url.data,
                               kind=form.kind.data, note=form.note.data or "")
    flash(f"“{form.title.data}” is added to the resources.", "success")
    return redirect(url_for("moderation.edit_theme", slug=slug, _anchor="resources"))


ITEMS = {"panelists": (Panelist, PanelistForm), "resources": (Resource, ResourceForm)}


def _item_or_404(kind: str, item_id: int):
    """A panelist or resource, once the moderator may edit its theme."""
    if kind not in ITEMS:
        abort(404)
    item = db.get_or_404(ITEMS[kind][0], item_id)
    require(current_user, "edit_theme", item.theme)
    return item


@bp.route("/<kind>/<int:item_id>/edit", methods=["GET", "POST"])
@form_checks_csrf
def edit_item(kind: str, item_id: int):
    """Edit one panelist or resource."""
    item = _item_or_404(kind, item_id)
    form_class = ITEMS[kind][1]
    form = form_class(obj=item)
    if form.validate_on_submit():
        form.populate_obj(item)
        themes.item_edited(item, _moderator())
        flash("Saved.", "success")
        return redirect(url_for("moderation.edit_theme", slug=item.theme.slug, _anchor=kind))
    return render_template("moderation/item_form.html", form=form, item=item, kind=kind)


@bp.route("/<kind>/<int:item_id>/delete", methods=["POST"])
def delete_item(kind: str, item_id: int):
    """Remove a panelist or resource."""
    item = _item_or_404(kind, item_id)
    slug = item.theme.slug
    themes.remove_item(item, _moderator())
    flash("Removed.", "success")
    return redirect(url_for("moderation.edit_theme", slug=slug, _anchor=kind))


# Panel questions ------------------------------------------------------------------

def _queue_url(question: PanelQuestion) -> str:
    return url_for("moderation.questions", slug=question.theme.slug, _anchor=f"question-{question.id}")


def _question_data(form: QuestionForm) -> dict:
    return {**form.data, "publish_at": timefmt.to_utc(form.publish_at.data)}


def _publish_time_fits(form: QuestionForm, theme: Theme) -> bool:
    """False, with a message on the field, when the publish time is outside the discussion window."""
    moment = timefmt.to_utc(form.publish_at.data)
    problem = panel.window_problem(theme, moment) if moment else None
    if problem:
        form.publish_at.errors.append(problem)
    return problem is None


def _form_time(moment):
    """A UTC time to the minute, as a datetime-local input shows it."""
    return timefmt.to_local_naive(moment).replace(second=0, microsecond=0)


def _spread_form(theme: Theme) -> SpreadForm:
    """The schedule form as first shown: its interval, and the start that follows what is scheduled."""
    form = SpreadForm(formdata=None)
    form.start_at.data = _form_time(panel.default_start(theme, form.every_days.data))
    return form


def _questions_page(theme: Theme, question_form=None, paste_form=None, pasted=None, spread_form=None,
                    clashed=None):
    # Offered beside a clash: the start that follows what is scheduled.
    suggested = clashed and panel.default_start(theme, spread_form.every_days.data)
    return render_template(
        "moderation/questions.html", theme=theme, groups=panel.queue_of(theme),
        facilitated=themes.facilitated_thread(theme), pasted=pasted,
        question_form=question_form or QuestionForm(formdata=None),
        paste_form=paste_form or PasteForm(formdata=None),
        spread_form=spread_form or _spread_form(theme), clashed=clashed,
        suggested_start=suggested, suggested_value=suggested and _form_time(suggested).strftime("%Y-%m-%dT%H:%M"),
        credit=panel.credit, status_labels=panel.STATUS_LABELS,
    )


@bp.route("/themes/<slug>/questions", methods=["GET", "POST"])
@form_checks_csrf
def questions(slug: str):
    """A theme's panel questions, by status, and a form to add one."""
    theme = _theme_or_404(slug, "manage_questions")
    if request.method == "GET":
        panel.publish_due_on_view(theme.id)
    form = QuestionForm()
    if form.validate_on_submit() and _publish_time_fits(form, theme):
        question = panel.add(theme, _moderator(), _question_data(form))
        where = "scheduled" if question.publish_at else "added to the queue"
        flash(f"The question from {question.asked_by or 'an anonymous attendee'} is {where}.", "success")
        return redirect(_queue_url(question))
    return _questions_page(theme, question_form=form)


@bp.route("/themes/<slug>/questions/paste", methods=["POST"])
@form_checks_csrf
def paste_questions(slug: str):
    """Many questions at once from a webinar tool's export: preview, then save those kept."""
    theme = _theme_or_404(slug, "manage_questions")
    form = PasteForm()
    if not form.validate_on_submit():
        return _questions_page(theme, paste_form=form)
    pasted = panel.preview_paste(theme, form.pasted.data)
    fingerprint = digest(form.pasted.data)
    if pasted.errors or not form.save.data or form.previewed.data != fingerprint:
        if form.save.data and not pasted.errors:
            form.form_errors.append("The list changed after its preview. Check the preview below, then save.")
        form.previewed.data = fingerprint
        form.keep.data = [item.line for item in pasted.questions if not item.doubtful]
        return _questions_page(theme, paste_form=form, pasted=pasted)
    kept = [item for item in pasted.questions if item.line in set(form.keep.data or ())]
    if not kept:
        form.form_errors.append("Tick at least one question to save.")
        return _questions_page(theme, paste_form=form, pasted=pasted)
    count = panel.add_pasted(theme, _moderator(), kept, form.source.data)
    flash(f"{count} question{'s are' if count != 1 else ' is'} added to the queue.", "success")
    return redirect(url_for("moderation.questions", slug=slug, _anchor="queue"))


@bp.route("/themes/<slug>/questions/schedule", methods=["POST"])
@form_checks_csrf
def schedule_questions(slug: str):
    """Schedule every queued question, evenly spaced from a start time."""
    theme = _theme_or_404(slug, "manage_questions")
    form = SpreadForm()
    if form.validate_on_submit():
        start = timefmt.to_utc(form.start_at.data)
        try:
            count = panel.schedule_queue(theme, _moderator(), start, form.every_days.data,
                                         allow_clashes=form.allow_clashes.data)
        except panel.ScheduleClashes as clashed:
            return _questions_page(theme, spread_form=form, clashed=clashed)
        except panel.SchedulingError as error:
            form.form_errors.append(str(error))
        else:
            flash(f"{count} question{'s are' if count != 1 else ' is'} scheduled.", "success")
            return redirect(url_for("moderation.questions", slug=slug, _anchor="scheduled"))
    return _questions_page(theme, spread_form=form)


@bp.route("/questions/<int:question_id>/edit", methods=["GET", "POST"])
@form_checks_csrf
def edit_question(question_id: int):
    """Change a question's text, credit, framing or publish time."""
    question = db.get_or_404(PanelQuestion, question_id)
    require(current_user, "edit_question", question)
    if request.method == "POST":
        form = QuestionForm()
    else:
        form = QuestionForm(obj=question, publish_at=timefmt.to_local_naive(question.publish_at))
    if form.validate_on_submit() and _publish_time_fits(form, question.theme):
        panel.edit(question, _moderator(), _question_data(form))
        flash("The question is saved.", "success")
        return redirect(_queue_url(question))
    return render_template("moderation/question_form.html", form=form, question=question)


@bp.route("/questions/<int:question_id>/reorder", methods=["POST"])
def reorder_question(question_id: int):
    """Move a queued question one place up or down the queue."""
    question = db.get_or_404(PanelQuestion, question_id)
    require(current_user, "reorder_question", question)
    form = ReorderForm()
    if not form.validate():
        abort(400)
    if not panel.reorder(question, form.direction.data, _moderator()):
        flash(f"It is already {'first' if form.direction.data == 'up' else 'last'}.", "info")
    return redirect(_queue_url(question))


# URL word -> (panel.TRANSITIONS key, what the flash says was done)
STATUS_ACTIONS = {
    "dismiss": ("dismiss", "Dismissed"),
    "answered-live": ("answered_live", "Marked as answered live during the panel"),
    "requeue": ("requeue", "Back in the queue"),
}


@bp.route("/questions/<int:question_id>/<any(dismiss, 'answered-live', requeue):action>",
          methods=["POST"])
def change_question_status(question_id: int, action: str):
    """Dismiss a question, mark it answered live during the panel, or return it to the queue."""
    question = db.get_or_404(PanelQuestion, question_id)
    require(current_user, "change_question_status", question)
    name, done = STATUS_ACTIONS[action]
    if panel.change_status(question, name, _moderator()):
        flash(f"{done}: {panel.summary(question)}", "success")
    else:
        flash(f"Nothing changed: the question is {panel.STATUS_LABELS[question.status]}.", "error")
    return redirect(_queue_url(question))


@bp.route("/questions/<int:question_id>/publish", methods=["POST"])
def publish_question(question_id: int):
    """Post a question into the theme's facilitated discussion now; once, however often clicked."""
    question = db.get_or_404(PanelQuestion, question_id)
    require(current_user, "manage_questions", question.theme)  # who may, before what state it is in
    if question.status == PUBLISHED:  # a second click: done already, not refused
        flash("This question was already published.", "info")
        return redirect(_queue_url(question))
    require(current_user, "publish_question", question)
    if panel.publish(question, _moderator()) is None:
        flash("This question was already published.", "info")
    else:
        flash(f"Published: {panel.summary(question)}", "success")
    return redirect(_queue_url(question))


# Threads and posts --------------------------------------------------------------

THREAD_ACTIONS = {
    "pin": "The thread is pinned: it is listed first.",
    "unpin": "The thread is unpinned.",
    "lock": "The thread is locked: members can no longer reply.",
    "unlock": "The thread is unlocked: members can reply again.",
}


@bp.route("/threads/<int:thread_id>/<any(pin, unpin, lock, unlock):action>", methods=["POST"])
def thread_flag(thread_id: int, action: str):
    """Pin or unpin, lock or unlock a thread."""
    thread = db.get_or_404(Thread, thread_id)
    require(current_user, "pin_thread" if action in ("pin", "unpin") else "lock_thread", thread)
    changed = moderating.set_thread_flag(thread, action, _moderator())
    flash(THREAD_ACTIONS[action] if changed else "Nothing changed: it already was.",
          "success" if changed else "info")
    return redirect_once_committed(thread)


@bp.route("/threads/<int:thread_id>/move", methods=["POST"])
def move_thread(thread_id: int):
    """Move a thread, with its posts, under another theme."""
    thread = db.get_or_404(Thread, thread_id)
    require(current_user, "move_thread", thread)
    form = MoveThreadForm()
    target = db.session.get(Theme, form.theme_id.data) if form.validate() else None
    if target is None:
        flash("Choose a theme to move the thread to.", "error")
    elif moderating.move(thread, target, _moderator()):
        flash(f"The thread is moved to “{target.title}”.", "success")
    return redirect_once_committed(thread)


@bp.route("/posts/<int:post_id>/hide", methods=["POST"])
def hide_post(post_id: int):
    """Hide a post from members, giving a reason."""
    post = db.get_or_404(Post, post_id)
    require(current_user, "hide_post", post)
    _hide_with_reason(post, "The post is hidden from members.")
    return redirect_once_committed(post)


def _hide_with_reason(post: Post, done: str) -> None:
    """Hide a post with the reason the form gives, or say what the form lacks."""
    form = HideForm()
    if not form.validate():
        flash(" ".join(form.reason.errors) or "Give a reason.", "error")
    elif moderating.hide(post, _moderator(), form.reason.data):
        flash(done, "success")


@bp.route("/posts/<int:post_id>/unhide", methods=["POST"])
def unhide_post(post_id: int):
    """Show a hidden post to members again."""
    post = db.get_or_404(Post, post_id)
    require(current_user, "unhide_post", post)
    if moderating.unhide(post, _moderator()):
        flash("The post is visible to members again.", "success")
    return redirect_once_committed(post)


# Reported posts -------------------------------------------------------------------

@bp.route("/reports")
def reported_posts():
    """Posts members reported, the longest waiting first, each in its context."""
    require(current_user, "handle_reports")
    return render_template("moderation/reports.html", reported=reports.open_reports(), hide_form=HideForm(),
                           empty_form=EmptyForm())


@bp.route("/reports/<int:post_id>/hide", methods=["POST"])
def hide_reported(post_id: int):
    """Hide a reported post; its reporters are told."""
    post = db.get_or_404(Post, post_id)
    require(current_user, "handle_reports", post)
    require(current_user, "hide_post", post)
    _hide_with_reason(post, "The post is hidden, and whoever reported it is told.")
    return redirect(url_for("moderation.reported_posts"))


@bp.route("/reports/<int:post_id>/keep", methods=["POST"])
def keep_reported(post_id: int):
    """Leave a reported post up; its reporters are told."""
    post = db.get_or_404(Post, post_id)
    require(current_user, "handle_reports", post)
    if reports.keep(post, _moderator()):
        flash("The post stays up, and whoever reported it is told.", "success")
    return redirect(url_for("moderation.reported_posts"))


# The audit log -----------------------------------------------------------------

@bp.route("/audit")
def audit_log():
    """Every moderator action, newest first."""
    require(current_user, "view_audit")
    entries = db.paginate(audit.entries(), page=page_arg(),
                          per_page=current_app.config["AUDIT_ENTRIES_PER_PAGE"], error_out=False)
    return render_template("moderation/audit.html", entries=entries, actions=audit.ACTIONS)


@bp.route("/posts/<int:post_id>/files")
def post_files(post_id: int):
    """The files a post shows or links to, with who attached each, to delete one that breaks the rules."""
    post = db.get_or_404(Post, post_id)
    require(current_user, "remove_attached_file", post)
    files = [{"upload": upload, "url": upload_url(upload),
              "cells": [Markup("<bdi>%s</bdi>") % upload.owner.display_name, uploads.size_text(upload.byte_size)],
              "delete": url_for("moderation.delete_post_file", post_id=post.id, upload_id=upload.id),
              "confirm": f"Delete {upload.name} for everyone?"}
             for upload in uploads.shown_in(post)]
    return render_template("moderation/post_files.html", post=post, files=files, form=EmptyForm(),
                           back=post_url(post))


@bp.route("/posts/<int:post_id>/files/<int:upload_id>/delete", methods=["POST"])
def delete_post_file(post_id: int, upload_id: int):
    """Delete a file a post shows: gone from every post that shows it, and audited."""
    post = db.get_or_404(Post, post_id)
    require(current_user, "remove_attached_file", post)
    upload = next((found for found in uploads.shown_in(post) if found.id == upload_id), None)
    if upload is None:
        abort(404)  # only a file this post shows, so the audit names the right post
    name = upload.name
    uploads.remove(upload, _moderator(), post)
    flash(f"{name} is deleted; posts that showed it show its name only.", "success")
    return redirect(url_for("moderation.post_files", post_id=post.id))
