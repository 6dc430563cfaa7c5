"""What other tools read: the Atom feeds of latest posts and threads (atom), a theme's dates as a
calendar file (ical), and their addresses (views)."""
from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """The feeds' and calendar files' addresses."""
    from . import views

    app.register_blueprint(views.bp)
