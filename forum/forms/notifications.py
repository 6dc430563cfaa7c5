"""Watch levels and email settings."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField

from ..models.notifications import WATCH_LEVELS
from ..watching import LABELS


class WatchForm(FlaskForm):
    level = SelectField("Notifications", choices={level: LABELS[level] for level in WATCH_LEVELS})


class EmailSettingsForm(FlaskForm):
    email_notifications = BooleanField(
        "Email me about notifications",
        description="At most one email every few minutes, with everything that arrived meanwhile.",
    )
