"""The webinar panel's questions: the queue, its order and schedule (queue), where each stands and
publishing them into the discussion (questions), reading a pasted list (paste), the moderators'
pages and forms (views, forms), the panel page open to all and members asking ahead (page,
page_views, asking; minutes: the moment in the recording) and publishing what is due from cron (cli)."""
from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """The moderators' pages for panel questions, the panel page, and the panel command."""
    from . import cli, page_views, views

    app.register_blueprint(views.bp)
    app.register_blueprint(page_views.bp)
    app.cli.add_command(cli.panel)
