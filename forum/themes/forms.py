"""Moderators' forms for themes, panelists and resources."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, EmailField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, ValidationError

from ..forms.fields import lower_email, strip_line, strip_text

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MONTH_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
RESOURCE_KINDS = ("article", "video", "report", "tool", "book", "website", "podcast", "other")


def web_url(form, field):
    """Only absolute http and https addresses: no javascript:, data: or relative links."""
    if not field.data:
        return
    parts = urlsplit(field.data)
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in field.data:
        raise ValidationError("Enter a full web address starting with https:// or http://.")


class ThemeForm(FlaskForm):
    title = StringField("Title", filters=[strip_line],
                        validators=[DataRequired("Give the theme a title."), Length(max=160)])
    slug = StringField(
        "Address (slug)", filters=[lambda v: strip_line(v).lower() if v else v],
        validators=[Optional(), Length(max=80)],
        description="Lower-case words joined by hyphens; made from the title when left empty.",
    )
    month = StringField("Month", filters=[strip_line], validators=[DataRequired("Choose the month.")],
                        description="YYYY-MM, e.g. 2026-03.")
    summary = TextAreaField("Summary", filters=[strip_text], validators=[Length(max=2000)])
    blog_post = TextAreaField("Blog post (Markdown)", filters=[strip_text], validators=[Length(max=20000)])
    panel_title = StringField("Panel title", filters=[strip_line], validators=[Length(max=200)])
    panel_at = DateTimeLocalField("Panel date and time", validators=[Optional()],
                                  format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"])
    panel_join_url = StringField("Registration or join link for the live panel", filters=[strip_line],
                                 validators=[Length(max=500), web_url],
                                 description="Shown with the panel until it has happened.")
    recording_url = StringField("Recording link", filters=[strip_line],
                                validators=[Length(max=500), web_url])
    opens_at = DateTimeLocalField("Discussion opens", format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
                                  validators=[InputRequired("When does the discussion open?")])
    closes_at = DateTimeLocalField("Discussion closes", format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
                                   validators=[InputRequired("When does the discussion close?")])

    def validate_slug(self, field):
        if field.data and not SLUG_RE.match(field.data):
            raise ValidationError("Use lower-case letters, digits and single hyphens only.")

    def validate_month(self, field):
        if not MONTH_RE.match(field.data or ""):
            raise ValidationError("Write the month as YYYY-MM, e.g. 2026-03.")

    def validate_closes_at(self, field):
        if self.opens_at.data and field.data and field.data <= self.opens_at.data:
            raise ValidationError("The discussion must close after it opens.")


class NewThemeForm(ThemeForm):
    opening_post = TextAreaField(
        "Opening post of the facilitated discussion (Markdown)", filters=[strip_text],
        validators=[Length(max=20000)],
        description="Optional. Starts the pinned, facilitated thread of this theme.",
    )


class PanelistForm(FlaskForm):
    name = StringField("Name", filters=[strip_line],
                       validators=[DataRequired("Enter the panelist's name."), Length(max=120)])
    bio = TextAreaField("Short bio", filters=[strip_text], validators=[Length(max=1000)])


class ResourceForm(FlaskForm):
    title = StringField("Title", filters=[strip_line],
                        validators=[DataRequired("Give the resource a title."), Length(max=200)])
    url = StringField("Link", filters=[strip_line],
                      validators=[DataRequired("Enter the link."), Length(max=500), web_url])
    kind = SelectField("Kind", choices={kind: kind.capitalize() for kind in RESOURCE_KINDS})
    note = StringField("Why it matters", filters=[strip_line], validators=[Length(max=300)])


class GuestExpertForm(FlaskForm):
    """Invite one of the theme's panelists as a guest expert: the view gives the panelists as choices."""

    panelist = SelectField("Panelist", choices=[], validate_choice=False,
                           validators=[DataRequired("Choose which panelist you are inviting.")])
    email = EmailField("Their email address", filters=[lower_email],
                       validators=[DataRequired("Enter the panelist's email address."), Length(max=254),
                                   Email("Enter an email address like name@university.edu.")])
    display_name = StringField(
        "Their name on the forum", filters=[strip_line], validators=[Optional(), Length(min=2, max=80)],
        description="For a new account; the panelist's name when left empty. A member keeps their own.")

    def validate_panelist(self, field):
        if field.data not in dict(field.choices):
            raise ValidationError("Choose one of this theme's panelists (add them to the panel first).")
