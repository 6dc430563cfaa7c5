"""The panel page, open to all: a theme's webinar questions by fate (GET /themes/<slug>/panel), and
members asking the panel ahead from it or from the theme page.

Here in the panel package, not in themes: the panel owns its questions and what each became, and
the theme page only shows this package's counts. The moderators' pages stay in views (/moderate).
"""
from __future__ import annotations

from dataclasses import dataclass

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
from ..permissions import ASK_LOG_IN, why_not
from ..views.lookups import get_theme_or_404

bp = Blueprint("panel_page", __name__)


@dataclass
class Asking:
    """"Ask the panel" on a page (this one and the theme page): the form for a member who may ask,
    else why not; the rule is asked once, here, and the templates only read the answer."""

    refusal: str | None
    form: AskForm | None

    @property
    def after_login(self) -> bool:
        """A visitor who could ask once logged in: the page offers the login."""
        return self.refusal == ASK_LOG_IN

    @property
    def shown(self) -> bool:
        """The form, the way to it, or a refused question kept for the member to copy."""
        return self.refusal is None or self.after_login or bool(self.form and self.form.form_errors)


def ask_state(theme, form: AskForm | None = None) -> Asking:
    refusal = why_not(current_user, "ask_panel", theme)
    if form is None and refusal is None:
        form = AskForm(formdata=None)  # its CSRF token writes the session: only for who may ask
    return Asking(refusal, form)


def _render(theme, form: AskForm | None = None, status: int = 200):
    return render_template("panel/page.html", theme=theme, page=panel_page(theme, current_user),
                           ask=ask_state(theme, form)), status


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
        refused.show_on(form)
        return _render(theme, form, status=refused.status)
    flash("Thank you: your question is in the moderators' queue. You will hear when it is answered.", "success")
    return redirect(url_for("panel_page.show", slug=slug, _anchor="your-questions"))
