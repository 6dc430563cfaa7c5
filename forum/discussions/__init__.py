"""Discussions: threads and their posts. Writing them (posting, post_rows), reading them as pages
(reading, urls), what a member has read (tracking), @mentions, and the pages and forms (views,
forms, composing: the preview and a file sent with a post), and re-rendering stored posts (cli)."""
from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """The thread and post pages, and the posts command."""
    from . import cli, views

    app.register_blueprint(views.bp)
    app.cli.add_command(cli.posts)
