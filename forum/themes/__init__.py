"""The months' themes: which is current, next and archived, creating and editing one with its panel
and resources (months), the theme pages (views), and the moderators' pages and forms that edit a theme
(editing_views, forms)."""
from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """The theme pages, and the moderators' pages that edit a theme."""
    from . import editing_views, views

    app.register_blueprint(views.bp)
    app.register_blueprint(editing_views.bp)
