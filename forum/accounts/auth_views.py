"""Joining, logging in and out, and recovering a forgotten password."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user

from . import membership, tokens
from .. import throttle
from .auth_forms import ForgotPasswordForm, JoinForm, LoginForm
from .forms import NewPasswordForm
from ..forms.fields import check_password_strength
from ..core.security import form_checks_csrf, safe_next

bp = Blueprint("auth", __name__)

LOGIN_FAILED = "That email and password don't match an account. Check both and try again."
THROTTLED = {
    "account": ("Too many failed attempts to log in to this account. For its safety, please wait "
                "five minutes, or use “Forgot your password?” to get in by email now."),
    "address": ("Too many wrong passwords were tried from your network lately. Check the password, "
                "or use “Forgot your password?” to get in by email."),
}


def _next_target() -> str:
    return safe_next(request.values.get("next"), url_for("themes.home"))


@bp.route("/join", methods=["GET", "POST"])
@form_checks_csrf
def join():
    """Create an account and start a session."""
    if current_user.is_authenticated:
        return redirect(_next_target())
    form = JoinForm()
    status = 200
    if form.validate_on_submit():
        if not throttle.take_at_once("join", request.remote_addr):  # before the slow password hash
            form.form_errors.append(JOIN_THROTTLED)
            status = 429
        else:
            try:
                user = membership.join(form.display_name.data, form.email.data, form.password.data)
            except membership.EmailTaken:
                form.email.errors.append(
                    "An account already uses this email. Log in instead, or use another address."
                )
            else:
                membership.start_session(user)
                flash(f"Welcome, {user.display_name}! You can now reply and start threads.", "success")
                return redirect(_next_target())
    return render_template("auth/join.html", form=form, next=request.values.get("next", "")), status


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
        result = membership.authenticate(form.email.data, form.password.data, request.remote_addr)
        if result.throttled:
            form.form_errors.append(THROTTLED[result.throttled])
            status = 429
        elif result.user is None:
            form.form_errors.append(LOGIN_FAILED)
        else:
            membership.start_session(result.user, remember=form.remember.data)
            flash(f"Welcome back, {result.user.display_name}.", "success")
            return redirect(_next_target())
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
def logout():
    """End this session, and every copy of its cookies (POST only, so a link or image can't log anyone out)."""
    membership.end_session()
    flash("You are logged out.", "info")
    return redirect(url_for("themes.home"))


JOIN_THROTTLED = ("Many accounts were made from your network in the last hour. "
                  "Please try again later; what you typed is kept.")
RESET_SENT = ("If an account uses {email}, an email with a link to choose a new password is on its way. "
              "It can take a few minutes; check your spam folder too.")
RESET_THROTTLED = ("Several reset emails were asked for lately. To protect the account, "
                   "please wait an hour before asking again, and use the newest email you received.")
RESET_SESSION_KEY = "password_reset_token"


@bp.route("/password/forgot", methods=["GET", "POST"])
@form_checks_csrf
def forgot_password():
    """Ask for an email with a reset link; the answer never says whether the address has an account."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        if membership.request_password_reset(form.email.data, request.remote_addr):
            return render_template("auth/forgot.html", form=form, sent=RESET_SENT.format(email=form.email.data))
        form.form_errors.append(RESET_THROTTLED)
        return render_template("auth/forgot.html", form=form), 429
    return render_template("auth/forgot.html", form=form)


@bp.route("/password/reset/<token>")
def reset_link(token: str):
    """The link from the email: its token moves into the session, out of the address bar."""
    session[RESET_SESSION_KEY] = token
    return redirect(url_for("auth.reset_password"))


@bp.route("/password/reset", methods=["GET", "POST"])
@form_checks_csrf
def reset_password():
    """Choose a new password with the link from the email; every other session ends."""
    try:
        claim = tokens.check_reset_token(session.get(RESET_SESSION_KEY, ""))
    except tokens.TokenInvalid as invalid:
        return render_template("auth/reset.html", problem=str(invalid), form=None), 400
    user, form = claim.user, NewPasswordForm()
    if form.validate_on_submit():
        problem = check_password_strength(form.new_password.data, email=user.email, name=user.display_name)
        if problem:
            form.new_password.errors.append(problem)
        else:
            membership.change_password(user, form.new_password.data, how="account.password_reset")
            membership.start_session(user)  # a fresh session, without the used token
            flash(f"Your password is set, {user.display_name}. You are logged in; "
                  "any other device was signed out.", "success")
            return redirect(url_for("themes.home"))
    return render_template("auth/reset.html", form=form, user=user, invitation=claim.purpose == tokens.INVITATION)
