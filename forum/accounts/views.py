"""The member directory, profiles, and a member's own settings."""
from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from . import membership, tokens
from .directory import suggestions
from .. import throttle
from ..notifications import watching
from ..discussions import reading
from ..panel import guests
from ..core import timefmt
from ..core.database import utcnow
from ..core.extensions import db, login_manager
from .forms import DatesForm, DeleteAccountForm, EmailChangeForm, EmptyForm, PasswordForm, ProfileForm
from .member_data import member_data
from ..notifications.forms import EmailSettingsForm
from ..models import User
from ..permissions import may
from ..core.security import form_checks_csrf
from ..views.lookups import searched_members
from ..core.text import clean_line

bp = Blueprint("members", __name__)


@bp.route("/members")
def directory():
    """The member directory, searchable by name."""
    if not may(current_user, "view_members"):
        return login_manager.unauthorized()
    query, members = searched_members()
    return render_template("members/directory.html", members=members, query=query)


SUGGESTIONS = 8


@bp.route("/members/suggest")
@login_required
def suggest():
    """Members whose name starts (or has a word starting) with what was typed after @: for the reply box."""
    found = suggestions(clean_line(request.args.get("q", ""))[:80], SUGGESTIONS)
    return jsonify(members=[{"id": m.id, "name": m.display_name, "position": m.position} for m in found])


@bp.route("/members/<int:user_id>")
def profile(user_id: int):
    """A member's profile."""
    if not may(current_user, "view_members"):
        return login_manager.unauthorized()
    member = db.get_or_404(User, user_id)
    return render_template(
        "members/profile.html", member=member,
        post_count=reading.post_count_of(member), recent=reading.recent_posts(author=member),
        panelist_badges=guests.current_badges(member),  # a guest expert's, while their theme is not archived
    )


@bp.route("/settings", methods=["GET", "POST"])
@login_required
@form_checks_csrf
def settings():
    """Edit one's own profile."""
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        membership.save_profile(current_user._get_current_object(), form.data)
        flash("Your profile is saved.", "success")
        return redirect(url_for("members.settings"))
    return _settings_page(profile_form=form)


@bp.route("/settings/password", methods=["POST"])
@login_required
@form_checks_csrf
def change_password():
    """Change one's password; other sessions are signed out."""
    form = PasswordForm()
    if form.validate_on_submit():
        if not throttle.allowed("current-password", current_user.id):
            form.current_password.errors.append("Too many wrong current passwords: wait a quarter of an hour, "
                                                "or log out and use “Forgot your password?”.")
            return _settings_page(password_form=form), 429
        if not membership.current_password_matches(current_user._get_current_object(), form.current_password.data):
            form.current_password.errors.append("That isn't your current password.")
        else:
            user = current_user._get_current_object()
            membership.change_password(user, form.new_password.data)
            membership.start_session(user)
            flash("Your password is changed. Other devices have been signed out.", "success")
            return redirect(url_for("members.settings"))
    return _settings_page(password_form=form)


@bp.route("/settings/sign-out-everywhere", methods=["POST"])
@login_required
def sign_out_everywhere():
    """Invalidate every other session of this account, keeping this one."""
    user = current_user._get_current_object()
    membership.sign_out_everywhere(user)
    membership.start_session(user)
    flash("Every other device has been signed out.", "success")
    return redirect(url_for("members.settings"))


@bp.route("/settings/my-data.json")
@login_required
def download_data():
    """Everything the forum holds of the member, as a JSON file."""
    response = jsonify(member_data(current_user._get_current_object()))
    response.headers["Content-Disposition"] = 'attachment; filename="my-forum-data.json"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/settings/delete-account", methods=["POST"])
@login_required
@form_checks_csrf
def delete_account():
    """Close one's account, keeping or deleting one's posts."""
    form = DeleteAccountForm()
    user = current_user._get_current_object()
    if form.validate_on_submit():
        if not throttle.allowed("current-password", user.id):
            form.password.errors.append("Too many wrong passwords: wait a quarter of an hour.")
            return _settings_page(delete_form=form), 429
        if not membership.current_password_matches(user, form.password.data):
            form.password.errors.append("That isn't your password.")
        else:
            try:
                membership.delete_account(user, remove_posts=form.posts.data == "remove")
            except membership.LastAdmin:
                form.form_errors.append("You are the only admin: make someone else admin first.")
            else:
                membership.end_session()
                flash("Your account is deleted. Thank you for taking part.", "success")
                return redirect(url_for("themes.home"))
    return _settings_page(delete_form=form), 400


