"""A member's own profile and password, and roles for admins."""
from flask import current_app
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, EqualTo, InputRequired, Length

from ..models import ROLES
from ..core.timefmt import DATE_ORDERS, zone_names
from ..forms.fields import NewPassword, display_name_field, lower_email, strip_line, strip_text


class ProfileForm(FlaskForm):
    display_name = display_name_field("Your name can't be empty.")
    position = StringField(
        "Position",
        filters=[strip_line],
        validators=[Length(max=120)],
        description="e.g. “Middle school science coach”",
    )
    organisation = StringField(
        "School or organisation", filters=[strip_line], validators=[Length(max=120)]
    )
    location = StringField("Location", filters=[strip_line], validators=[Length(max=120)])
    show_affiliation = BooleanField("Show my school or organisation and location to other members",
                                    default=True)
    bio = TextAreaField(
        "About you",
        filters=[strip_text],
        validators=[Length(max=2000, message="Keep it under 2,000 characters.")],
    )


class NewPasswordForm(FlaskForm):
    """A new password, typed twice: for a reset link, and under PasswordForm."""

    new_password = PasswordField(
        "New password",
        validators=[InputRequired("Choose a new password."), NewPassword()],
        description="At least 10 characters. Other devices will be signed out.",
    )
    confirm_password = PasswordField(
        "New password again",
        validators=[EqualTo("new_password", "The two new passwords don't match.")],
    )


class PasswordForm(NewPasswordForm):
    current_password = PasswordField(
        "Current password", validators=[InputRequired("Enter your current password.")]
    )


class EmailChangeForm(FlaskForm):
    new_email = EmailField(
        "New email address",
        filters=[lower_email],
        validators=[DataRequired("Enter the new address."), Length(max=254),
                    Email("Enter an email address like name@school.org.")],
        description="We'll send a link there; your address changes when you follow it.",
    )
    password = PasswordField("Your password", validators=[InputRequired("Enter your password to confirm.")])


class RoleForm(FlaskForm):
    role = SelectField("Role", choices={role: role.capitalize() for role in ROLES})


class EmptyForm(FlaskForm):
    """A form with only the CSRF token, for buttons that POST."""


class DatesForm(FlaskForm):
    """How a member reads dates; "" keeps the community's choice, whatever it becomes."""

    time_zone = SelectField("Time zone", description="Dates and times on pages are shown in this zone. "
                                                     "Emails to everyone use the community's.")
    date_order = SelectField("Dates read")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        config = current_app.config
        self.time_zone.choices = {"": f"The community's: {config['DISPLAY_TIMEZONE'].replace('_', ' ')}",
                                  **{name: name.replace("_", " ") for name in zone_names()}}
        self.date_order.choices = {"": f"The community's: {DATE_ORDERS[config['DATE_ORDER']]}", **DATE_ORDERS}


class DeleteAccountForm(FlaskForm):
    posts = RadioField("Your posts", default="keep", choices={
        "keep": "Keep them in the discussions, under the name “Deleted member”",
        "remove": "Delete them too (where others replied, a “[deleted]” placeholder keeps the replies in place)",
    })
    password = PasswordField("Your password", validators=[InputRequired("Type your password to confirm.")])
