"""The bell: notifications, watch levels, and leaving a mailing with one click."""
from __future__ import annotations

from flask import (Blueprint, abort, current_app, flash, redirect, render_template, request,
                   url_for)
from flask_login import current_user, login_required

from ..mail import mailings
from . import notify, opening, watching
from ..accounts import tokens
from ..core.extensions import db
from ..accounts.forms import EmptyForm
from .forms import WatchForm
from ..core.pagination import page_arg
from ..core.security import safe_next, signed_link
from ..discussions.urls import thread_url
from ..views.lookups import get_notification_or_404, get_theme_or_404, get_thread_or_404

bp = Blueprint("notifications", __name__)

PER_PAGE = 30


@bp.app_template_global()
def unread_notifications() -> int:
    return notify.unread_count(current_user) if current_user.is_authenticated else 0


@bp.route("/notifications")
@login_required
def index():
    """A member's notifications, newest first."""
    page = db.paginate(notify.listing(current_user), page=page_arg(), per_page=PER_PAGE, error_out=False)
    return render_template("notifications/index.html", page=page, sentence=notify.sentence,
                           excerpt=notify.notification_excerpt, form=EmptyForm())


@bp.route("/notifications/<int:notification_id>/open", methods=["GET", "POST"])
@login_required
def open_one(notification_id: int):
    """Go to a notification's post, marking it read: a link, so it opens in a new tab too.

    A GET that writes, kept harmless: it only marks read this one notification of the
    member signed in (anyone else's answers 404), a second visit changes nothing, and
    nothing else changes; a link forged on another site can do no more than that.
    """
    notification = get_notification_or_404(notification_id)
    endpoint, values = notify.link_endpoint(notification)
    if request.method != "HEAD":
        opening.mark_opened(current_user, notification)
    return redirect(url_for(endpoint, **values))


@bp.route("/notifications/<int:notification_id>/read", methods=["POST"])
@login_required
def mark_one_read(notification_id: int):
    """Mark a notification read without opening it."""
    if not notify.mark_read(current_user, notification_id):
        flash("That notification was already read.", "info")
    return redirect(safe_next(request.form.get("next"), url_for("notifications.index")))


@bp.route("/notifications/read-all", methods=["POST"])
@login_required
def mark_all_read():
    """Mark every notification of this member read."""
    count = notify.mark_read(current_user)
    flash(f"Marked {count} notification{'' if count == 1 else 's'} read." if count
          else "Nothing was unread.", "success")
    return redirect(url_for("notifications.index"))


def _level_from_form() -> str:
    form = WatchForm()
    if not form.validate():
        abort(400)
    return form.level.data


@bp.route("/threads/<int:thread_id>/watch", methods=["POST"])
@login_required
def watch_thread(thread_id: int):
    """Choose how closely to follow a thread."""
    thread = get_thread_or_404(thread_id)
    level = _level_from_form()
    watching.choose(current_user, level, thread=thread)
    flash(f"{watching.LABELS[level]}: {watching.THREAD_HELP[level]}", "success")
    return redirect(thread_url(thread))


@bp.route("/themes/<slug>/watch", methods=["POST"])
@login_required
def watch_theme(slug: str):
    """Choose how closely to follow a theme."""
    theme = get_theme_or_404(slug)
    level = _level_from_form()
    watching.choose(current_user, level, theme=theme)
    flash(f"{watching.LABELS[level]}: {watching.THEME_HELP[level]}", "success")
    return redirect(url_for("themes.show", slug=theme.slug))


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@signed_link
def unsubscribe(token: str):
    """Leave a mailing from the link in an email, logged in or not."""
    try:
        user, mailing = tokens.check_unsubscribe_token(token)
    except tokens.TokenInvalid as invalid:
        return render_template("notifications/unsubscribe.html", problem=str(invalid)), 400
    if request.method == "GET":  # a link scanner's visit must not unsubscribe anyone
        return render_template("notifications/unsubscribe.html", user=user, mailing=mailing, done=False)
    mailings.unsubscribe(user, mailing)
    current_app.logger.info("member %s unsubscribed from %s", user.id, mailing)
    return render_template("notifications/unsubscribe.html", user=user, mailing=mailing, done=True)


