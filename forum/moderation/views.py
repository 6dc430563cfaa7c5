"""Moderators' pages: the list of themes, threads and posts, reported posts, the audit log, a post's files.

Editing a theme is forum/themes/editing_views.py; panel questions, forum/panel/views.py.
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from markupsafe import Markup

from . import actions, audit, reports
from ..themes import months
from ..uploads import files
from ..core.extensions import db
from ..accounts.forms import EmptyForm
from .access import current_moderator, moderators_only
from .forms import HideForm, MoveThreadForm
from ..models import Post, Thread
from ..core.pagination import page_arg
from ..permissions import require
from ..discussions.urls import post_url, redirect_once_committed, upload_url

bp = Blueprint("moderation", __name__, url_prefix="/moderate")


bp.before_request(moderators_only)


@bp.route("/")
def index():
    """Every theme, with links to edit it."""
    require(current_user, "edit_theme")
    return render_template("moderation/index.html", themes=months.newest_first(), reported=reports.open_count())


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
    changed = actions.set_thread_flag(thread, action, current_moderator())
    flash(THREAD_ACTIONS[action] if changed else "Nothing changed: it already was.",
          "success" if changed else "info")
    return redirect_once_committed(thread)


@bp.route("/threads/<int:thread_id>/move", methods=["POST"])
def move_thread(thread_id: int):
    """Move a thread, with its posts, under another theme."""
    thread = db.get_or_404(Thread, thread_id)
    require(current_user, "move_thread", thread)
    form = MoveThreadForm()
    target = months.get_by_id(form.theme_id.data) if form.validate() else None
    if target is None:
        flash("Choose a theme to move the thread to.", "error")
    elif actions.move(thread, target, current_moderator()):
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
    elif actions.hide(post, current_moderator(), form.reason.data):
        flash(done, "success")


@bp.route("/posts/<int:post_id>/unhide", methods=["POST"])
def unhide_post(post_id: int):
    """Show a hidden post to members again."""
    post = db.get_or_404(Post, post_id)
    require(current_user, "unhide_post", post)
    if actions.unhide(post, current_moderator()):
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
    if reports.keep(post, current_moderator()):
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
    file_rows = [{"upload": upload, "url": upload_url(upload),
                  "cells": [Markup("<bdi>%s</bdi>") % upload.owner.display_name, files.size_text(upload.byte_size)],
                  "delete": url_for("moderation.delete_post_file", post_id=post.id, upload_id=upload.id),
                  "confirm": f"Delete {upload.name} for everyone?"}
                 for upload in files.shown_in(post)]
    return render_template("moderation/post_files.html", post=post, files=file_rows, form=EmptyForm(),
                           back=post_url(post))


@bp.route("/posts/<int:post_id>/files/<int:upload_id>/delete", methods=["POST"])
def delete_post_file(post_id: int, upload_id: int):
    """Delete a file a post shows: gone from every post that shows it, and audited."""
    post = db.get_or_404(Post, post_id)
    require(current_user, "remove_attached_file", post)
    upload = next((found for found in files.shown_in(post) if found.id == upload_id), None)
    if upload is None:
        abort(404)  # only a file this post shows, so the audit names the right post
    name = upload.name
    files.remove(upload, current_moderator(), post)
    flash(f"{name} is deleted; posts that showed it show its name only.", "success")
    return redirect(url_for("moderation.post_files", post_id=post.id))
