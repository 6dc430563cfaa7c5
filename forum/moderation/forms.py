"""Moderators' small forms on thread pages: hiding a post, moving a thread."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from ..core.database import MAX_ID
from .actions import REASON_MAX
from ..forms.fields import strip_line


class HideForm(FlaskForm):
    reason = StringField(
        "Reason", filters=[strip_line],
        validators=[DataRequired("Say why the post is hidden: the reason is kept for moderators."),
                    Length(max=REASON_MAX, message=f"Keep the reason under {REASON_MAX} characters.")],
    )


class MoveThreadForm(FlaskForm):
    theme_id = IntegerField("Move to theme", validators=[InputRequired("Choose a theme."),
                                                         NumberRange(1, MAX_ID, "Choose a theme.")])
