"""Joining, logging in and out."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, logout_user

from .. import accounts
from ..forms.auth import JoinForm, LoginForm
from ..security import form_checks_csrf, safe_next

bp = Blueprint("auth", __name__)

LOGIN_FAILED = "That email and password don't match an account. Check both and try again."
THROTTLED = (
    "Too many failed attempts to log in. For your account's safety, "
    "please wait five minutes before trying again."
)


def _next_target() -> str:
    return safe_next(request.values.get("next"), url_for("themes.home"))


@bp.route("/join", methods=["GET", "POST"])
@form_checks_csrf
def join():
    """Create an account and start a session."""
    if current_user.is_authenticated:
        return redirect(_next_target())
    form = JoinForm()
    if form.validate_on_submit():
        try:
            user = accounts.join(form.display_name.data, form.email.data, form.password.data)
        except accounts.EmailTaken:
            form.email.errors.append(
                "An account already uses this email. Log in instead, or use another address."
            )
        else:
            accounts.start_session(user)
            flash(f"Welcome, {user.display_name}! You can now reply and start threads.", "success")
            return redirect(_next_target())
    return render_template("auth/join.html", form=form, next=request.values.get("next", ""))


@bp.route("/login", methods=["GET", "POST"])
@form_checks_csrf
def login():
    """Log in with email and password."""
    form = LoginForm()
    if request.method == "GET":
        if current_user.is_authenticated:
            return redirect(_next_target())
        form.next.data = request.args.get("next", "")
    status = 200
    if form.validate_on_submit():
        result = accounts.authenticate(form.email.data, form.password.data, request.remote_addr)
        if result.throttled:
            form.form_errors.append(THROTTLED)
            status = 429
        elif result.user is None:
            form.form_errors.append(LOGIN_FAILED)
        else:
            accounts.start_session(result.user, remember=form.remember.data)
            flash(f"Welcome back, {result.user.display_name}.", "success")
            return redirect(_next_target())
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
def logout():
    """End this session (POST only, so a link or image can't log anyone out)."""
    logout_user()
    session.clear()
    flash("You are logged out.", "info")
    return redirect(url_for("themes.home"))
