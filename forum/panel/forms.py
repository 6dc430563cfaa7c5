"""Moderators' forms for panel questions: one, many pasted, and spreading the queue."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateTimeLocalField, HiddenField, IntegerField, SelectField,
                     SelectMultipleField, StringField, SubmitField, TextAreaField)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from . import minutes
from .paste import ASKED_BY_MAX, QUESTION_MAX
from ..forms.fields import strip_line, strip_text

SOURCE_CHOICES = {"webinar_qa": "Webinar Q&A", "webinar_chat": "Webinar chat", "email": "Email"}
# Only a member's own question is "asked on the forum": offered when editing one, never when adding.
FORUM_CHOICE = {"forum": "Asked on the forum"}
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]
PASTE_MAX = 100_000


class QuestionForm(FlaskForm):
    question = TextAreaField(
        "Question", filters=[strip_text],
        validators=[DataRequired("Write the question."),
                    Length(max=QUESTION_MAX, message=f"Keep it under {QUESTION_MAX:,} characters.")],
    )
    asked_by = StringField(
        "Asked by", filters=[strip_line], validators=[Length(max=ASKED_BY_MAX)],
        description="Name and role as they gave them, e.g. “Jackie Wheeler, middle school science "
                    "coach”. Leave empty for an anonymous question.",
    )
    source = SelectField("Where it came from", choices=SOURCE_CHOICES)
    framing = TextAreaField(
        "Framing (optional)", filters=[strip_text],
        validators=[Length(max=500, message="Keep the framing under 500 characters.")],
        description="A line shown above the question, e.g. “Several of you asked about this during the panel.”",
    )
    publish_at = DateTimeLocalField(
        "Publish at (optional)", format=DATETIME_FORMATS, validators=[Optional()],
        description="Within the discussion window. Leave empty to keep it in the queue.",
    )
    show_ahead = BooleanField(
        "Show the text before it is posted",
        description="The panel page then shows the question with its day; otherwise only its day.",
    )


class MinuteForm(FlaskForm):
    """Where in the recording the panel answered a question (marking it answered live, or later)."""

    minute = StringField(
        "Minute in the recording (optional)", filters=[strip_line], validators=[Length(max=20)],
        description="mm:ss, h:mm:ss or whole minutes.",
    )
    seconds: int | None = None

    def validate_minute(self, field) -> None:
        try:
            self.seconds = minutes.parse(field.data)
        except minutes.BadMinute as bad:
            raise ValidationError(str(bad)) from None


class AskForm(FlaskForm):
    """A member's question for the panel, before it takes place. Its limits are the use case's
    (forum.panel.asking), so that the message and the text kept are the same whoever checks."""

    question = TextAreaField("Your question for the panel")


class PasteForm(FlaskForm):
    pasted = TextAreaField(
        "Questions", filters=[strip_text],
        validators=[DataRequired("Paste at least one question."),
                    Length(max=PASTE_MAX, message=f"Paste at most {PASTE_MAX:,} characters at a time.")],
        description="One per line as “Name: question” (a chat export works as it is), or CSV "
                    "whose first row names a “question” column and a “name” column.",
    )
    # Its own id: the add-one form on the same page has a "source" too.
    source = SelectField("Where they came from", choices=SOURCE_CHOICES, id="paste-source")
    # Line numbers of the previewed questions to save; duplicates start unticked.
    keep = SelectMultipleField(coerce=int, validate_choice=False)
    # Fingerprint of the list as previewed, so a list changed after its preview is previewed again.
    previewed = HiddenField()
    preview = SubmitField("Preview")
    save = SubmitField("Save questions")


class SpreadForm(FlaskForm):
    every_days = IntegerField(
        "One every", default=2,
        validators=[InputRequired("How many days apart?"),
                    NumberRange(1, 30, "Choose between 1 and 30 days.")],
    )
    start_at = DateTimeLocalField("Starting", format=DATETIME_FORMATS,
                                  validators=[InputRequired("When should the first one go out?")])
    # Sent by "Schedule them anyway", once the moderator has seen the days they share.
    allow_clashes = BooleanField()


class ReorderForm(FlaskForm):
    direction = SelectField(choices={"up": "Up", "down": "Down"})
