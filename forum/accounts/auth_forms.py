"""Joining and logging in."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField
from wtforms.validators import DataRequired, Email, InputRequired, Length

from ..forms.fields import NewPassword, display_name_field, lower_email


class JoinForm(FlaskForm):
    display_name = display_name_field(
        "Tell us your name, as colleagues know you.",
        description="Shown with everything you post, e.g. “Maria Lopez”.",
    )
    email = EmailField(
        "Email",
        filters=[lower_email],
        validators=[
            DataRequired("Enter your email address."),
            Length(max=254),
            Email("Enter an email address like name@school.org."),
        ],
        description="Used to log in. Never shown to other members.",
    )
    password = PasswordField(
        "Password",
        validators=[InputRequired("Choose a password."), NewPassword()],
        description="At least 10 characters. A short sentence works well.",
    )


class LoginForm(FlaskForm):
    email = EmailField(
        "Email",
        filters=[lower_email],
        validators=[DataRequired("Enter your email address."), Length(max=254)],
    )
    password = PasswordField(
        "Password",
        validators=[InputRequired("Enter your password."), Length(max=1024)],
    )
    remember = BooleanField("Keep me logged in on this device")
    next = HiddenField()


class ForgotPasswordForm(FlaskForm):
    email = EmailField(
        "Email",
        filters=[lower_email],
        validators=[DataRequired("Enter the email address of your account."), Length(max=254),
                    Email("Enter an email address like name@school.org.")],
    )

