"""Command-line tools: flask --app app <group> <command>."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup, with_appcontext

from .extensions import db
from .forms.fields import check_password_strength
from .models import ROLES, User
from .passwords import hash_password
from .text import clean_line


def create_tables() -> None:
    """Create any missing tables; existing ones and their rows are kept."""
    db.create_all()


@click.command("init-db")
@with_appcontext
def init_db_command():
    """Create missing tables (existing data is kept)."""
    create_tables()
    click.echo("Database ready.")


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


def init_app(app: Flask) -> None:
    app.cli.add_command(init_db_command)
    app.cli.add_command(users)
