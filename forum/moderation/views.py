"""Moderators' pages: themes, panelists, resources, panel questions, threads, the audit log."""
from __future__ import annotations

from flask import (Blueprint, abort, current_app, flash, redirect, render_template, request,
                   url_for)
from flask_login import current_user
from markupsafe import Markup

from . import audit, actions as moderating, reports
from ..themes import months as themes
from ..uploads import files as uploads
from ..core import timefmt
from ..core.extensions import db
from ..accounts.forms import EmptyForm
from .access import current_moderator, moderators_only, theme_or_404
from .forms import HideForm, MoveThreadForm
from ..themes.forms import NewThemeForm, PanelistForm, ResourceForm, ThemeForm
from ..models import Panelist, Post, Resource, Theme, Thread
from ..core.pagination import page_arg
from ..permissions import require
from ..core.security import form_checks_csrf
from ..discussions.urls import post_url, redirect_once_committed, upload_url

bp = Blueprint("moderation", __name__, url_prefix="/moderate")


bp.before_request(moderators_only)


@bp.route("/")
def index():
    """Every theme, with links to edit it."""
    require(current_user, "edit_theme")
    return render_template("moderation/index.html", themes=themes.newest_first(), reported=reports.open_count())


def _save_theme(form: ThemeForm, theme: Theme | None):
    """Create or update from a validated form; None when the slug is taken."""
    try:
        if theme is None:
            return themes.create_theme(form.data, current_moderator())
        return themes.save_theme(theme, form.data, current_moderator())
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
    theme = theme_or_404(slug, "edit_theme")
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
    theme = theme_or_404(slug, "edit_theme")
    form = PanelistForm()
    if not form.validate_on_submit():
        return _theme_page(theme, ThemeForm(formdata=None, data=_theme_data(theme)), panelist_form=form)
    themes.add_panelist(theme, form.name.data, form.bio.data or "", current_moderator())
    flash(f"{form.name.data} is added to the panel.", "success")
    return redirect(url_for("moderation.edit_theme", slug=slug, _anchor="panelists"))


@bp.route("/themes/<slug>/resources", methods=["POST"])
@form_checks_csrf
def add_resource(slug: str):
    """Add a resource to a theme."""
    theme = theme_or_404(slug, "edit_theme")
    form = ResourceForm()
    if not form.validate_on_submit():
        return _theme_page(theme, ThemeForm(formdata=None, data=_theme_data(theme)), resource_form=form)
    themes.add_resource(theme, current_moderator(), title=form.title.data, url=form.url.data,
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
        themes.item_edited(item, current_moderator())
        flash("Saved.", "success")
        return redirect(url_for("moderation.edit_theme", slug=item.theme.slug, _anchor=kind))
    return render_template("moderation/item_form.html", form=form, item=item, kind=kind)


@bp.route("/<kind>/<int:item_id>/delete", methods=["POST"])
def delete_item(kind: str, item_id: int):
    """Remove a panelist or resource."""
    item = _item_or_404(kind, item_id)
    slug = item.theme.slug
    themes.remove_item(item, current_moderator())
    flash("Removed.", "success")
    return redirect(url_for("moderation.edit_theme", slug=slug, _anchor=kind))


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
    changed = moderating.set_thread_flag(thread, action, current_moderator())
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
    elif moderating.move(thread, target, current_moderator()):
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
    elif moderating.hide(post, current_moderator(), form.reason.data):
        flash(done, "success")


@bp.route("/posts/<int:post_id>/unhide", methods=["POST"])
def unhide_post(post_id: int):
    """Show a hidden post to members again."""
    post = db.get_or_404(Post, post_id)
    require(current_user, "unhide_post", post)
    if moderating.unhide(post, current_moderator()):
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
    uploads.remove(upload, current_moderator(), post)
    flash(f"{name} is deleted; posts that showed it show its name only.", "success")
    return redirect(url_for("moderation.post_files", post_id=post.id))
