"""Members' accounts: joining, signing in, passwords, email address, closing an account and roles
(membership), password hashing (passwords), signed links (tokens), a member's own data (member_data),
the members directory's search (directory), and their pages and forms (auth_views, auth_forms: join,
log in, reset; views, forms: the directory, profiles and settings) and the users commands (cli)."""
from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """The pages for joining, signing in and settings, the members' pages, and the users commands."""
    from . import auth_views, cli, views

    app.register_blueprint(auth_views.bp)
    app.register_blueprint(views.bp)
    app.cli.add_command(cli.users)
