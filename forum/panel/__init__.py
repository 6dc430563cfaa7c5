"""The webinar panel's questions: the queue, its order and schedule (queue), where each stands and
publishing them into the discussion (questions), reading a pasted list (paste), the moderators'
pages and forms (views, forms) and publishing what is due from cron (cli)."""
from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """The moderators' pages for panel questions, and the panel command."""
    from . import cli, views

    app.register_blueprint(views.bp)
    app.cli.add_command(cli.panel)
