"""Watch levels and email settings."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField

from ..models.notifications import WATCH_LEVELS
from ..mail.mailings import DIGEST_CHOICES
from .watching import LABELS


class WatchForm(FlaskForm):
    level = SelectField("Notifications", choices={level: LABELS[level] for level in WATCH_LEVELS})


class EmailSettingsForm(FlaskForm):
    email_notifications = BooleanField(
        "Email me about notifications",
        description="At most one email every few minutes, with everything that arrived meanwhile.",
    )
    digest = SelectField(
        "Digest", choices=DIGEST_CHOICES,
        description="New threads, the busiest posts, new panel questions and the next theme. "
                    "Never sent when nothing happened.",
    )
    month_emails = BooleanField(
        "Email me when a month's discussion opens, when each panel question is published, "
        "and a week before it closes",
    )
