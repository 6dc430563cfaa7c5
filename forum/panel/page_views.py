"""The panel page, open to all: a theme's webinar questions by fate (GET /themes/<slug>/panel), and
members asking the panel ahead from it or from the theme page.

Here in the panel package, not in themes: the panel owns its questions and what each became, and
the theme page only shows this package's counts. The moderators' pages stay in views (/moderate).
"""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from . import asking, questions
from .forms import AskForm
from .page import panel_page
from ..core.database import takes_row_locks
from ..core.security import form_checks_csrf
from ..discussions import posting
from ..page_cache import freshness
from ..page_cache.cache import cached_page
from ..permissions import why_not
from ..views.lookups import get_theme_or_404

bp = Blueprint("panel_page", __name__)


def _render(theme, form: AskForm | None = None, status: int = 200):
    ask_refusal = why_not(current_user, "ask_panel", theme)
    if form is None and ask_refusal is None:
        form = AskForm(formdata=None)  # its CSRF token writes the session: only for who may ask
    return render_template("panel/page.html", theme=theme, page=panel_page(theme, current_user),
                           form=form, ask_refusal=ask_refusal), status


@bp.route("/themes/<slug>/panel")
@cached_page(lambda slug: freshness.theme_page(slug, questions.publish_due_on_view))
def show(slug: str):
    """The webinar's questions: answered live, coming to the discussion, posted, and how many set aside."""
    theme = get_theme_or_404(slug)
    if questions.publish_due_on_view(theme.id):
        theme = get_theme_or_404(slug)
    return _render(theme)


@bp.route("/themes/<slug>/panel/questions", methods=["POST"])
@takes_row_locks
@form_checks_csrf
def ask(slug: str):
    """A member's question for the panel, before it takes place: into the moderators' queue."""
    theme = get_theme_or_404(slug)
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=url_for("panel_page.show", slug=slug)))
    form = AskForm()
    if not form.validate_on_submit():  # an expired form: shown again with the question kept
        return _render(theme, form, status=400)
    try:
        asking.ask(theme, current_user._get_current_object(), form.question.data)
    except posting.Refused as refused:
        (getattr(form, refused.field).errors if refused.field else form.form_errors).append(refused.message)
        return _render(theme, form, status=refused.status)
    flash("Thank you: your question is in the moderators' queue. You will hear when it is answered.", "success")
    return redirect(url_for("panel_page.show", slug=slug, _anchor="your-questions"))
