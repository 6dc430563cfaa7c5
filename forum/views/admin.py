"""Administration: members' roles."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select

from .. import audit
from ..extensions import db
from ..forms.members import RoleForm
from ..models import User
from ..permissions import require
from .members import searched_members

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
    elif member.role == "admin" and form.role.data != "admin" and _admin_count() <= 1:
        flash("The site needs at least one admin: make someone else admin first.", "error")
    else:
        audit.record(current_user._get_current_object(), "user.role", member,
                     f"{member.display_name}: {member.role} → {form.role.data}")
        member.role = form.role.data
        db.session.commit()
        flash(f"{member.display_name} is now {form.role.data}.", "success")
    return redirect(url_for("admin.members", q=request.args.get("q") or None))


def _admin_count() -> int:
    return db.session.scalar(select(func.count(User.id)).where(User.role == "admin"))
