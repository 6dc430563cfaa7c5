"""The moderators' pages for a theme's panel questions: the queue, pasting a list, scheduling, editing,
reordering and publishing (under /moderate, with the other moderators' pages)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from . import queue, questions
from .forms import FORUM_CHOICE, SOURCE_CHOICES, MinuteForm, PasteForm, QuestionForm, ReorderForm, SpreadForm
from . import minutes
from .paste import digest
from ..core import timefmt
from ..core.extensions import db
from ..core.errors import abort_with
from ..core.security import form_checks_csrf
from ..discussions import posting
from ..models import PanelQuestion, Theme
from ..moderation.access import current_moderator, moderators_only, theme_or_404
from ..permissions import require
from ..themes import months

bp = Blueprint("panel", __name__, url_prefix="/moderate")
bp.before_request(moderators_only)


def _queue_url(question: PanelQuestion) -> str:
    return url_for("panel.questions", slug=question.theme.slug, _anchor=f"question-{question.id}")


def _question_data(form: QuestionForm) -> dict:
    return {**form.data, "publish_at": timefmt.to_utc(form.publish_at.data)}


def _publish_time_fits(form: QuestionForm, theme: Theme) -> bool:
    """False, with a message on the field, when the publish time is outside the discussion window."""
    moment = timefmt.to_utc(form.publish_at.data)
    problem = queue.window_problem(theme, moment) if moment else None
    if problem:
        form.publish_at.errors.append(problem)
    return problem is None


def _form_time(moment):
    """A UTC time to the minute, as a datetime-local input shows it."""
    return timefmt.to_local_naive(moment).replace(second=0, microsecond=0)


def _spread_form(theme: Theme) -> SpreadForm:
    """The schedule form as first shown: its interval, and the start that follows what is scheduled."""
    form = SpreadForm(formdata=None)
    form.start_at.data = _form_time(queue.default_start(theme, form.every_days.data))
    return form


def _questions_page(theme: Theme, question_form=None, paste_form=None, pasted=None, spread_form=None,
                    clashed=None, minute_form=None, minute_for=None):
    # Offered beside a clash: the start that follows what is scheduled.
    suggested = clashed and queue.default_start(theme, spread_form.every_days.data)
    return render_template(
        "moderation/questions.html", theme=theme, groups=queue.queue_of(theme),
        facilitated=months.facilitated_thread(theme), pasted=pasted,
        question_form=question_form or QuestionForm(formdata=None),
        paste_form=paste_form or PasteForm(formdata=None),
        spread_form=spread_form or _spread_form(theme), clashed=clashed,
        suggested_start=suggested, suggested_value=suggested and _form_time(suggested).strftime("%Y-%m-%dT%H:%M"),
        credit=questions.credit, status_labels=questions.STATUS_LABELS,
        # A minute typed wrong stays in its question's form, with the message (minute_for: its id).
        minute_form=minute_form, minute_for=minute_for, minute_label=minutes.label,
    )


# Named for its address (panel.questions); the view's own name leaves `questions` to the module.
@bp.route("/themes/<slug>/questions", methods=["GET", "POST"], endpoint="questions")
@form_checks_csrf
def question_queue(slug: str):
    """A theme's panel questions, by status, and a form to add one."""
    theme = theme_or_404(slug, "manage_questions")
    if request.method == "GET":
        questions.publish_due_on_view(theme.id)
    form = QuestionForm()
    if form.validate_on_submit() and _publish_time_fits(form, theme):
        question = queue.add(theme, current_moderator(), _question_data(form))
        where = "scheduled" if question.publish_at else "added to the queue"
        flash(f"The question from {question.asked_by or 'an anonymous attendee'} is {where}.", "success")
        return redirect(_queue_url(question))
    return _questions_page(theme, question_form=form)


@bp.route("/themes/<slug>/questions/paste", methods=["POST"])
@form_checks_csrf
def paste_questions(slug: str):
    """Many questions at once from a webinar tool's export: preview, then save those kept."""
    theme = theme_or_404(slug, "manage_questions")
    form = PasteForm()
    if not form.validate_on_submit():
        return _questions_page(theme, paste_form=form)
    pasted = queue.preview_paste(theme, form.pasted.data)
    fingerprint = digest(form.pasted.data)
    if pasted.errors or not form.save.data or form.previewed.data != fingerprint:
        if form.save.data and not pasted.errors:
            form.form_errors.append("The list changed after its preview. Check the preview below, then save.")
        form.previewed.data = fingerprint
        form.keep.data = [item.line for item in pasted.questions if not item.doubtful]
        return _questions_page(theme, paste_form=form, pasted=pasted)
    kept = [item for item in pasted.questions if item.line in set(form.keep.data or ())]
    if not kept:
        form.form_errors.append("Tick at least one question to save.")
        return _questions_page(theme, paste_form=form, pasted=pasted)
    count = queue.add_pasted(theme, current_moderator(), kept, form.source.data)
    flash(f"{count} question{'s are' if count != 1 else ' is'} added to the queue.", "success")
    return redirect(url_for("panel.questions", slug=slug, _anchor="queue"))


