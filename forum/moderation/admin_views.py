"""Administration: members' roles, password links, and the mail that could not be sent."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from ..accounts import membership, tokens
from . import audit
from ..mail import mailer
from ..core.extensions import db
from ..accounts.forms import RoleForm
from ..models import User
from ..core.pagination import page_arg
from ..permissions import require
from ..views.lookups import searched_members

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@login_required
def _admins_only():
    require(current_user, "view_admin")


@bp.route("/members")
def members():
    """Every member with their role, and a form to change it."""
    query, page = searched_members()
    forms = {m.id: RoleForm(formdata=None, prefix=f"m{m.id}", role=m.role) for m in page.items}
    return render_template("admin/members.html", members=page, forms=forms, query=query)


@bp.route("/members/<int:user_id>/role", methods=["POST"])
def change_role(user_id: int):
    """Give a member another role."""
    member = db.get_or_404(User, user_id)
    require(current_user, "change_role", member)
    form = RoleForm(prefix=f"m{member.id}")
    if not form.validate():
        flash("Choose one of the listed roles.", "error")
    else:
        try:
            membership.change_role(member, form.role.data, current_user._get_current_object())
        except membership.LastAdmin:
            flash("The site needs at least one admin: make someone else admin first.", "error")
        else:
            flash(f"{member.display_name} is now {form.role.data}.", "success")
    return redirect(url_for("admin.members", q=request.args.get("q") or None))


@bp.route("/members/<int:user_id>/password-link", methods=["POST"])
def send_password_link(user_id: int):
    """Email a member a link to choose a password (an invitation when they have none yet)."""
    member = db.get_or_404(User, user_id)
    require(current_user, "change_role", member)
    purpose = membership.send_password_link(member, current_user._get_current_object())
    what = "a password reset link" if purpose == tokens.RESET else "an invitation to choose a password"
    flash(f"{member.display_name} will receive {what} at {member.email} within a minute.", "success")
    return redirect(url_for("admin.members", q=request.args.get("q") or None))


@bp.route("/mail")
def mail():
    """Mail that waits for a retry or was given up on, with the server's last answer."""
    return render_template("admin/mail.html", trouble=mailer.in_trouble(), counts=mailer.counts_by_status())


@bp.route("/activity")
def activity():
    """Account events (logins, failed logins, logouts, password changes) with client addresses."""
    page = db.paginate(audit.account_entries(), page=page_arg(),
                       per_page=current_app.config["AUDIT_ENTRIES_PER_PAGE"], error_out=False)
    return render_template("admin/activity.html", entries=page, actions=audit.ACCOUNT_ACTIONS)
