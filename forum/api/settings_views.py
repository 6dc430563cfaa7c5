"""A member's API tokens in their settings: the list, a new one (shown once), revoking one."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..core.security import form_checks_csrf
from . import tokens
from .forms import NewTokenForm, RevokeForm

bp = Blueprint("api_tokens", __name__)


@bp.route("/settings/api-tokens")
@login_required
def index():
    """The member's tokens and the form for a new one."""
    return _page(NewTokenForm(formdata=None))


@bp.route("/settings/api-tokens", methods=["POST"])
@login_required
@form_checks_csrf
def create():
    """Make a token; the page that answers is the only place its secret is ever shown."""
    form = NewTokenForm()
    if not form.validate_on_submit():
        return _page(form), 400
    try:
        token, secret = tokens.create(current_user._get_current_object(), form.name.data, form.scope.data)
    except tokens.TokenRefused as refused:
        form.form_errors.append(str(refused))
        return _page(form), 400
    # Rendered, not redirected: a redirect would need the secret kept somewhere until the next page.
    return _page(NewTokenForm(formdata=None), new=(token.name, secret)), 201


@bp.route("/settings/api-tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke(token_id: int):
    """Revoke a token: the next request with it is refused."""
    revoked = tokens.revoke(current_user._get_current_object(), token_id)
    if revoked is None:
        flash("That token was already revoked.", "info")
    else:
        flash(f"The token “{revoked.name}” is revoked: tools using it can no longer reach the forum.", "success")
    return redirect(url_for("api_tokens.index"))


def _page(form: NewTokenForm, new: tuple[str, str] | None = None):
    return render_template("members/api_tokens.html", form=form, new=new,
                           tokens=tokens.tokens_of(current_user), revoke_form=RevokeForm())