@bp.route("/settings/dates", methods=["POST"])
@login_required
def date_settings():
    """Choose a time zone and date order of one's own."""
    form = DatesForm()
    if form.validate():
        membership.save_date_settings(current_user._get_current_object(), form.time_zone.data, form.date_order.data)
        flash("Your date settings are saved: dates now read like this, "
              f"{timefmt.Clock().exact(utcnow())}.", "success")
    else:
        flash("Choose a time zone and a date order from the lists.", "error")
    return redirect(url_for("members.settings", _anchor="dates-heading"))


@bp.route("/settings/email", methods=["POST"])
@login_required
def email_settings():
    """Choose which emails to get: notifications, a digest, the month's emails."""
    form = EmailSettingsForm()
    if form.validate():
        membership.save_email_settings(current_user._get_current_object(), form.data)
        flash("Your email settings are saved.", "success")
    else:
        flash("Choose one of the listed digest options.", "error")
    return redirect(url_for("members.settings", _anchor="notifications-heading"))


@bp.route("/settings/email-address", methods=["POST"])
@login_required
@form_checks_csrf
def change_email():
    """Ask to use another address: a link goes there, and nothing changes until it is followed."""
    form = EmailChangeForm()
    if form.validate_on_submit():
        # The same limit as a password change: either would let a stolen session guess the password.
        if not throttle.allowed("current-password", current_user.id):
            form.password.errors.append("Too many wrong passwords: wait a quarter of an hour.")
            return _settings_page(email_change_form=form), 429
        if not membership.current_password_matches(current_user._get_current_object(), form.password.data):
            form.password.errors.append("That isn't your password.")
        elif form.new_email.data == current_user.email:
            form.new_email.errors.append("That is already your address.")
        else:
            membership.request_email_change(current_user._get_current_object(), form.new_email.data)
            flash(f"A link to confirm {form.new_email.data} is on its way there. Your address changes "
                  f"when you follow it (within {tokens.EMAIL_CHANGE_HOURS} hours).", "success")
            return redirect(url_for("members.settings"))
    return _settings_page(email_change_form=form)


@bp.route("/settings/email-address/confirm/<token>", methods=["GET", "POST"])
def confirm_email(token: str):
    """Follow the link sent to the new address; a POST makes the change (link scanners only GET)."""
    try:
        user, new_email = tokens.check_email_change_token(token)
    except tokens.TokenInvalid as invalid:
        return render_template("members/confirm_email.html", problem=str(invalid), form=None), 400
    form = EmptyForm()
    if request.method == "POST" and form.validate_on_submit():
        # Asked before the change, which ends every session of the member, this one included.
        theirs = current_user.is_authenticated and current_user.id == user.id
        try:
            membership.change_email(user, new_email)
        except membership.EmailTaken:
            return render_template("members/confirm_email.html", form=None,
                                   problem=f"Another account uses {new_email} now, so it can't be yours too."), 409
        if theirs:
            membership.start_session(user)
            flash(f"Your email address is now {new_email}. Other devices have been signed out.", "success")
            return redirect(url_for("members.settings"))
        flash(f"Your email address is now {new_email}, and every device signed in with it has been "
              "signed out: log in with the new address.", "success")
        return redirect(url_for("members.settings" if current_user.is_authenticated else "auth.login"))
    return render_template("members/confirm_email.html", user=user, new_email=new_email, form=form)


def _settings_page(profile_form=None, password_form=None, email_change_form=None, delete_form=None):
    return render_template(
        "members/settings.html",
        email_change_form=email_change_form or EmailChangeForm(formdata=None),
        profile_form=profile_form or ProfileForm(formdata=None, obj=current_user),
        password_form=password_form or PasswordForm(formdata=None),
        sign_out_form=EmptyForm(),
        email_form=EmailSettingsForm(formdata=None, obj=current_user),
        delete_form=delete_form or DeleteAccountForm(formdata=None),
        dates_form=DatesForm(formdata=None, time_zone=current_user.time_zone or "",
                             date_order=current_user.date_order or ""),
        watches=watching.chosen_by(current_user), watch_labels=watching.LABELS,
    )
