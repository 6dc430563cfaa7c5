"""The front page, the theme archive, a theme's page and starting threads."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from ..page_cache import freshness
from . import months
from ..panel import questions
from ..feeds import ical
from ..notifications import watching
from ..discussions import posting, reading, tracking
from ..core.database import takes_row_locks, utcnow
from ..discussions.forms import ThreadForm
from ..panel.page_views import ask_state
from ..page_cache.cache import cached_page
from ..permissions import may, why_not
from ..core.security import form_checks_csrf, takes_files
from ..discussions.urls import redirect_once_committed
from ..discussions.composing import attach_from_form, render_preview
from ..views.lookups import get_theme_or_404

bp = Blueprint("themes", __name__)

# The front page is a door, not the theme page again: a few of each, with a way to all.
FRONT_THREADS = 6
FRONT_NEW_ITEMS = 6
FRONT_ARCHIVE_THEMES = 3


@bp.route("/")
@cached_page(lambda: freshness.forum_pages(questions.publish_due_on_view))
def home():
    """The front door: this month's discussion, what is new to a member, the next month, the archive."""
    current = months.current_theme()
    if current is not None and questions.publish_due_on_view(current.id):
        current = months.current_theme()  # reloaded with what was just published
    upcoming = months.next_theme()
    archived = months.recently_archived(FRONT_ARCHIVE_THEMES + (0 if current else 1))
    # Between two months (no theme open), the month that just closed stays in front.
    featured = current or (archived.pop(0) if archived else None)
    shown = [t.id for t in (featured, upcoming, *archived) if t]
    threads = months.threads_of(featured) if featured else []
    member = current_user._get_current_object() if current_user.is_authenticated else None
    return render_template(
        "themes/home.html",
        current=current, featured=featured, upcoming=upcoming, archived=archived,
        stats=months.theme_stats(shown) if shown else {},
        threads=threads[:FRONT_THREADS], more_threads=max(len(threads) - FRONT_THREADS, 0),
        new_counts=_new_counts(threads[:FRONT_THREADS]),
        unread_threads=tracking.unread_threads(member, FRONT_NEW_ITEMS) if member else [],
        unopened=tracking.unopened_threads(member, current.id, FRONT_NEW_ITEMS) if member and current else [],
        recent=[] if member else reading.recent_posts(FRONT_NEW_ITEMS),
    )


def _new_counts(threads) -> dict[int, int]:
    """Posts new to the member per thread (one query), for the thread list."""
    if not current_user.is_authenticated:
        return {}
    return tracking.new_counts(current_user, [thread.id for thread in threads])


@bp.route("/themes")
@cached_page(lambda: freshness.forum_pages(lambda _theme_id: 0))
def archive():
    """Every theme by year and month, with how much was said."""
    return render_template("themes/archive.html", years=months.themes_by_year(),
                           stats=months.theme_stats())


@bp.route("/themes/<slug>")
@cached_page(lambda slug: freshness.theme_page(slug, questions.publish_due_on_view))
def show(slug: str):
    """A theme: its panel, resources, blog post and threads."""
    theme = get_theme_or_404(slug)
    if questions.publish_due_on_view(theme.id):
        theme = get_theme_or_404(slug)
    return _render_theme(theme)


def _render_theme(theme, form: ThreadForm | None = None, preview: str | None = None,
                  status: int = 200):
    threads = [t for t in months.threads_of(theme) if may(current_user, "view_thread", t)]
    start_refusal = why_not(current_user, "start_thread", theme)
    if form is None and start_refusal is None:
        form = ThreadForm(formdata=None)  # its CSRF token writes the session: only for who may start one
    return render_template(
        "themes/show.html", theme=theme, threads=threads, new_counts=_new_counts(threads),
        stats=months.theme_stats([theme.id]).get(theme.id, months.ThemeStats()),
        form=form, preview=preview, start_refusal=start_refusal,
        question_counts=questions.question_counts(theme.id),
        ask=ask_state(theme),
        watch_level=watching.theme_level(current_user, theme) if current_user.is_authenticated else None,
        watch_labels=watching.LABELS, watch_help=watching.THEME_HELP,
    ), status


@bp.route("/themes/<slug>/calendar.ics")
def calendar_file(slug: str):
    """The theme's panel and discussion window, to add to a calendar."""
    theme = get_theme_or_404(slug)
    response = current_app.response_class(ical.theme_calendar(theme, utcnow()), mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="{theme.slug}.ics"'
    return response


@bp.route("/themes/<slug>/threads", methods=["POST"])
@takes_row_locks
@form_checks_csrf
@takes_files
def start_thread(slug: str):
    """Start a new thread under a theme while its discussion is open."""
    theme = get_theme_or_404(slug)
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=url_for("themes.show", slug=slug)))
    form = ThreadForm()
    refusal = why_not(current_user, "start_thread", theme)
    if refusal:
        form.form_errors.append(refusal)
        return _render_theme(theme, form, status=403)
    if not form.validate_on_submit():
        return _render_theme(theme, form)
    if not attach_from_form(form):
        return _render_theme(theme, form, status=400)
    if form.preview.data:
        return _render_theme(theme, form, preview=render_preview(form.body.data))
    try:
        thread = posting.start_thread(theme, current_user._get_current_object(), form.title.data, form.body.data)
    except posting.Refused as refused:
        refused.show_on(form)
        return _render_theme(theme, form, status=refused.status)
    flash("Your thread is started.", "success")
    return redirect_once_committed(thread)
