"""Search as the forum's pages use it: marking what changed for the index (indexing) and the search
page (views), and rebuilding and syncing the index (cli). The engines themselves are in the top-level
search/ package."""
from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """The search page, and the search commands."""
    from . import cli, views

    app.register_blueprint(views.bp)
    app.cli.add_command(cli.search_group)
