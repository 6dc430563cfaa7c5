"""Commands for member accounts: flask --app app users ..."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from ..core.extensions import db
from ..core.text import clean_line
from ..forms.fields import check_password_strength
from ..models import ROLES, OutgoingMail, User
from ..models.notifications import SENT
from .passwords import hash_password


users = AppGroup("users", help="Manage member accounts.")


@users.command("create")
@click.option("--email", required=True)
@click.option("--display-name", required=True)
@click.option("--role", type=click.Choice(ROLES), default="member", show_default=True)
@click.option("--password", help="Prompted for (hidden) when not given.")
def create_user(email: str, display_name: str, role: str, password: str | None):
    """Create an account with any role."""
    email = User.normalise_email(email)
    display_name = clean_line(display_name)
    if len(display_name) < 2:
        raise click.ClickException("The display name needs at least 2 characters.")
    if "@" not in email:
        raise click.ClickException(f"{email!r} is not an email address.")
    if User.by_email(email) is not None:
        raise click.ClickException(f"An account with email {email} already exists.")
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    problem = check_password_strength(password, email=email, name=display_name)
    if problem:
        raise click.ClickException(f"Password rejected: {problem}")
    user = User(email=email, display_name=display_name, role=role,
                password_hash=hash_password(password))
    db.session.add(user)
    db.session.commit()
    click.echo(f"Created {role} {display_name} <{email}> (id {user.id}).")


def _member(email: str) -> User:
    user = User.by_email(email)
    if user is None:
        raise click.ClickException(f"No account uses {User.normalise_email(email)}.")
    return user


@users.command("set-password")
@click.argument("email")
def set_password(email: str):
    """Set a member's password (prompted, hidden); every session of theirs ends."""
    from .membership import change_password

    user = _member(email)
    password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
    problem = check_password_strength(password, email=user.email, name=user.display_name)
    if problem:
        raise click.ClickException(f"Password rejected: {problem}")
    change_password(user, password)
    click.echo(f"Password set for {user.display_name} <{user.email}>; their other sessions are signed out.")


@users.command("invite")
@click.argument("email")
def invite(email: str):
    """Email a member a link to choose a password (a reset link if they have one already)."""
    from ..mail import emails, mailer
    from . import tokens

    user = _member(email)
    purpose = tokens.RESET if user.can_log_in else tokens.INVITATION
    mail = emails.queue_password_link(user, purpose)
    db.session.commit()
    mail_id = mail.id
    mailer.send_due()  # now, rather than waiting for the worker
    mail = db.session.get(OutgoingMail, mail_id)
    what = "a reset link" if purpose == tokens.RESET else "an invitation"
    if mail.status == SENT:
        click.echo(f"Sent {what} to {user.email} (valid for {tokens.valid_for(purpose)}).")
    else:
        click.echo(f"The mail server did not take {what} to {user.email} yet ({mail.last_error or 'waiting'}); "
                   "the worker keeps trying.")
