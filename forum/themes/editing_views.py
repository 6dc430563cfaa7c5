"""Moderators' pages for editing a theme: creating one, its details, its panelists and resources
(under /moderate, with the other moderators' pages)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from . import months
from .forms import GuestExpertForm, NewThemeForm, PanelistForm, ResourceForm, ThemeForm
from ..accounts.forms import EmptyForm
from ..core import timefmt
from ..core.extensions import db
from ..core.security import form_checks_csrf
from ..discussions.posting import Refused
from ..models import GuestExpert, Panelist, Resource, Theme
from ..moderation.access import current_moderator, moderators_only, theme_or_404
from ..panel import guests
from ..permissions import require, why_not

bp = Blueprint("theme_editing", __name__, url_prefix="/moderate")
bp.before_request(moderators_only)


def _save_theme(form: ThemeForm, theme: Theme | None):
    """Create or update from a validated form; None when the slug is taken."""
    try:
        if theme is None:
            return months.create_theme(form.data, current_moderator())
        return months.save_theme(theme, form.data, current_moderator())
    except months.SlugTaken:
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
            return redirect(url_for("theme_editing.edit_theme", slug=theme.slug))
    return render_template("moderation/theme_form.html", form=form, theme=None)


@bp.route("/themes/<slug>/edit", methods=["GET", "POST"])
@form_checks_csrf
def edit_theme(slug: str):
    """Edit a theme, and manage its panelists and resources."""
    theme = theme_or_404(slug, "edit_theme")
    form = ThemeForm() if request.method == "POST" else ThemeForm(data=_theme_data(theme))
    if form.validate_on_submit() and _save_theme(form, theme) is not None:
        flash("The theme is saved.", "success")
        return redirect(url_for("theme_editing.edit_theme", slug=theme.slug))
    return _theme_page(theme, form)


def _theme_page(theme: Theme, form: ThemeForm, panelist_form=None, resource_form=None, guest_form=None,
                status: int = 200):
    return render_template(
        "moderation/theme_form.html", form=form, theme=theme,
        panelist_form=panelist_form or PanelistForm(formdata=None),
        resource_form=resource_form or ResourceForm(formdata=None),
        guest_form=guest_form or _guest_form(theme, formdata=None),
        guests=guests.of_theme(theme), guest_refusal=why_not(current_user, "invite_guest_expert", theme),
        delete_form=EmptyForm(),
    ), status


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
    months.add_panelist(theme, form.name.data, form.bio.data or "", current_moderator())
    flash(f"{form.name.data} is added to the panel.", "success")
    return redirect(url_for("theme_editing.edit_theme", slug=slug, _anchor="panelists"))


@bp.route("/themes/<slug>/resources", methods=["POST"])
@form_checks_csrf
def add_resource(slug: str):
    """Add a resource to a theme."""
    theme = theme_or_404(slug, "edit_theme")
    form = ResourceForm()
    if not form.validate_on_submit():
        return _theme_page(theme, ThemeForm(formdata=None, data=_theme_data(theme)), resource_form=form)
    months.add_resource(theme, current_moderator(), title=form.title.data, url=form.url.data,
                               kind=form.kind.data, note=form.note.data or "")
    flash(f"“{form.title.data}” is added to the resources.", "success")
    return redirect(url_for("theme_editing.edit_theme", slug=slug, _anchor="resources"))


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
        months.item_edited(item, current_moderator())
        flash("Saved.", "success")
        return redirect(url_for("theme_editing.edit_theme", slug=item.theme.slug, _anchor=kind))
    return render_template("moderation/item_form.html", form=form, item=item, kind=kind)


@bp.route("/<kind>/<int:item_id>/delete", methods=["POST"])
def delete_item(kind: str, item_id: int):
    """Remove a panelist or resource."""
    item = _item_or_404(kind, item_id)
    slug = item.theme.slug
    months.remove_item(item, current_moderator())
    flash("Removed.", "success")
    return redirect(url_for("theme_editing.edit_theme", slug=slug, _anchor=kind))


def _guest_form(theme: Theme, **options) -> GuestExpertForm:
    form = GuestExpertForm(**options)
    form.panelist.choices = [(p.name, p.name) for p in theme.panelists]
    return form


@bp.route("/themes/<slug>/guests", methods=["POST"])
@form_checks_csrf
def invite_guest(slug: str):
    """Invite one of the theme's panelists as a guest expert."""
    # Asked again inside invite(): an archived theme's refusal is shown with what was typed.
    theme = theme_or_404(slug, "edit_theme")
    form = _guest_form(theme)
    status = 400
    if form.validate_on_submit():
        try:
            guest = guests.invite(theme, current_moderator(), email=form.email.data, panelist=form.panelist.data,
                                  display_name=form.display_name.data or "")
        except Refused as refused:  # what was typed stays in the form
            refused.show_on(form)
            status = refused.status
        else:
            flash(f"{guest.panelist} is invited as a guest expert: the invitation is on its way to {guest.user.email}.",
                  "success")
            return redirect(url_for("theme_editing.edit_theme", slug=slug, _anchor="guests"))
    return _theme_page(theme, ThemeForm(formdata=None, data=_theme_data(theme)), guest_form=form, status=status)


def _guest_or_404(guest_id: int, action: str) -> GuestExpert:
    guest = db.get_or_404(GuestExpert, guest_id)
    require(current_user, action, guest.theme)
    return guest


@bp.route("/guests/<int:guest_id>/resend", methods=["POST"])
def resend_guest_invitation(guest_id: int):
    """Send a guest expert's invitation again (a new link)."""
    guest = _guest_or_404(guest_id, "invite_guest_expert")
    slug = guest.theme.slug
    guests.send_again(guest, current_moderator())
    flash(f"The invitation is sent again to {guest.user.email}.", "success")
    return redirect(url_for("theme_editing.edit_theme", slug=slug, _anchor="guests"))


@bp.route("/guests/<int:guest_id>/remove", methods=["POST"])
def remove_guest(guest_id: int):
    """A guest expert is one no more: the badge goes, the account stays."""
    guest = _guest_or_404(guest_id, "remove_guest_expert")
    slug, name = guest.theme.slug, guest.panelist
    guests.remove(guest, current_moderator())
    flash(f"{name} is no longer a guest expert of this theme; their account stays.", "success")
    return redirect(url_for("theme_editing.edit_theme", slug=slug, _anchor="guests"))
