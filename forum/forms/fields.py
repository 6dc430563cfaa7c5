"""Validators and filters shared by several forms."""
from __future__ import annotations

from flask import current_app
from wtforms.validators import ValidationError

from ..text import clean_line, clean_text

# A few very common passwords that pass a length rule; a fuller breached-password
# check would need a list or a service we do not ship.
COMMON_PASSWORDS = frozenset(
    {
        "1234567890", "12345678910", "123456789a", "0123456789", "qwertyuiop",
        "password12", "password123", "password1234", "passw0rd123", "iloveyou12",
        "abcdefghij", "1q2w3e4r5t", "qwerty1234", "1qaz2wsx3edc", "letmein123",
        "welcome123", "teacher123", "changeme123", "aaaaaaaaaa", "0000000000",
        "1111111111", "administrator", "football123", "sunshine123",
    }
)


def strip_line(value):
    return clean_line(value) if isinstance(value, str) else value


def strip_text(value):
    return clean_text(value) if isinstance(value, str) else value


def lower_email(value):
    return clean_line(value).lower() if isinstance(value, str) else value


def check_password_strength(password: str, *, email: str = "", name: str = "") -> str | None:
    """Return what is wrong with a new password, or None when it is acceptable."""
    config = current_app.config
    minimum, maximum = config["PASSWORD_MIN_LENGTH"], config["PASSWORD_MAX_LENGTH"]
    if len(password) < minimum:
        return f"Use at least {minimum} characters."
    if len(password) > maximum:
        return f"Use at most {maximum} characters."
    lowered = password.lower()
    if lowered in COMMON_PASSWORDS or len(set(password)) < 4:
        return "That password is too easy to guess. Try a short sentence you'll remember."
    if email and lowered == email.lower():
        return "Your password can't be your email address."
    if name and lowered == name.lower():
        return "Your password can't be your name."
    return None


class NewPassword:
    """Validator for a password being chosen, reading the rules from config."""

    def __init__(self, email_field: str = "email", name_field: str = "display_name"):
        self.email_field = email_field
        self.name_field = name_field

    def __call__(self, form, field):
        email = getattr(form, self.email_field, None)
        name = getattr(form, self.name_field, None)
        problem = check_password_strength(
            field.data or "",
            email=(email.data or "") if email is not None else "",
            name=(name.data or "") if name is not None else "",
        )
        if problem:
            raise ValidationError(problem)


def display_name_field(empty_message: str, **kwargs):
    """A member's full name: the same rules on joining and in settings."""
    from wtforms import StringField
    from wtforms.validators import DataRequired, Length

    return StringField(
        "Full name",
        filters=[strip_line],
        validators=[DataRequired(empty_message),
                    Length(min=2, max=80, message="Use between 2 and 80 characters.")],
        **kwargs,
    )
