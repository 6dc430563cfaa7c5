"""The settings form for a new API token, and the revoke button's."""
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField
from wtforms.validators import DataRequired, InputRequired, Length

from ..forms.fields import strip_line
from ..models.api_tokens import READ, READ_WRITE


class NewTokenForm(FlaskForm):
    name = StringField("Name", filters=[strip_line],
                       validators=[DataRequired("Give the token a name, such as the tool that will use it."),
                                   Length(max=80, message="Keep the name under 80 characters.")],
                       description="What will use it, e.g. “School newsletter”.")
    scope = RadioField("It may", choices={READ: "Read what I can read",
                                          READ_WRITE: "Read, and post replies and new threads as me"},
                       default=READ, validators=[InputRequired("Choose what the token may do.")])


class RevokeForm(FlaskForm):
    """Only the CSRF token: the token to revoke is in the address."""