@bp.route("/themes/<slug>/questions/schedule", methods=["POST"])
@form_checks_csrf
def schedule_questions(slug: str):
    """Schedule every queued question, evenly spaced from a start time."""
    theme = theme_or_404(slug, "manage_questions")
    form = SpreadForm()
    if form.validate_on_submit():
        start = timefmt.to_utc(form.start_at.data)
        try:
            count = queue.schedule_queue(theme, current_moderator(), start, form.every_days.data,
                                             allow_clashes=form.allow_clashes.data)
        except queue.ScheduleClashes as clashed:
            return _questions_page(theme, spread_form=form, clashed=clashed)
        except queue.SchedulingError as error:
            form.form_errors.append(str(error))
        else:
            flash(f"{count} question{'s are' if count != 1 else ' is'} scheduled.", "success")
            return redirect(url_for("panel.questions", slug=slug, _anchor="scheduled"))
    return _questions_page(theme, spread_form=form)


@bp.route("/questions/<int:question_id>/edit", methods=["GET", "POST"])
@form_checks_csrf
def edit_question(question_id: int):
    """Change a question's text, credit, framing or publish time."""
    question = db.get_or_404(PanelQuestion, question_id)
    require(current_user, "edit_question", question)
    if request.method == "POST":
        form = QuestionForm()
    else:
        form = QuestionForm(obj=question, publish_at=timefmt.to_local_naive(question.publish_at))
    if question.source in FORUM_CHOICE:  # a member's question stays theirs
        form.source.choices = {**SOURCE_CHOICES, **FORUM_CHOICE}
    if form.validate_on_submit() and _publish_time_fits(form, question.theme):
        queue.edit(question, current_moderator(), _question_data(form))
        flash("The question is saved.", "success")
        return redirect(_queue_url(question))
    return render_template("moderation/question_form.html", form=form, question=question)


@bp.route("/questions/<int:question_id>/reorder", methods=["POST"])
def reorder_question(question_id: int):
    """Move a queued question one place up or down the queue."""
    question = db.get_or_404(PanelQuestion, question_id)
    require(current_user, "reorder_question", question)
    form = ReorderForm()
    if not form.validate():
        abort(400)
    if not queue.reorder(question, form.direction.data, current_moderator()):
        flash(f"It is already {'first' if form.direction.data == 'up' else 'last'}.", "info")
    return redirect(_queue_url(question))


# URL word -> (panel.TRANSITIONS key, what the flash says was done)
STATUS_ACTIONS = {
    "dismiss": ("dismiss", "Dismissed"),
    "answered-live": ("answered_live", "Marked as answered live during the panel"),
    "requeue": ("requeue", "Back in the queue"),
}


@bp.route("/questions/<int:question_id>/<any(dismiss, 'answered-live', requeue):action>",
          methods=["POST"])
def change_question_status(question_id: int, action: str):
    """Dismiss a question, mark it answered live during the panel, or return it to the queue."""
    question = db.get_or_404(PanelQuestion, question_id)
    require(current_user, "change_question_status", question)
    name, done = STATUS_ACTIONS[action]
    at_second = None
    if name == "answered_live":
        form = MinuteForm()
        if not form.validate():
            return _questions_page(question.theme, minute_form=form, minute_for=question.id)
        at_second = form.seconds
    if questions.change_status(question, name, current_moderator(), at_second):
        flash(f"{done}: {questions.summary(question)}", "success")
    else:
        _nothing_changed(question)
    return redirect(_queue_url(question))


def _nothing_changed(question: PanelQuestion) -> None:
    flash(f"Nothing changed: the question is {questions.STATUS_LABELS[question.status]}.", "error")


@bp.route("/questions/<int:question_id>/minute", methods=["POST"])
def set_question_minute(question_id: int):
    """Give, change or clear where in the recording a question answered live was answered."""
    question = db.get_or_404(PanelQuestion, question_id)
    require(current_user, "change_question_status", question)
    form = MinuteForm()
    if not form.validate():
        return _questions_page(question.theme, minute_form=form, minute_for=question.id)
    if questions.set_minute(question, form.seconds, current_moderator()):
        at = minutes.label(form.seconds)
        flash(f"Answered at {at} in the recording." if at else "The minute in the recording is cleared.", "success")
    else:
        _nothing_changed(question)
    return redirect(_queue_url(question))


@bp.route("/questions/<int:question_id>/publish", methods=["POST"])
def publish_question(question_id: int):
    """Post a question into the theme's facilitated discussion now; once, however often clicked."""
    question = db.get_or_404(PanelQuestion, question_id)
    try:
        post = questions.publish(question, current_moderator())
    except posting.Refused as refused:
        if refused.status == 403:
            abort_with(403, refused.message)
        flash(refused.message, "error")  # the question stays in the queue, to edit
        return redirect(_queue_url(question))
    if post is None:  # a second click: done already, not refused
        flash("This question was already published.", "info")
    else:
        flash(f"Published: {questions.summary(question)}", "success")
    return redirect(_queue_url(question))
