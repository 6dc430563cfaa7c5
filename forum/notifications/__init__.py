"""Notifications: who is told of a post and why (notify), the watch levels that decide it (watching),
opening one from the bell (opening), and the bell's page and its settings (views, forms). The emails
they become are in forum/mail/."""
from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """The notifications' pages and watching."""
    from . import views

    app.register_blueprint(views.bp)
