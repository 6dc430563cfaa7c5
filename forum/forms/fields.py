"""Validators, filters and a base form shared by several forms."""
from __future__ import annotations

import re
from functools import lru_cache

from flask import current_app, request
from flask_wtf import FlaskForm
from wtforms import FileField
from wtforms.validators import ValidationError

from ..core.errors import abort_with
from ..core.text import clean_line, clean_text


class FormWithFile(FlaskForm):
    """A form that may carry a file (its view is @takes_files): only its file fields read file parts."""

    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form, formdata):
            wrapped = super().wrap_formdata(form, formdata)
            if wrapped is not None and request.files:
                # Flask-WTF reads files and text from one mapping, so a file part named like a
                # text field would reach code that expects a string (a 500, not a refusal).
                for field in form:
                    if field.name in request.files and not isinstance(field, FileField):
                        abort_with(400, f"The field {field.name} takes text, not a file.")
            return wrapped



@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The 30,000 most common passwords, from zxcvbn's lists (MIT licence, shipped with the package)."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


# "Password1!" is "password" with the usual decorations: digits and signs at the ends.
_DECORATION = re.compile(r"^[\W\d_]+|[\W\d_]+$")


def is_common(password: str) -> bool:
    lowered = password.lower()
    common = common_passwords()
    return lowered in common or _DECORATION.sub("", lowered) in common or len(set(password)) < 4


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
    if is_common(password):
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
