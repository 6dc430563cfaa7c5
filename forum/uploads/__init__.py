"""Images and PDFs members attach to posts: what is kept and the quota (files), where the bytes
live (stores: a folder, or the database every app server shares), the addresses that serve them (views),
and copying them from one store to another (cli)."""
from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """The attached files' pages, and the uploads command."""
    from . import cli, views

    app.register_blueprint(views.bp)
    app.cli.add_command(cli.uploads_group)
